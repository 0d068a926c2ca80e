#!/usr/bin/env bash
#
# demo.sh: the whole remediation loop on one machine (the README's first command). Needs root.
# Installs what it needs (Debian packages, moto, npm ci, dotnet build) unless present, runs `cdk synth` (the
# default variant of tests/infra/synth-variants.sh, into .artifacts/cdk.out/default, unless current), then:
# builds the network-namespace lab (a container instance with dnsmasq on 127.0.0.1), starts an awsvpc task
# whose EFS name does not resolve from its task network namespace, hands the ECS Task State Change event to
# the Remediator's Lambda handler, lets the local control plane run the runbook and its command documents
# (the read-only evidence, then the host fix) from cdk.out on the lab's container instance, and has the ECS
# scheduler start the task again.
# Everything is removed at the end, also on failure or interruption.
#
# Usage: demo.sh [--scenario NAME] [--cdk-out DIR] [--driver DLL] [--no-install] [--help]
#   --scenario local-resolver     (default) the real mount.nfs4 (retry=0) cannot resolve the EFS name from
#                                 the task network namespace; the reason is its stderr as ecs-init >= 1.80
#                                 and Docker wrap it (VolumeDriver.Mount); the evidence shows the local
#                                 resolver, the host fix cures it: the next mount gets past the lookup
#   --scenario no-mount-target    the EFS name does not exist in the VPC resolver (NXDOMAIN): the host is
#                                 left untouched and a notification names the cause
#   --scenario plugin-timeout     mount.nfs4 retries the failed lookup (nfs-utils' default retry) past the
#                                 lab's deadline for the volume plugin's call (standing in for Docker's 2
#                                 minutes): the reason is Docker's "context deadline exceeded" only; the
#                                 evidence, the host fix, and the task starts
#   --scenario efs-proxy          efs-utils 2.x: efs-proxy (a stand-in) cannot resolve the name in the task
#                                 namespace, the reason says only "Connection reset by peer"; the evidence
#                                 shows the local resolver, the host fix cures it, the task starts
#   --scenario efs-proxy-not-dns  the same reason, but resolv.conf is healthy and the mount target refuses
#                                 NFS: the host is left byte-identical, a notification says what was found
#   --cdk-out DIR                 use this synthesized cloud assembly instead
#   --driver DLL                  run this driver (hostscripts/lab/Remediator.Demo's assembly, built) instead
#                                 of building it: for runs of several scenarios on one build
#   --no-install                  fail instead of installing missing tools
# Output: a timeline on stderr; the last stdout line is one JSON object:
#   {"scenario","failure_reproduced","reason","decision","documents_run","task_started_after_fix",
#    "time_to_remediate_ms","host_untouched","notification","execution_status","evidence","host_fix",
#    "mounts"}
#   reason is the event's stoppedReason, byte for byte. mounts lists each EFS mount the lab made (outcome
#   lookup-failed, deadline-exceeded, lookup-passed, proxy), with mount.nfs4's words: this kernel has no NFS
#   client, so a task "starts" when its mount got past the lookup (outcome lookup-passed), which is what the
#   local resolver broke.
# Exit codes: 0 the scenario ended as expected; 1 it did not; 2 bad usage; 4 environment error.

set -o nounset
set -o pipefail

DEMO_HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "${DEMO_HERE}/../.." && pwd)"
readonly DEMO_HERE ROOT
readonly HOOK="${DEMO_HERE}/demo-hook.sh"
readonly DRIVER_PROJECT="${DEMO_HERE}/Remediator.Demo"
readonly EVENT_TEMPLATE="${ROOT}/tests/events/failure/ec2-awsvpc-temporary-failure.json"
readonly PACKAGES=(iproute2 util-linux dnsmasq-base jq perl-base libc-bin mount coreutils python3 python3-venv nfs-common)
# Where .ci/run and this script install moto when the system's python3 lacks it.
readonly VENV="${ROOT}/.artifacts/venv"
# The lab's ECS world, in the local control plane's account and Region.
readonly ACCOUNT_ARN="arn:aws:ecs:us-east-1:111122223333"
readonly TASK_DEFINITION_ARN="${ACCOUNT_ARN}:task-definition/efs-app:1"
readonly SERVICE_GROUP="service:efs-app"
readonly SCENARIOS="local-resolver no-mount-target plugin-timeout efs-proxy efs-proxy-not-dns"
# shellcheck source=hostscripts/lab/lib.sh
source "${DEMO_HERE}/lib.sh"

