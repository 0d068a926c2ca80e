#!/usr/bin/env bash
#
# user-data.sh: prints the user data that makes your own container instances
# (your launch templates, not the safe capacity) fix resolv.conf, check it
# and mark themselves dns.local-resolver=none, or at-risk, before the ECS
# agent starts, at first boot and at every boot after. Run it once where you
# deploy (it needs bash, gzip and base64; it changes nothing, it prints); add
# its output to your launch template's user data, after your own lines. See
# --help and docs/prevention.md.
#
# The instance runs hostscripts/safe-capacity-boot.sh itself, byte for byte:
# this script embeds it (gzip + base64: the file alone is larger than EC2's
# 16 KB of user data) and validates every value with that script's own rules
# before printing anything.

set -o nounset
set -o pipefail

readonly SELF="user-data.sh"
readonly HEREDOC_END="ECS_DNS_REMEDIATION_SCRIPT_END"
readonly DROP_IN_NAME="10-ecs-dns-remediation-after.conf"

#######################################
# Prints the usage text.
#######################################
user_data_usage() {
  cat <<'EOF'
Usage: user-data.sh --script-url URL --script-sha256 HEX --region REGION
                    --cluster NAME --capacity-provider NAME --resolver ADDR
                    [--after UNIT]... [--root DIR]
       user-data.sh --help

Prints (stdout) user data for your own launch templates: it writes
safe-capacity-boot.sh to /usr/local/sbin/ecs-dns-safe-capacity-boot.sh, orders
its boot unit after each UNIT, and runs its install action, which fetches
resolv-fix.sh from URL, refuses it unless its SHA-256 is HEX, fixes, checks,
and marks the instance in /etc/ecs/ecs.config before ecs.service starts.

Options:
  --script-url URL          the stack output ResolvFixScriptUrl (s3://...)
  --script-sha256 HEX       the stack output ResolvFixScriptSha256
  --region REGION           the stack's AWS Region (the aws CLI's)
  --cluster NAME            the instances' ECS cluster   (heartbeat metric
  --capacity-provider NAME  their capacity provider       dimensions)
  --resolver ADDR           the VPC resolver (the stack's remediation:vpcResolver,
                            169.254.169.253 unless you changed it)
  --after UNIT              a systemd unit that sets up your local resolver
                            (dnsmasq.service, ...); repeatable
  --root DIR                paths in the user data under DIR (tests)

Exit codes: 0 printed; 2 bad usage or invalid value (nothing printed);
4 safe-capacity-boot.sh not next to this script or not readable.
EOF
}

#######################################
# Prints an error on stderr and exits.
# Arguments: exit code, message words.
#######################################
user_data_die() {
  local code="$1"
  shift
  printf '%s: error: %s\n' "${SELF}" "$*" >&2
  exit "${code}"
}

#######################################
# Prints a path under the --root value.
# Arguments: root, absolute path.
#######################################
rooted() {
  if [[ "$1" == "/" ]]; then printf '%s' "$2"; else printf '%s%s' "${1%/}" "$2"; fi
}

#######################################
# Validates the options and prints the user data.
# Arguments: the script's arguments.
#######################################
print_user_data() {
  local here boot
  here="$(cd "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)" \
    || user_data_die 4 "cannot find the directory of ${SELF}"
  boot="${here}/safe-capacity-boot.sh"
  [[ -r "${boot}" ]] || user_data_die 4 "${boot} is missing or not readable"
  if [[ "${1:-}" == --help || "${1:-}" == -h ]]; then
    user_data_usage
    exit 0
  fi

  # --after is this script's; every other option is the boot script's.
  local -a boot_args=() after=()
  while [[ $# -gt 0 ]]; do
    [[ $# -ge 2 ]] || user_data_die 2 "option $1 needs a value; see --help"
    case "$1" in
      --after)
        [[ "$2" =~ ^[A-Za-z0-9][A-Za-z0-9:_.@-]{0,240}\.(service|socket|target|mount|path)$ ]] \
          || user_data_die 2 "--after must be a systemd unit name (service, socket, target, mount or path)"
        after+=("$2")
        ;;
      --script-url | --script-sha256 | --region | --cluster | --capacity-provider | --resolver | --root)
        boot_args+=("$1" "$2")
        ;;
      *) user_data_die 2 "unknown option $1; see --help" ;;
    esac
    shift 2
  done

  # The boot script's own rules judge the values, as they will on the
  # instance: a bad value ends here with its one line on stderr and exit 2.
  # Its last line runs it; the lines before only define. (A guard in the
  # boot script instead would cost bytes of the safe capacity's user data,
  # which is within a few dozen bytes of its budget.)
  [[ "$(tail -n 1 "${boot}")" == 'main "$@"' ]] \
    || user_data_die 4 "${boot} does not end with the line main \"\$@\""
  # shellcheck source=hostscripts/safe-capacity-boot.sh
  source <(sed '$d' "${boot}") || user_data_die 4 "cannot read ${boot}"
  parse_args install "${boot_args[@]}"
  # The paths go into shell text unquoted: plain characters only.
  [[ "${ROOT}" =~ ^/[A-Za-z0-9._/-]*$ ]] \
    || user_data_die 2 "--root must be a path of letters, digits, '.', '_', '-' and '/'"

  local path encoded unit drop_in_dir
  path="$(rooted "${ROOT}" "${SELF_PATH}")"
  drop_in_dir="$(rooted "${ROOT}" "${UNIT_DIR}/${BOOT_UNIT}.d")"
  # fold: GNU base64 wraps at 76 already, BSD base64 (macOS) does not wrap.
  encoded="$(gzip -9nc <"${boot}" | base64 | fold -w 76)" || user_data_die 4 "cannot compress ${boot}"

  printf '%s\n' '#!/bin/bash' \
    "# ECS DNS remediation (hostscripts/user-data.sh, docs/prevention.md): fix, check" \
    "# and mark this container instance dns.local-resolver before ecs.service." \
    "mkdir -p $(dirname "${path}")" \
    "base64 -d <<'${HEREDOC_END}' | gzip -dc > ${path}" \
    "${encoded}" \
    "${HEREDOC_END}" \
    "chmod 0755 ${path}"
  if [[ ${#after[@]} -gt 0 ]]; then
    printf '%s\n' "mkdir -p ${drop_in_dir}" \
      "cat > ${drop_in_dir}/${DROP_IN_NAME} <<'${HEREDOC_END}'" \
      "[Unit]"
    for unit in "${after[@]}"; do
      printf 'After=%s\n' "${unit}"
    done
    printf '%s\n' "${HEREDOC_END}"
  fi
  printf '%s install %s --script-url %s --script-sha256 %s' \
    "${path}" "$(common_args)" "${SCRIPT_URL}" "${SCRIPT_SHA256}"
  [[ "${ROOT}" == "/" ]] || printf ' --root %s' "${ROOT}"
  printf '\n'
}

# Not named main: the boot script's lines define their own main.
print_user_data "$@"
