#!/usr/bin/env bash
#
# diagnose-task-netns.sh: read-only diagnosis of DNS resolution inside the
# task network namespaces (awsvpc) of a container instance. For each running
# task it enters the task's network namespace while keeping the host's mount
# namespace, exactly as the ECS volume plugin does before mount.nfs4, and
# resolves the EFS names the task mounts (or the names given) with
# getaddrinfo (getent ahosts). For each name that fails it tells why: the
# local resolver (loopback nameservers do not answer in the task namespace)
# or the name itself (it does not resolve through the VPC resolver either).
#
# Changes nothing. Needs root (nsenter). Self-contained so it can run
# verbatim as an SSM aws:runShellScript step. Run with --help for usage.

set -o nounset
set -o pipefail
# JSON strings, DNS names and IP addresses: the rules all host scripts share.
# (SC1091 only says that shellcheck without -x does not follow it; CI's -x does.)
# shellcheck source=hostscripts/hostlib.sh disable=SC1091
source "$(dirname -- "${BASH_SOURCE[0]}")/hostlib.sh" || exit 4

readonly PROG="diagnose-task-netns.sh"
readonly PAUSE_LABEL="com.amazonaws.ecs.container-name=~internal~ecs~pause"
readonly AGENT_URL="http://localhost:51678"
readonly SLOW_MS=1000
readonly EXIT_OK=0
readonly EXIT_FAIL=1
readonly EXIT_USAGE=2
readonly EXIT_ENV=4

NAMES=()
NETNS=()
RESOLVER="169.254.169.253"
REGION=""
JSON=false
RESOLV_CONF="/etc/resolv.conf"

# Targets: parallel arrays of task label, netns path, names (space separated).
T_LABEL=()
T_NETNS=()
T_NAMES=()

usage() {
  cat <<'EOF'
Usage: diagnose-task-netns.sh [--netns PATH]... [--name NAME]... [--resolver ADDR]
                              [--region REGION] [--json]
       diagnose-task-netns.sh --help

Resolves, from inside each awsvpc task network namespace on this container
instance, the EFS names the task mounts, the way mount.nfs4 started by the
ECS volume plugin does (host mount namespace, so the host's resolv.conf;
task network namespace). Read-only.

Without --netns, tasks are found through docker: the ECS pause containers
(label com.amazonaws.ecs.container-name=~internal~ecs~pause) and their PIDs;
EFS names come from the task's amazon-ecs-volume-plugin volumes
(device=fs-ID:/ -> fs-ID.efs.REGION.amazonaws.com).

Options:
  --netns PATH      Diagnose this network namespace (/run/netns/NAME or
                    /proc/PID/ns/net) instead of discovering tasks. Needs
                    --name. Repeatable.
  --name NAME       Also resolve NAME (a DNS name) in every namespace.
                    Repeatable.
  --resolver ADDR   VPC resolver used to tell the causes apart
                    (default 169.254.169.253).
  --region REGION   Region for EFS names (default: from the ECS agent's
                    introspection metadata, then IMDSv2).
  --json            Make the last line on stdout one JSON object.
  --help            This text.

Reasons reported per name:
  ok              resolves
  slow            resolves, but took over 1000 ms (a nameserver timed out:
                  lo down in the task namespace?)
  local-resolver  fails with the host's resolv.conf, resolves through the
                  VPC resolver: the local resolver is the cause
                  (resolv-fix.sh fix cures it)
  not-found       does not resolve through the VPC resolver either: no EFS
                  mount target in this Availability Zone, DNS hostnames
                  disabled, or a wrong file system id
  unknown         fails, and the VPC resolver test could not run

Exit codes:
  0  every name resolves in every namespace (or no awsvpc task is running)
  1  some name fails
  2  bad usage or invalid parameter
  4  environment error (not root, nsenter/docker missing, no region)
EOF
}

err() {
  printf '%s: error: %s\n' "${PROG}" "$*" >&2
}

die() {
  local code="$1"
  shift
  err "$*"
  if [[ "${JSON}" == true ]]; then
    printf '{"ok":false,"tasks":[],"exit_code":%d,"error":%s}\n' "${code}" "$(json_str "$*")"
  fi
  exit "${code}"
}

