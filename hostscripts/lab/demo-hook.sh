#!/usr/bin/env bash
#
# demo-hook.sh: the lab as the local control plane sees it (called by the driver in lab/Remediator.Demo/, started by
# demo.sh, which exports the lab's LAB_* variables and LAB_EC2_INSTANCE_ID). Needs root.
#
# Usage:
#   demo-hook.sh instance-exec EC2_ID COMMAND...   run a command on the lab's container instance
#                                                  (SSM Run Command); exits with its exit code
#   demo-hook.sh start-task TASK_ARN EC2_ID TASK_DEFINITION_ARN
#                                                  start a task: a new task network namespace, then the EFS
#                                                  mount as the volume plugin does it: the real mount.nfs4
#                                                  (local-resolver, no-mount-target, plugin-timeout under a
#                                                  deadline), or through the efs-proxy stand-in (efs-proxy*);
#                                                  last stdout line {"lastStatus":"RUNNING"} or {"lastStatus":
#                                                  "STOPPED","stoppedReason":REASON}, REASON in ECS's words.
#                                                  Each mount is also recorded as one JSON line in
#                                                  LAB_DIR/mounts.jsonl (what "RUNNING" stood on).
# Exit codes: the command's own (instance-exec); 0 task started or stopped (start-task); 2 bad usage;
# 4 environment error (no lab, unknown instance).

set -o nounset
set -o pipefail

HOOK_HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly HOOK_HERE
# shellcheck source=hostscripts/lab/lib.sh
source "${HOOK_HERE}/lib.sh"

# Debian's nfs-common, the mount.nfs4 that mount.efs runs.
readonly MOUNT_NFS4=/usr/sbin/mount.nfs4
# The lab's options, and why: retry=0, because nfs-utils retries a temporary lookup failure (EAI_AGAIN) for
# `retry` minutes, 2 by default for a foreground mount, and 0 makes it exit after the first failure (nfs(5),
# "retry=n"); nfsvers=4.1 as efs-utils mounts; soft,timeo=10,retrans=0 instead of efs-utils' hard,timeo=600,
# retrans=2, so that a kernel with an NFS client gives up on the lab's mount target (nothing listens on 2049
# there) within about a second. This kernel has no NFS client: once the name resolves, mount(2) answers at once
# "No such device". Assumed, not run here: on a kernel with an NFS client, ECONNREFUSED after a lookup that passed.
readonly LAB_NFS_OPTIONS="nfsvers=4.1,soft,timeo=10,retrans=0,noresvport"
# nfs-utils' texts for a lookup that failed (utils/mount/stropts.c: "Failed to resolve server NAME: <gai_strerror>"
# for a permanent failure; EAI_AGAIN ends as EAGAIN's strerror), measured with nfs-common 2.6.2 in this lab.
readonly NFS_LOOKUP_FAILED='Failed to resolve server|Resource temporarily unavailable'
# Docker abandons a volume plugin call after 2 minutes (moby volume/drivers/proxy.go, longTimeout); the lab
# stands in with seconds.
readonly PLUGIN_DEADLINE_SECONDS=4
# Where the ECS volume plugin creates its volumes' mount points (amazon-ecs-agent ecs-init/volumes).
readonly VOLUME_ROOT=/var/lib/ecs/volumes
# The plugin's socket as Docker's HTTP client names it in the URL of a call.
readonly PLUGIN_URL="http://%2Frun%2Fdocker%2Fplugins%2Famazon-ecs-volume-plugin.sock"

#######################################
# Prints an error on stderr and exits. Arguments: exit code, message.
#######################################
die() {
  local code="$1"
  shift
  printf 'demo-hook.sh: error: %s\n' "$*" >&2
  exit "${code}"
}