SCENARIO=local-resolver
CDK_OUT=""
INSTALL=true
START_MS=0
WORK=""
DRIVER=""
DRIVER_PID=""

usage() {
  sed -n '3,41s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
}

#######################################
# Prints an error on stderr and exits. Arguments: exit code, message.
#######################################
die() {
  local code="$1"
  shift
  printf 'demo.sh: error: %s\n' "$*" >&2
  exit "${code}"
}

#######################################
# Milliseconds since the epoch.
#######################################
now_ms() {
  local t="${EPOCHREALTIME/[.,]/}"
  printf '%d' $((t / 1000))
}

#######################################
# Prints a timeline line on stderr: seconds since the start, then the message.
#######################################
log() {
  local elapsed=$(($(now_ms) - START_MS))
  printf '[demo %3d.%03ds] %s\n' $((elapsed / 1000)) $((elapsed % 1000)) "$*" >&2
}

#######################################
# Installs missing Debian packages and moto (or fails with --no-install), restores npm packages, builds
# the driver unless --driver named one. Needs dotnet and npm already (the README names them).
# Globals: sets DRIVER, the driver's assembly as its own project builds it.
#######################################
prepare_tools() {
  local tool missing=()
  for tool in ip nsenter unshare dnsmasq jq perl getent mount sha256sum od python3 timeout /usr/sbin/mount.nfs4; do
    command -v "${tool}" >/dev/null || missing+=("${tool}")
  done
  if ((${#missing[@]} > 0)); then
    [[ "${INSTALL}" == true ]] || die 4 "missing ${missing[*]} (Debian: apt-get install ${PACKAGES[*]})"
    command -v apt-get >/dev/null || die 4 "missing ${missing[*]} and no apt-get to install them"
    log "installing ${PACKAGES[*]} (missing: ${missing[*]})"
    if ! DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 \
      || ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >&2; then
      die 4 "apt-get could not install ${PACKAGES[*]}"
    fi
  fi
  prepare_python
  command -v dotnet >/dev/null || die 4 "the .NET SDK 10 is needed (dotnet not on PATH)"
  if [[ -z "${CDK_OUT}" && ! -x "${ROOT}/node_modules/.bin/cdk" ]]; then
    command -v npm >/dev/null || die 4 "Node.js 20+ with npm is needed for cdk synth (npm not on PATH)"
    [[ "${INSTALL}" == true ]] || die 4 "node_modules is missing (run npm ci)"
    log "npm ci"
    (cd "${ROOT}" && npm ci --no-audit --no-fund --loglevel=error) >&2 || die 4 "npm ci failed"
  fi
  export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
  if [[ -n "${DRIVER}" ]]; then
    log "using the driver ${DRIVER}"
    return 0
  fi
  log "dotnet build hostscripts/lab/Remediator.Demo (the Remediator, the local control plane, the local endpoints)"
  dotnet build "${DRIVER_PROJECT}" --nologo -v:q -clp:ErrorsOnly >&2 || die 4 "dotnet build failed"
  # MSBuild says where the build put the driver (evaluation only), so no output path is written down here.
  DRIVER="$(dotnet msbuild "${DRIVER_PROJECT}" -nologo -getProperty:TargetPath)" || die 4 "MSBuild did not name the driver"
  [[ -f "${DRIVER}" ]] || die 4 "dotnet build did not produce ${DRIVER}"
}

#######################################
# Makes sure the driver's python (LOCALAWS_PYTHON, as hostscripts/lab/LocalAws reads it) has moto, the
# local DynamoDB, and botocore, whose API models judge every local request: the venv .ci/run made, else
# python3, else moto installed with pip into that venv (or a failure with --no-install or a LOCALAWS_PYTHON
# given without moto).
# Globals: exports LOCALAWS_PYTHON when it picks the venv.
#######################################
prepare_python() {
  if [[ -z "${LOCALAWS_PYTHON:-}" && -x "${VENV}/bin/python3" ]]; then
    export LOCALAWS_PYTHON="${VENV}/bin/python3"
  fi
  local python="${LOCALAWS_PYTHON:-python3}"
  "${python}" -c 'import moto.server, botocore' 2>/dev/null && return 0
  if [[ "${INSTALL}" != true || -n "${LOCALAWS_PYTHON:-}" ]]; then
    die 4 "${python} cannot import moto and botocore (the local DynamoDB, AWS's API models): pip install 'moto[server]'"
  fi
  log "pip install moto[server] into .artifacts/venv (the local DynamoDB, AWS's API models)"
  python3 -m venv --system-site-packages "${VENV}" >&2 || die 4 "python3 -m venv failed (Debian: apt-get install python3-venv)"
  "${VENV}/bin/pip" install --quiet --disable-pip-version-check 'moto[server]' >&2 || die 4 "pip could not install moto[server]"
  export LOCALAWS_PYTHON="${VENV}/bin/python3"
}

#######################################
# Synthesizes the default variant unless --cdk-out named an assembly (synth-variants.sh keeps one already
# synthesized from the sources as they are, as CI's is).
# Globals: sets CDK_OUT.
#######################################
synthesize() {
  if [[ -n "${CDK_OUT}" ]]; then
    [[ -f "${CDK_OUT}/manifest.json" ]] || die 4 "${CDK_OUT}: no manifest.json (not a cloud assembly)"
    log "using the synthesized templates in ${CDK_OUT}"
    return 0
  fi
  log "cdk synth (the SSM documents and the Remediator's configuration come from the cloud assembly)"
  "${ROOT}/tests/infra/synth-variants.sh" default >&2 || die 4 "cdk synth failed"
  CDK_OUT="${ROOT}/.artifacts/cdk.out/default"
}

#######################################
# Stops the driver if it still runs, removes the lab and the work directory. Safe from a trap.
#######################################
cleanup() {
  if [[ -n "${DRIVER_PID}" ]] && kill -0 "${DRIVER_PID}" 2>/dev/null; then
    kill "${DRIVER_PID}" 2>/dev/null
    wait "${DRIVER_PID}" 2>/dev/null
  fi
  lab_down
  if [[ -n "${WORK}" ]]; then
    rm -rf -- "${WORK}"
  fi
}

#######################################
# A hex string derived from the lab id and a label, for stable ids within a run.
# Arguments: label, length.
#######################################
lab_hex() {
  printf '%s/%s' "${LAB_ID}" "$1" | sha256sum | cut -c "1-$2"
}

#######################################
# Writes the ECS Task State Change event for the stopped task, shaped like ECS's (the sample in
# tests/events/failure/ with the lab's ARNs, times and the task's stoppedReason).
# Arguments: task ARN, container-instance ARN, stoppedReason, output file.
#######################################
write_event() {
  local task_arn="$1" instance_arn="$2" reason="$3" out="$4" now
  now="$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)"
  jq --arg task "${task_arn}" --arg instance "${instance_arn}" --arg cluster "${ACCOUNT_ARN}:cluster/lab" \
    --arg definition "${TASK_DEFINITION_ARN}" --arg group "${SERVICE_GROUP}" --arg reason "${reason}" \
    --arg now "${now}" --arg id "$(cat /proc/sys/kernel/random/uuid)" '
    .id = $id | .time = ($now | sub("\\.[0-9]+Z$"; "Z")) | .resources = [$task]
    | .detail.taskArn = $task | .detail.clusterArn = $cluster | .detail.containerInstanceArn = $instance
    | .detail.taskDefinitionArn = $definition | .detail.group = $group | .detail.startedBy = "ecs-svc/0000000000000000001"
    | .detail.stoppedReason = $reason
    | .detail.createdAt = $now | .detail.stoppingAt = $now | .detail.stoppedAt = $now | .detail.updatedAt = $now
    | .detail.containers |= map(.taskArn = $task
        | .containerArn = ($cluster | sub(":cluster/"; ":container/")) + "/" + ($task | split("/") | last) + "/" + (.containerArn | split("/") | last))
  ' "${EVENT_TEMPLATE}" >"${out}"
}

#######################################
# Checks the loop's result against the scenario's expectation.
# Arguments: the result JSON. Returns 0 when met.
#######################################
expectation_met() {
  local json="$1"
  case "${SCENARIO}" in
    local-resolver)
      jq -e '.failure_reproduced and .decision == "remediate" and .execution_status == "Success"
        and (.reason | test("^CannotStartContainerError: .*VolumeDriver\\.Mount: failed to mount volume .*: mounting volume failed: b.mount\\.nfs4: "))
        and (.documents_run | length) >= 2 and .task_started_after_fix and .host_untouched == false
        and ([.mounts[].outcome] == ["lookup-failed", "lookup-passed"])' <<<"${json}" >/dev/null
      ;;
    plugin-timeout)
      jq -e '.failure_reproduced and (.reason | test("mount\\.nfs4") | not)
        and (.reason | endswith("VolumeDriver.Mount: Post \"http://%2Frun%2Fdocker%2Fplugins%2Famazon-ecs-volume-plugin.sock/VolumeDriver.Mount\": context deadline exceeded"))
        and .decision == "remediate" and .execution_status == "Success" and .evidence.verdict == "fix-host"
        and .task_started_after_fix and .host_untouched == false
        and ([.mounts[].outcome] == ["deadline-exceeded", "lookup-passed"])' <<<"${json}" >/dev/null
      ;;
    no-mount-target)
      jq -e '.failure_reproduced and .decision == "remediate" and .host_untouched
        and (.notification // "" | test("does not resolve through the VPC resolver"))
        and .task_started_after_fix == false' <<<"${json}" >/dev/null
      ;;
    efs-proxy)
      jq -e '.failure_reproduced and (.reason | test("Failed to resolve") | not) and .decision == "remediate"
        and .execution_status == "Success" and .evidence.verdict == "fix-host"
        and .task_started_after_fix and .host_untouched == false' <<<"${json}" >/dev/null
      ;;
    efs-proxy-not-dns)
      jq -e '.failure_reproduced and (.reason | test("Failed to resolve") | not) and .decision == "remediate"
        and .host_untouched and .evidence.verdict == "healthy" and .host_fix == null
        and (.notification // "" | test("resolv.conf is healthy"))
        and .task_started_after_fix == false' <<<"${json}" >/dev/null
      ;;
  esac
}

