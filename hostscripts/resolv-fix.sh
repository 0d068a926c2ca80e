#!/usr/bin/env bash
#
# resolv-fix.sh: check, fix and roll back the container instance's resolv.conf
# so that mount.nfs4, run by the ECS volume plugin inside a task network
# namespace (awsvpc), can reach a DNS server. A local resolver on loopback
# (dnsmasq on 127.0.0.1, the systemd-resolved stub on 127.0.0.53) does not
# listen in the task network namespace; the host fix keeps the local resolver
# first and puts the VPC resolver within the first three nameservers, which are
# all that glibc reads (MAXNS).
#
# Runs by hand, or verbatim as an SSM aws:runShellScript step: it depends on
# nothing next to its own file. Pure bash, coreutils, util-linux and getent.
# Run "resolv-fix.sh --help" for usage and exit codes.

set -o nounset
set -o pipefail

readonly PROG="resolv-fix.sh"
readonly DEFAULT_RESOLVER="169.254.169.253"
readonly TAG="ecs-dns-remediation"
readonly BACKUP_SUFFIX=".${TAG}.bak"
readonly NM_CONF_NAME="90-${TAG}.conf"
# How long fix/rollback wait for another run's lock; the environment may
# shorten it (tests), never to a non-number.
LOCK_WAIT_SECONDS=30
if [[ "${RESOLV_FIX_LOCK_WAIT:-}" =~ ^[0-9]{1,4}$ ]]; then
  LOCK_WAIT_SECONDS="${RESOLV_FIX_LOCK_WAIT}"
fi
readonly LOCK_WAIT_SECONDS
readonly MAXNS=3

readonly EXIT_OK=0
readonly EXIT_AT_RISK=1
readonly EXIT_USAGE=2
readonly EXIT_VERIFY=3
readonly EXIT_ENV=4

# Options, set once by parse_args.
ACTION=""
RESOLVER="${DEFAULT_RESOLVER}"
ROOT="/"
VERIFY_HOST=""
DRY_RUN=false
JSON=false

# State reported in the JSON summary.
MANAGER="static"
VERDICT=""
CHANGED=false
WOULD_CHANGE=false
BACKUP_REPORTED=""
VERIFY_RESOLVES=""
PERSISTENCE=()
REPORT_NS=()

# The file being worked on, as lines, plus whether it ended in a newline.
LINES=()
FINAL_NEWLINE=true
# Line indexes (into LINES) of the nameservers glibc uses, in order, and
# their addresses.
NS_LINE=()
NS_ADDR=()

#######################################
# Prints the usage text.
# Outputs: usage on stdout.
#######################################
usage() {
  cat <<'EOF'
Usage: resolv-fix.sh ACTION [--resolver ADDR] [--root DIR] [--verify-host NAME]
                            [--dry-run] [--json]
       resolv-fix.sh --help

Keeps EFS mounts of awsvpc ECS tasks working on a container instance that runs
a local resolver (dnsmasq, systemd-resolved stub) on a loopback address.

Actions:
  check      Report whether resolv.conf is healthy: at least one of the first
             three nameservers (all that glibc reads) is not a loopback
             address. Also names the manager that writes resolv.conf.
  fix        Keep the local resolver first and put the VPC resolver within the
             first three nameservers; every other line is kept. A healthy file
             is left byte-identical. Makes the change persistent with the
             manager found (dhclient, systemd-resolved, NetworkManager).
  rollback   Restore the original resolv.conf byte for byte from the backup
             and undo the persistence changes.

Options:
  --resolver ADDR     VPC resolver, a literal IPv4 or IPv6 address without a
                      zone id (default 169.254.169.253).
  --root DIR          Work on DIR/etc/... instead of /etc (default /). With a
                      root other than /, nothing outside DIR is touched and no
                      service manager is called.
  --verify-host NAME  Before changing anything, confirm that NAME (a DNS name)
                      resolves through ADDR with getaddrinfo, as mount.nfs4
                      does. If not, exit 3 and change nothing.
  --dry-run           Show the change (a diff), change nothing.
  --json              Make the last line on stdout one JSON object.
  --help              This text.

Exit codes:
  0  ok: check found it healthy; fix fixed it or it was already healthy;
     rollback restored the original
  1  at risk (check only)
  2  bad usage or invalid parameter; nothing changed
  3  --verify-host NAME does not resolve through the VPC resolver; the cause
     is not the local resolver; nothing changed
  4  environment or I/O error (missing resolv.conf, no backup to roll back,
     lock timeout, write failure)

Files (under DIR):
  /etc/resolv.conf.ecs-dns-remediation.bak   original, written once
  /etc/dhcp/dhclient*.conf.ecs-dns-remediation.bak
  /etc/NetworkManager/conf.d/90-ecs-dns-remediation.conf
  /run/lock/ecs-dns-remediation.lock (or /etc/.ecs-dns-remediation.lock)
EOF
}

#######################################
# Prints an error message on stderr.
# Arguments: message words.
#######################################
err() {
  printf '%s: error: %s\n' "${PROG}" "$*" >&2
}

#######################################
# Prints an informational line (stdout; the JSON line, if any, comes last).
# Arguments: message words.
#######################################
say() {
  printf '%s\n' "$*"
}