#######################################
# Takes the lab's state from the environment demo.sh exported; refuses anything that is not a live lab.
# Globals: sets LAB_ID LAB_DIR LAB_NS_VPC LAB_NS_INST LAB_NS_TASK from DEMO_LAB_*.
#######################################
attach_lab() {
  LAB_ID="${DEMO_LAB_ID:-}"
  LAB_DIR="${DEMO_LAB_DIR:-}"
  [[ "${LAB_ID}" =~ ^[A-Za-z0-9]{1,24}$ ]] || die 4 "DEMO_LAB_ID is not set: run through demo.sh"
  [[ "${LAB_DIR}" == /tmp/ecs-dns-lab."${LAB_ID}".* && -f "${LAB_DIR}/namespaces" ]] \
    || die 4 "DEMO_LAB_DIR is not a live lab directory of lab ${LAB_ID}"
  LAB_NS_VPC="edr-vpc-${LAB_ID}"
  LAB_NS_INST="edr-inst-${LAB_ID}"
  LAB_NS_TASK="edr-task-${LAB_ID}"
}

#######################################
# Fails unless the instance id is the lab's container instance (SSM: InvalidInstanceId).
# Arguments: EC2 instance id.
#######################################
check_instance() {
  [[ "$1" == "${DEMO_EC2_INSTANCE_ID:-}" ]] \
    || die 4 "instance $1 is not the lab's container instance (${DEMO_EC2_INSTANCE_ID:-unset})"
}

#######################################
# Creates a new task network namespace wired to the "VPC" like the task ENI, as ECS does for each awsvpc
# task, and records it so lab_down removes it.
# Outputs: the namespace name.
#######################################
new_task_namespace() {
  local n ns
  n=$(($(grep -c -- '-t[0-9]*-' "${LAB_DIR}/namespaces") + 1))
  ((n <= 200)) || die 4 "too many tasks in one lab"
  ns="edr-t${n}-${LAB_ID}"
  printf '%s\n' "${ns}" >>"${LAB_DIR}/namespaces"
  ip netns add "${ns}" || return 1
  ip -n "${ns}" link set lo up || return 1
  ip -n "${LAB_NS_VPC}" link add "v-t${n}" type veth peer name eth0 netns "${ns}" || return 1
  ip -n "${LAB_NS_VPC}" addr add "10.98.${n}.1/30" dev "v-t${n}" || return 1
  ip -n "${LAB_NS_VPC}" link set "v-t${n}" up || return 1
  ip -n "${ns}" addr add "10.98.${n}.2/30" dev eth0 || return 1
  ip -n "${ns}" link set eth0 up || return 1
  ip -n "${ns}" route add default via "10.98.${n}.1" || return 1
  printf '%s\n' "${ns}"
}

#######################################
# The name ECS gives a task's volume for the volume plugin: ecs-FAMILY-REVISION-VOLUME-HEX.
# Arguments: task definition ARN.
#######################################
volume_name() {
  local family_revision="${1##*/}" hex
  hex="$(od -An -N10 -tx1 /dev/urandom | tr -d ' \n')"
  printf 'ecs-%s-data-%s' "${family_revision/:/-}" "${hex}"
}

#######################################
# What ECS does to a reason before the task's stoppedReason: whitespace collapsed, cut at 1024 bytes.
# Arguments: the reason.
#######################################
ecs_stopped_reason() {
  printf '%s' "$1" | tr -s '[:space:]' ' ' | sed 's/ $//' | head -c 1024
}

#######################################
# The stoppedReason when ecs-init before 1.80 mounted in VolumeDriver.Create (the efs-proxy scenarios):
# the Docker daemon's error around mount.efs's stderr, mount.nfs4's output as Python bytes.
# Arguments: task definition ARN, mount.nfs4's output.
#######################################
ecs_create_reason() {
  ecs_stopped_reason "$(printf "Error response from daemon: create %s: VolumeDriver.Create: mounting volume failed: b'%s'" \
    "$(volume_name "$1")" "$2")"
}

