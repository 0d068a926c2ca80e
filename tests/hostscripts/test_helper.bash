# Shared set-up for the host script bats suites: bats helpers, paths, a
# fixture root per test and a test-only PATH of fake service managers that
# log their calls instead of acting.

load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'
load '/usr/lib/bats/bats-file/load'

# Paths used by the suites that load this file.
HOSTSCRIPTS="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../hostscripts" && pwd)"
# shellcheck disable=SC2034 # used by the suites that load this file
RESOLV_FIX="${HOSTSCRIPTS}/resolv-fix.sh"
# shellcheck disable=SC2034 # used by the suites that load this file
DIAGNOSE="${HOSTSCRIPTS}/diagnose-task-netns.sh"

# Prints the path of SCRIPT (a file name in hostscripts/) joined with
# hostlib.sh, as the safe capacity downloads it; written once per test file.
joined_script() {
  local joined="${BATS_FILE_TMPDIR}/joined/$1"
  if [[ ! -f "${joined}" ]]; then
    mkdir -p "${joined%/*}"
    "${BATS_TEST_DIRNAME}/join-hostlib.sh" "${HOSTSCRIPTS}/$1" >"${joined}.tmp" \
      && chmod +x "${joined}.tmp" && mv "${joined}.tmp" "${joined}" || return 1
  fi
  printf '%s\n' "${joined}"
}

# Creates ROOT (a fixture root with etc/), FAKEBIN (on PATH first) and
# CALLS (the log every fake appends "name args" to).
common_setup() {
  ROOT="${BATS_TEST_TMPDIR}/root"
  FAKEBIN="${BATS_TEST_TMPDIR}/bin"
  CALLS="${BATS_TEST_TMPDIR}/calls.log"
  mkdir -p "${ROOT}/etc" "${FAKEBIN}"
  local tool
  for tool in systemctl nmcli resolvectl service dhclient; do
    fake_logger "${tool}"
  done
  PATH="${FAKEBIN}:${PATH}"
  export PATH CALLS
}

# Writes a fake command that logs its arguments to CALLS and succeeds.
fake_logger() {
  cat >"${FAKEBIN}/$1" <<FAKE
#!/usr/bin/env bash
printf '%s %s\n' "$1" "\$*" >>"\${CALLS}"
FAKE
  chmod +x "${FAKEBIN}/$1"
}

# Writes a fake unshare for --verify-host: it answers for the names listed
# in KNOWN_NAMES (one per line) with an address, as resolv-fix.sh's lookup
# prints it; for the names in SILENT_NAMES it exits as that lookup does when
# the resolver does not answer (11); for any other name as when the resolver
# answers that it has no address (2). It logs the resolver and name.
fake_unshare() {
  KNOWN_NAMES="${BATS_TEST_TMPDIR}/known-names"
  SILENT_NAMES="${BATS_TEST_TMPDIR}/silent-names"
  : >"${KNOWN_NAMES}"
  : >"${SILENT_NAMES}"
  export KNOWN_NAMES SILENT_NAMES
  cat >"${FAKEBIN}/unshare" <<'FAKE'
#!/usr/bin/env bash
name="${*: -1}"
resolver="${*: -2:1}"
printf 'unshare resolver=%s name=%s\n' "${resolver}" "${name}" >>"${CALLS}"
if grep -qxF -- "${name}" "${KNOWN_NAMES}"; then
  printf '10.0.3.10\n'
  exit 0
fi
grep -qxF -- "${name}" "${SILENT_NAMES}" && exit 11
exit 2
FAKE
  chmod +x "${FAKEBIN}/unshare"
}

# Prints a listing (path, type, size, mode, link, checksum) of a directory
# tree, or of one file, for "nothing changed" comparisons. Paths are relative
# to $1, so the working directory does not matter. Fails on a missing $1.
tree_state() {
  if [[ -d "$1" ]]; then
    (cd -- "$1" || exit 1
      find . -printf '%p %y %s %m %l\n' | LC_ALL=C sort
      find . -type f -exec sha256sum {} + | LC_ALL=C sort)
  elif [[ -e "$1" || -L "$1" ]]; then
    find "$1" -maxdepth 0 -printf '%y %s %m %l\n'
    if [[ -f "$1" ]]; then sha256sum <"$1"; fi
  else
    echo "tree_state: $1: no such file or directory" >&2
    return 1
  fi
}

# Prints the last line of $output.
last_line() {
  # shellcheck disable=SC2154 # set by bats' run
  printf '%s\n' "${output}" | tail -n 1
}