#######################################
# Escapes a string for a JSON string literal.
# Arguments: the string.
# Outputs: the quoted JSON string on stdout.
#######################################
json_str() {
  local s="$1"
  s="${s//\\/\\\\}"
  s="${s//\"/\\\"}"
  s="${s//$'\n'/\\n}"
  s="${s//$'\r'/\\r}"
  s="${s//$'\t'/\\t}"
  # Any other control character is dropped rather than mis-encoded.
  s="${s//[$'\001'-$'\037']/}"
  printf '"%s"' "${s}"
}

#######################################
# Prints a JSON array of strings.
# Arguments: the strings.
#######################################
json_array() {
  local out="[" item sep=""
  for item in "$@"; do
    out+="${sep}$(json_str "${item}")"
    sep=","
  done
  printf '%s]' "${out}"
}

#######################################
# Prints the JSON summary line (only with --json).
# Globals: all report state.
# Arguments: exit code, error message or "".
#######################################
emit_json() {
  local code="$1" error="$2"
  [[ "${JSON}" == true ]] || return 0
  local verdict="null" backup="null" verify_host="null" verify="null"
  local error_json="null"
  [[ -n "${VERDICT}" ]] && verdict="$(json_str "${VERDICT}")"
  [[ -n "${BACKUP_REPORTED}" ]] && backup="$(json_str "${BACKUP_REPORTED}")"
  [[ -n "${VERIFY_HOST}" ]] && verify_host="$(json_str "${VERIFY_HOST}")"
  [[ -n "${VERIFY_RESOLVES}" ]] && verify="${VERIFY_RESOLVES}"
  [[ -n "${error}" ]] && error_json="$(json_str "${error}")"
  local action_json="null"
  [[ -n "${ACTION}" ]] && action_json="$(json_str "${ACTION}")"
  printf '{"action":%s,"verdict":%s,"manager":%s,"nameservers":%s,' \
    "${action_json}" "${verdict}" "$(json_str "${MANAGER}")" \
    "$(json_array "${REPORT_NS[@]+"${REPORT_NS[@]}"}")"
  printf '"changed":%s,"would_change":%s,"dry_run":%s,"backup":%s,' \
    "${CHANGED}" "${WOULD_CHANGE}" "${DRY_RUN}" "${backup}"
  printf '"persistence":%s,"resolver":%s,"verify_host":%s,' \
    "$(json_array "${PERSISTENCE[@]+"${PERSISTENCE[@]}"}")" \
    "$(json_str "${RESOLVER}")" "${verify_host}"
  printf '"verify_resolves":%s,"exit_code":%d,"error":%s}\n' \
    "${verify}" "${code}" "${error_json}"
}

#######################################
# Reports an error and exits with the given code.
# Arguments: exit code, message words.
#######################################
die() {
  local code="$1"
  shift
  err "$*"
  emit_json "${code}" "$*"
  exit "${code}"
}