#######################################
# The stoppedReason of ecs-init >= 1.80, which mounts in VolumeDriver.Mount at container start:
# mount.efs writes mount.nfs4's stderr as Python bytes and a newline (efs-utils fatal_error); the plugin
# keeps mount's stderr (ecs-init/volumes/efs_mount_helper.go, runCommand) and wraps it "mounting volume
# failed: %v" (ecs_volume_driver.go) and "failed to mount volume %s: %w" (ecs_volume_plugin.go, Mount,
# amazon-ecs-agent v1.105.0); Docker adds "VolumeDriver.Mount: " and "error while mounting volume '%s'"
# (moby volume/mounts/mounts.go); the agent adds "CannotStartContainerError: ".
# Arguments: task definition ARN, mount.nfs4's stderr.
#######################################
ecs_mount_reason() {
  local volume bytes
  volume="$(volume_name "$1")"
  bytes="$(printf '%s' "$2" | python3 -c 'import sys; sys.stdout.write(repr(sys.stdin.buffer.read().strip()))')"
  ecs_stopped_reason "$(printf "CannotStartContainerError: Error response from daemon: error while mounting volume '%s/%s': VolumeDriver.Mount: failed to mount volume %s: mounting volume failed: %s\n" \
    "${VOLUME_ROOT}" "${volume}" "${volume}" "${bytes}")"
}

#######################################
# The stoppedReason when Docker's call to the volume plugin outlives its deadline: Docker's words only.
# Arguments: task definition ARN.
#######################################
ecs_plugin_timeout_reason() {
  ecs_stopped_reason "$(printf 'CannotStartContainerError: Error response from daemon: error while mounting volume '"'"'%s/%s'"'"': VolumeDriver.Mount: Post "%s/VolumeDriver.Mount": context deadline exceeded' \
    "${VOLUME_ROOT}" "$(volume_name "$1")" "${PLUGIN_URL}")"
}

#######################################
# Runs the real mount.nfs4 as the volume plugin does (through mount.efs): in the task network namespace with
# the container instance's /etc and mount namespace. Never mounts anything: the lab's mount target does not
# listen, and this kernel has no NFS client.
# Arguments: task netns name, extra mount options ("" for none), deadline in seconds ("" for none).
# Outputs: mount.nfs4's messages (it writes them on stderr). Returns its exit code, or 124 when the deadline
# passed.
#######################################
real_mount() {
  local ns="$1" options="${LAB_NFS_OPTIONS}${2:+,$2}" deadline="$3" target="${LAB_DIR}/mnt-$1"
  local -a limit=()
  mkdir -p "${target}" || return 1
  if [[ -n "${deadline}" ]]; then
    limit=(timeout --kill-after=2 "${deadline}")
  fi
  lab_task_exec "${limit[@]}" "${MOUNT_NFS4}" "${LAB_EFS_NAME}:/" "${target}" -o "${options}" 2>&1
}

#######################################
# Records one mount in LAB_DIR/mounts.jsonl.
# Arguments: task ARN, netns, outcome (lookup-passed|lookup-failed|deadline-exceeded|mounted|proxy), output.
#######################################
record_mount() {
  jq -cn --arg task "$1" --arg ns "$2" --arg outcome "$3" --arg output "$4" \
    '{task: $task, netns: $ns, outcome: $outcome, mount_output: $output}' >>"${LAB_DIR}/mounts.jsonl"
}

#######################################
# The mount as efs-utils 2.x does it: through efs-proxy (lab_efs_proxy_mount), mount.nfs4 against
# 127.0.0.1. The port is efs-utils' first TLS port (20049), one per task namespace here.
# Arguments: task netns name.
# Outputs: nothing when the mount got through, else mount.nfs4's output.
#######################################
proxy_mount() {
  local error
  error="$(lab_efs_proxy_mount "$1" 20049)" || return 1
  [[ -z "${error}" ]] && return 0
  printf 'mount.nfs4: %s' "${error}"
}

