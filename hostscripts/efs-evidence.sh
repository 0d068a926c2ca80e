#!/usr/bin/env bash
#
# efs-evidence.sh: gathers, read-only, the evidence that decides whether an EFS
# mount of an awsvpc ECS task failed because the container instance's local
# resolver (dnsmasq on 127.0.0.1, the systemd-resolved stub) is unreachable
# from the task network namespace; current reasons rarely say (Docker's plugin
# timeout, efs-proxy's reset). It asks the container instance:
# resolv-fix.sh check (at risk?), then check --verify-host NAME for every EFS
# name (resolves, answered "no address", or no answer?), and the logs of
# efs-utils and the ECS volume plugin. Changes nothing. Embedded verbatim in
# the EfsEvidence Command document with resolv-fix.sh. See --help.

set -o nounset
set -o pipefail
# Bytes, not characters: grep reads invalid UTF-8 as text; [[:print:]] is ASCII.
LC_ALL=C
export LC_ALL
# JSON strings, DNS names and IP addresses: the rules all host scripts share.
# (SC1091 only says that shellcheck without -x does not follow it; CI's -x does.)
# shellcheck source=hostscripts/hostlib.sh disable=SC1091
source "$(dirname -- "${BASH_SOURCE[0]}")/hostlib.sh" || exit 4

readonly PROG="efs-evidence.sh"
readonly DEFAULT_RESOLVER="169.254.169.253"
# efs-utils' LOG_DIR (src/efs_utils_common/constants.py).
readonly EFS_LOG_DIR="/var/log/amazon/efs"
# The ECS volume plugin's log, rolled into NAME.DATE files (amazon-ecs-agent
# v1.105.0, ecs-init/volumes/logger/log.go).
readonly PLUGIN_LOG_DIR="/var/log/ecs"
readonly PLUGIN_LOG_NAME="ecs-volume-plugin.log"
readonly LOG_TAIL_LINES=400
readonly LOG_LINE_MAX=300
# A failed lookup in nfs-utils' words (EAI_AGAIN shows as EAGAIN's text),
# glibc's (gai_strerror) or efs-proxy's.
readonly FAILED_LOOKUP='Failed to resolve|failed to lookup address|Name or service not known|Temporary failure in name resolution|No address associated with hostname|mount\.nfs4: Resource temporarily unavailable'

readonly EXIT_OK=0
readonly EXIT_USAGE=2
# resolv-fix.sh's exit codes read here.
readonly RF_OK=0
readonly RF_AT_RISK=1
readonly RF_VERIFY=3

RESOLVER="${DEFAULT_RESOLVER}"
VERIFY_HOST=""
FILE_SYSTEM_IDS=()
REGION=""
RESOLV_FIX=""
ROOT="/"
RF_EXIT=0
RF_ERROR=""

usage() {
  cat <<'EOF'
Usage: efs-evidence.sh --resolv-fix PATH [--resolver ADDR] [--verify-host NAME]
         [--file-system-id ID|LIST]... [--region REGION] [--root DIR]

Read-only. The FIRST output line is the verdict: fix-host (resolv.conf at
risk and every EFS name resolves through the VPC resolver), healthy, not-dns
(at risk; the VPC resolver answers that a name has no address) or unknown (no
name, or one could not be tested); then a summary, and JSON last.

  --resolv-fix PATH   resolv-fix.sh (required)
  --resolver ADDR     the VPC resolver (default 169.254.169.253)
  --verify-host NAME  an EFS name to test
  --file-system-id ID a file system whose name (ID.efs.REGION.amazonaws.com)
                      to test; repeatable, or a JSON list ["fs-1","fs-2"]
  --region REGION     the Region of the ids
  --root DIR          read DIR/etc and DIR/var/log (tests)

Exit codes: 0 a verdict was printed; 2 bad usage.
EOF
}

# Prints an error on stderr and exits 2 (bad usage).
usage_error() {
  printf '%s: error: %s\n' "${PROG}" "$*" >&2
  exit "${EXIT_USAGE}"
}

