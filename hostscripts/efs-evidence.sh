#!/usr/bin/env bash
#
# efs-evidence.sh: gathers, read-only, the evidence that decides whether an EFS
# mount of an awsvpc ECS task failed because the container instance's local
# resolver (dnsmasq on 127.0.0.1, the systemd-resolved stub) is unreachable
# from the task network namespace. The stopped task's reason cannot tell: on
# current hosts it may say only that Docker's call to the volume plugin timed
# out, or that efs-proxy reset the connection. This script asks the container
# instance:
#   1. resolv-fix.sh check: is a non-loopback nameserver among glibc's first
#      three? (healthy, or at risk)
#   2. resolv-fix.sh check --verify-host NAME, for every EFS name of the task
#      (each EFS volume's file system, and the name the reason gave): does it
#      resolve through the VPC resolver, does the resolver answer that it has
#      no address (NXDOMAIN), or does it not answer at all?
#   3. the logs of efs-utils (/var/log/amazon/efs) and of the ECS volume
#      plugin (/var/log/ecs/ecs-volume-plugin.log*): the last line about the
#      file systems, and whether a line shows a failed lookup. Read as bytes:
#      a NUL or invalid UTF-8 byte hides no later line.
# It changes nothing, anywhere.
#
# Runs by hand, or verbatim as an SSM aws:runShellScript step with
# resolv-fix.sh written next to it (the EfsEvidence Command document).
# Run "efs-evidence.sh --help" for usage.

set -o nounset
set -o pipefail
# Bytes, not characters: grep reads a log with invalid UTF-8 as text, and
# [[:print:]] is ASCII-only.
LC_ALL=C
export LC_ALL

readonly PROG="efs-evidence.sh"
readonly DEFAULT_RESOLVER="169.254.169.253"
# efs-utils' LOG_DIR (src/efs_utils_common/constants.py): mount.log and the
# efs-proxy logs.
readonly EFS_LOG_DIR="/var/log/amazon/efs"
# The ECS volume plugin's log, rolled hourly into NAME.DATE files
# (amazon-ecs-agent v1.105.0, ecs-init/volumes/logger/log.go: logFileFormat,
# a seelog rollingfile of type date).
readonly PLUGIN_LOG_DIR="/var/log/ecs"
readonly PLUGIN_LOG_NAME="ecs-volume-plugin.log"
# How much of each log file is read, and of a log line reported.
readonly LOG_TAIL_LINES=400
readonly LOG_LINE_MAX=300
# Texts of a failed lookup: nfs-utils ("Failed to resolve server", and
# EAI_AGAIN reported as EAGAIN's strerror), glibc's gai_strerror, efs-proxy.
readonly FAILED_LOOKUP='Failed to resolve|failed to lookup address|Name or service not known|Temporary failure in name resolution|No address associated with hostname|mount\.nfs4: Resource temporarily unavailable'

readonly EXIT_OK=0
readonly EXIT_USAGE=2
# resolv-fix.sh's exit codes this script reads (its EXIT_OK, EXIT_AT_RISK,
# EXIT_VERIFY, EXIT_ENV).
readonly RF_OK=0
readonly RF_AT_RISK=1
readonly RF_VERIFY=3

RESOLVER="${DEFAULT_RESOLVER}"
VERIFY_HOST=""
FILE_SYSTEM_IDS=()
REGION=""
RESOLV_FIX=""
ROOT="/"
# Set by resolv_fix_check.
RF_EXIT=0
RF_ERROR=""