#######################################
# Starts a task: a new task namespace, then the EFS mount as the volume plugin does it, with the container
# instance's /etc: through efs-proxy for the efs-proxy scenarios (DEMO_SCENARIO efs-proxy*, the reason of
# ecs-init before 1.80), else the real mount.nfs4 (the reason of ecs-init >= 1.80; for plugin-timeout with
# nfs-utils' own retries, under the lab's deadline). A task whose lookup passed counts as started: here
# mount(2) cannot succeed (no NFS client), the lookup is what the local resolver broke. A task that cannot
# mount stops before any container starts, and ECS removes its namespace.
# Arguments: task ARN, EC2 instance id, task definition ARN.
#######################################
start_task() {
  local task_arn="$1" task_definition="$3" ns output rc outcome reason=""
  check_instance "$2"
  ns="$(new_task_namespace)" || die 4 "could not create a task network namespace"
  case "${DEMO_SCENARIO:-local-resolver}" in
    efs-proxy*)
      output="$(proxy_mount "${ns}")" || die 4 "could not mount through the efs-proxy stand-in in ${ns}"
      outcome=proxy
      [[ -n "${output}" ]] && reason="$(ecs_create_reason "${task_definition}" "${output}")"
      ;;
    plugin-timeout)
      output="$(real_mount "${ns}" "" "${PLUGIN_DEADLINE_SECONDS}")"
      rc=$?
      outcome="$(mount_outcome "${rc}" "${output}")"
      case "${outcome}" in
        deadline-exceeded) reason="$(ecs_plugin_timeout_reason "${task_definition}")" ;;
        lookup-failed) reason="$(ecs_mount_reason "${task_definition}" "${output}")" ;;
      esac
      ;;
    *)
      output="$(real_mount "${ns}" retry=0 "")"
      rc=$?
      outcome="$(mount_outcome "${rc}" "${output}")"
      [[ "${outcome}" == lookup-failed ]] && reason="$(ecs_mount_reason "${task_definition}" "${output}")"
      ;;
  esac
  record_mount "${task_arn}" "${ns}" "${outcome}" "${output}"
  if [[ -z "${reason}" ]]; then
    lab_log "task ${task_arn##*/} RUNNING in ${ns}: ${outcome} (${output:-no error})"
    jq -cn '{lastStatus: "RUNNING"}'
    return 0
  fi
  lab_log "task ${task_arn##*/} STOPPED in ${ns}: ${outcome}: ${output}"
  ip netns del "${ns}" 2>/dev/null || true
  jq -cn --arg reason "${reason}" '{lastStatus: "STOPPED", stoppedReason: $reason}'
}

#######################################
# What a mount.nfs4 run stood for.
# Arguments: its exit code, its stderr.
# Outputs: mounted | deadline-exceeded | lookup-failed | lookup-passed (it failed after the name resolved).
#######################################
mount_outcome() {
  if (($1 == 0)); then
    echo mounted
  elif (($1 == 124)); then
    echo deadline-exceeded
  elif grep -qE "${NFS_LOOKUP_FAILED}" <<<"$2"; then
    echo lookup-failed
  else
    echo lookup-passed
  fi
}

main() {
  [[ "${EUID}" -eq 0 ]] || die 4 "run as root (network namespaces)"
  (($# >= 1)) || die 2 "usage: demo-hook.sh instance-exec EC2_ID COMMAND... | start-task TASK_ARN EC2_ID TASK_DEFINITION_ARN"
  attach_lab
  case "$1" in
    instance-exec)
      (($# >= 3)) || die 2 "usage: demo-hook.sh instance-exec EC2_ID COMMAND..."
      check_instance "$2"
      shift 2
      lab_instance_exec "$@"
      ;;
    start-task)
      (($# == 4)) || die 2 "usage: demo-hook.sh start-task TASK_ARN EC2_ID TASK_DEFINITION_ARN"
      start_task "$2" "$3" "$4"
      ;;
    *) die 2 "unknown command $1" ;;
  esac
}

main "$@"
