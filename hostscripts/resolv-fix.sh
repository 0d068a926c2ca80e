#!/usr/bin/env bash
#
# resolv-fix.sh: check, fix and roll back the container instance's resolv.conf
# so that mount.nfs4, run by the ECS volume plugin inside an awsvpc task
# network namespace, reaches a DNS server: a local resolver on loopback does
# not listen there. The fix keeps the local resolver first and puts the VPC
# resolver within the first three nameservers (all that glibc reads).
# Runs by hand or verbatim as an SSM step; needs only bash, coreutils,
# util-linux, getent and python3. See --help.

set -o nounset
set -o pipefail
# Bytes, not characters: lengths, ranges and [[:classes:]] are ASCII-only.
LC_ALL=C
export LC_ALL
# JSON strings, DNS names and IP addresses: the rules all host scripts share.
# (SC1091 only says that shellcheck without -x does not follow it; CI's -x does.)
# shellcheck source=hostscripts/hostlib.sh disable=SC1091
source "$(dirname -- "${BASH_SOURCE[0]}")/hostlib.sh" || exit 4

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
# glibc reads resolv.conf line by line and keeps three servers; no real file
# comes near this. Larger files are refused before they are read.
readonly MAX_BYTES=65536
# What glibc uses when no nameserver line is valid.
readonly IMPLICIT_NS="127.0.0.1"

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
# The changes of fix as (path, copy) pairs, for end_changes.
UNDO=()
IMPLICIT_DEFAULT=false

# Paths, set once by resolve_paths: ETC is ROOT/etc, CONF its resolv.conf.
ETC=""
CONF=""
REAL_CONF=""

# The file being worked on: its bytes as read (once), as lines, and
# whether it ended in a newline.
CONTENT=""
LINES=()
FINAL_NEWLINE=true
# Line indexes (into LINES) of the nameservers glibc uses, in order, and
# their addresses.
NS_LINE=()
NS_ADDR=()

# Prints the usage text.
# Outputs: usage on stdout.
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
             and undo the persistence changes. Without a backup (fix never
             changed the file, or it was rolled back) there is nothing to
             roll back: exit 0, nothing changed.

Options:
  --resolver ADDR     VPC resolver (default 169.254.169.253): a unicast IPv4
                      or IPv6 literal, no zone, not loopback or multicast.
  --root DIR          Work on DIR/etc/... instead of /etc (default /). With a
                      root other than /, nothing outside DIR is touched and no
                      service manager is called.
  --verify-host NAME  Before changing anything, confirm that NAME (a DNS name)
                      resolves through ADDR with getaddrinfo, as mount.nfs4
                      does. If not, exit 3 (no address) or 4 (no answer)
                      and change nothing.
  --dry-run           Show the change (a diff), change nothing.
  --json              Make the last line on stdout one JSON object.
  --help              This text.

Exit codes:
  0  ok: check found it healthy; fix fixed it or it was already healthy;
     rollback restored the original, or found nothing to roll back
  1  at risk (check only)
  2  bad usage or invalid parameter; nothing changed
  3  --verify-host NAME does not resolve through the VPC resolver; the cause
     is not the local resolver; nothing changed
  4  environment or I/O error (missing, binary or over 64 KiB resolv.conf,
     a symlink leaving DIR, a backup that is not a file, lock timeout,
     write failure, --verify-host got no answer)

Files (under DIR):
  /etc/resolv.conf.ecs-dns-remediation.bak   original, written once
  /etc/dhcp/dhclient*.conf.ecs-dns-remediation.bak
  /etc/NetworkManager/conf.d/90-ecs-dns-remediation.conf
  /run/lock/ecs-dns-remediation.lock (or /etc/.ecs-dns-remediation.lock)
EOF
}

# Sets PRINTABLE to the text with control bytes as \xNN, so arguments
# cannot move a terminal's cursor or forge log lines.
printable() {
  escape_controls "$1" '\x'
  PRINTABLE="${ESCAPED}"
}

# Prints an error message on stderr, control bytes escaped.
# Arguments: message words.
err() {
  printable "$*"
  printf '%s: error: %s\n' "${PROG}" "${PRINTABLE}" >&2
}

# Prints an informational line (stdout; the JSON line, if any, comes last),
# control bytes escaped.
# Arguments: message words.
say() {
  printable "$*"
  printf '%s\n' "${PRINTABLE}"
}

# Sets JSON_ARRAY to a JSON array of strings.
# Arguments: the strings.
json_array() {
  local out="[" item sep=""
  for item in "$@"; do
    json_quote "${item}"
    out+="${sep}${JSON_QUOTED}"
    sep=","
  done
  JSON_ARRAY="${out}]"
}

# Sets the variable named $1 to text $2 as a JSON string, or to null when
# the text is empty.
quote_or_null() {
  JSON_QUOTED=null
  [[ -z "$2" ]] || json_quote "$2"
  printf -v "$1" '%s' "${JSON_QUOTED}"
}

