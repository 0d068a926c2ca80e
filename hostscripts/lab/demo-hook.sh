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
#                                                  mount as the volume plugin does it (through the efs-proxy
#                                                  stand-in when DEMO_SCENARIO is efs-proxy*); last
#                                                  stdout line {"lastStatus":"RUNNING"} or {"lastStatus":
#                                                  "STOPPED","stoppedReason":REASON}, REASON in ECS's words
# Exit codes: the command's own (instance-exec); 0 task started or stopped (start-task); 2 bad usage;
# 4 environment error (no lab, unknown instance).

set -o nounset
set -o pipefail

HOOK_HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly HOOK_HERE
# shellcheck source=hostscripts/lab/lib.sh
source "${HOOK_HERE}/lib.sh"

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
# The stoppedReason ECS reports when the volume plugin cannot mount: the Docker daemon's error around
# mount.efs's stderr, mount.nfs4's output as Python bytes (newline shown as \n), whitespace collapsed,
# cut at 1024 bytes.
# Arguments: task definition ARN, mount.nfs4's output.
#######################################
ecs_reason() {
  local family_revision="${1##*/}" hex
  hex="$(od -An -N10 -tx1 /dev/urandom | tr -d ' \n')"
  printf "Error response from daemon: create ecs-%s-data-%s: VolumeDriver.Create: mounting volume failed: b'%s'" \
    "${family_revision/:/-}" "${hex}" "$2" | tr -s '[:space:]' ' ' | head -c 1024
}

#######################################
# The mount as efs-utils before 2.0 (or in legacy stunnel mode without TLS) does it: mount.nfs4 resolves
# the EFS name itself, with getaddrinfo, in the task network namespace and the container instance's /etc.
# Arguments: task netns name.
# Outputs: nothing when the name resolved, else mount.nfs4's output.
#######################################
legacy_mount() {
  local error
  # Perl's getaddrinfo is glibc's, with the error text (gai_strerror) that mount.nfs4 prints.
  # shellcheck disable=SC2016
  error="$(lab_view_exec "${LAB_DIR}/etc" "$1" perl -MSocket=getaddrinfo,SOCK_STREAM -e \
    'my ($e) = getaddrinfo($ARGV[0], "", { socktype => SOCK_STREAM }); print "$e" if $e;' \
    "${LAB_EFS_NAME}")" || return 1
  [[ -z "${error}" ]] && return 0
  # The \n is two characters, as in Python's repr of the bytes.
  printf 'mount.nfs4: Failed to resolve server %s: %s%smount.nfs4: Operation already in progress' \
    "${LAB_EFS_NAME}" "${error}" '\n'
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
# Starts a task: a new task namespace, then the EFS mount as the volume plugin does it, with the
# container instance's /etc: efs-proxy's for the efs-proxy scenarios (DEMO_SCENARIO efs-proxy*), else
# mount.nfs4's own lookup. A task that cannot mount stops before any container starts, and ECS removes
# its namespace.
# Arguments: task ARN, EC2 instance id, task definition ARN.
#######################################
start_task() {
  local task_arn="$1" task_definition="$3" ns output
  check_instance "$2"
  ns="$(new_task_namespace)" || die 4 "could not create a task network namespace"
  if [[ "${DEMO_SCENARIO:-}" == efs-proxy* ]]; then
    output="$(proxy_mount "${ns}")" || die 4 "could not mount through the efs-proxy stand-in in ${ns}"
  else
    output="$(legacy_mount "${ns}")" || die 4 "could not resolve from ${ns}"
  fi
  if [[ -z "${output}" ]]; then
    lab_log "task ${task_arn##*/} RUNNING in ${ns}: the EFS mount got through (${DEMO_SCENARIO:-legacy} path)"
    jq -cn '{lastStatus: "RUNNING"}'
    return 0
  fi
  local reason
  reason="$(ecs_reason "${task_definition}" "${output}")"
  lab_log "task ${task_arn##*/} STOPPED in ${ns}: ${output}"
  ip netns del "${ns}" 2>/dev/null || true
  jq -cn --arg reason "${reason}" '{lastStatus: "STOPPED", stoppedReason: $reason}'
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
