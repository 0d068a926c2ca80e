# shellcheck shell=bash
#
# hostlib.sh: the rules the host scripts share, defined once: JSON strings,
# DNS names and IP addresses. Only function definitions: sourcing it runs
# nothing. A script sources it from its own directory: on a host, and in the
# SSM documents, which write both files into one directory. The safe
# capacity's download is one file: the script with this file joined in place
# of its source line (infra/Documents/HostScript.cs), which is what sourcing
# it does. The C# side holds the same DNS-name and IP
# rules (Remediation.Contracts DnsNames and IpLiteral); a test feeds both the
# same values.
#
# The functions read and compare bytes, whatever the caller's locale: each
# sets LC_ALL=C for itself (a local variable, restored on return).

# Sets ESCAPED to the text with each control byte as PREFIX and two hex
# digits. Arguments: text, prefix (\x for messages, \u00 for JSON).
escape_controls() {
  local LC_ALL=C
  local s="$1" prefix="$2" i hex ch
  if [[ "${s}" == *[[:cntrl:]]* ]]; then
    for ((i = 1; i < 32; i++)); do
      printf -v hex '%02x' "${i}"
      printf -v ch '%b' "\\x${hex}"
      s="${s//"${ch}"/"${prefix}${hex}"}"
    done
    s="${s//$'\x7f'/"${prefix}7f"}"
  fi
  ESCAPED="${s}"
}

# Succeeds if the text is valid UTF-8 (plain ASCII without a fork).
is_utf8() {
  local LC_ALL=C
  [[ "$1" != *[$'\x80'-$'\xff']* ]] && return 0
  command -v iconv >/dev/null 2>&1 || return 1
  printf '%s' "$1" | iconv -f UTF-8 -t UTF-8 >/dev/null 2>&1
}

# Sets JSON_QUOTED to the text as a JSON string: control bytes as \u00XX; in
# text that is not valid UTF-8 (a path or a log line may hold any bytes), each
# byte over 0x7f as the text \xNN. A global, not output: a summary line of
# many strings then costs no subshell per string.
json_quote() {
  local LC_ALL=C
  local s="$1" i hex ch out=""
  s="${s//\\/\\\\}"
  s="${s//\"/\\\"}"
  escape_controls "${s}" '\u00'
  s="${ESCAPED}"
  if ! is_utf8 "${s}"; then
    for ((i = 0; i < ${#s}; i++)); do
      ch="${s:i:1}"
      if [[ "${ch}" == [$'\x80'-$'\xff'] ]]; then
        printf -v hex '%02x' "'${ch}"
        out+="\\\\x${hex}"
      else
        out+="${ch}"
      fi
    done
    s="${out}"
  fi
  JSON_QUOTED="\"${s}\""
}

# Prints the text as a JSON string (see json_quote).
json_str() {
  json_quote "$1"
  printf '%s' "${JSON_QUOTED}"
}

# Succeeds if the argument is a DNS name the VPC resolver can answer: labels
# of 1 to 63 letters, digits and hyphens, none starting or ending with a
# hyphen; at least two labels; a last label that is not all digits (so an
# IPv4 literal is not a name); at most 253 characters, plus one optional
# trailing dot (the fully qualified spelling, which getaddrinfo accepts).
is_dns_name() {
  local LC_ALL=C
  local name="${1%.}" rest label
  [[ ${#name} -ge 1 && ${#name} -le 253 && "${name}" =~ ^[A-Za-z0-9.-]+$ ]] || return 1
  [[ "${name}" == *.* && "${name}" != .* && "${name}" != *. && "${name}" != *..* ]] || return 1
  # Label by label (a regular expression with {0,61} takes milliseconds to compile).
  rest="${name}."
  while [[ -n "${rest}" ]]; do
    label="${rest%%.*}"
    rest="${rest#*.}"
    [[ ${#label} -le 63 && "${label}" != -* && "${label}" != *- ]] || return 1
  done
  [[ "${label}" == *[A-Za-z]* ]]
}

# Succeeds if the argument is a dotted-quad IPv4 address without leading
# zeros (so it cannot be read as octal).
is_ipv4() {
  local LC_ALL=C
  local a="$1" part
  [[ "${a}" =~ ^([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})\.([0-9]{1,3})$ ]] \
    || return 1
  for part in "${BASH_REMATCH[@]:1}"; do
    [[ "${part}" =~ ^(0|[1-9][0-9]*)$ ]] || return 1
    ((10#${part} <= 255)) || return 1
  done
}

# The one resolver-address rule: a unicast literal. IPv4: decimal octets
# without leading zeros, not 0/8, 127/8 (loopback), 224/4 or 240/4. IPv6: hex
# groups only (no dotted tail, no zone), not ::, ::1, ff00::/8, fe80::/10
# (link-local needs a zone) or ::ffff:0:0/96 (IPv4 in disguise: glibc
# connects to 127.0.0.1 for ::ffff:7f00:1).
is_resolver_address() {
  local LC_ALL=C
  local a="$1" first
  if is_ipv4 "${a}"; then
    first="${a%%.*}"
    ((first != 0 && first != 127 && first < 224))
    return
  fi
  [[ "${a}" =~ ^[0-9A-Fa-f:]+$ ]] || return 1
  ipv6_expand "${a}" || return 1
  case "${IPV6_X}" in
    0000:0000:0000:0000:0000:0000:0000:000[01] | 0000:0000:0000:0000:0000:ffff:* | ff* | fe[89ab]*) return 1 ;;
  esac
}

# Expands an IPv6 address (no zone id) to eight 4-digit lowercase groups.
# Sets a global instead of printing: no subshell (forks are what makes a
# loaded host slow).
# Arguments: the address.
# Globals: sets IPV6_X. Returns 1 if it is not valid.
ipv6_expand() {
  local LC_ALL=C
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
  # A single colon may not start or end the address (inet_pton rejects it).
  [[ "${a}" != :* || "${a}" == ::* ]] || return 1
  [[ "${a}" != *: || "${a}" == *:: ]] || return 1
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