# Prints the JSON summary line (only with --json).
# Globals: all report state.
# Arguments: exit code, error message or "".
emit_json() {
  local code="$1" error="$2"
  [[ "${JSON}" == true ]] || return 0
  local action_json verdict manager nameservers backup persistence resolver verify_host error_json
  local verify="null"
  quote_or_null action_json "${ACTION}"
  quote_or_null verdict "${VERDICT}"
  quote_or_null backup "${BACKUP_REPORTED}"
  quote_or_null verify_host "${VERIFY_HOST}"
  quote_or_null error_json "${error}"
  [[ -n "${VERIFY_RESOLVES}" ]] && verify="${VERIFY_RESOLVES}"
  json_quote "${MANAGER}"
  manager="${JSON_QUOTED}"
  json_quote "${RESOLVER}"
  resolver="${JSON_QUOTED}"
  json_array "${REPORT_NS[@]+"${REPORT_NS[@]}"}"
  nameservers="${JSON_ARRAY}"
  json_array "${PERSISTENCE[@]+"${PERSISTENCE[@]}"}"
  persistence="${JSON_ARRAY}"
  printf '{"action":%s,"verdict":%s,"manager":%s,"nameservers":%s,' \
    "${action_json}" "${verdict}" "${manager}" "${nameservers}"
  printf '"changed":%s,"would_change":%s,"dry_run":%s,"backup":%s,' \
    "${CHANGED}" "${WOULD_CHANGE}" "${DRY_RUN}" "${backup}"
  printf '"persistence":%s,"resolver":%s,"verify_host":%s,' \
    "${persistence}" "${resolver}" "${verify_host}"
  printf '"verify_resolves":%s,"implicit_default":%s,"exit_code":%d,"error":%s}\n' \
    "${verify}" "${IMPLICIT_DEFAULT}" "${code}" "${error_json}"
}

# Reports an error and exits with the given code.
# Arguments: exit code, message words.
die() {
  local code="$1"
  shift
  err "$*"
  emit_json "${code}" "$*"
  exit "${code}"
}

