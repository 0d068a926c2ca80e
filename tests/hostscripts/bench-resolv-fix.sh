#!/usr/bin/env bash
#
# Prints how long resolv-fix.sh takes, and its peak memory, on the files that
# matter for the size limit: a 10 MB file of 5 million lines (refused) and
# the worst files just under the 64 KiB limit (answered). Figures only, no
# assertion: the machine's load decides them. Needs GNU time (/usr/bin/time)
# for memory; without it, prints times only.
# Usage: tests/hostscripts/bench-resolv-fix.sh

set -o nounset
set -o pipefail

SCRIPT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../hostscripts" && pwd)/resolv-fix.sh"
readonly SCRIPT

# Runs one action on ROOT and prints "name action seconds KiB exit".
# Globals: WORK (scratch directory).
# Arguments: name, root, action.
measure() {
  local name="$1" root="$2" action="$3" out rc
  if [[ -x /usr/bin/time ]]; then
    /usr/bin/time -o "${WORK}/time" -f '%e %M' "${SCRIPT}" "${action}" --root "${root}" >/dev/null 2>&1
    rc=$?
    out="$(tail -n 1 "${WORK}/time")"
  else
    local start="${EPOCHREALTIME}"
    "${SCRIPT}" "${action}" --root "${root}" >/dev/null 2>&1
    rc=$?
    out="$(awk -v a="${start}" -v b="${EPOCHREALTIME}" 'BEGIN { printf "%.2f -", b - a }')"
  fi
  printf '%-34s %-6s %8s s %8s KiB  exit %s\n' "${name}" "${action}" "${out% *}" "${out#* }" "${rc}"
}

main() {
  WORK="$(mktemp -d)" || exit 4
  trap 'rm -rf "${WORK}"' EXIT
  mkdir -p "${WORK}/etc"
  local conf="${WORK}/etc/resolv.conf" kind action
  yes '#' | head -n 5000000 >"${conf}"
  for action in check fix; do
    measure "10 MB, 5 million lines" "${WORK}" "${action}"
  done
  for kind in comments blank-lines loopback-servers ipv6-servers; do
    for action in check fix; do
      rm -f "${WORK}"/etc/*.bak
      case "${kind}" in
        comments) yes '#' ;;
        blank-lines) yes '' ;;
        loopback-servers) yes 'nameserver 127.0.0.1' ;;
        ipv6-servers) { echo 'nameserver 127.0.0.1'; yes 'nameserver 1::1'; } ;;
      esac | head -c 65000 >"${conf}"
      measure "64 KiB of ${kind}" "${WORK}" "${action}"
    done
  done
}

main "$@"