parse_args() {
  while (($# > 0)); do
    case "$1" in
      -h | --help)
        usage
        exit "${EXIT_OK}"
        ;;
      --netns | --name | --resolver | --region)
        (($# >= 2)) || die "${EXIT_USAGE}" "$1 needs a value"
        case "$1" in
          --netns)
            [[ "$2" =~ ^/[A-Za-z0-9._/-]+$ && "$2" != *..* ]] \
              || die "${EXIT_USAGE}" "--netns must be a path like /run/netns/NAME or /proc/PID/ns/net"
            [[ -e "$2" ]] || die "${EXIT_ENV}" "--netns $2 does not exist"
            NETNS+=("$2")
            ;;
          --name)
            is_dns_name "$2" || die "${EXIT_USAGE}" "--name must be a valid DNS name"
            NAMES+=("${2%.}")
            ;;
          --resolver)
            is_resolver_address "$2" || die "${EXIT_USAGE}" "--resolver must be a unicast IP address (the VPC resolver)"
            RESOLVER="$2"
            ;;
          --region)
            [[ "$2" =~ ^[a-z]{2}(-[a-z]+)+-[0-9]$ ]] || die "${EXIT_USAGE}" "--region must look like us-east-1"
            REGION="$2"
            ;;
        esac
        shift
        ;;
      --json) JSON=true ;;
      *) die "${EXIT_USAGE}" "unknown argument (see --help)" ;;
    esac
    shift
  done
  if ((${#NETNS[@]} > 0 && ${#NAMES[@]} == 0)); then
    die "${EXIT_USAGE}" "--netns needs at least one --name"
  fi
}

#######################################
# Finds the region: agent introspection metadata, then IMDSv2.
# Globals: sets REGION. Returns 1 if unknown.
#######################################
find_region() {
  [[ -n "${REGION}" ]] && return 0
  command -v curl >/dev/null || return 1
  local meta token
  meta="$(curl -s --max-time 2 "${AGENT_URL}/v1/metadata" 2>/dev/null)"
  if [[ "${meta}" =~ arn:aws[a-z-]*:ecs:([a-z]{2}(-[a-z]+)+-[0-9]): ]]; then
    REGION="${BASH_REMATCH[1]}"
    return 0
  fi
  token="$(curl -s --max-time 2 -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' \
    http://169.254.169.254/latest/api/token 2>/dev/null)"
  meta="$(curl -s --max-time 2 -H "X-aws-ec2-metadata-token: ${token}" \
    http://169.254.169.254/latest/meta-data/placement/region 2>/dev/null)"
  if [[ "${meta}" =~ ^[a-z]{2}(-[a-z]+)+-[0-9]$ ]]; then
    REGION="${meta}"
    return 0
  fi
  return 1
}

#######################################
# Discovers running awsvpc tasks through docker and their EFS names.
# Globals: fills T_LABEL, T_NETNS, T_NAMES.
#######################################
discover() {
  command -v docker >/dev/null || die "${EXIT_ENV}" "docker not found; use --netns PATH --name NAME"
  local line id arn pid vol device opts fs
  local -a ids=() arns=() pids=()
  local ps_out
  # Go templates are written '{''{...}}': the SSM document embeds this file, and SSM reads '{{' as a parameter.
  ps_out="$(docker ps --filter "label=${PAUSE_LABEL}" \
    --format '{''{.ID}}|{''{.Label "com.amazonaws.ecs.task-arn"}}')" \
    || die "${EXIT_ENV}" "docker ps failed"
  while IFS='|' read -r id arn; do
    [[ "${id}" =~ ^[0-9a-f]{12,64}$ ]] || continue
    pid="$(docker inspect -f '{''{.State.Pid}}' "${id}" 2>/dev/null)"
    [[ "${pid}" =~ ^[1-9][0-9]*$ ]] || continue
    [[ "${arn}" =~ ^[A-Za-z0-9:/._-]{1,256}$ ]] || arn="pause container ${id}"
    ids+=("${id}")
    arns+=("${arn}")
    pids+=("${pid}")
  done <<<"${ps_out}"
  ((${#ids[@]} > 0)) || return 0

  # EFS volumes of awsvpc tasks carry o=netns=/proc/<pause pid>/ns/net.
  local -A efs_by_pid=()
  local vols
  vols="$(docker volume ls -q --filter driver=amazon-ecs-volume-plugin 2>/dev/null)"
  while read -r vol; do
    [[ "${vol}" =~ ^[A-Za-z0-9_.-]+$ ]] || continue
    line="$(docker volume inspect -f '{''{index .Options "device"}}|{''{index .Options "o"}}' "${vol}" 2>/dev/null)"
    device="${line%%|*}"
    opts="${line#*|}"
    [[ "${device}" =~ ^(fs-[0-9a-f]{8,40}): ]] || continue
    fs="${BASH_REMATCH[1]}"
    [[ "${opts}" =~ netns=/proc/([0-9]+)/ns/net ]] || continue
    pid="${BASH_REMATCH[1]}"
    if [[ -z "${REGION}" ]] && ! find_region; then
      die "${EXIT_ENV}" "cannot tell the region for EFS names; give --region"
    fi
    efs_by_pid[${pid}]+=" ${fs}.efs.${REGION}.amazonaws.com"
  done <<<"${vols}"

  local i
  local -a efs=()
  for i in "${!ids[@]}"; do
    read -r -a efs <<<"${efs_by_pid[${pids[i]}]:-}"
    T_LABEL+=("${arns[i]}")
    T_NETNS+=("/proc/${pids[i]}/ns/net")
    T_NAMES+=("$(dedupe "${efs[@]+"${efs[@]}"}" "${NAMES[@]+"${NAMES[@]}"}")")
  done
}

#######################################
# Prints its arguments once each, space separated, in first-seen order.
#######################################
dedupe() {
  local -A seen=()
  local out="" w
  for w in "$@"; do
    [[ -n "${w}" && -z "${seen[${w}]:-}" ]] || continue
    seen[${w}]=1
    out+="${out:+ }${w}"
  done
  printf '%s' "${out}"
}

#######################################
# Prints the first three nameservers of the host's resolv.conf.
#######################################
host_nameservers() {
  local line n=0 out=""
  while IFS= read -r line && ((n < 3)); do
    if [[ "${line}" =~ ^nameserver[[:blank:]]+([^[:blank:]#\;]+) ]]; then
      out+="${out:+, }${BASH_REMATCH[1]}"
      n=$((n + 1))
    fi
  done <"${RESOLV_CONF}" 2>/dev/null
  printf '%s' "${out:-none}"
}

#######################################
# Reports whether lo is up in a network namespace.
# Outputs: true, false or null.
#######################################
lo_state() {
  local out
  out="$(nsenter --net="$1" -- ip -o link show lo 2>/dev/null)" || { printf 'null'; return; }
  if [[ "${out}" =~ \<[A-Z_,]*UP[A-Z_,]*\> ]]; then printf 'true'; else printf 'false'; fi
}

#######################################
# Prints the time in microseconds (EPOCHREALTIME needs bash 5; Amazon
# Linux 2 has bash 4.2, so fall back to date).
#######################################
now_us() {
  if [[ -n "${EPOCHREALTIME:-}" ]]; then
    printf '%s' "${EPOCHREALTIME/[.,]/}"
  else
    printf '%s' "$(($(date +%s%N) / 1000))"
  fi
}

#######################################
# Resolves a name in a network namespace with the host's resolv.conf.
# Arguments: netns, name. Outputs: "RC MS ADDRS...".
#######################################
resolve_in() {
  local ns="$1" name="$2" out rc s e us
  s="$(now_us)"
  out="$(nsenter --net="${ns}" -- timeout 30 getent ahosts "${name}" 2>/dev/null)"
  rc=$?
  e="$(now_us)"
  us=$((e - s))
  printf '%d %d.%03d %s' "${rc}" $((us / 1000)) $((us % 1000)) \
    "$(printf '%s\n' "${out}" | cut -d ' ' -f 1 | grep . | sort -u | tr '\n' ' ')"
}

#######################################
# Resolves a name in a network namespace through the VPC resolver alone
# (a private mount namespace shows a resolv.conf listing only it).
# Returns 0 resolves, 1 does not, 2 cannot test.
#######################################
resolve_via_vpc() {
  local ns="$1" name="$2" rc
  command -v unshare >/dev/null || return 2
  # shellcheck disable=SC2016 # the inner script gets its values as arguments
  unshare --mount --propagation private -- bash -c '
    mount -t tmpfs -o size=64k,mode=0700 ecs-dns-remediation /tmp || exit 10
    printf "nameserver %s\noptions timeout:2 attempts:2\n" "$1" >/tmp/resolv.conf || exit 10
    mount --bind /tmp/resolv.conf /etc/resolv.conf || exit 10
    if [[ -d /run/nscd ]]; then mount -t tmpfs tmpfs /run/nscd || exit 10; fi
    exec nsenter --net="$2" -- timeout 30 getent ahosts "$3"' diagnose \
    "${RESOLVER}" "${ns}" "${name}" >/dev/null 2>&1
  rc=$?
  ((rc == 0)) && return 0
  ((rc == 2)) && return 1
  return 2
}

main() {
  parse_args "$@"
  command -v nsenter >/dev/null || die "${EXIT_ENV}" "nsenter not found"
  command -v getent >/dev/null || die "${EXIT_ENV}" "getent not found"
  local i
  if ((${#NETNS[@]} > 0)); then
    for i in "${!NETNS[@]}"; do
      T_LABEL+=("${NETNS[i]}")
      T_NETNS+=("${NETNS[i]}")
      T_NAMES+=("$(dedupe "${NAMES[@]}")")
    done
  else
    discover
  fi

  local host_ns all_ok=true tasks_json="" sep=""
  host_ns="$(host_nameservers)"
  if ((${#T_NETNS[@]} == 0)); then
    printf 'No running awsvpc task found (no ECS pause container).\n'
  else
    printf '%-40s %-5s %-52s %-6s %10s  %s\n' TASK LO NAME RESULT MS REASON
  fi
  for i in "${!T_NETNS[@]}"; do
    local ns="${T_NETNS[i]}" label="${T_LABEL[i]}" lo name res rc ms addrs reason detail via
    if ! nsenter --net="${ns}" -- true 2>/dev/null; then
      die "${EXIT_ENV}" "cannot enter network namespace ${ns} (root needed)"
    fi
    lo="$(lo_state "${ns}")"
    local names_json="" nsep=""
    local -a names=()
    read -r -a names <<<"${T_NAMES[i]}"
    if ((${#names[@]} == 0)); then
      printf '%-40s %-5s %-52s %-6s %10s  %s\n' "${label:0:40}" "${lo}" "-" "-" "-" \
        "no EFS volume found for this task; use --name"
    fi
    for name in "${names[@]+"${names[@]}"}"; do
      res="$(resolve_in "${ns}" "${name}")"
      rc="${res%% *}"
      res="${res#* }"
      ms="${res%% *}"
      addrs="${res#* }"
      via="null"
      if ((rc == 0)); then
        reason="ok"
        detail="resolves to ${addrs% }"
        if ((${ms%.*} > SLOW_MS)); then
          reason="slow"
          local lo_text="up"
          [[ "${lo}" == false ]] && lo_text="DOWN"
          [[ "${lo}" == null ]] && lo_text="unknown"
          detail="resolves, but in ${ms} ms: a nameserver timed out first (lo is ${lo_text} in the task network namespace; nameservers ${host_ns})"
        fi
      else
        all_ok=false
        resolve_via_vpc "${ns}" "${name}"
        case $? in
          0)
            via=true
            reason="local-resolver"
            detail="fails with the host's resolv.conf (nameservers ${host_ns}: loopback does not answer in the task network namespace) but resolves through ${RESOLVER}: run resolv-fix.sh fix"
            ;;
          1)
            via=false
            reason="not-found"
            detail="does not resolve through ${RESOLVER} either: no EFS mount target in this Availability Zone, DNS hostnames disabled in the VPC, or a wrong file system id"
            ;;
          *)
            reason="unknown"
            detail="fails; could not test through ${RESOLVER}"
            ;;
        esac
      fi
      printf '%-40s %-5s %-52s %-6s %10s  %s\n' "${label:0:40}" "${lo}" "${name}" \
        "$([[ "${rc}" == 0 ]] && echo ok || echo FAIL)" "${ms}" "${reason}: ${detail}"
      local addrs_json="" asep="" a
      for a in ${addrs}; do
        addrs_json+="${asep}$(json_str "${a}")"
        asep=","
      done
      names_json+="${nsep}{\"name\":$(json_str "${name}"),\"resolves\":$([[ "${rc}" == 0 ]] && echo true || echo false),\"ms\":${ms},\"addresses\":[${addrs_json}],\"via_vpc_resolver\":${via},\"reason\":$(json_str "${reason}"),\"detail\":$(json_str "${detail}")}"
      nsep=","
    done
    tasks_json+="${sep}{\"task\":$(json_str "${label}"),\"netns\":$(json_str "${ns}"),\"lo_up\":${lo},\"names\":[${names_json}]}"
    sep=","
  done
  local code="${EXIT_OK}"
  [[ "${all_ok}" == true ]] || code="${EXIT_FAIL}"
  if [[ "${JSON}" == true ]]; then
    printf '{"ok":%s,"resolver":%s,"host_nameservers":%s,"tasks":[%s],"exit_code":%d,"error":null}\n' \
      "${all_ok}" "$(json_str "${RESOLVER}")" "$(json_str "${host_ns}")" "${tasks_json}" "${code}"
  fi
  exit "${code}"
}

main "$@"