# Parses an IPv4 address the way glibc's inet_aton does (1 to 4 parts,
# decimal, octal with a leading 0, hex with 0x), as res_init does for
# nameserver lines.
# Arguments: the text.
# Globals: sets ATON_LOCAL to true (first octet 127, or all zero) or false.
# Returns 1 if glibc would not accept it.
aton_first_octet() {
  local a="$1" part value
  local -a parts=() values=()
  [[ "${a}" =~ ^[0-9A-Fa-fXx.]+$ && "${a}" != *. && "${a}" != .* \
    && "${a}" != *..* ]] || return 1
  IFS=. read -r -a parts <<<"${a}"
  ((${#parts[@]} >= 1 && ${#parts[@]} <= 4)) || return 1
  # Like strtoul with base 0; leading zeros are stripped first so that any
  # length glibc accepts fits bash's 64-bit arithmetic.
  local digits
  for part in "${parts[@]}"; do
    if [[ "${part}" =~ ^0[xX]0*([0-9A-Fa-f]*)$ && ${#part} -gt 2 ]]; then
      digits="${BASH_REMATCH[1]}"
      ((${#digits} <= 8)) || return 1
      value=$((16#${digits:-0}))
    elif [[ "${part}" =~ ^0+([0-7]*)$ ]]; then
      digits="${BASH_REMATCH[1]}"
      ((${#digits} <= 11)) || return 1
      value=$((8#${digits:-0}))
    elif [[ "${part}" =~ ^[1-9][0-9]*$ ]]; then
      ((${#part} <= 10)) || return 1
      value=$((10#${part}))
    else
      return 1
    fi
    ((value <= 4294967295)) || return 1
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

# Classifies a nameserver value as glibc's res_init reads it.
# Arguments: the value (first word after "nameserver").
# Globals: sets CLASS to "loopback" (127.0.0.0/8, 0.0.0.0, ::1, ::,
#   ::ffff:127.x), "remote", or "invalid" (glibc skips it).
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
  # res_init cuts an IPv6 nameserver at "%" and keeps the server whatever
  # the scope text is (checked against glibc 2.36 by the oracle tests).
  if ipv6_expand "${a%%\%*}"; then
    if [[ "${IPV6_X}" == "0000:0000:0000:0000:0000:0000:0000:0001" \
      || "${IPV6_X}" == "0000:0000:0000:0000:0000:0000:0000:0000" \
      || "${IPV6_X}" =~ ^0000:0000:0000:0000:0000:ffff:7f ]]; then
      CLASS="loopback"
    else
      CLASS="remote"
    fi
  fi
}

# Sets KEY to a canonical form for comparing addresses (IPv6 expanded).
addr_key() {
  KEY="$1"
  if ipv6_expand "$1"; then
    KEY="${IPV6_X}"
  fi
}

# Parses the command line into the option globals; validates strictly.
# Arguments: the script's arguments.
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

  if ! is_resolver_address "${RESOLVER}"; then
    local shown="${RESOLVER}"
    [[ "${shown}" =~ ^[A-Za-z0-9.:%_-]{0,64}$ ]] || shown="(not shown: contains unsafe characters)"
    RESOLVER=""
    die "${EXIT_USAGE}" "--resolver must be a unicast IPv4 address (four decimal octets, no leading zeros) or IPv6 address (hex groups, no zone), not loopback, multicast, reserved or link-local IPv6; got: ${shown}"
  fi
  classify_ns "${RESOLVER}"
  if [[ "${CLASS}" != remote ]]; then
    die "${EXIT_USAGE}" "--resolver ${RESOLVER} is a loopback address; give the VPC resolver"
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
    [[ -n "${ROOT}" ]] || die "${EXIT_USAGE}" "--root must be a directory"
    [[ -d "${ROOT}" ]] || die "${EXIT_USAGE}" "--root ${ROOT} is not a directory"
  fi
  # One spelling per directory: "//", "/./", "..", trailing slashes and
  # symlinks in DIR itself are resolved, so "--root //" is the real root
  # (services are called) and every confinement test compares like with like.
  local canonical
  canonical="$(realpath -e -- "${ROOT}")" \
    || die "${EXIT_USAGE}" "--root ${ROOT} cannot be resolved"
  [[ -d "${canonical}" ]] || die "${EXIT_USAGE}" "--root ${ROOT} cannot be resolved"
  ROOT="${canonical%/}"
  readonly ACTION RESOLVER ROOT VERIFY_HOST DRY_RUN JSON
}

# Succeeds when the root is the real /, where services may be called.
is_real_root() {
  [[ -z "${ROOT}" ]]
}

# Succeeds if the path, symlinks resolved, stays inside the root.
inside_root() {
  [[ -n "${ROOT}" ]] || return 0
  ! plain_under_root "$1" || return 0
  local real
  real="$(realpath -m -- "$1" 2>/dev/null)" || return 1
  [[ "${real}" == "${ROOT}" || "${real}" == "${ROOT}/"* ]]
}

# Succeeds if the path is the root (canonical: see parse_args) followed by
# names that are neither "", "." nor ".." nor, as far as they exist,
# symlinks: then it is its own canonical form and stays inside, with no
# realpath process (fix checks several paths, and a check runs often).
plain_under_root() {
  local rest="${1#"${ROOT}"}" sub="${ROOT}" name
  [[ "${1}" == "${ROOT}" || "${1}" == "${ROOT}/"?* ]] || return 1
  rest="${rest#/}"
  while [[ -n "${rest}" ]]; do
    name="${rest%%/*}"
    rest="${rest#"${name}"}"
    rest="${rest#/}"
    [[ -n "${name}" && "${name}" != . && "${name}" != .. ]] || return 1
    sub+="/${name}"
    [[ ! -L "${sub}" ]] || return 1
  done
}

# Prints where a symlink chain ends, absolute targets taken inside the
# root (as a chroot would). Returns 1 if it loops or leaves the root.
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
  [[ ! -L "${path}" ]] || return 1
  inside_root "${path}" || return 1
  printf '%s' "${path}"
}

# Reads a file once, through one descriptor, into CONTENT, LINES and
# FINAL_NEWLINE; its size comes from that descriptor first, so a big file
# is refused in constant time and a renamed one is read whole, never mixed.
# Returns 1 unreadable, 2 over MAX_BYTES, 3 NUL bytes.
read_file() {
  local path="$1" fd size body
  [[ -f "${path}" ]] || return 1
  { exec {fd}<"${path}"; } 2>/dev/null || return 1
  size="$(stat -L -c %s -- "/dev/fd/${fd}" 2>/dev/null)"
  if [[ ! "${size}" =~ ^[0-9]+$ ]]; then
    exec {fd}<&-
    return 1
  fi
  if ((size > MAX_BYTES)); then
    exec {fd}<&-
    return 2
  fi
  CONTENT=""
  IFS= read -r -d '' -N "$((MAX_BYTES + 1))" CONTENT <&"${fd}"
  exec {fd}<&-
  # read drops NUL bytes: a shorter text than the size means there were some.
  ((${#CONTENT} == size)) || return 3
  FINAL_NEWLINE=true
  body="${CONTENT}"
  if [[ -n "${body}" && "${body}" != *$'\n' ]]; then
    FINAL_NEWLINE=false
  else
    body="${body%$'\n'}"
  fi
  LINES=()
  if [[ -n "${CONTENT}" ]]; then
    mapfile -t LINES <<<"${body}"
  fi
}

# Joins lines into TEXT, keeping the final-newline state.
# Arguments: final newline (true|false), lines...
join_lines() {
  local final="$1"
  shift
  TEXT=""
  (($# > 0)) || return 0
  local IFS=$'\n'
  TEXT="$*"
  [[ "${final}" != true ]] || TEXT+=$'\n'
}

# Finds the nameservers as glibc's res_init does: "nameserver", a blank,
# and a value up to the next blank. A glued "#x" or ";x", or a CR, is part
# of the value, which glibc then rejects: such lines are skipped.
# Globals: reads CONTENT; sets NS_LINE, NS_ADDR (the first MAXNS valid),
#   RESOLVER_LINE (a later line naming RESOLVER, or -1), IMPLICIT_DEFAULT.
parse_nameservers() {
  local i value key hit
  NS_LINE=()
  NS_ADDR=()
  RESOLVER_LINE=-1
  IMPLICIT_DEFAULT=true
  addr_key "${RESOLVER}"
  key="${KEY}"
  # grep picks the candidate lines, so a long file costs no bash loop over
  # every line.
  local -a hits=()
  if [[ "${CONTENT}" == *nameserver* ]]; then
    mapfile -t hits < <(grep -a -n -E '^nameserver[[:blank:]]' <<<"${CONTENT}")
  fi
  for hit in "${hits[@]+"${hits[@]}"}"; do
    i=$((${hit%%:*} - 1))
    [[ "${hit#*:}" =~ ^nameserver[[:blank:]]+([^[:blank:]]*) ]] || continue
    value="${BASH_REMATCH[1]}"
    if ((${#NS_ADDR[@]} >= MAXNS)); then
      # Past MAXNS only a line naming the resolver matters (fix moves it);
      # cheap text tests first keep a long file fast.
      ((RESOLVER_LINE < 0)) || break
      [[ "${value}" == "${RESOLVER}" || ("${value}" == *:* && "${RESOLVER}" == *:*) ]] \
        || continue
      classify_ns "${value}"
      [[ "${CLASS}" != invalid ]] || continue
      addr_key "${value%%\%*}"
      [[ "${KEY}" != "${key}" ]] || RESOLVER_LINE="${i}"
      continue
    fi
    classify_ns "${value}"
    [[ "${CLASS}" != invalid ]] || continue
    NS_LINE+=("${i}")
    NS_ADDR+=("${value}")
  done
  ((${#NS_ADDR[@]} == 0)) || IMPLICIT_DEFAULT=false
}

# Succeeds if one of the first MAXNS nameservers is not a loopback address.
# Globals: NS_ADDR.
is_healthy() {
  local i
  for ((i = 0; i < ${#NS_ADDR[@]} && i < MAXNS; i++)); do
    classify_ns "${NS_ADDR[i]}"
    [[ "${CLASS}" == remote ]] && return 0
  done
  return 1
}

# Sets REPORT_NS to the nameservers glibc uses: the first MAXNS, or its
# implicit 127.0.0.1 when no line is valid.
set_report_ns() {
  REPORT_NS=("${IMPLICIT_NS}")
  # Guarded: bash before 4.4 treats an empty array as unset under nounset
  # (Amazon Linux 2 ships bash 4.2).
  if ((${#NS_ADDR[@]} > 0)); then
    REPORT_NS=("${NS_ADDR[@]:0:MAXNS}")
  fi
}

# Computes NEW_LINES: the VPC resolver right after the first nameserver line
# (a later line naming it is moved, not duplicated). With no valid line,
# glibc's implicit 127.0.0.1 is written out first, so the host keeps its
# first server.
plan_fix() {
  local moved="${RESOLVER_LINE}" new_line="nameserver ${RESOLVER}"
  ((moved < 0)) || new_line="${LINES[moved]}"
  NEW_LINES=()
  if ((${#NS_LINE[@]} == 0)); then
    NEW_LINES=("${LINES[@]+"${LINES[@]}"}" "nameserver ${IMPLICIT_NS}" "${new_line}")
    return 0
  fi
  # The moved line always comes after the first nameserver line.
  local first="${NS_LINE[0]}"
  local -a kept=("${LINES[@]}")
  if ((moved >= 0)); then
    unset 'kept[moved]'
    kept=("${kept[@]}")
  fi
  NEW_LINES=("${kept[@]:0:first+1}" "${new_line}" "${kept[@]:first+1}")
}

# Writes text to a temp file next to path, checks that every byte got there
# (a full disk must not leave a short file), copies mode and owner from ref,
# and renames it over path. Returns 1 with path untouched on any failure.
# Arguments: path (absolute: every path here starts with ETC), ref (or ""),
# text.
atomic_write() {
  local path="$1" ref="$2" text="$3"
  local tmp size
  tmp="$(mktemp -- "${path%/*}/.${path##*/}.${TAG}.XXXXXX")" || return 1
  if ! printf '%s' "${text}" >"${tmp}"; then
    rm -f -- "${tmp}"
    return 1
  fi
  size="$(stat -c %s -- "${tmp}")"
  if [[ "${size}" != "${#text}" ]]; then
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

# Saves the original once, never overwritten: a file from the bytes read
# (CONTENT), a symlink as the symlink. Arguments: path, backup path.
# Returns 1 on failure.
# shellcheck disable=SC2317 # called through undoable
backup_once() {
  local path="$1" backup="$2" tmp
  if [[ -L "${backup}" ]] || [[ -f "${backup}" ]]; then
    return 0
  fi
  if [[ -L "${path}" ]]; then
    tmp="$(mktemp -u -- "${backup%/*}/.${backup##*/}.${TAG}.XXXXXX")" \
      || return 1
    cp -P -p -- "${path}" "${tmp}" || return 1
    mv -f -T -- "${tmp}" "${backup}" || { rm -f -- "${tmp}"; return 1; }
    return 0
  fi
  atomic_write "${backup}" "${path}" "${CONTENT}"
}

# Removes temp files of killed runs from the given directories inside
# --root; under the lock, no live run owns one.
clean_stale_temps() {
  local dir f
  for dir in "$@"; do
    [[ -d "${dir}" ]] || continue
    inside_root "${dir}" || continue
    for f in "${dir}"/.*."${TAG}".?????? "${dir}/.${TAG}.bak."??????; do
      [[ -f "${f}" && ! -L "${f}" ]] || continue
      rm -f -- "${f}" && say "removed stale temp file ${f}"
    done
  done
}

# Takes the lock that serialises fix and rollback, then cleans stale temps.
take_lock() {
  local lock_dir="${ROOT}/run/lock" lock
  if [[ -d "${lock_dir}" ]] && inside_root "${lock_dir}"; then
    lock="${lock_dir}/${TAG}.lock"
  else
    lock="${ETC}/.${TAG}.lock"
  fi
  inside_root "${lock}" || die "${EXIT_ENV}" "lock file ${lock} leaves --root; nothing changed"
  exec {LOCK_FD}>>"${lock}" || die "${EXIT_ENV}" "cannot open lock file ${lock}"
  flock -w "${LOCK_WAIT_SECONDS}" "${LOCK_FD}" \
    || die "${EXIT_ENV}" "timed out after ${LOCK_WAIT_SECONDS}s waiting for lock ${lock}"
  clean_stale_temps "${ETC}" "${ETC}/dhcp" "${ETC}/NetworkManager/conf.d"
}

# Finds who writes resolv.conf.
# Globals: ROOT; sets MANAGER.
# Arguments: path of resolv.conf (inside the root).
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
  # The text already read (CONTENT), never a second read of the file.
  local lower="${CONTENT,,}"
  if [[ "${lower}" == *"generated by networkmanager"* ]]; then
    MANAGER="networkmanager"
    return 0
  fi
  if [[ "${lower}" == *dhclient* ]]; then
    MANAGER="dhclient"
    return 0
  fi
  for f in "${ETC}"/dhcp/dhclient*.conf; do
    if [[ -f "${f}" ]] && inside_root "${f}" \
      && grep -Eiq '^[^#]*(^|[;{}[:blank:]])(supersede|prepend)[[:blank:]]+domain-name-servers' -- "${f}"; then
      MANAGER="dhclient"
      return 0
    fi
  done
  MANAGER="static"
}

# Sets DH_POINTS ("line column" after the last item) for each loopback-only
# "supersede domain-name-servers" in LINES, interface blocks too: they win
# for their interface; keywords ignore case (ISC DHCP client/dhclient.conf.5).
find_dhclient_supersedes() {
  local i piece seg stmt="" last="" item col
  local -a items
  DH_POINTS=()
  [[ "${CONTENT,,}" == *supersede* ]] || return 0
  for i in "${!LINES[@]}"; do
    split_statements "${LINES[i]%%#*}"
    col=0
    for piece in "${PIECES[@]+"${PIECES[@]}"}"; do
      seg="${piece%[;\{\}]}"
      stmt+="${seg,,}"
      seg="${seg%"${seg##*[![:blank:]]}"}"
      [[ -z "${seg}" ]] || last="${i} $((col + ${#seg}))"
      col=$((col + ${#piece}))
      [[ "${piece}" == *[\;\{\}] ]] || continue
      if [[ "${piece}" == *";" && "${stmt}" =~ ^[[:blank:]]*supersede[[:blank:]]+domain-name-servers[[:blank:]]+(.*[^[:blank:]]) ]]; then
        IFS=, read -r -a items <<<"${BASH_REMATCH[1]//$'\t'/ }"
        for item in "${items[@]}"; do
          classify_ns "${item// /}"
          [[ "${CLASS}" == loopback ]] || break
        done
        [[ "${CLASS}" != loopback ]] || DH_POINTS+=("${last}")
      fi
      stmt=""
    done
    stmt+=" "
  done
}

# Sets PIECES: $1 cut after each ";", "{", "}" in one split (linear time).
split_statements() {
  local IFS=$'\x1f' text="${1//;/;$'\x1f'}"
  text="${text//\{/\{$'\x1f'}"
  text="${text//\}/\}$'\x1f'}"
  set -f
  # shellcheck disable=SC2206 # split on IFS on purpose, globbing off
  PIECES=(${text})
  set +f
}

# Appends the resolver at each point of a file, after a backup.
apply_dhclient() {
  local f="$1" k li col
  read_file "${f}" || return 1
  find_dhclient_supersedes
  for ((k = ${#DH_POINTS[@]} - 1; k >= 0; k--)); do
    li="${DH_POINTS[k]% *}"
    col="${DH_POINTS[k]#* }"
    LINES[li]="${LINES[li]:0:col}, ${RESOLVER}${LINES[li]:col}"
  done
  join_lines "${FINAL_NEWLINE}" "${LINES[@]}"
  ((${#TEXT} <= MAX_BYTES)) || return 1
  undoable "${f}${BACKUP_SUFFIX}" backup_once "${f}" "${f}${BACKUP_SUFFIX}" || return 1
  undoable "${f}" atomic_write "${f}" "${f}" "${TEXT}" || return 1
  PERSISTENCE+=("${f}")
}

# Calls the service manager, on the real root only.
# Arguments: command words.
service_call() {
  is_real_root || return 0
  if ! "$@" >/dev/null 2>&1; then
    err "warning: '$*' failed; the change applies at the service's next restart"
  fi
}

# Runs a command that changes a path (arguments: path, command words),
# recording a copy of the path (named like a stale temp) or "" (absent).
undoable() {
  local path="$1" copy=""
  shift
  if [[ -e "${path}" || -L "${path}" ]]; then
    copy="$(mktemp -u -- "${path%/*}/.${path##*/}.${TAG}.XXXXXX")" || return 1
    cp -P -p -- "${path}" "${copy}" || { rm -f -- "${copy}"; return 1; }
  fi
  if "$@"; then
    UNDO+=("${path}" "${copy}")
    return 0
  fi
  rm -f -- "${copy}"
  return 1
}

# "keep" drops the copies; "undo" reverses the changes, newest first.
end_changes() {
  local i path copy
  for ((i = ${#UNDO[@]} - 2; i >= 0; i -= 2)); do
    path="${UNDO[i]}"
    copy="${UNDO[i + 1]}"
    if [[ "$1" == keep ]]; then
      [[ -z "${copy}" ]] || rm -f -- "${copy}"
    elif [[ -n "${copy}" ]]; then
      mv -f -T -- "${copy}" "${path}"
    else
      rmdir -- "${path}" 2>/dev/null || rm -f -- "${path}"
    fi || err "cannot undo the change to ${path}"
  done
  UNDO=()
}

# Undoes this fix's changes and exits 4. Arguments: what failed.
fail_fix() {
  end_changes undo
  PERSISTENCE=()
  die "${EXIT_ENV}" "$*; nothing changed"
}

# Sets DHCLIENT_FILES (the dhclient*.conf with DH_POINTS) and NM_CONF (or
# ""), before any change: a path that leaves --root stops the fix here.
plan_persistence() {
  local f nm_dir="${ETC}/NetworkManager"
  DHCLIENT_FILES=()
  NM_CONF=""
  case "${MANAGER}" in
    dhclient)
      is_ipv4 "${RESOLVER}" || {
        say "persistence: dhclient takes IPv4 only; a lease renewal may undo the fix"
        return 0
      }
      for f in "${ETC}"/dhcp/dhclient*.conf; do
        [[ -f "${f}" && ! -L "${f}" ]] || continue
        if ! inside_root "${f}"; then
          say "persistence: ${f} leaves --root, not changed"
          continue
        fi
        read_file "${f}" || die "${EXIT_ENV}" "cannot read ${f} (unreadable, over ${MAX_BYTES} bytes, or binary); nothing changed"
        find_dhclient_supersedes
        ((${#DH_POINTS[@]} == 0)) || DHCLIENT_FILES+=("${f}")
      done
      ((${#DHCLIENT_FILES[@]} > 0)) \
        || say "persistence: no loopback-only supersede of domain-name-servers for dhclient: nothing to change"
      ;;
    networkmanager)
      NM_CONF="${nm_dir}/conf.d/${NM_CONF_NAME}"
      inside_root "${nm_dir}/conf.d" \
        || die "${EXIT_ENV}" "${nm_dir}/conf.d leaves --root; nothing changed"
      ;;
    systemd-resolved | resolvconf | symlink)
      say "persistence: the ${MANAGER} symlink becomes a regular file, which ${MANAGER} does not rewrite; rollback restores it"
      ;;
    *)
      say "persistence: static resolv.conf, nothing else writes it"
      ;;
  esac
  f="${DHCLIENT_FILES[*]+"${DHCLIENT_FILES[*]}"}${NM_CONF}"
  [[ "${DRY_RUN}" != true || -z "${f}" ]] || say "persistence (dry run): would change ${f}"
}

# Applies the persistence; returns 1 with FAILED, the path not written.
apply_persistence() {
  local f
  for f in "${DHCLIENT_FILES[@]+"${DHCLIENT_FILES[@]}"}"; do
    apply_dhclient "${f}" || { FAILED="${f}"; return 1; }
  done
  [[ -n "${NM_CONF}" ]] || return 0
  for f in "${ETC}/NetworkManager" "${ETC}/NetworkManager/conf.d"; do
    [[ -d "${f}" ]] || undoable "${f}" mkdir -- "${f}" || { FAILED="${f}"; return 1; }
  done
  join_lines true "# ${PROG} (${TAG}): NetworkManager leaves resolv.conf alone." \
    "# Removed by: resolv-fix.sh rollback" "[main]" "rc-manager=unmanaged"
  # The last change: nothing after it can fail and need it undone.
  atomic_write "${NM_CONF}" "" "${TEXT}" || { FAILED="${NM_CONF}"; return 1; }
  PERSISTENCE+=("${NM_CONF}")
}

# Undoes the persistence inside --root (fix writes nowhere else).
persist_rollback() {
  local f orig nm_conf="${ETC}/NetworkManager/conf.d/${NM_CONF_NAME}"
  for f in "${ETC}"/dhcp/*"${BACKUP_SUFFIX}" "${nm_conf}"; do
    [[ -e "${f}" || -L "${f}" ]] || continue
    if ! inside_root "${f%/*}"; then
      say "persistence: ${f%/*} leaves --root, not changed"
    elif [[ "${f}" == "${nm_conf}" ]]; then
      rm -f -- "${f}" || die "${EXIT_ENV}" "cannot remove ${f}"
      PERSISTENCE+=("${f}")
      service_call systemctl reload NetworkManager
      say "removed ${f}"
    else
      orig="${f%"${BACKUP_SUFFIX}"}"
      mv -f -T -- "${f}" "${orig}" || die "${EXIT_ENV}" "cannot restore ${orig}"
      PERSISTENCE+=("${orig}")
      say "restored ${orig}"
    fi
  done
}

# glibc's getaddrinfo answer, read with python3 (efs-utils >= 1.29.1 needs
# it: amazon-efs-utils.spec); getent exits 2 for every failure. Exit 2: the
# resolver answered, no address (EAI_NONAME, EAI_NODATA); 11: no answer
# (EAI_AGAIN); 12: other.
readonly GAI_PROBE='
import socket as s, sys
try: r = s.getaddrinfo(sys.argv[1], None, type=s.SOCK_STREAM)
except s.gaierror as e: sys.exit(2 if e.errno in (s.EAI_NONAME, s.EAI_NODATA) else 11 if e.errno == s.EAI_AGAIN else 12)
for i in r: print(i[4][0])
'

# Resolves VERIFY_HOST through RESOLVER alone, as mount.nfs4 would: a private
# mount namespace shows a resolv.conf listing only the resolver. Without
# python3, getent (a failure is "cannot test"); without root, dig.
# Returns 0 resolves, 1 does not (answered), 2 cannot test, 3 no answer.
verify_resolves() {
  local out rc
  # Runs in the private mount namespace; values come as arguments.
  # shellcheck disable=SC2016
  # It leaves its working directory first: the private /tmp hides any under /tmp, and a python3 that needs
  # its directory by name (pyenv's shim) would fail there.
  local inner='
    set -u
    cd / || exit 10
    mount -t tmpfs -o size=64k,mode=0700 ecs-dns-remediation /tmp || exit 10
    printf "nameserver %s\noptions timeout:2 attempts:2\n" "$2" >/tmp/resolv.conf || exit 10
    mount --bind /tmp/resolv.conf /etc/resolv.conf || exit 10
    if [[ -d /run/nscd ]]; then mount -t tmpfs tmpfs /run/nscd || exit 10; fi
    command -v python3 >/dev/null 2>&1 && exec timeout 30 python3 -I -c "$1" "$3"
    timeout 30 getent ahosts "$3" || exit 12'
  if command -v unshare >/dev/null 2>&1; then
    out="$(unshare --mount --propagation private -- bash -c "${inner}" verify \
      "${GAI_PROBE}" "${RESOLVER}" "${VERIFY_HOST}" 2>/dev/null)"
    rc=$?
    if ((rc == 0)) && [[ -n "${out}" ]]; then
      VERIFY_ADDRS="$(printf '%s\n' "${out}" | cut -d ' ' -f 1 | sort -u | tr '\n' ' ')"
      return 0
    fi
    ((rc == 2)) && return 1
    ((rc == 11)) && return 3
  fi
  if command -v dig >/dev/null 2>&1; then
    out="$(dig +short +time=2 +tries=2 "@${RESOLVER}" "${VERIFY_HOST}" A 2>/dev/null
      dig +short +time=2 +tries=2 "@${RESOLVER}" "${VERIFY_HOST}" AAAA 2>/dev/null)"
    if printf '%s\n' "${out}" | grep -Eq '^[0-9a-fA-F.:]+$'; then
      VERIFY_ADDRS="$(printf '%s\n' "${out}" | grep -E '^[0-9a-fA-F.:]+$' | tr '\n' ' ')"
      return 0
    fi
    printf '%s\n' "${out}" | grep -q 'timed out\|no servers' && return 3
    return 1
  fi
  return 2
}

# Runs --verify-host if given; exits 3 when the name does not resolve.
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
      die "${EXIT_VERIFY}" "verify-host: ${VERIFY_HOST} does not resolve through the VPC resolver ${RESOLVER}, so the cause is not the local resolver (no EFS mount target in this Availability Zone, DNS hostnames disabled in the VPC, or a wrong file system id); nothing changed"
      ;;
    3)
      die "${EXIT_ENV}" "verify-host: the VPC resolver ${RESOLVER} did not answer for ${VERIFY_HOST}: not tested; nothing changed"
      ;;
    *)
      die "${EXIT_ENV}" "verify-host: cannot test ${VERIFY_HOST} through ${RESOLVER} (needs root for a private mount namespace and python3, or dig); nothing changed"
      ;;
  esac
}

# The check action.
do_check() {
  set_report_ns
  if is_healthy; then
    VERDICT="healthy"
  else
    VERDICT="at-risk"
  fi
  say "resolv.conf: ${CONF}"
  say "manager: ${MANAGER}"
  if [[ "${IMPLICIT_DEFAULT}" == true ]]; then
    say "nameservers used by glibc: ${IMPLICIT_NS} (implicit: no nameserver line glibc accepts)"
  else
    say "nameservers used by glibc: ${REPORT_NS[*]}"
  fi
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

# Reads the fixed file back: it must be what was written, and healthy (a
# manager that rewrites it at once would otherwise go unseen).
verify_written() {
  local written="$1" rc=0
  read_file "${CONF}" || rc=$?
  if ((rc != 0)) || [[ "${CONTENT}" != "${written}" ]]; then
    die "${EXIT_ENV}" "${CONF} does not read back as written: another writer replaced it right after the fix (see 'check'; rollback restores the original from ${CONF}${BACKUP_SUFFIX})"
  fi
  parse_nameservers
  is_healthy || die "${EXIT_ENV}" "${CONF} is still at risk after the fix"
}

# The fix action. Globals: CONF, REAL_CONF, CONTENT, LINES and the report
# state.
do_fix() {
  if is_healthy; then
    set_report_ns
    VERDICT="healthy"
    say "already healthy, nothing changed (nameservers: ${REPORT_NS[*]})"
    return "${EXIT_OK}"
  fi
  plan_fix
  WOULD_CHANGE=true
  local old_text="${CONTENT}" final="${FINAL_NEWLINE}" new_text
  ((${#NS_LINE[@]} > 0)) || final=true
  join_lines "${final}" "${NEW_LINES[@]}"
  new_text="${TEXT}"
  ((${#new_text} <= MAX_BYTES)) \
    || die "${EXIT_ENV}" "${CONF} would grow over ${MAX_BYTES} bytes; refused, nothing changed"
  if [[ "${DRY_RUN}" == true ]]; then
    say "dry run: ${CONF} would become:"
    if command -v diff >/dev/null 2>&1; then
      # cat -v: control bytes of the file (a CR, an escape) shown, not sent
      # to the terminal.
      diff -u --label "${CONF}" --label "${CONF} (fixed)" \
        <(printf '%s' "${old_text}") <(printf '%s' "${new_text}") | cat -v
    else
      printf '%s' "${new_text}" | cat -v
    fi
    plan_persistence
    CONTENT="${new_text}"
    LINES=("${NEW_LINES[@]}")
    parse_nameservers
  else
    local backup="${CONF}${BACKUP_SUFFIX}"
    if [[ -e "${backup}" && ! -f "${backup}" && ! -L "${backup}" ]]; then
      die "${EXIT_ENV}" "${backup} exists and is not a file or symlink; nothing changed"
    fi
    plan_persistence
    # Backup, resolv.conf and persistence stand or fall together.
    CONTENT="${old_text}"
    undoable "${backup}" backup_once "${CONF}" "${backup}" \
      || fail_fix "cannot write backup ${backup}"
    undoable "${CONF}" atomic_write "${CONF}" "${REAL_CONF}" "${new_text}" \
      || fail_fix "cannot replace ${CONF}"
    apply_persistence || fail_fix "cannot update ${FAILED} (or it would pass ${MAX_BYTES} bytes)"
    end_changes keep
    CHANGED=true
    BACKUP_REPORTED="${backup}"
    ((${#PERSISTENCE[@]} == 0)) || say "persistence: updated ${PERSISTENCE[*]}"
    # After rc-manager=unmanaged: the reload leaves the new file alone.
    [[ -z "${NM_CONF}" ]] || service_call systemctl reload NetworkManager
    verify_written "${new_text}"
    say "fixed ${CONF}: ${RESOLVER} follows the local resolver (backup ${BACKUP_REPORTED})"
  fi
  set_report_ns
  VERDICT="healthy"
  return "${EXIT_OK}"
}

# Succeeds if a backup exists; dies if it is not a file or symlink.
have_backup() {
  local backup="${CONF}${BACKUP_SUFFIX}"
  [[ -e "${backup}" || -L "${backup}" ]] || return 1
  [[ -L "${backup}" || -f "${backup}" ]] \
    || die "${EXIT_ENV}" "${backup} is not a file or symlink; nothing changed"
}

# Reports the state of resolv.conf as it is (its verdict, when it reads).
# Globals: CONF and the report state.
report_current() {
  local real
  real="$(resolve_in_root "${CONF}")" || return 0
  read_file "${real}" || return 0
  detect_manager "${CONF}"
  parse_nameservers
  set_report_ns
  if is_healthy; then VERDICT="healthy"; else VERDICT="at-risk"; fi
}

# Rollback where fix never changed the file (or a rollback already ran): a
# no-op that succeeds, so rolling back a whole fleet, or twice, is safe.
nothing_to_roll_back() {
  report_current
  say "nothing to roll back: no backup ${CONF}${BACKUP_SUFFIX} (fix never changed this file, or it was rolled back); nothing changed${VERDICT:+ (resolv.conf is ${VERDICT})}"
  emit_json "${EXIT_OK}" ""
  exit "${EXIT_OK}"
}

# The rollback action.
do_rollback() {
  local backup="${CONF}${BACKUP_SUFFIX}" real
  # Under the lock: a rollback that ran meanwhile leaves nothing to do.
  have_backup || nothing_to_roll_back
  if [[ "${DRY_RUN}" == true ]]; then
    say "dry run: would restore ${CONF} from ${backup} and undo persistence files"
    BACKUP_REPORTED="${backup}"
    WOULD_CHANGE=true
    real="$(resolve_in_root "${backup}")" || real=""
  else
    persist_rollback
    mv -f -T -- "${backup}" "${CONF}" || die "${EXIT_ENV}" "cannot restore ${CONF} from ${backup}"
    CHANGED=true
    WOULD_CHANGE=true
    say "restored ${CONF} from ${backup}"
    real="$(resolve_in_root "${CONF}")" || real=""
  fi
  if [[ -n "${real}" ]] && read_file "${real}"; then
    parse_nameservers
    set_report_ns
    if is_healthy; then VERDICT="healthy"; else VERDICT="at-risk"; fi
  fi
  return "${EXIT_OK}"
}

# Sets ETC, CONF and REAL_CONF (what CONF names); refuses symlinks that
# leave the root.
resolve_paths() {
  ETC="${ROOT}/etc"
  CONF="${ETC}/resolv.conf"
  inside_root "${ETC}" || die "${EXIT_ENV}" "${ETC} is a symlink that leaves --root; nothing changed"
  [[ -d "${ETC}" ]] || die "${EXIT_ENV}" "${ETC} is not a directory"
  [[ -e "${CONF}" || -L "${CONF}" ]] || die "${EXIT_ENV}" "${CONF} does not exist (it is never created)"
  REAL_CONF="$(resolve_in_root "${CONF}")" \
    || die "${EXIT_ENV}" "${CONF} is a symlink that leaves --root (or loops); nothing changed"
}

# Reads resolv.conf once, parses it and names its manager.
load_conf() {
  local rc=0
  read_file "${REAL_CONF}" || rc=$?
  case ${rc} in
    0) ;;
    2) die "${EXIT_ENV}" "${CONF} is over ${MAX_BYTES} bytes (glibc reads only a few lines of it); refused, nothing changed" ;;
    3) die "${EXIT_ENV}" "${CONF} holds NUL bytes (binary); refused, nothing changed" ;;
    *) die "${EXIT_ENV}" "cannot read ${CONF} (missing symlink target, unreadable, or not a regular file)" ;;
  esac
  detect_manager "${CONF}"
  parse_nameservers
  set_report_ns
}

main() {
  parse_args "$@"
  local rc
  if [[ "${ACTION}" == rollback ]]; then
    ETC="${ROOT}/etc"
    CONF="${ETC}/resolv.conf"
    inside_root "${ETC}" || die "${EXIT_ENV}" "${ETC} is a symlink that leaves --root; nothing changed"
    # Checked before taking the lock as well, so a rollback with nothing to
    # do creates nothing.
    have_backup || nothing_to_roll_back
    [[ "${DRY_RUN}" == true ]] || take_lock
    # The manager is named from the file being replaced, when it reads.
    local current
    CONTENT=""
    if current="$(resolve_in_root "${CONF}")"; then
      read_file "${current}" || CONTENT=""
    fi
    detect_manager "${CONF}"
    do_rollback
    rc=$?
    emit_json "${rc}" ""
    exit "${rc}"
  fi
  resolve_paths
  # Before the lock and before any change: a name that does not resolve
  # through the VPC resolver means the local resolver is not the cause.
  maybe_verify
  # fix reads the file once, under the lock, so a concurrent run or rename
  # cannot slip between the read and the write.
  if [[ "${ACTION}" == fix && "${DRY_RUN}" != true ]]; then
    take_lock
    resolve_paths
  fi
  load_conf
  if [[ "${ACTION}" == check ]]; then
    do_check
    rc=$?
  else
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