#######################################
# Prints the usage text on stdout.
#######################################
usage() {
  cat <<'EOF'
Usage: efs-evidence.sh --resolv-fix PATH [--resolver ADDR] [--verify-host NAME]
                       [--file-system-id ID]... [--file-system-ids LIST]
                       [--region REGION] [--root DIR]
       efs-evidence.sh --help

Read-only. Decides whether the container instance's resolv.conf explains a
failed EFS mount of an awsvpc task, and prints the verdict as the FIRST line:

  verdict=fix-host     resolv.conf is at risk (no non-loopback nameserver
                       among the first three) and every EFS name resolves
                       through the VPC resolver: the host fix will cure it
  verdict=healthy      resolv.conf is healthy: the mount failed for another
                       reason (the last log line says which)
  verdict=not-dns      at risk, but the VPC resolver answers that an EFS name
                       has no address (NXDOMAIN: no mount target in the
                       Availability Zone, DNS hostnames off, wrong id)
  verdict=unknown      no EFS name to test, or a name could not be tested
                       (the VPC resolver did not answer)

then a "summary:" line, the log evidence, and a JSON object as the last line.

Options:
  --resolv-fix PATH      resolv-fix.sh, run with "check" (required)
  --resolver ADDR        the VPC resolver (default 169.254.169.253)
  --verify-host NAME     an EFS name to test
  --file-system-id ID    an EFS file system id (fs-...); repeat for each
  --file-system-ids LIST file system ids as SSM Run Command writes a
                         StringList parameter: a JSON array, ["fs-1","fs-2"]
  --region REGION        the Region of the ids: ID.efs.REGION.amazonaws.com[.cn]
  --root DIR             read DIR/etc/resolv.conf, DIR/var/log/amazon/efs and
                         DIR/var/log/ecs (tests); default /

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
# Escapes a string for a JSON string literal; drops other control characters.
# Arguments: the string. Outputs: the quoted string.
#######################################
json_str() {
  local s="$1"
  s="${s//\\/\\\\}"
  s="${s//\"/\\\"}"
  s="${s//$'\t'/ }"
  s="${s//[$'\001'-$'\037']/}"
  printf '"%s"' "${s}"
}

#######################################
# Succeeds if the argument is a DNS name: letters, digits, hyphens in labels
# of 1 to 63, at most 253 characters, no label starting or ending with "-".
#######################################
is_dns_name() {
  local name="$1" label
  [[ -n "${name}" && ${#name} -le 253 && "${name}" =~ ^[A-Za-z0-9.-]+$ ]] || return 1
  [[ "${name}" != .* && "${name}" != *..* && "${name}" != *. ]] || return 1
  local -a labels=()
  IFS=. read -r -a labels <<<"${name}"
  for label in "${labels[@]}"; do
    [[ ${#label} -ge 1 && ${#label} -le 63 && "${label}" != -* && "${label}" != *- ]] || return 1
  done
}

#######################################
# Adds file system ids from SSM's rendering of a StringList parameter inside
# a command line: the JSON of the list (amazon-ssm-agent,
# agent/parameters/parameters.go, ReplaceParameters: a parameter inside a
# string is replaced by its value marshaled as JSON). The agent has checked
# each element against the document's allowedPattern; this checks again.
# Arguments: the list text. Globals: appends to FILE_SYSTEM_IDS.
#######################################
add_file_system_ids() {
  local list="$1" id
  local -r one='"fs-[0-9a-f]{8,17}"'
  # An empty list may come as [], null or nothing.
  [[ -z "${list}" || "${list}" == "[]" || "${list}" == null ]] && return 0
  [[ "${list}" =~ ^\[${one}(,${one})*\]$ ]] \
    || usage_error "--file-system-ids must be a JSON array of file system ids, such as [\"fs-0123456789abcdef0\"]"
  list="${list//[\[\]\"]/}"
  local -a ids=()
  IFS=, read -r -a ids <<<"${list}"
  for id in "${ids[@]}"; do
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
      --resolv-fix | --resolver | --verify-host | --file-system-id | --file-system-ids | --region | --root)
        (($# >= 2)) || usage_error "$1 needs a value"
        case "$1" in
          --resolv-fix) RESOLV_FIX="$2" ;;
          --resolver) RESOLVER="$2" ;;
          --verify-host) VERIFY_HOST="$2" ;;
          --file-system-id)
            # An empty value is "not given": the SSM document passes every parameter.
            if [[ -n "$2" ]]; then
              [[ "$2" =~ ^fs-[0-9a-f]{8,17}$ ]] || usage_error "--file-system-id must look like fs-0123456789abcdef0"
              FILE_SYSTEM_IDS+=("$2")
            fi
            ;;
          --file-system-ids) add_file_system_ids "$2" ;;
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
  if [[ -n "${VERIFY_HOST}" ]]; then
    is_dns_name "${VERIFY_HOST}" || usage_error "--verify-host must be a valid DNS name"
  fi
  if ((${#FILE_SYSTEM_IDS[@]} > 0)); then
    [[ "${REGION}" =~ ^[a-z]{2}(-[a-z]+)+-[0-9]$ ]] || usage_error "--file-system-id needs --region, a Region name such as us-east-1"
  fi
}

#######################################
# The EFS names to test, each once: --verify-host, then each file system's
# regional name.
# Outputs: one name a line.
#######################################
efs_names() {
  local id
  {
    if [[ -n "${VERIFY_HOST}" ]]; then
      printf '%s\n' "${VERIFY_HOST%.}"
    fi
    for id in "${FILE_SYSTEM_IDS[@]}"; do
      # China Regions use the amazonaws.com.cn domain.
      if [[ "${REGION}" == cn-* ]]; then
        printf '%s.efs.%s.amazonaws.com.cn\n' "${id}" "${REGION}"
      else
        printf '%s.efs.%s.amazonaws.com\n' "${id}" "${REGION}"
      fi
    done
  } | awk '!seen[tolower($0)]++'
}

#######################################
# Runs resolv-fix.sh check (read-only).
# Arguments: extra arguments (e.g. --verify-host NAME).
# Globals: sets RF_EXIT (its exit code) and RF_ERROR (its error line, if any).
#######################################
resolv_fix_check() {
  local err
  err="$(bash "${RESOLV_FIX}" check --resolver "${RESOLVER}" --root "${ROOT}" "$@" 2>&1 >/dev/null)"
  RF_EXIT=$?
  err="$(tail -n 1 <<<"${err}" | tr -cd '[:print:]')"
  RF_ERROR="${err#resolv-fix.sh: error: }"
}

#######################################
# Prints the last LOG_TAIL_LINES lines of each file, oldest file first, with
# every byte read as text.
# Arguments: files.
#######################################
tail_logs() {
  local f
  for f in "$@"; do
    tail -n "${LOG_TAIL_LINES}" -- "${f}" 2>/dev/null
  done
}

#######################################
# Lists the files of a directory whose names match a glob, oldest first.
# Arguments: directory, glob.
#######################################
logs_in() {
  [[ -d "$1" ]] || return 0
  find "$1" -maxdepth 1 -type f -name "$2" -printf '%T@ %p\n' 2>/dev/null | sort -n | cut -d' ' -f2-
}

#######################################
# Reads the logs of efs-utils and of the ECS volume plugin for lines about
# the file systems.
# Arguments: the file system ids or name labels to look for (none: any line
# naming a file system).
# Outputs: three lines: "yes" or "no" (a failed lookup was logged), the last
# efs-utils line, the last volume plugin line (a failed mount, or one naming
# a file system). Lines are cleaned: printable ASCII, at most LOG_LINE_MAX
# characters.
#######################################
log_evidence() {
  local -a keys=() efs=() plugin=()
  local key efs_lines plugin_lines failed=no
  for key in "${@:-fs-}"; do
    keys+=(-e "${key}")
  done
  mapfile -t efs < <(logs_in "${ROOT%/}${EFS_LOG_DIR}" '*.log')
  mapfile -t plugin < <(logs_in "${ROOT%/}${PLUGIN_LOG_DIR}" "${PLUGIN_LOG_NAME}*")
  efs_lines=""
  plugin_lines=""
  # grep -a: a NUL byte would make grep print "binary file matches" instead
  # of the lines; tr then drops every byte that is not printable ASCII.
  if ((${#efs[@]} > 0)); then
    efs_lines="$(tail_logs "${efs[@]}" | grep -a -F "${keys[@]}" | tr -cd '[:print:]\n')"
  fi
  if ((${#plugin[@]} > 0)); then
    plugin_lines="$(tail_logs "${plugin[@]}" | grep -a -F "${keys[@]}" -e 'mounting volume failed' | tr -cd '[:print:]\n')"
  fi
  if grep -q -E "${FAILED_LOOKUP}" <<<"${efs_lines}"$'\n'"${plugin_lines}"; then
    failed=yes
  fi
  local last_efs last_plugin
  last_efs="$(tail -n 1 <<<"${efs_lines}")"
  last_plugin="$(tail -n 1 <<<"${plugin_lines}")"
  printf '%s\n%s\n%s\n' "${failed}" "${last_efs:0:${LOG_LINE_MAX}}" "${last_plugin:0:${LOG_LINE_MAX}}"
}

main() {
  parse_args "$@"
  local -a names=() keys=()
  local name
  mapfile -t names < <(efs_names)
  for name in "${names[@]}"; do
    keys+=("${name%%.*}")
  done

  local evidence failed_lookup last_line plugin_line
  evidence="$(log_evidence "${keys[@]}")"
  failed_lookup="$(sed -n 1p <<<"${evidence}")"
  last_line="$(sed -n 2p <<<"${evidence}")"
  plugin_line="$(sed -n 3p <<<"${evidence}")"
  local seen="no efs-utils log line about ${keys[*]:-the file system}"
  [[ -n "${last_line}" ]] && seen="last efs-utils log line: ${last_line}"
  [[ -n "${plugin_line}" ]] && seen+="; last volume plugin log line: ${plugin_line}"

  resolv_fix_check
  local check="${RF_EXIT}" verdict summary
  # One result per name: resolves, no-address (the resolver answered
  # NXDOMAIN or no record), not-tested (it did not answer, or the test could
  # not run).
  local -a results=() exits=() why=()
  local i decided=-1
  case "${check}" in
    "${RF_OK}")
      verdict=healthy
      summary="resolv.conf is healthy (a non-loopback nameserver is among the first three); the mount failed for another reason: ${seen}"
      ;;
    "${RF_AT_RISK}")
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
      verdict=fix-host
      for i in "${!names[@]}"; do
        if [[ "${results[i]}" == no-address ]]; then
          verdict=not-dns
          decided="${i}"
          break
        fi
      done
      if [[ "${verdict}" == fix-host ]]; then
        for i in "${!names[@]}"; do
          if [[ "${results[i]}" == not-tested ]]; then
            verdict=unknown
            decided="${i}"
            break
          fi
        done
      fi
      if ((${#names[@]} == 0)); then
        verdict=unknown
        summary="resolv.conf is at risk, but no EFS name is known to test through the VPC resolver ${RESOLVER}; nothing changed"
      else
        case "${verdict}" in
          fix-host)
            decided=0
            summary="resolv.conf is at risk (only loopback nameservers among the first three) and ${names[*]} resolve$( ((${#names[@]} == 1)) && echo s) through the VPC resolver ${RESOLVER}: the local resolver is the cause"
            ;;
          not-dns)
            summary="resolv.conf is at risk, but ${names[decided]} does not resolve through the VPC resolver ${RESOLVER} either (it answers that the name has no address): not the local resolver (no mount target in the Availability Zone, DNS hostnames disabled, or a wrong file system id); ${seen}"
            ;;
          unknown)
            summary="resolv.conf is at risk, but ${names[decided]} could not be tested through the VPC resolver ${RESOLVER}: ${why[decided]:-resolv-fix.sh exit ${exits[decided]}}; nothing changed"
            ;;
        esac
      fi
      ;;
    *)
      verdict=unknown
      summary="resolv-fix.sh check could not read resolv.conf (exit ${check}: ${RF_ERROR}); nothing changed"
      ;;
  esac

  # The runbook branches on the first line; keep it first.
  printf 'verdict=%s\n' "${verdict}"
  printf 'summary: %s\n' "${summary}"
  printf 'a failed lookup was logged: %s\n' "${failed_lookup}"
  local lookups="" sep=""
  for i in "${!names[@]}"; do
    lookups+="${sep}{\"name\":$(json_str "${names[i]}"),\"result\":$(json_str "${results[i]:-not-tested}"),\"verify_exit\":${exits[i]:-null}}"
    sep=","
  done
  local first_name="" first_exit=""
  if ((decided >= 0)); then
    first_name="${names[decided]}"
    first_exit="${exits[decided]:-}"
  elif ((${#names[@]} > 0)); then
    first_name="${names[0]}"
  fi
  printf '{"verdict":%s,"name":%s,"resolver":%s,"check_exit":%d,"verify_exit":%s,"lookups":[%s],"failed_lookup_logged":%s,"last_log_line":%s,"last_volume_plugin_log_line":%s}\n' \
    "$(json_str "${verdict}")" "$(json_str "${first_name}")" "$(json_str "${RESOLVER}")" "${check}" \
    "${first_exit:-null}" "${lookups}" "$([[ "${failed_lookup}" == yes ]] && echo true || echo false)" \
    "$(json_str "${last_line}")" "$(json_str "${plugin_line}")"
  exit "${EXIT_OK}"
}

main "$@"