#######################################
# Succeeds if the argument is a dotted-quad IPv4 address without leading
# zeros (so it cannot be read as octal).
#######################################
is_ipv4() {
  local a="$1" part
  [[ "${a}" =~ ^([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})$ ]] \
    || return 1
  for part in "${BASH_REMATCH[@]:1}"; do
    [[ "${part}" =~ ^(0|[1-9][0-9]*)$ ]] || return 1
    ((10#${part} <= 255)) || return 1
  done
}

#######################################
# Expands an IPv6 address (no zone id) to eight 4-digit lowercase groups.
# Sets a global instead of printing: no subshell (forks are what makes a
# loaded host slow).
# Arguments: the address.
# Globals: sets IPV6_X. Returns 1 if it is not valid.
#######################################
ipv6_expand() {
  local a="$1" head tail g hex
  IPV6_X=""
  local -a hg=() tg=() groups=()
  [[ -n "${a}" && ${#a} -le 45 && "${a}" =~ ^[0-9A-Fa-f:.]+$ ]] || return 1
  # An embedded IPv4 address may end the address; turn it into two groups.
  if [[ "${a}" =~ ^(.*:)([0-9.]+)$ && "${BASH_REMATCH[2]}" == *.* ]]; then
    local prefix="${BASH_REMATCH[1]}" v4="${BASH_REMATCH[2]}" o1 o2 o3 o4
    is_ipv4 "${v4}" || return 1
    IFS=. read -r o1 o2 o3 o4 <<<"${v4}"
    printf -v hex '%x:%x' $((o1 * 256 + o2)) $((o3 * 256 + o4))
    a="${prefix}${hex}"
  fi
  [[ "${a}" != *.* ]] || return 1
  if [[ "${a}" == *::* ]]; then
    head="${a%%::*}"
    tail="${a#*::}"
    [[ "${tail}" != *::* ]] || return 1
    [[ -z "${head}" ]] || IFS=: read -r -a hg <<<"${head}"
    [[ -z "${tail}" ]] || IFS=: read -r -a tg <<<"${tail}"
    ((${#hg[@]} + ${#tg[@]} <= 7)) || return 1
    groups=("${hg[@]+"${hg[@]}"}")
    local fill=$((8 - ${#hg[@]} - ${#tg[@]}))
    while ((fill-- > 0)); do groups+=(0); done
    groups+=("${tg[@]+"${tg[@]}"}")
  else
    [[ "${a}" != :* && "${a}" != *: ]] || return 1
    IFS=: read -r -a groups <<<"${a}"
    ((${#groups[@]} == 8)) || return 1
  fi
  local out="" sep=""
  for g in "${groups[@]}"; do
    [[ "${g}" =~ ^[0-9A-Fa-f]{1,4}$ ]] || return 1
    printf -v hex '%04x' "$((16#${g}))"
    out+="${sep}${hex}"
    sep=":"
  done
  IPV6_X="${out}"
}

#######################################
# Parses an IPv4 address the way glibc's inet_aton does (1 to 4 parts,
# decimal, octal with a leading 0, hex with 0x), as res_init does for
# nameserver lines.
# Arguments: the text.
# Globals: sets ATON_LOCAL to true (first octet 127, or all zero) or false.
# Returns 1 if glibc would not accept it.
#######################################
aton_first_octet() {
  local a="$1" part value
  local -a parts=() values=()
  [[ "${a}" =~ ^[0-9A-Fa-fXx.]+$ && "${a}" != *. && "${a}" != .* \
    && "${a}" != *..* ]] || return 1
  IFS=. read -r -a parts <<<"${a}"
  ((${#parts[@]} >= 1 && ${#parts[@]} <= 4)) || return 1
  for part in "${parts[@]}"; do
    if [[ "${part}" =~ ^0[xX][0-9A-Fa-f]+$ ]]; then
      ((${#part} <= 10)) || return 1
      value=$((16#${part:2}))
    elif [[ "${part}" =~ ^0[0-7]*$ ]]; then
      ((${#part} <= 12)) || return 1
      value=$((8#${part}))
    elif [[ "${part}" =~ ^[1-9][0-9]*$ ]]; then
      ((${#part} <= 10)) || return 1
      value=$((10#${part}))
    else
      return 1
    fi
    values+=("${value}")
  done
  local n=${#values[@]} i total
  for ((i = 0; i < n - 1; i++)); do
    ((values[i] <= 255)) || return 1
  done
  local last=${values[n - 1]} max=$((1 << (8 * (5 - n))))
  ((last < max)) || return 1
  case ${n} in
    1) total=${last} ;;
    2) total=$(((values[0] << 24) + last)) ;;
    3) total=$(((values[0] << 24) + (values[1] << 16) + last)) ;;
    *) total=$(((values[0] << 24) + (values[1] << 16) + (values[2] << 8) + last)) ;;
  esac
  ATON_LOCAL=false
  if (((total >> 24) == 127 || total == 0)); then
    ATON_LOCAL=true
  fi
}

#######################################
# Classifies a nameserver value as glibc's res_init reads it.
# Arguments: the value (first word after "nameserver").
# Globals: sets CLASS to "loopback" (127.0.0.0/8, 0.0.0.0, ::1, ::,
#   ::ffff:127.x), "remote", or "invalid" (glibc skips it).
#######################################
classify_ns() {
  local a="$1"
  CLASS="invalid"
  if aton_first_octet "${a}"; then
    CLASS="remote"
    if [[ "${ATON_LOCAL}" == true ]]; then
      CLASS="loopback"
    fi
    return 0
  fi
  # glibc accepts a scope id after % on IPv6 nameservers.
  if ipv6_expand "${a%%\%*}"; then
    if [[ "${a}" == *%* && ! "${a#*%}" =~ ^[A-Za-z0-9_.-]{1,15}$ ]]; then
      CLASS="invalid"
    elif [[ "${IPV6_X}" == "0000:0000:0000:0000:0000:0000:0000:0001" \
      || "${IPV6_X}" == "0000:0000:0000:0000:0000:0000:0000:0000" \
      || "${IPV6_X}" =~ ^0000:0000:0000:0000:0000:ffff:7f ]]; then
      CLASS="loopback"
    else
      CLASS="remote"
    fi
  fi
}

#######################################
# Sets KEY to a canonical form for comparing addresses (IPv6 expanded).
#######################################
addr_key() {
  KEY="$1"
  if ipv6_expand "$1"; then
    KEY="${IPV6_X}"
  fi
}

#######################################
# Succeeds if the argument is a valid DNS name: labels of letters, digits
# and hyphens, no leading or trailing hyphen, at most 63 characters per label
# and 253 in all; one trailing dot allowed.
#######################################
is_dns_name() {
  local name="${1%.}" label
  [[ -n "${name}" && ${#name} -le 253 ]] || return 1
  [[ "${name}" =~ ^[A-Za-z0-9.-]+$ ]] || return 1
  [[ "${name}" != .* && "${name}" != *..* && "${name}" != *. ]] || return 1
  local -a labels=()
  IFS=. read -r -a labels <<<"${name}"
  for label in "${labels[@]}"; do
    [[ ${#label} -ge 1 && ${#label} -le 63 ]] || return 1
    [[ "${label}" != -* && "${label}" != *- ]] || return 1
  done
}

#######################################
# Parses the command line into the option globals; validates strictly.
# Arguments: the script's arguments.
#######################################
parse_args() {
  local seen_root=false seen_verify=false
  while (($# > 0)); do
    case "$1" in
      -h | --help)
        usage
        exit "${EXIT_OK}"
        ;;
      check | fix | rollback)
        [[ -z "${ACTION}" ]] || die "${EXIT_USAGE}" "more than one action given"
        ACTION="$1"
        ;;
      --resolver | --root | --verify-host)
        (($# >= 2)) || die "${EXIT_USAGE}" "$1 needs a value"
        case "$1" in
          --resolver) RESOLVER="$2" ;;
          --root)
            ROOT="$2"
            seen_root=true
            ;;
          --verify-host)
            VERIFY_HOST="$2"
            seen_verify=true
            ;;
        esac
        shift
        ;;
      --resolver=* | --root=* | --verify-host=*)
        set -- "${1%%=*}" "${1#*=}" "${@:2}"
        continue
        ;;
      --dry-run) DRY_RUN=true ;;
      --json) JSON=true ;;
      *) die "${EXIT_USAGE}" "unknown argument (see --help)" ;;
    esac
    shift
  done
  [[ -n "${ACTION}" ]] || die "${EXIT_USAGE}" "no action given: check, fix or rollback (see --help)"

  if ! is_ipv4 "${RESOLVER}" && ! ipv6_expand "${RESOLVER}"; then
    local shown="${RESOLVER}"
    [[ "${shown}" =~ ^[A-Za-z0-9.:%_-]{0,64}$ ]] || shown="(not shown: contains unsafe characters)"
    RESOLVER=""
    die "${EXIT_USAGE}" "--resolver must be a literal IPv4 or IPv6 address without a zone id, got: ${shown}"
  fi
  classify_ns "${RESOLVER}"
  if [[ "${CLASS}" != remote ]]; then
    die "${EXIT_USAGE}" "--resolver ${RESOLVER} is a loopback or unspecified address; give the VPC resolver"
  fi
  if [[ "${seen_verify}" == true ]]; then
    if ! is_dns_name "${VERIFY_HOST}"; then
      VERIFY_HOST=""
      die "${EXIT_USAGE}" "--verify-host must be a valid DNS name"
    fi
    [[ "${ACTION}" != rollback ]] \
      || die "${EXIT_USAGE}" "--verify-host applies to check and fix, not rollback"
  fi
  if [[ "${seen_root}" == true ]]; then
    [[ -n "${ROOT}" && "${ROOT}" != *$'\n'* ]] || die "${EXIT_USAGE}" "--root must be a directory"
    [[ -d "${ROOT}" ]] || die "${EXIT_USAGE}" "--root ${ROOT} is not a directory"
  fi
  ROOT="${ROOT%/}"
  readonly ACTION RESOLVER ROOT VERIFY_HOST DRY_RUN JSON
}

#######################################
# Succeeds when the root is the real /, where services may be called.
#######################################
is_real_root() {
  [[ -z "${ROOT}" ]]
}

#######################################
# Resolves a symlink chain inside the root (absolute targets are taken
# relative to the root, so nothing outside it is read).
# Arguments: a path inside the root (with the root prefix).
# Outputs: the final path.
#######################################
resolve_in_root() {
  local path="$1" target i
  for ((i = 0; i < 16; i++)); do
    [[ -L "${path}" ]] || break
    target="$(readlink -- "${path}")" || return 1
    if [[ "${target}" == /* ]]; then
      path="${ROOT}${target}"
    else
      path="$(dirname -- "${path}")/${target}"
    fi
  done
  printf '%s' "${path}"
}

#######################################
# Reads a file into LINES and FINAL_NEWLINE.
# Arguments: path.
# Returns 1 if it cannot be read or holds NUL bytes.
#######################################
read_lines() {
  local path="$1" last size stripped
  [[ -f "${path}" && -r "${path}" ]] || return 1
  size="$(wc -c <"${path}")" || return 1
  stripped="$(LC_ALL=C tr -d '\000' <"${path}" | wc -c)" || return 1
  [[ "${size}" == "${stripped}" ]] || return 1
  LINES=()
  mapfile -t LINES <"${path}" || return 1
  last="$(tail -c 1 -- "${path}"; printf x)"
  FINAL_NEWLINE=true
  if ((size > 0)) && [[ "${last}" != $'\nx' ]]; then
    FINAL_NEWLINE=false
  fi
}

#######################################
# Writes lines to a file descriptor-less path, keeping the final-newline
# state.
# Arguments: path, final newline (true|false), lines...
#######################################
write_lines() {
  local path="$1" final="$2"
  shift 2
  local n=$# i=0 line
  {
    for line in "$@"; do
      i=$((i + 1))
      printf '%s' "${line}"
      if ((i < n)) || [[ "${final}" == true ]]; then
        printf '\n'
      fi
    done
  } >"${path}"
}

#######################################
# Finds the nameservers glibc uses: lines that start with "nameserver" and a
# blank, value up to a blank, "#" or ";", skipping values glibc rejects.
# Globals: reads LINES; sets NS_LINE, NS_ADDR (all valid ones, in order).
#######################################
parse_nameservers() {
  local i value
  NS_LINE=()
  NS_ADDR=()
  for i in "${!LINES[@]}"; do
    [[ "${LINES[i]}" =~ ^nameserver[[:blank:]]+([^[:blank:]#\;]+) ]] || continue
    value="${BASH_REMATCH[1]}"
    classify_ns "${value}"
    [[ "${CLASS}" != invalid ]] || continue
    NS_LINE+=("${i}")
    NS_ADDR+=("${value}")
  done
}

#######################################
# Succeeds if one of the first MAXNS nameservers is not a loopback address.
# Globals: NS_ADDR.
#######################################
is_healthy() {
  local i
  for ((i = 0; i < ${#NS_ADDR[@]} && i < MAXNS; i++)); do
    classify_ns "${NS_ADDR[i]}"
    [[ "${CLASS}" == remote ]] && return 0
  done
  return 1
}

#######################################
# Sets REPORT_NS to the first MAXNS nameservers.
#######################################
set_report_ns() {
  REPORT_NS=()
  # Guarded: bash before 4.4 treats an empty array as unset under nounset
  # (Amazon Linux 2 ships bash 4.2).
  if ((${#NS_ADDR[@]} > 0)); then
    REPORT_NS=("${NS_ADDR[@]:0:MAXNS}")
  fi
}

#######################################
# Computes the fixed file: the VPC resolver right after the first nameserver
# line (so the local resolver stays first and the VPC resolver is second);
# an existing line for the resolver further down is moved, not duplicated.
# With no nameserver at all, the resolver line is appended.
# Globals: reads LINES, NS_LINE, NS_ADDR, RESOLVER; sets NEW_LINES.
#######################################
plan_fix() {
  local key i moved=-1 new_line="nameserver ${RESOLVER}"
  addr_key "${RESOLVER}"
  key="${KEY}"
  for i in "${!NS_ADDR[@]}"; do
    addr_key "${NS_ADDR[i]}"
    if [[ "${KEY}" == "${key}" ]]; then
      moved="${NS_LINE[i]}"
      new_line="${LINES[moved]}"
      break
    fi
  done
  NEW_LINES=()
  if ((${#NS_LINE[@]} == 0)); then
    NEW_LINES=("${LINES[@]+"${LINES[@]}"}" "${new_line}")
    return 0
  fi
  local first="${NS_LINE[0]}"
  for i in "${!LINES[@]}"; do
    ((i == moved)) && continue
    NEW_LINES+=("${LINES[i]}")
    ((i == first)) && NEW_LINES+=("${new_line}")
  done
}

#######################################
# Replaces a file atomically: temp file in the same directory, same mode
# and owner, then mv. A symlink at the path is replaced by the file.
# Arguments: path, reference file for mode (or ""), final newline, lines...
#######################################
atomic_write() {
  local path="$1" ref="$2" final="$3"
  shift 3
  local dir tmp
  dir="$(dirname -- "${path}")"
  tmp="$(mktemp -- "${dir}/.$(basename -- "${path}").${TAG}.XXXXXX")" || return 1
  if ! write_lines "${tmp}" "${final}" "$@"; then
    rm -f -- "${tmp}"
    return 1
  fi
  if [[ -n "${ref}" && -e "${ref}" ]]; then
    chmod --reference="${ref}" -- "${tmp}" 2>/dev/null || chmod 0644 -- "${tmp}"
    chown --reference="${ref}" -- "${tmp}" 2>/dev/null || true
  else
    chmod 0644 -- "${tmp}"
  fi
  if ! mv -f -T -- "${tmp}" "${path}"; then
    rm -f -- "${tmp}"
    return 1
  fi
}

#######################################
# Copies a file (or symlink, as a symlink) to its backup path once; an
# existing backup is never overwritten, so rollback returns the original.
# Arguments: path, backup path.
# Returns 1 on failure.
#######################################
backup_once() {
  local path="$1" backup="$2" tmp
  [[ -e "${backup}" || -L "${backup}" ]] && return 0
  tmp="$(mktemp -u -- "$(dirname -- "${backup}")/.${TAG}.bak.XXXXXX")" || return 1
  cp -P -p -- "${path}" "${tmp}" || return 1
  mv -f -T -- "${tmp}" "${backup}" || { rm -f -- "${tmp}"; return 1; }
}

#######################################
# Takes the lock that serialises fix and rollback runs.
# Globals: ROOT.
#######################################
take_lock() {
  local lock_dir="${ROOT}/run/lock" lock
  if [[ -d "${lock_dir}" ]]; then
    lock="${lock_dir}/${TAG}.lock"
  else
    lock="${ROOT}/etc/.${TAG}.lock"
  fi
  exec {LOCK_FD}>>"${lock}" || die "${EXIT_ENV}" "cannot open lock file ${lock}"
  flock -w "${LOCK_WAIT_SECONDS}" "${LOCK_FD}" \
    || die "${EXIT_ENV}" "timed out after ${LOCK_WAIT_SECONDS}s waiting for lock ${lock}"
}

#######################################
# Finds who writes resolv.conf.
# Globals: ROOT; sets MANAGER.
# Arguments: path of resolv.conf (inside the root).
#######################################
detect_manager() {
  local conf="$1" target="" f
  if [[ -L "${conf}" ]]; then
    target="$(readlink -- "${conf}")"
    case "${target}" in
      */systemd/resolve/*) MANAGER="systemd-resolved"; return 0 ;;
      */NetworkManager/*) MANAGER="networkmanager"; return 0 ;;
      */resolvconf/*) MANAGER="resolvconf"; return 0 ;;
      *) MANAGER="symlink"; return 0 ;;
    esac
  fi
  if grep -qi 'generated by networkmanager' -- "${conf}" 2>/dev/null; then
    MANAGER="networkmanager"
    return 0
  fi
  if grep -qi 'dhclient' -- "${conf}" 2>/dev/null; then
    MANAGER="dhclient"
    return 0
  fi
  for f in "${ROOT}"/etc/dhcp/dhclient*.conf; do
    [[ -f "${f}" ]] || continue
    if grep -Eq '^[[:blank:]]*(supersede|prepend)[[:blank:]]+domain-name-servers' -- "${f}"; then
      MANAGER="dhclient"
      return 0
    fi
  done
  MANAGER="static"
}

#######################################
# Plans the dhclient persistence: in each dhclient*.conf, a
# "supersede domain-name-servers" list of loopback addresses only gets the
# VPC resolver appended, so the next lease writes both.
# Globals: ROOT, RESOLVER; sets DHCLIENT_FILES (files to change).
#######################################
plan_dhclient() {
  local f line list item all_local
  DHCLIENT_FILES=()
  if ! is_ipv4 "${RESOLVER}"; then
    DHCLIENT_IPV6_SKIPPED=true
    return 0
  fi
  for f in "${ROOT}"/etc/dhcp/dhclient*.conf; do
    [[ -f "${f}" && ! -L "${f}" ]] || continue
    while IFS= read -r line || [[ -n "${line}" ]]; do
      [[ "${line}" =~ ^[[:blank:]]*supersede[[:blank:]]+domain-name-servers[[:blank:]]+([^\;]*)\; ]] \
        || continue
      list="${BASH_REMATCH[1]}"
      all_local=true
      local -a items=()
      IFS=, read -r -a items <<<"${list}"
      for item in "${items[@]+"${items[@]}"}"; do
        item="${item//[[:blank:]]/}"
        classify_ns "${item}"
        [[ "${CLASS}" == loopback ]] || all_local=false
      done
      if [[ "${all_local}" == true ]]; then
        DHCLIENT_FILES+=("${f}")
        break
      fi
    done <"${f}"
  done
}

#######################################
# Applies the dhclient persistence to one file (backup first).
# Arguments: file.
#######################################
apply_dhclient() {
  local f="$1" i
  read_lines "${f}" || return 1
  for i in "${!LINES[@]}"; do
    if [[ "${LINES[i]}" =~ ^([[:blank:]]*supersede[[:blank:]]+domain-name-servers[[:blank:]]+[^\;]*[^\;[:blank:]])([[:blank:]]*\;.*)$ ]]; then
      LINES[i]="${BASH_REMATCH[1]}, ${RESOLVER}${BASH_REMATCH[2]}"
      break
    fi
  done
  backup_once "${f}" "${f}${BACKUP_SUFFIX}" || return 1
  atomic_write "${f}" "${f}" "${FINAL_NEWLINE}" "${LINES[@]}" || return 1
  PERSISTENCE+=("${f}")
}

#######################################
# Calls the service manager, on the real root only.
# Arguments: command words.
#######################################
service_call() {
  is_real_root || return 0
  if ! "$@" >/dev/null 2>&1; then
    err "warning: '$*' failed; the change applies at the service's next restart"
  fi
}

#######################################
# Describes and applies the persistence for the detected manager. Runs
# before resolv.conf is replaced, so a reload cannot undo the fix.
# Globals: MANAGER, ROOT, DRY_RUN; appends to PERSISTENCE.
#######################################
persist_fix() {
  local f nm_dir="${ROOT}/etc/NetworkManager"
  case "${MANAGER}" in
    dhclient)
      DHCLIENT_IPV6_SKIPPED=false
      plan_dhclient
      if [[ "${DHCLIENT_IPV6_SKIPPED}" == true ]]; then
        say "persistence: dhclient's domain-name-servers takes IPv4 only; ${RESOLVER} is not written there (a lease renewal may undo the fix)"
        return 0
      fi
      if ((${#DHCLIENT_FILES[@]} == 0)); then
        say "persistence: dhclient has no loopback-only 'supersede domain-name-servers'; the next lease keeps the DHCP servers, nothing to change"
        return 0
      fi
      for f in "${DHCLIENT_FILES[@]}"; do
        if [[ "${DRY_RUN}" == true ]]; then
          say "persistence (dry run): would append ${RESOLVER} to 'supersede domain-name-servers' in ${f}"
          continue
        fi
        apply_dhclient "${f}" || die "${EXIT_ENV}" "cannot update ${f}"
        say "persistence: appended ${RESOLVER} to 'supersede domain-name-servers' in ${f} (backup ${f}${BACKUP_SUFFIX})"
      done
      ;;
    networkmanager)
      f="${nm_dir}/conf.d/${NM_CONF_NAME}"
      if [[ "${DRY_RUN}" == true ]]; then
        say "persistence (dry run): would write ${f} (rc-manager=unmanaged) and reload NetworkManager"
        return 0
      fi
      mkdir -p -- "${nm_dir}/conf.d" || die "${EXIT_ENV}" "cannot create ${nm_dir}/conf.d"
      atomic_write "${f}" "" true "# Written by ${PROG} (${TAG}): keep NetworkManager from" \
        "# rewriting resolv.conf, which lists the VPC resolver after the local resolver." \
        "# Removed by: resolv-fix.sh rollback" "[main]" "rc-manager=unmanaged" \
        || die "${EXIT_ENV}" "cannot write ${f}"
      PERSISTENCE+=("${f}")
      service_call systemctl reload NetworkManager
      say "persistence: wrote ${f} (rc-manager=unmanaged)"
      ;;
    systemd-resolved | resolvconf | symlink)
      say "persistence: resolv.conf is a symlink managed by ${MANAGER}; it is replaced by a regular file (the ${MANAGER} file it pointed to is regenerated, a file is not); rollback restores the symlink"
      ;;
    *)
      say "persistence: static resolv.conf, nothing else writes it"
      ;;
  esac
}

#######################################
# Undoes the persistence files. Globals: ROOT; appends to PERSISTENCE.
#######################################
persist_rollback() {
  local f orig nm_conf="${ROOT}/etc/NetworkManager/conf.d/${NM_CONF_NAME}"
  for f in "${ROOT}"/etc/dhcp/*"${BACKUP_SUFFIX}"; do
    [[ -e "${f}" ]] || continue
    orig="${f%"${BACKUP_SUFFIX}"}"
    mv -f -T -- "${f}" "${orig}" || die "${EXIT_ENV}" "cannot restore ${orig}"
    PERSISTENCE+=("${orig}")
    say "restored ${orig}"
  done
  if [[ -e "${nm_conf}" ]]; then
    rm -f -- "${nm_conf}" || die "${EXIT_ENV}" "cannot remove ${nm_conf}"
    PERSISTENCE+=("${nm_conf}")
    service_call systemctl reload NetworkManager
    say "removed ${nm_conf}"
  fi
}

#######################################
# Resolves NAME through RESOLVER alone with getaddrinfo (getent ahosts), as
# mount.nfs4 would: a private mount namespace shows a resolv.conf that lists
# only the resolver, without touching any file. Falls back to dig when a
# mount namespace cannot be made (not root).
# Globals: RESOLVER, VERIFY_HOST.
# Returns 0 resolves, 1 does not, 2 cannot test.
#######################################
verify_resolves() {
  local out rc
  # The inner script runs in the private mount namespace; $1 and $2 are
  # passed as arguments, never spliced into code.
  # shellcheck disable=SC2016
  local inner='
    set -u
    mount -t tmpfs -o size=64k,mode=0700 ecs-dns-remediation /tmp || exit 10
    printf "nameserver %s\noptions timeout:2 attempts:2\n" "$1" >/tmp/resolv.conf || exit 10
    mount --bind /tmp/resolv.conf /etc/resolv.conf || exit 10
    if [[ -d /run/nscd ]]; then mount -t tmpfs tmpfs /run/nscd || exit 10; fi
    exec timeout 30 getent ahosts "$2"'
  if command -v unshare >/dev/null 2>&1; then
    out="$(unshare --mount --propagation private -- bash -c "${inner}" verify \
      "${RESOLVER}" "${VERIFY_HOST}" 2>/dev/null)"
    rc=$?
    if ((rc == 0)) && [[ -n "${out}" ]]; then
      VERIFY_ADDRS="$(printf '%s\n' "${out}" | cut -d ' ' -f 1 | sort -u | tr '\n' ' ')"
      return 0
    fi
    ((rc == 2)) && return 1
  fi
  if command -v dig >/dev/null 2>&1; then
    out="$(dig +short +time=2 +tries=2 "@${RESOLVER}" "${VERIFY_HOST}" A 2>/dev/null
      dig +short +time=2 +tries=2 "@${RESOLVER}" "${VERIFY_HOST}" AAAA 2>/dev/null)"
    if printf '%s\n' "${out}" | grep -Eq '^[0-9a-fA-F.:]+$'; then
      VERIFY_ADDRS="$(printf '%s\n' "${out}" | grep -E '^[0-9a-fA-F.:]+$' | tr '\n' ' ')"
      return 0
    fi
    printf '%s\n' "${out}" | grep -q 'timed out\|no servers' && return 2
    return 1
  fi
  return 2
}

#######################################
# Runs --verify-host if given; exits 3 when the name does not resolve.
#######################################
maybe_verify() {
  [[ -n "${VERIFY_HOST}" ]] || return 0
  VERIFY_ADDRS=""
  verify_resolves
  case $? in
    0)
      VERIFY_RESOLVES=true
      say "verify-host: ${VERIFY_HOST} resolves through ${RESOLVER}: ${VERIFY_ADDRS% }"
      ;;
    1)
      VERIFY_RESOLVES=false
      die "${EXIT_VERIFY}" "verify-host: ${VERIFY_HOST} does not resolve through the VPC resolver ${RESOLVER}, so the cause is not the local resolver (no EFS mount target in this Availability Zone, DNS hostnames disabled in the VPC, or a wrong file system id; or ${RESOLVER} does not answer from this host); nothing changed"
      ;;
    *)
      die "${EXIT_ENV}" "verify-host: cannot test ${VERIFY_HOST} through ${RESOLVER} (needs root for a private mount namespace, or dig); nothing changed"
      ;;
  esac
}

#######################################
# The check action.
#######################################
do_check() {
  set_report_ns
  if is_healthy; then
    VERDICT="healthy"
  else
    VERDICT="at-risk"
  fi
  say "resolv.conf: ${CONF}"
  say "manager: ${MANAGER}"
  say "nameservers used by glibc: ${REPORT_NS[*]:-(none: glibc falls back to 127.0.0.1)}"
  local backup="${CONF}${BACKUP_SUFFIX}"
  if [[ -e "${backup}" || -L "${backup}" ]]; then
    BACKUP_REPORTED="${backup}"
    say "backup: ${backup}"
  fi
  if [[ "${VERDICT}" == healthy ]]; then
    say "verdict: healthy (a nameserver among the first ${MAXNS} is not a loopback address)"
    return "${EXIT_OK}"
  fi
  say "verdict: at-risk (the first ${MAXNS} nameservers are all loopback; they do not answer inside a task network namespace)"
  return "${EXIT_AT_RISK}"
}

#######################################
# The fix action. Globals: CONF, REAL_CONF and the report state.
#######################################
do_fix() {
  if is_healthy; then
    set_report_ns
    VERDICT="healthy"
    say "already healthy, nothing changed (nameservers: ${REPORT_NS[*]})"
    return "${EXIT_OK}"
  fi
  plan_fix
  WOULD_CHANGE=true
  local old_lines=("${LINES[@]+"${LINES[@]}"}")
  local final="${FINAL_NEWLINE}"
  [[ ${#NS_LINE[@]} -eq 0 ]] && final=true
  if [[ "${DRY_RUN}" == true ]]; then
    say "dry run: ${CONF} would become:"
    if command -v diff >/dev/null 2>&1; then
      diff -u --label "${CONF}" --label "${CONF} (fixed)" \
        <(write_lines /dev/stdout "${FINAL_NEWLINE}" "${old_lines[@]+"${old_lines[@]}"}") \
        <(write_lines /dev/stdout "${final}" "${NEW_LINES[@]}")
    else
      write_lines /dev/stdout true "${NEW_LINES[@]}"
    fi
    persist_fix
  else
    backup_once "${CONF}" "${CONF}${BACKUP_SUFFIX}" \
      || die "${EXIT_ENV}" "cannot write backup ${CONF}${BACKUP_SUFFIX}; nothing changed"
    BACKUP_REPORTED="${CONF}${BACKUP_SUFFIX}"
    persist_fix
    atomic_write "${CONF}" "${REAL_CONF}" "${final}" "${NEW_LINES[@]}" \
      || die "${EXIT_ENV}" "cannot replace ${CONF}"
    CHANGED=true
    say "fixed ${CONF}: ${RESOLVER} follows the local resolver (backup ${BACKUP_REPORTED})"
  fi
  LINES=("${NEW_LINES[@]}")
  parse_nameservers
  set_report_ns
  VERDICT="healthy"
  return "${EXIT_OK}"
}

#######################################
# The rollback action.
#######################################
do_rollback() {
  local backup="${CONF}${BACKUP_SUFFIX}"
  if [[ ! -e "${backup}" && ! -L "${backup}" ]]; then
    die "${EXIT_ENV}" "no backup ${backup} to roll back to; nothing changed"
  fi
  if [[ "${DRY_RUN}" == true ]]; then
    say "dry run: would restore ${CONF} from ${backup} and undo persistence files"
    BACKUP_REPORTED="${backup}"
    WOULD_CHANGE=true
  else
    persist_rollback
    mv -f -T -- "${backup}" "${CONF}" || die "${EXIT_ENV}" "cannot restore ${CONF} from ${backup}"
    CHANGED=true
    WOULD_CHANGE=true
    say "restored ${CONF} from ${backup}"
  fi
  REAL_CONF="$(resolve_in_root "${CONF}")"
  if [[ "${DRY_RUN}" == true ]]; then
    REAL_CONF="$(resolve_in_root "${backup}")"
  fi
  if read_lines "${REAL_CONF}"; then
    parse_nameservers
    set_report_ns
    if is_healthy; then VERDICT="healthy"; else VERDICT="at-risk"; fi
  fi
  return "${EXIT_OK}"
}

#######################################
# Reads resolv.conf (following a symlink inside the root) into LINES and
# the nameserver arrays, and detects its manager.
# Globals: CONF; sets REAL_CONF, MANAGER, REPORT_NS.
#######################################
load_conf() {
  [[ -e "${CONF}" || -L "${CONF}" ]] || die "${EXIT_ENV}" "${CONF} does not exist (it is never created)"
  REAL_CONF="$(resolve_in_root "${CONF}")"
  read_lines "${REAL_CONF}" \
    || die "${EXIT_ENV}" "cannot read ${CONF} (missing symlink target, unreadable, or binary)"
  detect_manager "${CONF}"
  parse_nameservers
  set_report_ns
}

main() {
  parse_args "$@"
  CONF="${ROOT}/etc/resolv.conf"
  local rc
  if [[ "${ACTION}" == rollback ]]; then
    # Checked before taking the lock as well, so a refused rollback creates
    # nothing.
    [[ -e "${CONF}${BACKUP_SUFFIX}" || -L "${CONF}${BACKUP_SUFFIX}" ]] \
      || die "${EXIT_ENV}" "no backup ${CONF}${BACKUP_SUFFIX} to roll back to; nothing changed"
    [[ "${DRY_RUN}" == true ]] || take_lock
    detect_manager "${CONF}"
    do_rollback
    rc=$?
    emit_json "${rc}" ""
    exit "${rc}"
  fi
  load_conf
  # Before the lock and before any change: a name that does not resolve
  # through the VPC resolver means the local resolver is not the cause.
  maybe_verify
  if [[ "${ACTION}" == check ]]; then
    do_check
    rc=$?
  else
    if [[ "${DRY_RUN}" != true ]]; then
      take_lock
      # Another run may have changed the file while this one waited.
      load_conf
    fi
    do_fix
    rc=$?
    if [[ -e "${CONF}${BACKUP_SUFFIX}" || -L "${CONF}${BACKUP_SUFFIX}" ]]; then
      BACKUP_REPORTED="${CONF}${BACKUP_SUFFIX}"
    fi
  fi
  emit_json "${rc}" ""
  exit "${rc}"
}

main "$@"
