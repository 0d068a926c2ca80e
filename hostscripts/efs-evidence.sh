#!/usr/bin/env bash
#
# efs-evidence.sh: gathers, read-only, the evidence that decides whether an EFS
# mount of an awsvpc ECS task failed because the container instance's local
# resolver (dnsmasq on 127.0.0.1, the systemd-resolved stub) is unreachable
# from the task network namespace. The stopped task's reason cannot tell: since
# efs-utils 2.0 it says "Connection reset by peer" or "Failed to initialize
# tunnel", not that a lookup failed. This script asks the container instance:
#   1. resolv-fix.sh check: is a non-loopback nameserver among glibc's first
#      three? (healthy, or at risk)
#   2. resolv-fix.sh check --verify-host NAME: does the EFS name resolve
#      through the VPC resolver?
#   3. efs-utils' logs (/var/log/amazon/efs): the last line about the file
#      system, and whether a line shows a failed lookup.
# It changes nothing, anywhere.
#
# Runs by hand, or verbatim as an SSM aws:runShellScript step with
# resolv-fix.sh written next to it (the EfsEvidence Command document).
# Run "efs-evidence.sh --help" for usage.

set -o nounset
set -o pipefail
# JSON strings, DNS names and IP addresses: the rules all host scripts share.
# shellcheck source=hostscripts/hostlib.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/hostlib.sh" || exit 4

readonly PROG="efs-evidence.sh"
readonly DEFAULT_RESOLVER="169.254.169.253"
# efs-utils' LOG_DIR (src/efs_utils_common/constants.py).
readonly EFS_LOG_DIR="/var/log/amazon/efs"
# How much of each log file is read, and of a log line reported.
readonly LOG_TAIL_LINES=400
readonly LOG_LINE_MAX=300

readonly EXIT_OK=0
readonly EXIT_USAGE=2
# resolv-fix.sh's exit codes this script reads (its EXIT_OK, EXIT_AT_RISK, EXIT_VERIFY).
readonly RF_OK=0
readonly RF_AT_RISK=1
readonly RF_VERIFY=3

RESOLVER="${DEFAULT_RESOLVER}"
VERIFY_HOST=""
FILE_SYSTEM_ID=""
REGION=""
RESOLV_FIX=""
ROOT="/"

#######################################
# Prints the usage text on stdout.
#######################################
usage() {
  cat <<'EOF'
Usage: efs-evidence.sh --resolv-fix PATH [--resolver ADDR]
                       [--verify-host NAME | --file-system-id ID --region REGION]
                       [--root DIR]
       efs-evidence.sh --help

Read-only. Decides whether the container instance's resolv.conf explains a
failed EFS mount of an awsvpc task, and prints the verdict as the FIRST line:

  verdict=fix-host     resolv.conf is at risk (no non-loopback nameserver
                       among the first three) and the EFS name resolves
                       through the VPC resolver: the host fix will cure it
  verdict=healthy      resolv.conf is healthy: the mount failed for another
                       reason (the last efs-utils log line says which)
  verdict=not-dns      at risk, but the EFS name does not resolve through the
                       VPC resolver either (no mount target in the
                       Availability Zone, DNS hostnames off, wrong id)
  verdict=unknown      no EFS name to test, or the test could not run

then a "summary:" line, the efs-utils log evidence, and a JSON object as the
last line.

Options:
  --resolv-fix PATH      resolv-fix.sh, run with "check" (required)
  --resolver ADDR        the VPC resolver (default 169.254.169.253)
  --verify-host NAME     the EFS name to test
  --file-system-id ID    build the name from the file system id (fs-...) and
  --region REGION        the Region: ID.efs.REGION.amazonaws.com[.cn]
  --root DIR             read DIR/etc/resolv.conf and DIR/var/log/amazon/efs
                         (tests); default /

Exit codes: 0 a verdict was printed; 2 bad usage.
EOF
}

#######################################
# Prints an error on stderr and exits with 2 (bad usage).
# Arguments: message words.
#######################################
usage_error() {
  printf '%s: error: %s\n' "${PROG}" "$*" >&2
  exit "${EXIT_USAGE}"
}

#######################################
# Parses and validates the command line into the option globals.
# Arguments: the script's arguments.
#######################################
parse_args() {
  while (($# > 0)); do
    case "$1" in
      --help | -h)
        usage
        exit "${EXIT_OK}"
        ;;
      --resolv-fix | --resolver | --verify-host | --file-system-id | --region | --root)
        (($# >= 2)) || usage_error "$1 needs a value"
        case "$1" in
          --resolv-fix) RESOLV_FIX="$2" ;;
          --resolver) RESOLVER="$2" ;;
          --verify-host) VERIFY_HOST="$2" ;;
          --file-system-id) FILE_SYSTEM_ID="$2" ;;
          --region) REGION="$2" ;;
          --root) ROOT="$2" ;;
        esac
        shift 2
        ;;
      *) usage_error "unknown argument: $1 (see --help)" ;;
    esac
  done
  [[ -n "${RESOLV_FIX}" && -f "${RESOLV_FIX}" ]] || usage_error "--resolv-fix must name resolv-fix.sh"
  [[ -d "${ROOT}" ]] || usage_error "--root ${ROOT}: not a directory"
  is_resolver_address "${RESOLVER}" || usage_error "--resolver must be a unicast IP address (the VPC resolver)"
  # An empty value is "not given": the SSM document passes every parameter.
  if [[ -n "${VERIFY_HOST}" ]]; then
    is_dns_name "${VERIFY_HOST}" || usage_error "--verify-host must be a valid DNS name"
  fi
  if [[ -n "${FILE_SYSTEM_ID}" ]]; then
    [[ "${FILE_SYSTEM_ID}" =~ ^fs-[0-9a-f]{8,17}$ ]] || usage_error "--file-system-id must look like fs-0123456789abcdef0"
    [[ "${REGION}" =~ ^[a-z]{2}(-[a-z]+)+-[0-9]$ ]] || usage_error "--file-system-id needs --region, a Region name such as us-east-1"
  fi
}

