#!/usr/bin/env bash
#
# run.sh: reproduce the awsvpc + EFS + local resolver failure in network
# namespaces, cure it with resolv-fix.sh, measure, roll back, and clean up.
# Needs root. Progress goes to stderr; the last line on stdout is one JSON
# object:
#   {"broken_resolves": bool, "fixed_resolves": bool,
#    "rolled_back_resolves": bool, "fixed_ms_p50": number,
#    "direct_ms_p50": number}
# With --lo-down it also measures lookups with lo DOWN in the task network
# namespace and adds "lo_down_fixed_ms_p50", "lo_down_fixed_timeout1_ms_p50"
# and "lo_down_direct_ms_p50".
#
# Usage: run.sh [--count N] [--lo-down] [--help]
# Exit codes: 0 failure -> cure -> failure shown as expected; 1 the lab ran
# but a phase did not behave as expected; 2 bad usage; 4 environment error.

set -o nounset
set -o pipefail

LAB_HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly LAB_HERE
readonly RESOLV_FIX="${LAB_HERE}/../resolv-fix.sh"
# shellcheck source=hostscripts/lab/lib.sh
source "${LAB_HERE}/lib.sh"

COUNT=25
LO_DOWN=false

usage() {
  sed -n '3,17s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
}

#######################################
# Prints an error on stderr and exits.
# Arguments: exit code, message.
#######################################
die() {
  local code="$1"
  shift
  printf 'run.sh: error: %s\n' "$*" >&2
  exit "${code}"
}

#######################################
# Runs lookups, logs them, prints the p50 and sets RESOLVED (true if all
# lookups resolved).
# Arguments: label, name, count, view.
#######################################
measure() {
  local label="$1" name="$2" count="$3" view="$4" out
  out="$(lab_task_resolve "${name}" "${count}" "${view}")"
  if grep -q '^fail' <<<"${out}" || [[ -z "${out}" ]]; then
    RESOLVED=false
  else
    RESOLVED=true
  fi
  P50="$(lab_p50 <<<"${out}")"
  lab_log "${label}: $(grep -c '^ok' <<<"${out}")/${count} resolved, p50 ${P50} ms"
}

#######################################
# Measures the fixed and the direct lookups in alternating rounds of 5, so
# that load on the machine weighs on both alike.
# Arguments: name, count.
# Globals: sets FIXED_RESOLVED, FIXED_P50, DIRECT_P50.
#######################################
measure_pair() {
  local name="$1" count="$2" fixed_out="" direct_out="" done=0 n
  while ((done < count)); do
    n=$((count - done < 5 ? count - done : 5))
    fixed_out+="$(lab_task_resolve "${name}" "${n}" instance)"$'\n'
    direct_out+="$(lab_task_resolve "${name}" "${n}" direct)"$'\n'
    done=$((done + n))
  done
  fixed_out="$(grep . <<<"${fixed_out}")"
  direct_out="$(grep . <<<"${direct_out}")"
  FIXED_RESOLVED=true
  if grep -q '^fail' <<<"${fixed_out}" || (($(grep -c '^ok' <<<"${fixed_out}") != count)); then
    FIXED_RESOLVED=false
  fi
  FIXED_P50="$(lab_p50 <<<"${fixed_out}")"
  DIRECT_P50="$(lab_p50 <<<"${direct_out}")"
  lab_log "fixed (127.0.0.1 then ${LAB_VPC_RESOLVER}, lo up): $(grep -c '^ok' <<<"${fixed_out}")/${count} resolved, p50 ${FIXED_P50} ms"
  lab_log "direct (${LAB_VPC_RESOLVER} only): $(grep -c '^ok' <<<"${direct_out}")/${count} resolved, p50 ${DIRECT_P50} ms"
}