#######################################
# Adds file system ids: one id, or a StringList as SSM Agent writes it into
# a command line, its JSON (amazon-ssm-agent agent/parameters/parameters.go).
# Empty, [] and null add none.
#######################################
add_file_system_ids() {
  local id
  local -a ids=()
  [[ "$1" != *[[:space:]]* ]] || usage_error "--file-system-id must look like fs-0123456789abcdef0"
  IFS=, read -r -a ids <<<"${1//[\[\]\"]/}"
  for id in "${ids[@]}"; do
    [[ "${id}" == null ]] && continue
    [[ "${id}" =~ ^fs-[0-9a-f]{8,17}$ ]] || usage_error "--file-system-id must look like fs-0123456789abcdef0"
    FILE_SYSTEM_IDS+=("${id}")
  done
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
          --file-system-id) add_file_system_ids "$2" ;;
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
  if ((${#FILE_SYSTEM_IDS[@]} > 0)); then
    [[ "${REGION}" =~ ^[a-z]{2}(-[a-z]+)+-[0-9]$ ]] || usage_error "--file-system-id needs --region, a Region name such as us-east-1"
  fi
}

# Prints the EFS names to test, one a line, each once.
efs_names() {
  local id domain=amazonaws.com
  # China Regions use amazonaws.com.cn.
  [[ "${REGION}" == cn-* ]] && domain+=.cn
  {
    [[ -n "${VERIFY_HOST}" ]] && printf '%s\n' "${VERIFY_HOST%.}"
    for id in "${FILE_SYSTEM_IDS[@]}"; do
      printf '%s.efs.%s.%s\n' "${id}" "${REGION}" "${domain}"
    done
  } | awk '!seen[tolower($0)]++'
}

# Runs resolv-fix.sh check (read-only) with extra arguments; sets RF_EXIT and
# RF_ERROR (its error line, if any).
resolv_fix_check() {
  local err
  err="$(bash "${RESOLV_FIX}" check --resolver "${RESOLVER}" --root "${ROOT}" "$@" 2>&1 >/dev/null)"
  RF_EXIT=$?
  err="$(tail -n 1 <<<"${err}" | tr -cd '[:print:]')"
  RF_ERROR="${err#resolv-fix.sh: error: }"
}

# Prints the lines of the logs in DIR named GLOB (oldest file first) that hold
# one of the keys or an extra pattern, cleaned to printable ASCII. grep -a:
# a NUL byte would make grep print "binary file matches" instead of lines.
# Arguments: dir, glob, grep arguments (-e PATTERN...).
log_lines() {
  local dir="${ROOT%/}$1" glob="$2" f
  shift 2
  [[ -d "${dir}" ]] || return 0
  find "${dir}" -maxdepth 1 -type f -name "${glob}" -printf '%T@ %p\n' 2>/dev/null | sort -n | cut -d' ' -f2- \
    | while IFS= read -r f; do tail -n "${LOG_TAIL_LINES}" -- "${f}" 2>/dev/null; done \
    | grep -a -F "$@" | tr -cd '[:print:]\n'
}

main() {
  parse_args "$@"
  local -a names=() keys=(-e fs-) results=() exits=() why=()
  local name i decided=-1 verdict summary
  mapfile -t names < <(efs_names)
  ((${#names[@]} > 0)) && keys=()
  for name in "${names[@]}"; do
    keys+=(-e "${name%%.*}")
  done

  local efs plugin failed=no last_line plugin_line seen
  efs="$(log_lines "${EFS_LOG_DIR}" '*.log' "${keys[@]}")"
  plugin="$(log_lines "${PLUGIN_LOG_DIR}" "${PLUGIN_LOG_NAME}*" "${keys[@]}" -e 'mounting volume failed')"
  grep -q -E "${FAILED_LOOKUP}" <<<"${efs}"$'\n'"${plugin}" && failed=yes
  last_line="$(tail -n 1 <<<"${efs}")"
  last_line="${last_line:0:${LOG_LINE_MAX}}"
  plugin_line="$(tail -n 1 <<<"${plugin}")"
  plugin_line="${plugin_line:0:${LOG_LINE_MAX}}"
  seen="no efs-utils log line about the file system"
  [[ -n "${last_line}" ]] && seen="last efs-utils log line: ${last_line}"
  [[ -n "${plugin_line}" ]] && seen+="; last volume plugin log line: ${plugin_line}"

  resolv_fix_check
  local check="${RF_EXIT}"
  if ((check == RF_OK)); then
    verdict=healthy
    summary="resolv.conf is healthy (a non-loopback nameserver is among the first three); the mount failed for another reason: ${seen}"
  elif ((check != RF_AT_RISK)); then
    verdict=unknown
    summary="resolv-fix.sh check could not read resolv.conf (exit ${check}: ${RF_ERROR}); nothing changed"
  elif ((${#names[@]} == 0)); then
    verdict=unknown
    summary="resolv.conf is at risk, but no EFS name is known to test through the VPC resolver ${RESOLVER}; nothing changed"
  else
    for i in "${!names[@]}"; do
      resolv_fix_check --verify-host "${names[i]}"
      exits[i]="${RF_EXIT}"
      why[i]="${RF_ERROR}"
      case "${RF_EXIT}" in
        "${RF_AT_RISK}") results[i]=resolves ;;
        "${RF_VERIFY}") results[i]=no-address ;;
        *) results[i]=not-tested ;;
      esac
    done
    # An answered "no address" outweighs a name not tested: the task cannot
    # mount that file system whatever the host fix does.
    verdict=fix-host
    decided=0
    for i in "${!names[@]}"; do
      if [[ "${results[i]}" == no-address ]]; then
        verdict=not-dns decided="${i}"
        break
      elif [[ "${results[i]}" == not-tested && "${verdict}" == fix-host ]]; then
        verdict=unknown decided="${i}"
      fi
    done
    case "${verdict}" in
      fix-host) summary="resolv.conf is at risk (only loopback nameservers among the first three) and ${names[*]} $( ((${#names[@]} == 1)) && echo resolves || echo each resolve) through the VPC resolver ${RESOLVER}: the local resolver is the cause" ;;
      not-dns) summary="resolv.conf is at risk, but ${names[decided]} does not resolve through the VPC resolver ${RESOLVER} either (it answers that the name has no address): not the local resolver (no mount target in the Availability Zone, DNS hostnames disabled, or a wrong file system id); ${seen}" ;;
      unknown) summary="resolv.conf is at risk, but ${names[decided]} could not be tested through the VPC resolver ${RESOLVER}: ${why[decided]:-resolv-fix.sh exit ${exits[decided]}}; nothing changed" ;;
    esac
  fi

  # The runbook branches on the first line; keep it first.
  printf 'verdict=%s\nsummary: %s\na failed lookup was logged: %s\n' "${verdict}" "${summary}" "${failed}"
  local lookups="" sep=""
  for i in "${!results[@]}"; do
    lookups+="${sep}{\"name\":$(json_str "${names[i]}"),\"result\":\"${results[i]}\",\"verify_exit\":${exits[i]}}"
    sep=","
  done
  # The name that decided, else the first.
  local first="" first_exit=null
  if ((${#names[@]} > 0)); then
    ((decided < 0)) && decided=0
    first="${names[decided]}"
    first_exit="${exits[decided]:-null}"
  fi
  printf '{"verdict":"%s","name":%s,"resolver":%s,"check_exit":%d,"verify_exit":%s,"lookups":[%s],"failed_lookup_logged":%s,"last_log_line":%s,"last_volume_plugin_log_line":%s}\n' \
    "${verdict}" "$(json_str "${first}")" "$(json_str "${RESOLVER}")" "${check}" \
    "${first_exit}" "${lookups}" "$([[ "${failed}" == yes ]] && echo true || echo false)" \
    "$(json_str "${last_line}")" "$(json_str "${plugin_line}")"
  exit "${EXIT_OK}"
}

main "$@"
