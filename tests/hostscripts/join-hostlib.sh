#!/usr/bin/env bash
#
# join-hostlib.sh: prints a host script as the SSM documents and the safe
# capacity's download carry it: hostscripts/hostlib.sh in place of the line
# that sources it. infra/Documents/HostScript.cs joins at synth time;
# Infra.Tests holds this copy to the synthesized documents byte for byte, so
# that the bats suites, which run this output, judge what ships.
# Usage: join-hostlib.sh SCRIPT [LIBRARY]   (LIBRARY defaults to hostlib.sh
# next to SCRIPT). Exit 2 on bad usage or more than one source line.

set -o nounset
set -o pipefail

# shellcheck disable=SC2016 # the line is text to find, not to expand
readonly SOURCE_LINE='source "$(dirname -- "${BASH_SOURCE[0]}")/hostlib.sh" || exit 4'

main() {
  (($# == 1 || $# == 2)) || { echo "join-hostlib.sh: usage: join-hostlib.sh SCRIPT [LIBRARY]" >&2; exit 2; }
  local script="$1" library="${2:-$(dirname -- "$1")/hostlib.sh}"
  [[ -f "${script}" && -f "${library}" ]] || { echo "join-hostlib.sh: error: ${script} or ${library} is not a file" >&2; exit 2; }
  local count
  count="$(grep -cxF -- "${SOURCE_LINE}" "${script}")"
  ((count <= 1)) || { echo "join-hostlib.sh: error: ${script} sources the library ${count} times" >&2; exit 2; }
  awk -v line="${SOURCE_LINE}" -v library="${library}" '
    $0 == line { while ((getline l < library) > 0) print l; next }
    { print }' "${script}"
}

main "$@"