#######################################
# The EFS name to test: --verify-host, else the file system's regional name.
# Outputs: the name, or nothing.
#######################################
efs_name() {
  if [[ -n "${VERIFY_HOST}" ]]; then
    printf '%s' "${VERIFY_HOST%.}"
  elif [[ -n "${FILE_SYSTEM_ID}" ]]; then
    # China Regions use the amazonaws.com.cn domain.
    if [[ "${REGION}" == cn-* ]]; then
      printf '%s.efs.%s.amazonaws.com.cn' "${FILE_SYSTEM_ID}" "${REGION}"
    else
      printf '%s.efs.%s.amazonaws.com' "${FILE_SYSTEM_ID}" "${REGION}"
    fi
  fi
}

#######################################
# Runs resolv-fix.sh check (read-only) and prints its exit code.
# Arguments: extra arguments (e.g. --verify-host NAME).
#######################################
resolv_fix_check() {
  bash "${RESOLV_FIX}" check --resolver "${RESOLVER}" --root "${ROOT}" "$@" >/dev/null 2>&1
  printf '%d' $?
}

#######################################
# Reads efs-utils' logs for lines about the file system or name.
# Arguments: the file system id or name to look for (may be empty: any line).
# Outputs: two lines: "yes" or "no" (a failed lookup was logged), then the last
# matching line, cleaned (printable ASCII, at most LOG_LINE_MAX characters).
#######################################
efs_log_evidence() {
  local key="$1" dir="${ROOT%/}${EFS_LOG_DIR}" lines="" last="" failed=no
  local -a logs=()
  if [[ -d "${dir}" ]]; then
    mapfile -t logs < <(find "${dir}" -maxdepth 1 -type f -name '*.log' -printf '%T@ %p\n' 2>/dev/null | sort -n | cut -d' ' -f2-)
  fi
  if ((${#logs[@]} > 0)); then
    lines="$(for f in "${logs[@]}"; do tail -n "${LOG_TAIL_LINES}" -- "${f}" 2>/dev/null; done \
      | grep -F -e "${key:-fs-}" | tr -cd '[:print:]\n')"
  fi
  if grep -q -E 'Failed to resolve|failed to lookup address|Name or service not known|Temporary failure in name resolution|No address associated with hostname' <<<"${lines}"; then
    failed=yes
  fi
  last="$(tail -n 1 <<<"${lines}")"
  printf '%s\n%s\n' "${failed}" "${last:0:${LOG_LINE_MAX}}"
}

main() {
  parse_args "$@"
  local name check verify="" verdict summary
  name="$(efs_name)"
  check="$(resolv_fix_check)"
  local key="${FILE_SYSTEM_ID:-${name%%.*}}"
  local evidence failed_lookup last_line
  evidence="$(efs_log_evidence "${key}")"
  failed_lookup="$(head -n 1 <<<"${evidence}")"
  last_line="$(tail -n +2 <<<"${evidence}")"
  local seen="no efs-utils log line about ${key:-the file system}"
  [[ -n "${last_line}" ]] && seen="last efs-utils log line: ${last_line}"

  case "${check}" in
    "${RF_OK}")
      verdict=healthy
      summary="resolv.conf is healthy (a non-loopback nameserver is among the first three); the mount failed for another reason: ${seen}"
      ;;
    "${RF_AT_RISK}")
      if [[ -z "${name}" ]]; then
        verdict=unknown
        summary="resolv.conf is at risk, but no EFS name is known to test through the VPC resolver ${RESOLVER}; nothing changed"
      else
        verify="$(resolv_fix_check --verify-host "${name}")"
        case "${verify}" in
          "${RF_AT_RISK}")
            verdict=fix-host
            summary="resolv.conf is at risk (only loopback nameservers among the first three) and ${name} resolves through the VPC resolver ${RESOLVER}: the local resolver is the cause"
            ;;
          "${RF_VERIFY}")
            verdict=not-dns
            summary="resolv.conf is at risk, but ${name} does not resolve through the VPC resolver ${RESOLVER} either: not the local resolver (no mount target in the Availability Zone, DNS hostnames disabled, or a wrong file system id); ${seen}"
            ;;
          *)
            verdict=unknown
            summary="resolv.conf is at risk, but resolving ${name} through ${RESOLVER} could not be tested (resolv-fix.sh exit ${verify}); nothing changed"
            ;;
        esac
      fi
      ;;
    *)
      verdict=unknown
      summary="resolv-fix.sh check could not read resolv.conf (exit ${check}); nothing changed"
      ;;
  esac

  # The runbook branches on the first line; keep it first.
  printf 'verdict=%s\n' "${verdict}"
  printf 'summary: %s\n' "${summary}"
  printf 'efs-utils logged a failed lookup: %s\n' "${failed_lookup}"
  printf '{"verdict":%s,"name":%s,"resolver":%s,"check_exit":%d,"verify_exit":%s,"failed_lookup_logged":%s,"last_log_line":%s}\n' \
    "$(json_str "${verdict}")" "$(json_str "${name}")" "$(json_str "${RESOLVER}")" "${check}" \
    "${verify:-null}" "$([[ "${failed_lookup}" == yes ]] && echo true || echo false)" "$(json_str "${last_line}")"
  exit "${EXIT_OK}"
}

main "$@"