main() {
  while (($# > 0)); do
    case "$1" in
      --scenario)
        [[ -n "${2:-}" && " ${SCENARIOS} " == *" ${2} "* ]] || die 2 "--scenario needs one of: ${SCENARIOS}"
        SCENARIO="$2"
        shift
        ;;
      --cdk-out)
        [[ -n "${2:-}" ]] || die 2 "--cdk-out needs a directory"
        CDK_OUT="$(cd "$2" 2>/dev/null && pwd)" || die 2 "--cdk-out $2: no such directory"
        shift
        ;;
      --driver)
        [[ -n "${2:-}" && -f "$2" ]] || die 2 "--driver ${2:-}: no such file"
        DRIVER="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"
        shift
        ;;
      --no-install) INSTALL=false ;;
      -h | --help)
        usage
        exit 0
        ;;
      *) die 2 "unknown argument $1 (see --help)" ;;
    esac
    shift
  done
  [[ "${EUID}" -eq 0 ]] || die 4 "run as root (network namespaces)"
  START_MS="$(now_ms)"
  log "scenario ${SCENARIO}"

  prepare_tools
  synthesize

  local host_before
  host_before="$(lab_host_resolv_state)"
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  lab_up || die 4 "could not build the lab"
  # Named after the lab, so that the driver (whose command line names the event in it) is known as this run's.
  WORK="$(mktemp -d "/tmp/ecs-dns-demo.${LAB_ID}.XXXXXX")" || die 4 "mktemp failed"

  local instance_arn ec2_id task_arn
  instance_arn="${ACCOUNT_ARN}:container-instance/lab/$(lab_hex instance 32)"
  ec2_id="i-0$(lab_hex ec2 16)"
  task_arn="${ACCOUNT_ARN}:task/lab/$(lab_hex task-1 32)"
  export DEMO_LAB_ID="${LAB_ID}" DEMO_LAB_DIR="${LAB_DIR}" DEMO_EC2_INSTANCE_ID="${ec2_id}" DEMO_SCENARIO="${SCENARIO}"
  case "${SCENARIO}" in
    no-mount-target)
      log "container instance ${ec2_id}: resolv.conf lists only dnsmasq on 127.0.0.1"
      log "the VPC resolver does not know ${LAB_EFS_NAME} (no mount target in the Availability Zone)"
      lab_vpc_forget_name "${LAB_EFS_NAME}" || die 4 "could not reconfigure the VPC resolver"
      lab_mount_target refuse || die 4 "could not set up the mount target"
      ;;
    plugin-timeout)
      log "container instance ${ec2_id}: resolv.conf lists only dnsmasq on 127.0.0.1; the volume plugin's call has a deadline"
      lab_mount_target refuse || die 4 "could not set up the mount target"
      ;;
    efs-proxy-not-dns)
      log "container instance ${ec2_id}: resolv.conf is healthy (dnsmasq on 127.0.0.1, then the VPC resolver)"
      printf '%s\n' 'options timeout:2 attempts:5' 'search ec2.internal' 'nameserver 127.0.0.1' \
        "nameserver ${LAB_VPC_RESOLVER}" >"${LAB_DIR}/etc/resolv.conf" || die 4 "could not write the lab's resolv.conf"
      log "the mount target at ${LAB_EFS_ADDR} refuses NFS (a security group without port 2049, say)"
      lab_mount_target refuse || die 4 "could not set up the mount target"
      ;;
    efs-proxy)
      log "container instance ${ec2_id}: resolv.conf lists only dnsmasq on 127.0.0.1"
      lab_mount_target listen || die 4 "could not start the mount target stand-in"
      ;;
    *)
      log "container instance ${ec2_id}: resolv.conf lists only dnsmasq on 127.0.0.1"
      lab_mount_target refuse || die 4 "could not set up the mount target"
      ;;
  esac
  local instance_before
  instance_before="$(sha256sum <"${LAB_DIR}/etc/resolv.conf")"

  log "starting task ${task_arn##*/} (${SERVICE_GROUP}, awsvpc, EFS volume) on the container instance"
  local first status reason
  first="$("${HOOK}" start-task "${task_arn}" "${ec2_id}" "${TASK_DEFINITION_ARN}" | tail -n 1)" || die 4 "could not start the task"
  status="$(jq -r .lastStatus <<<"${first}")"
  reason="$(jq -r '.stoppedReason // ""' <<<"${first}")"
  local reproduced=false
  [[ "${status}" == STOPPED ]] && reproduced=true
  log "task ${status}: ${reason:-no error}"

  local result=""
  if [[ "${reproduced}" == true ]]; then
    write_event "${task_arn}" "${instance_arn}" "${reason}" "${WORK}/event.json"
    # What the JSON reports is what the event carried.
    reason="$(jq -j .detail.stoppedReason "${WORK}/event.json")"
    log "ECS Task State Change (STOPPED) → the Remediator's handler, configured from cdk.out"
    dotnet "${DRIVER}" --cdk-out "${CDK_OUT}" --hook "${HOOK}" --event "${WORK}/event.json" \
      --ec2-instance-id "${ec2_id}" --file-system-id "${LAB_EFS_NAME%%.*}" >"${WORK}/driver.out" &
    DRIVER_PID=$!
    wait "${DRIVER_PID}" || die 1 "the loop did not run to its end (see the timeline above)"
    DRIVER_PID=""
    result="$(tail -n 1 "${WORK}/driver.out")"
  fi

  local untouched=false json mounts
  [[ "$(sha256sum <"${LAB_DIR}/etc/resolv.conf")" == "${instance_before}" ]] && untouched=true
  mounts="$(jq -c -s 'map({outcome, mount_output})' "${LAB_DIR}/mounts.jsonl" 2>/dev/null)" || mounts="[]"
  json="$(jq -c -n --arg scenario "${SCENARIO}" --argjson reproduced "${reproduced}" --arg reason "${reason}" \
    --argjson untouched "${untouched}" --argjson r "${result:-null}" --argjson mounts "${mounts}" '{
      scenario: $scenario,
      failure_reproduced: $reproduced,
      reason: $reason,
      decision: ($r.decision // "none"),
      documents_run: ($r.documents_run // []),
      task_started_after_fix: (($r.task_after.lastStatus // "") == "RUNNING"
        and ([$r.host_fixes[]? | select(.status == "Success")] | length) > 0),
      time_to_remediate_ms: ($r.time_to_remediate_ms // 0),
      host_untouched: $untouched,
      notification: ($r.notifications[0].message // null),
      execution_status: ($r.executions[0].status // null),
      evidence: (($r.evidence[0] // null) | if . then {verdict: (.verdict | sub("^verdict="; "")), summary} else null end),
      host_fix: ($r.host_fixes[0].summary // null),
      mounts: $mounts
    }')"
  log "resolv.conf of the container instance $([[ "${untouched}" == true ]] && echo "unchanged (sha256)" || echo "now:")"
  if [[ "${untouched}" == false ]]; then
    sed 's/^/    /' "${LAB_DIR}/etc/resolv.conf" >&2
  fi

  lab_down
  local ok=true
  if [[ "$(lab_host_resolv_state)" != "${host_before}" ]]; then
    log "UNEXPECTED: the host's own /etc/resolv.conf changed"
    ok=false
  fi
  expectation_met "${json}" || ok=false
  log "scenario ${SCENARIO}: $([[ "${ok}" == true ]] && echo "ended as expected" || echo "did NOT end as expected")"
  printf '%s\n' "${json}"
  [[ "${ok}" == true ]]
}

main "$@"