main() {
  while (($# > 0)); do
    case "$1" in
      --count)
        if [[ ! "${2:-}" =~ ^[0-9]+$ ]] || (($2 < 20 || $2 > 1000)); then
          die 2 "--count needs a number from 20 to 1000"
        fi
        COUNT="$2"
        shift
        ;;
      --lo-down) LO_DOWN=true ;;
      -h | --help)
        usage
        exit 0
        ;;
      *) die 2 "unknown argument $1" ;;
    esac
    shift
  done
  [[ "${EUID}" -eq 0 ]] || die 4 "run as root (network namespaces)"
  [[ -r "${RESOLV_FIX}" ]] || die 4 "cannot find ${RESOLV_FIX}"

  local host_before
  host_before="$(lab_host_resolv_state)"
  trap 'lab_down' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  lab_up || die 4 "could not build the lab"

  local name="${LAB_EFS_NAME}" ok=true
  local broken fixed rolled fixed_p50 direct_p50 extra=""

  measure "broken (instance resolv.conf: 127.0.0.1 only)" "${name}" 3 instance
  broken="${RESOLVED}"

  lab_log "verify-host with a name the VPC resolver does not know (expect exit 3)"
  local unknown="fs-0fffffffffffffff0.efs.us-east-1.amazonaws.com" rc before
  before="$(sha256sum <"${LAB_DIR}/etc/resolv.conf")"
  lab_instance_exec bash "${RESOLV_FIX}" fix --verify-host "${unknown}" >&2
  rc=$?
  if ((rc != 3)) || [[ "$(sha256sum <"${LAB_DIR}/etc/resolv.conf")" != "${before}" ]]; then
    lab_log "UNEXPECTED: exit ${rc} or resolv.conf changed"
    ok=false
  fi

  lab_log "resolv-fix.sh fix on the container instance"
  lab_instance_exec bash "${RESOLV_FIX}" fix --verify-host "${name}" --json >&2 \
    || { lab_log "UNEXPECTED: fix failed"; ok=false; }
  sed 's/^/    /' "${LAB_DIR}/etc/resolv.conf" >&2

  measure_pair "${name}" "${COUNT}"
  fixed="${FIXED_RESOLVED}"
  fixed_p50="${FIXED_P50}"
  direct_p50="${DIRECT_P50}"

  if [[ "${LO_DOWN}" == true ]]; then
    lab_task_lo down
    measure "lo DOWN, fixed, options timeout:2" "${name}" 3 instance
    extra+=",\"lo_down_fixed_ms_p50\":${P50}"
    sed -i 's/^options timeout:2 attempts:5$/options timeout:1 attempts:5/' "${LAB_DIR}/etc/resolv.conf"
    measure "lo DOWN, fixed, options timeout:1" "${name}" 3 instance
    extra+=",\"lo_down_fixed_timeout1_ms_p50\":${P50}"
    sed -i 's/^options timeout:1 attempts:5$/options timeout:2 attempts:5/' "${LAB_DIR}/etc/resolv.conf"
    measure "lo DOWN, direct" "${name}" 3 direct
    extra+=",\"lo_down_direct_ms_p50\":${P50}"
    lab_task_lo up
  fi

  lab_log "resolv-fix.sh rollback on the container instance"
  lab_instance_exec bash "${RESOLV_FIX}" rollback >&2 \
    || { lab_log "UNEXPECTED: rollback failed"; ok=false; }
  measure "rolled back" "${name}" 3 instance
  rolled="${RESOLVED}"

  lab_down
  if [[ "$(lab_host_resolv_state)" != "${host_before}" ]]; then
    lab_log "UNEXPECTED: the host's /etc/resolv.conf changed"
    ok=false
  fi
  [[ "${broken}" == false && "${fixed}" == true && "${rolled}" == false ]] || ok=false
  lab_log "failure -> cure -> failure: $([[ "${ok}" == true ]] && echo confirmed || echo NOT confirmed)"

  printf '{"broken_resolves":%s,"fixed_resolves":%s,"rolled_back_resolves":%s,"fixed_ms_p50":%s,"direct_ms_p50":%s%s}\n' \
    "${broken}" "${fixed}" "${rolled}" "${fixed_p50}" "${direct_p50}" "${extra}"
  [[ "${ok}" == true ]]
}

main "$@"
