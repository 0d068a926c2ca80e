#!/usr/bin/env bash
#
# fleet-hook.sh: the lab's container instances as the local control plane's lab hook (LabHook) reaches them,
# for fleet-rollback.bats: several instances, each its own /etc copy and network namespace, listed in
# FLEET_LAB_DIR/fleet-instances as "EC2_ID ETC_DIR NETNS" lines. Needs root.
#
# Usage: fleet-hook.sh instance-exec EC2_ID COMMAND...   run a command on that instance (SSM Run Command);
#                                                        exits with its exit code
# Exit codes: the command's own; 2 bad usage; 4 no lab, or an instance the lab does not have.

set -o nounset
set -o pipefail

FLEET_HOOK_HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly FLEET_HOOK_HERE
# shellcheck source=hostscripts/lab/lib.sh
source "${FLEET_HOOK_HERE}/../../../hostscripts/lab/lib.sh"

#######################################
# Prints an error on stderr and exits. Arguments: exit code, message.
#######################################
die() {
  local code="$1"
  shift
  printf 'fleet-hook.sh: error: %s\n' "$*" >&2
  exit "${code}"
}

main() {
  [[ "${EUID}" -eq 0 ]] || die 4 "run as root (network namespaces)"
  [[ "${1:-}" == instance-exec && $# -ge 3 ]] || die 2 "usage: fleet-hook.sh instance-exec EC2_ID COMMAND..."
  LAB_ID="${FLEET_LAB_ID:-}"
  LAB_DIR="${FLEET_LAB_DIR:-}"
  [[ "${LAB_ID}" =~ ^[A-Za-z0-9]{1,24}$ && "${LAB_DIR}" == /tmp/ecs-dns-lab."${LAB_ID}".* \
    && -f "${LAB_DIR}/fleet-instances" ]] || die 4 "FLEET_LAB_ID and FLEET_LAB_DIR do not name a live fleet lab"
  local id etc ns
  while read -r id etc ns; do
    if [[ "${id}" == "$2" ]]; then
      shift 2
      # lab_view_exec refuses an /etc that is not a copy of this lab's.
      lab_view_exec "${etc}" "${ns}" "$@"
      return
    fi
  done <"${LAB_DIR}/fleet-instances"
  die 4 "instance $2 is not one of the lab's container instances"
}

main "$@"
