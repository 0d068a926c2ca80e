#!/usr/bin/env bash
#
# sandbox-self-check.sh: run in YOUR OWN SANDBOX ACCOUNT after deploying the sandbox
# (npx cdk deploy --all, remediation:sandbox and remediation:exampleEnvironment true in
# cdk.json). It provokes the failure in both forms (efs-proxy, the efs-utils 2.x
# default; and the legacy mount.nfs4 path, switched on with efs-utils' OCSP setting,
# which selects stunnel mode), lets the Remediator
# react, and then reports each assumption that the local tests cannot settle as
# confirmed, refuted or unknown, with the evidence AWS produced:
#   reason-efs-proxy, reason-legacy   the stoppedReason texts of both forms
#   failed-runcommand-outputs         the outputs Automation keeps for a failed aws:runCommand
#   client-token-dedup                a repeated StartAutomationExecution with one ClientToken
#   al2023-resolv-conf                the ECS-optimized AL2023 AMI's own resolv.conf
#   lo-in-awsvpc-netns                whether lo is up in an awsvpc task network namespace
#   emf-extraction                    whether CloudWatch extracts the Remediator's EMF metrics
#   alarm-notifies-topic              whether an alarm's action can publish to the encrypted topic
#   eventbridge-notifies-topic        whether EventBridge can deliver to the encrypted topic
# It changes the sandbox container instance (resolv.conf, efs-utils.conf; both restored, also when
# it stops early), starts tasks and runbook executions there, sets the Remediator's Notifications
# alarm to ALARM once (one notification), and subscribes one SQS queue of its own to the topic for
# the run (deleted at the end); nothing outside the sandbox and the remediation stack.
#
# Usage:
#   sandbox-self-check.sh --yes [--region R] [--sandbox-stack NAME] [--remediation-stack NAME]
#                         [--out DIR] [--wait-minutes N]
#   sandbox-self-check.sh [--region R] ...          (prints the estimate, creates nothing)
#   sandbox-self-check.sh --dry-run [--region R] ... (reads the stacks and the cluster, changes nothing)
#   sandbox-self-check.sh --cleanup [--region R] ... (removes what a stopped run left: queue,
#                                                    subscription, tasks, host changes)
#   sandbox-self-check.sh --judge DIR      (re-judge a DIR of evidence; no AWS call)
# Takes about 25 minutes (two failing tasks of about 2-5 minutes each, the Remediator's runbook,
# one deliberately failed runbook, metrics and notifications to arrive); costs a few cents
# beyond the deployed sandbox (runbook steps, Run Command, one SQS queue, CloudWatch API calls).
# --wait-minutes (default 20, at most 120) bounds each wait: a task to stop or run, a runbook
# execution to end, metrics or a message to arrive.
# Environment, for tests: SELF_CHECK_POLL_SECONDS (seconds between polls, 0-900, default 15) and
# SELF_CHECK_SECONDS_PER_MINUTE (the length of a --wait-minutes minute, 1-60, default 60).
# Needs: aws CLI v2 with credentials for the sandbox account, jq.
# Writes evidence files and report.json to DIR (default ./self-check-<UTC time>; a new or empty
# directory, so that nothing of an earlier run is judged); prints one line per assumption.
# Exit: 0 every assumption settled (confirmed or refuted), 1 some left unknown, 2 usage,
# 3 not confirmed with --yes (nothing created), 4 an AWS call or the environment failed.
#
# Never run against AWS by its authors: its argument handling and its judgement are tested
# locally (tests/infra/selfcheck.bats), its AWS calls follow the CLI's documented shapes.

set -o nounset
set -o pipefail

readonly PROG="sandbox-self-check.sh"
readonly EXIT_UNKNOWN=1 EXIT_USAGE=2 EXIT_NOT_CONFIRMED=3 EXIT_AWS=4
readonly BREAK_SCRIPT="/usr/local/sbin/ecs-dns-sandbox-break"
readonly STATE_DIR="/var/lib/ecs-dns-sandbox"
readonly EFS_CONF="/etc/amazon/efs/efs-utils.conf"
readonly STARTED_BY="ecs-dns-self-check"
# The run's SQS queue is named so; --cleanup removes every queue with the prefix.
readonly QUEUE_PREFIX="ecs-dns-self-check-"
# The ECS agent's name for the pause container of an awsvpc task, its com.amazonaws.ecs.container-name
# label (amazon-ecs-agent: the Name the agent's introspection and task metadata report for it; the
# Docker name is ecs-<family>-<revision>-internalecspause-<id>).
readonly PAUSE_CONTAINER="~internal~ecs~pause"
# Seconds between polls; tests set 0.
readonly POLL_SECONDS="${SELF_CHECK_POLL_SECONDS:-15}"
# The length of a minute of --wait-minutes; tests shorten it so that a wait that ends refuted takes seconds.
readonly SECONDS_PER_MINUTE="${SELF_CHECK_SECONDS_PER_MINUTE:-60}"

REGION="${AWS_REGION:-${AWS_DEFAULT_REGION:-}}"
SANDBOX_STACK="EcsDnsSandbox"
REMEDIATION_STACK="EcsDnsRemediation"
OUT=""
WAIT_MINUTES=20
DRY_RUN=0
YES=0
CLEANUP=0
JUDGE_ONLY=""
# Set once the run changed something that restore_host undoes.
HOST_CHANGED=0
QUEUE_URL=""
SUBSCRIPTION_ARN=""
# When the run started (UTC, ISO 8601), as meta.json records it.
STARTED=""
# The runbook execution the run fails on purpose, as client-token.json records it.
FAILED_EXECUTION=""

# Prints an error on stderr. Args: message.
err() {
  echo "${PROG}: $*" >&2
}

# Prints progress on stderr (stdout carries only the report). Args: message.
say() {
  echo "${PROG}: $*" >&2
}

usage_error() {
  err "$*; see --help"
  exit "${EXIT_USAGE}"
}

usage() {
  sed -n '3,/^$/p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

# Parses the command line into the globals above; exits 2 on anything unexpected.
parse_args() {
  while (($# > 0)); do
    case "$1" in
      --help | -h) usage; exit 0 ;;
      --region) (($# >= 2)) || usage_error "--region needs a value"; REGION=$2; shift 2 ;;
      --sandbox-stack) (($# >= 2)) || usage_error "--sandbox-stack needs a value"; SANDBOX_STACK=$2; shift 2 ;;
      --remediation-stack) (($# >= 2)) || usage_error "--remediation-stack needs a value"; REMEDIATION_STACK=$2; shift 2 ;;
      --out) (($# >= 2)) || usage_error "--out needs a value"; OUT=$2; shift 2 ;;
      --wait-minutes) (($# >= 2)) || usage_error "--wait-minutes needs a value"; WAIT_MINUTES=$2; shift 2 ;;
      --dry-run) DRY_RUN=1; shift ;;
      --yes) YES=1; shift ;;
      --cleanup) CLEANUP=1; shift ;;
      --judge) (($# >= 2)) || usage_error "--judge needs a directory"; JUDGE_ONLY=$2; shift 2 ;;
      *) usage_error "unknown argument '$1'" ;;
    esac
  done
  if [[ -n "${JUDGE_ONLY}" ]]; then
    [[ -d "${JUDGE_ONLY}" ]] || usage_error "--judge: '${JUDGE_ONLY}' is not a directory"
    return
  fi
  [[ "${REGION}" =~ ^[a-z]{2}(-[a-z]+)+-[0-9]$ ]] || usage_error "--region: '${REGION}' is not a Region such as us-east-1 (or set AWS_REGION)"
  local stack
  for stack in "${SANDBOX_STACK}" "${REMEDIATION_STACK}"; do
    [[ "${stack}" =~ ^[A-Za-z][A-Za-z0-9-]{0,127}$ ]] || usage_error "'${stack}' is not a CloudFormation stack name"
  done
  if [[ ! "${WAIT_MINUTES}" =~ ^[1-9][0-9]{0,2}$ ]] || ((WAIT_MINUTES > 120)); then
    usage_error "--wait-minutes: '${WAIT_MINUTES}' is not a whole number from 1 to 120"
  fi
  if [[ ! "${POLL_SECONDS}" =~ ^[0-9]{1,3}$ ]] || ((10#${POLL_SECONDS} > 900)); then
    usage_error "SELF_CHECK_POLL_SECONDS: '${POLL_SECONDS}' is not a whole number from 0 to 900"
  fi
  if [[ ! "${SECONDS_PER_MINUTE}" =~ ^[1-9][0-9]?$ ]] || ((SECONDS_PER_MINUTE > 60)); then
    usage_error "SELF_CHECK_SECONDS_PER_MINUTE: '${SECONDS_PER_MINUTE}' is not a whole number from 1 to 60"
  fi
  if [[ -z "${OUT}" ]]; then
    OUT="self-check-$(date -u +%Y%m%dT%H%M%SZ)"
  fi
  [[ ! -e "${OUT}" || -d "${OUT}" ]] || usage_error "--out: '${OUT}' exists and is not a directory"
  if ((YES && !CLEANUP && !DRY_RUN)) && [[ -d "${OUT}" ]] && [[ -n "$(ls -A "${OUT}")" ]]; then
    usage_error "--out: '${OUT}' holds files of an earlier run; give a new or empty directory"
  fi
  if ((DRY_RUN + CLEANUP > 1)); then
    usage_error "--dry-run and --cleanup exclude each other"
  fi
}

# Prints a string as a JSON string literal (RFC 8259, section 7: quotation mark, reverse solidus and the
# control characters escaped). The requests are built in the shell: a run builds about fifteen, and each
# jq costs about 20 ms of CPU to start. Args: string.
json_string() {
  local s=$1 char code
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  s=${s//$'\n'/\\n}
  s=${s//$'\t'/\\t}
  s=${s//$'\r'/\\r}
  while [[ "${s}" =~ [[:cntrl:]] ]]; do
    char=${BASH_REMATCH[0]}
    printf -v code '\\u%04x' "'${char}"
    s=${s//"${char}"/${code}}
  done
  printf '"%s"' "${s}"
}

# Runs the aws CLI with JSON output in the Region; on failure prints its error and exits 4.
# Args: aws arguments. Prints the JSON response.
aws_json() {
  local out
  if ! out=$(aws --region "${REGION}" --output json "$@" 2>&1); then
    err "aws $1 $2 failed: ${out}"
    exit "${EXIT_AWS}"
  fi
  printf '%s\n' "${out}"
}

# The stacks' outputs, by "stack key", as read_outputs found them.
declare -A OUTPUTS=()

# Reads a stack's outputs into OUTPUTS with one call; exits 4 if it fails. An OutputKey is alphanumeric
# (a CloudFormation logical ID), so a tab ends it; the values read here (names, IDs, ARNs, lists of
# subnets) hold no newline. Args: stack.
read_outputs() {
  local lines key value
  lines=$(aws_json cloudformation describe-stacks --stack-name "$1" |
    jq -r '.Stacks[0].Outputs[]? | "\(.OutputKey)\t\(.OutputValue)"') || exit "${EXIT_AWS}"
  while IFS=$'\t' read -r key value; do
    [[ -n "${key}" ]] && OUTPUTS["$1 ${key}"]=${value}
  done <<<"${lines}"
}

# Prints a stack output's value (read_outputs first), or exits 4 naming it. Args: stack key.
stack_output() {
  local value=${OUTPUTS["$1 $2"]:-}
  if [[ -z "${value}" ]]; then
    err "stack $1 has no output $2: deploy it with -c remediation:sandbox=true (and the current version of this repository)"
    exit "${EXIT_AWS}"
  fi
  printf '%s\n' "${value}"
}

# The status line of the last attempt of poll's command, and what it printed after that line.
POLL_STATUS=""
POLL_OUTPUT=""

# Polls until a command prints a terminal status or the wait ends. Args: description command...
# The command prints a status line (and may print more, for POLL_OUTPUT) and returns 0 when it is
# terminal. Returns 1 on timeout.
poll() {
  local what=$1 deadline status out terminal
  shift
  deadline=$((SECONDS + WAIT_MINUTES * SECONDS_PER_MINUTE))
  while :; do
    terminal=0
    out=$("$@") && terminal=1
    status=${out%%$'\n'*}
    POLL_STATUS=${status}
    POLL_OUTPUT=${out:${#status}+1}
    if ((terminal)); then
      say "${what}: ${status}"
      return 0
    fi
    if ((SECONDS >= deadline)); then
      say "${what}: still ${status:-pending} after ${WAIT_MINUTES} min"
      return 1
    fi
    sleep "${POLL_SECONDS}"
  done
}

# Runs shell commands on the sandbox instance with Run Command; saves the invocation.
# Args: evidence-name command-text. Prints the command's standard output (as jq -r prints it, with a newline).
run_on_instance() {
  local name=$1 text=$2 input command_id
  input="{\"DocumentName\": \"AWS-RunShellScript\", \"InstanceIds\": [$(json_string "${INSTANCE_ID}")], \"Parameters\": {\"commands\": [$(json_string "${text}")]}, \"Comment\": \"ecs-dns sandbox self-check\"}"
  local response
  response=$(aws_json ssm send-command --cli-input-json "${input}") || exit "${EXIT_AWS}"
  # Read without a jq start: SendCommandResult has one member named CommandId (Command.CommandId, a string of
  # exactly 36 characters; botocore data/ssm/2014-11-06/service-2.json), and a quote inside a string
  # the response echoes (Parameters, Comment) is escaped, so no key-like text there matches.
  [[ "${response}" =~ \"CommandId\":[[:space:]]*\"([^\"]{36})\" ]] ||
    { err "aws ssm send-command answered without a CommandId: ${response}"; exit "${EXIT_AWS}"; }
  command_id=${BASH_REMATCH[1]}
  # The status, then the output ended by a dot that keeps its trailing newlines through $(...).
  invocation_done() {
    local facts
    facts=$(aws --region "${REGION}" --output json ssm get-command-invocation --command-id "${command_id}" \
      --instance-id "${INSTANCE_ID}" 2>/dev/null | tee "${OUT}/${name}.invocation.json" |
      jq -r '(.Status // "Pending"), ((.StandardOutputContent // "") + "\n.")')
    printf '%s\n' "${facts}"
    [[ "${facts%%$'\n'*}" =~ ^(Success|Failed|Cancelled|TimedOut|DeliveryTimedOut|ExecutionTimedOut|Undeliverable|Terminated)$ ]]
  }
  poll "run command ${name}" invocation_done || true
  printf '%s' "${POLL_OUTPUT%.}"
}

# Starts a task of a task definition on the sandbox capacity. Args: task-definition. Prints the task ARN.
run_task() {
  local input subnet subnets="" list
  IFS=, read -ra list <<<"${SUBNETS}"
  for subnet in "${list[@]}"; do
    subnets+="${subnets:+, }$(json_string "${subnet}")"
  done
  input="{\"cluster\": $(json_string "${CLUSTER}"), \"taskDefinition\": $(json_string "$1"), \"count\": 1, \"startedBy\": $(json_string "${STARTED_BY}"),
    \"capacityProviderStrategy\": [{\"capacityProvider\": $(json_string "${CAPACITY_PROVIDER}"), \"weight\": 1}],
    \"networkConfiguration\": {\"awsvpcConfiguration\": {\"subnets\": [${subnets}], \"securityGroups\": [$(json_string "${TASK_SG}")], \"assignPublicIp\": \"DISABLED\"}}}"
  local response
  response=$(aws_json ecs run-task --cli-input-json "${input}") || exit "${EXIT_AWS}"
  # Read without a jq start: in RunTaskResponse, taskArn is a member of a task and of its containers, whose
  # taskArn is their task's (botocore data/ecs/2014-11-13/service-2.json); with count 1, the first is tasks[0]'s.
  if [[ "${response}" =~ \"taskArn\":[[:space:]]*\"([^\"]+)\" ]]; then
    printf '%s\n' "${BASH_REMATCH[1]}"
  fi
}

# Waits for a task to reach RUNNING or STOPPED and saves its description; leaves its status in POLL_STATUS
# and its stopped reason (as jq -r prints it) in POLL_OUTPUT. Args: task-arn evidence-name.
wait_task() {
  local arn=$1 name=$2
  # The status, then the stopped reason if any, ended by a dot that keeps its trailing newlines.
  task_settled() {
    local facts status
    facts=$(aws_json ecs describe-tasks --cluster "${CLUSTER}" --tasks "${arn}" | tee "${OUT}/${name}.task.json" |
      jq -r '(.tasks[0].lastStatus // "MISSING"), ((.tasks[0].stoppedReason // empty) + "\n.")')
    printf '%s\n' "${facts}"
    status=${facts%%$'\n'*}
    [[ "${status}" == RUNNING || "${status}" == STOPPED || "${status}" == MISSING ]]
  }
  poll "task ${name}" task_settled || true
}

# Provokes one form: restores the failing setup, runs a task, waits for it. Args: form task-definition.
provoke() {
  local form=$1 arn
  run_on_instance "break-${form}" "${BREAK_SCRIPT} && grep -n nameserver /etc/resolv.conf" >/dev/null || exit "${EXIT_AWS}"
  arn=$(run_task "$2") || exit "${EXIT_AWS}"
  [[ -n "${arn}" ]] || { err "run-task started no task for ${form} (see the capacity provider)"; exit "${EXIT_AWS}"; }
  say "form ${form}: task ${arn}"
  wait_task "${arn}" "${form}"
  # Raw, as AWS wrote it: the words are the finding, whatever the judgement makes of them.
  printf '%s' "${POLL_OUTPUT%.}" >"${OUT}/${form}.reason.txt"
}

# Reads the stacks' outputs and the sandbox container instance into globals.
preflight() {
  command -v aws >/dev/null || { err "the aws CLI is not on PATH"; exit "${EXIT_AWS}"; }
  command -v jq >/dev/null || { err "jq is not on PATH"; exit "${EXIT_AWS}"; }
  read_outputs "${SANDBOX_STACK}"
  CLUSTER=$(stack_output "${SANDBOX_STACK}" SandboxCluster) || exit "${EXIT_AWS}"
  FILE_SYSTEM=$(stack_output "${SANDBOX_STACK}" SandboxFileSystemId) || exit "${EXIT_AWS}"
  TASK_DEFINITION=$(stack_output "${SANDBOX_STACK}" SandboxTaskDefinition) || exit "${EXIT_AWS}"
  LEGACY_TASK_DEFINITION=$(stack_output "${SANDBOX_STACK}" SandboxLegacyTaskDefinition) || exit "${EXIT_AWS}"
  SUBNETS=$(stack_output "${SANDBOX_STACK}" SandboxSubnets) || exit "${EXIT_AWS}"
  TASK_SG=$(stack_output "${SANDBOX_STACK}" SandboxTaskSecurityGroup) || exit "${EXIT_AWS}"
  read_outputs "${REMEDIATION_STACK}"
  RUNBOOK=$(stack_output "${REMEDIATION_STACK}" RunbookName) || exit "${EXIT_AWS}"
  RUNBOOK_ROLE=$(stack_output "${REMEDIATION_STACK}" RunbookRoleArn) || exit "${EXIT_AWS}"
  LOG_GROUP=$(stack_output "${REMEDIATION_STACK}" FunctionLogGroup) || exit "${EXIT_AWS}"
  TOPIC=$(stack_output "${REMEDIATION_STACK}" TopicArn) || exit "${EXIT_AWS}"
  ALARM=$(stack_output "${REMEDIATION_STACK}" NotificationsAlarmName) || exit "${EXIT_AWS}"
  local cluster
  cluster=$(aws_json ecs describe-clusters --clusters "${CLUSTER}" |
    jq -r '(.clusters[0].capacityProviders[0] // ""), .clusters[0].clusterArn') || exit "${EXIT_AWS}"
  CAPACITY_PROVIDER=${cluster%%$'\n'*}
  CLUSTER_ARN=${cluster#*$'\n'}
  local instances
  instances=$(aws_json ecs list-container-instances --cluster "${CLUSTER}" | jq -r '.containerInstanceArns[]') || exit "${EXIT_AWS}"
  [[ -n "${instances}" ]] || { err "cluster ${CLUSTER} has no container instance yet: wait for the sandbox ASG"; exit "${EXIT_AWS}"; }
  CONTAINER_INSTANCE=$(head -n 1 <<<"${instances}")
  INSTANCE_ID=$(aws_json ecs describe-container-instances --cluster "${CLUSTER}" --container-instances "${CONTAINER_INSTANCE}" |
    jq -r '.containerInstances[0].ec2InstanceId') || exit "${EXIT_AWS}"
  RUN_ID="$(date -u +%Y%m%dT%H%M%SZ)-${RANDOM}"
  STARTED=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  printf '{"region": %s, "cluster": %s, "instance": %s, "fileSystem": %s, "runbook": %s, "started": %s, "run": %s}\n' \
    "$(json_string "${REGION}")" "$(json_string "${CLUSTER}")" "$(json_string "${INSTANCE_ID}")" "$(json_string "${FILE_SYSTEM}")" \
    "$(json_string "${RUNBOOK}")" "$(json_string "${STARTED}")" "$(json_string "${RUN_ID}")" >"${OUT}/meta.json"
}

# The AMI's own resolv.conf (kept at boot by the sandbox user data) and the efs-utils version.
collect_host_facts() {
  run_on_instance host-facts "cat ${STATE_DIR}/resolv.conf.original; echo '#link' \$(cat ${STATE_DIR}/resolv.conf.link 2>/dev/null); rpm -q amazon-efs-utils || true" \
    >"${OUT}/host-facts.txt"
}

# After form 1: the Remediator's runbook executions since the run started, and its EMF metrics
# data points since then (a metric stream listed by CloudWatch may be an earlier run's).
collect_remediation() {
  local since=${STARTED}
  # The statuses, then whether all have ended.
  executions_done() {
    local out facts
    out=$(aws_json ssm describe-automation-executions --filters "Key=DocumentNamePrefix,Values=${RUNBOOK}" "Key=StartTimeAfter,Values=${since}")
    printf '%s\n' "${out}" >"${OUT}/remediation.executions.json"
    facts=$(jq -r '([.AutomationExecutionMetadataList[].AutomationExecutionStatus] | join(",") | if . == "" then "none yet" else . end),
      ((.AutomationExecutionMetadataList | length) > 0 and all(.AutomationExecutionMetadataList[]; .AutomationExecutionStatus | test("^(Success|Failed|TimedOut|Cancelled|CompletedWithFailure|CompletedWithSuccess|Exited)$")))' <<<"${out}")
    printf '%s\n' "${facts%%$'\n'*}"
    [[ "${facts#*$'\n'}" == true ]]
  }
  poll "Remediator's runbook executions" executions_done || true
  aws_json logs filter-log-events --log-group-name "${LOG_GROUP}" --filter-pattern '{ $._aws.Timestamp > 0 }' \
    --start-time "$(($(date -u -d "${since}" +%s) * 1000))" --limit 5 >"${OUT}/emf.logs.json"
  metrics_present() {
    local streams queries summary
    # The number of streams, then the queries for the first 20.
    queries=$(aws_json cloudwatch list-metrics --namespace EcsDnsRemediation --metric-name Events |
      jq -c '(.Metrics | length), [.Metrics[0:20] | to_entries[] | {Id: "m\(.key)", ReturnData: true,
      MetricStat: {Metric: .value, Period: 60, Stat: "SampleCount"}}]')
    streams=${queries%%$'\n'*}
    queries=${queries#*$'\n'}
    if [[ "${queries}" == "[]" ]]; then
      jq -n --arg since "${since}" '{since: $since, datapoints: 0, streams: 0}' >"${OUT}/emf.datapoints.json"
    else
      aws_json cloudwatch get-metric-data --metric-data-queries "${queries}" --start-time "${since}" \
        --end-time "$(date -u +%Y-%m-%dT%H:%M:%SZ)" |
        jq --arg since "${since}" --argjson streams "${streams}" \
          '{since: $since, streams: $streams, datapoints: ([.MetricDataResults[].Timestamps[]? | select(. >= $since)] | length)}' \
          >"${OUT}/emf.datapoints.json"
    fi
    summary=$(jq -r '"\(.datapoints) data points since \(.since)"' "${OUT}/emf.datapoints.json")
    printf '%s\n' "${summary}"
    [[ "${summary}" =~ ^[1-9][0-9]*\  ]]
  }
  poll "EMF metrics in CloudWatch" metrics_present || true
}

# With the host fixed: a task that runs, and lo in its network namespace.
collect_lo() {
  local arn
  arn=$(run_task "${TASK_DEFINITION}")
  [[ -n "${arn}" ]] || return 0
  wait_task "${arn}" running
  if [[ "${POLL_STATUS}" == RUNNING ]]; then
    local task_id=${arn##*/}
    run_on_instance lo "for c in \$(docker ps -q --filter label=com.amazonaws.ecs.task-arn=${arn} --filter label=com.amazonaws.ecs.container-name=${PAUSE_CONTAINER}); do nsenter --net=/proc/\$(docker inspect -f '{{.State.Pid}}' \$c)/ns/net ip -o link show lo; done" \
      >"${OUT}/lo.txt"
    aws_json ecs stop-task --cluster "${CLUSTER}" --task "${task_id}" --reason "ecs-dns self-check done" >/dev/null
  fi
}

# Form 2: efs-utils' OCSP setting selects stunnel (legacy) mode; non-TLS mounts then call mount.nfs4
# with the DNS name. The setting is restored afterwards (and by restore_host if the run stops).
collect_legacy() {
  HOST_CHANGED=1
  run_on_instance legacy-on "cp -n ${EFS_CONF} ${EFS_CONF}.self-check.bak && sed -i 's/^stunnel_check_cert_validity *=.*/stunnel_check_cert_validity = true/' ${EFS_CONF} && grep -n '^stunnel_check_cert_validity' ${EFS_CONF}" \
    >"${OUT}/legacy-switch.txt"
  provoke legacy "${LEGACY_TASK_DEFINITION}"
  run_on_instance legacy-off "mv -f ${EFS_CONF}.self-check.bak ${EFS_CONF} && grep -n '^stunnel_check_cert_validity' ${EFS_CONF}" >>"${OUT}/legacy-switch.txt"
}

# A runbook execution whose host fix really fails: the host broken again, so the evidence says fix-host,
# and resolv.conf made immutable, so resolv-fix cannot replace it (its rename fails; nothing changes).
# Started twice with one ClientToken. The immutable flag is cleared afterwards (and by restore_host).
collect_failed_runcommand() {
  local token input first second_out second
  HOST_CHANGED=1
  run_on_instance immutable-on "${BREAK_SCRIPT} && chattr +i /etc/resolv.conf && lsattr /etc/resolv.conf" >"${OUT}/immutable.txt"
  token=$(cat /proc/sys/kernel/random/uuid)
  input="{\"DocumentName\": $(json_string "${RUNBOOK}"), \"ClientToken\": $(json_string "${token}"), \"Parameters\": {
    \"AutomationAssumeRole\": [$(json_string "${RUNBOOK_ROLE}")], \"ClusterArn\": [$(json_string "${CLUSTER_ARN}")],
    \"ContainerInstanceArn\": [$(json_string "${CONTAINER_INSTANCE}")], \"FixHost\": [\"yes\"],
    \"VerifyHost\": [$(json_string "${FILE_SYSTEM}.efs.${REGION}.amazonaws.com")], \"TaskDefinitionArn\": [$(json_string "${TASK_DEFINITION}")],
    \"Reschedule\": [\"no\"]}}"
  first=$(aws_json ssm start-automation-execution --cli-input-json "${input}" | jq -r '.AutomationExecutionId') || exit "${EXIT_AWS}"
  FAILED_EXECUTION=${first}
  if second_out=$(aws --region "${REGION}" --output json ssm start-automation-execution --cli-input-json "${input}" 2>&1); then
    second=$(jq -r '.AutomationExecutionId' <<<"${second_out}")
    printf '{"first": %s, "second": %s, "secondError": null}\n' "$(json_string "${first}")" "$(json_string "${second}")" \
      >"${OUT}/client-token.json"
  else
    printf '{"first": %s, "second": null, "secondError": %s}\n' "$(json_string "${first}")" "$(json_string "${second_out}")" \
      >"${OUT}/client-token.json"
  fi
  execution_done() {
    local status
    status=$(aws_json ssm get-automation-execution --automation-execution-id "${first}" | tee "${OUT}/failed-runcommand.execution.json" |
      jq -r '.AutomationExecution.AutomationExecutionStatus')
    printf '%s\n' "${status}"
    [[ "${status}" =~ ^(Success|Failed|TimedOut|Cancelled|CompletedWithFailure|CompletedWithSuccess|Exited)$ ]]
  }
  poll "deliberately failed host fix ${first}" execution_done || true
  run_on_instance immutable-off "chattr -i /etc/resolv.conf && lsattr /etc/resolv.conf" >>"${OUT}/immutable.txt"
}

# Sets the Notifications alarm to ALARM with this run's id in the reason; then waits for messages on the
# run's queue: the alarm's (naming the run id) and the AutomationFailed rule's (naming the execution that
# this run failed on purpose). A message that arrives is the only proof of a delivery.
collect_notifications() {
  aws_json cloudwatch set-alarm-state --alarm-name "${ALARM}" --state-value ALARM \
    --state-reason "ecs-dns sandbox self-check ${RUN_ID}: can this alarm publish to the topic?" >/dev/null || exit "${EXIT_AWS}"
  : >"${OUT}/messages.jsonl"
  messages_arrived() {
    aws_json sqs receive-message --queue-url "${QUEUE_URL}" --max-number-of-messages 10 --wait-time-seconds 10 |
      jq -c '.Messages[]? | {body: .Body}' >>"${OUT}/messages.jsonl"
    echo "$(wc -l <"${OUT}/messages.jsonl") message(s)"
    grep -qF "${RUN_ID}" "${OUT}/messages.jsonl" && [[ -n "${FAILED_EXECUTION}" ]] && grep -qF "${FAILED_EXECUTION}" "${OUT}/messages.jsonl"
  }
  poll "notifications on the run's queue" messages_arrived || true
}

# Creates the run's queue and subscribes it to the topic (raw delivery); the queue admits only the topic.
subscribe_queue() {
  local attributes queue_arn
  attributes='{"SqsManagedSseEnabled": "true", "MessageRetentionPeriod": "3600"}'
  QUEUE_URL=$(aws_json sqs create-queue --queue-name "${QUEUE_PREFIX}${RUN_ID//[^A-Za-z0-9-]/-}" --attributes "${attributes}" |
    jq -r '.QueueUrl') || exit "${EXIT_AWS}"
  queue_arn=$(aws_json sqs get-queue-attributes --queue-url "${QUEUE_URL}" --attribute-names QueueArn | jq -r '.Attributes.QueueArn') || exit "${EXIT_AWS}"
  attributes=$(jq -n --arg q "${queue_arn}" --arg t "${TOPIC}" '{Policy: ({Version: "2012-10-17", Statement: [{Effect: "Allow",
    Principal: {Service: "sns.amazonaws.com"}, Action: "sqs:SendMessage", Resource: $q,
    Condition: {ArnEquals: {"aws:SourceArn": $t}}}]} | tojson)}')
  aws_json sqs set-queue-attributes --queue-url "${QUEUE_URL}" --attributes "${attributes}" >/dev/null || exit "${EXIT_AWS}"
  SUBSCRIPTION_ARN=$(aws_json sns subscribe --topic-arn "${TOPIC}" --protocol sqs --notification-endpoint "${queue_arn}" \
    --attributes RawMessageDelivery=true --return-subscription-arn | jq -r '.SubscriptionArn') || exit "${EXIT_AWS}"
  say "queue ${QUEUE_URL} subscribed to ${TOPIC}"
}

# Removes the run's queue and subscription, or with --cleanup every self-check queue and its subscriptions.
remove_queues() {
  local url arn
  if ((CLEANUP)); then
    for arn in $(aws_json sns list-subscriptions-by-topic --topic-arn "${TOPIC}" |
      jq -r --arg p "${QUEUE_PREFIX}" '.Subscriptions[] | select(.Protocol == "sqs" and (.Endpoint | contains(":" + $p))) | .SubscriptionArn'); do
      aws_json sns unsubscribe --subscription-arn "${arn}" >/dev/null
    done
    for url in $(aws_json sqs list-queues --queue-name-prefix "${QUEUE_PREFIX}" | jq -r '.QueueUrls[]?'); do
      aws_json sqs delete-queue --queue-url "${url}" >/dev/null
    done
    return 0
  fi
  [[ -n "${SUBSCRIPTION_ARN}" ]] && aws --region "${REGION}" sns unsubscribe --subscription-arn "${SUBSCRIPTION_ARN}" >/dev/null 2>&1
  [[ -n "${QUEUE_URL}" ]] && aws --region "${REGION}" sqs delete-queue --queue-url "${QUEUE_URL}" >/dev/null 2>&1
  SUBSCRIPTION_ARN="" QUEUE_URL=""
}

# Undoes the run's host changes: the immutable flag, efs-utils' setting, and stops the tasks it started.
restore_host() {
  local arn
  run_on_instance restore "chattr -i /etc/resolv.conf 2>/dev/null; if [ -f ${EFS_CONF}.self-check.bak ]; then mv -f ${EFS_CONF}.self-check.bak ${EFS_CONF}; fi; lsattr /etc/resolv.conf; grep -n '^stunnel_check_cert_validity' ${EFS_CONF}" \
    >"${OUT}/restore.txt"
  for arn in $(aws_json ecs list-tasks --cluster "${CLUSTER}" --started-by "${STARTED_BY}" | jq -r '.taskArns[]?'); do
    aws_json ecs stop-task --cluster "${CLUSTER}" --task "${arn}" --reason "ecs-dns self-check cleanup" >/dev/null
  done
  HOST_CHANGED=0
}

# On any exit of a run: what it created goes, what it changed on the host is undone.
on_exit() {
  local code=$?
  remove_queues
  if ((HOST_CHANGED)); then
    restore_host
  fi
  exit "${code}"
}

# The verdicts judge has reached so far, three words each: id, status, evidence. Kept in the shell and
# turned into JSON once by report: each jq costs tens of milliseconds of CPU to start.
VERDICTS=()

# Records one assumption's verdict. Args: id status evidence.
verdict() {
  VERDICTS+=("$1" "$2" "$3")
}

# Judges a form's stopped task. Args: dir form expected-regex description.
judge_reason() {
  local dir=$1 form=$2 pattern=$3 file="$1/$2.task.json" reasons status
  if [[ ! -s "${file}" ]]; then
    verdict "reason-${form}" unknown "no task evidence (${form}.task.json)"
    return
  fi
  local facts
  # The status on the first line, the reasons (which may hold newlines) after it.
  facts=$(jq -r '(.tasks[0].lastStatus // "MISSING"), ([.tasks[0].stoppedReason // empty, (.tasks[0].containers[]?.reason // empty)] | join(" | "))' "${file}")
  status=${facts%%$'\n'*}
  reasons=${facts:${#status}+1}
  if [[ "${status}" != STOPPED ]]; then
    verdict "reason-${form}" unknown "the task did not stop (lastStatus ${status})"
  elif [[ "${reasons}" =~ ${pattern} ]]; then
    verdict "reason-${form}" confirmed "${reasons}"
  else
    verdict "reason-${form}" refuted "${reasons:-no reason text}"
  fi
}

# Records one verdict per assumption (verdict) for the evidence in a directory. Args: dir.
judge() {
  local dir=$1 file
  # efs-proxy: judged by structure, the ECS volume plugin's failed mount (VolumeDriver.Create before ecs-init
  # 1.80, VolumeDriver.Mount since); the words after it are recorded raw, they are the finding.
  judge_reason "${dir}" efs-proxy 'VolumeDriver\.(Create|Mount)'
  # legacy: mount.nfs4 itself fails to resolve the file system's name.
  judge_reason "${dir}" legacy 'Failed to resolve (server )?fs-[0-9a-f]{8,40}\.efs\.'

  file="${dir}/failed-runcommand.execution.json"
  # Whether the execution ended Failed (for the EventBridge verdict below).
  local execution_failed=false
  if [[ ! -s "${file}" ]]; then
    verdict failed-runcommand-outputs unknown "no execution evidence"
  else
    local step=()
    # Whether the execution ended Failed; then of the failed runCommand step if any (a runbook may run
    # several), else the first one: its status, whether it kept outputs, its outputs and its summary.
    mapfile -t step < <(jq -r '(.AutomationExecution.AutomationExecutionStatus == "Failed"),
      ([.AutomationExecution.StepExecutions[]? | select(.Action == "aws:runCommand")]
      | (map(select(.StepStatus == "Failed"))[0] // .[0] // {})
      | (.StepStatus // "" | tostring | gsub("\n"; " ")), ((.Outputs // {}) | length > 0), (.Outputs | tojson), ({StepStatus, FailureMessage} | tojson))' "${file}")
    execution_failed=${step[0]:-false}
    step=("${step[@]:1}")
    if [[ "${step[0]:-}" != Failed ]]; then
      verdict failed-runcommand-outputs unknown "the runCommand step did not fail: ${step[3]:-}"
    elif [[ "${step[1]}" == true ]]; then
      verdict failed-runcommand-outputs confirmed "a failed runCommand step keeps outputs: ${step[2]}"
    else
      verdict failed-runcommand-outputs refuted "a failed runCommand step has no outputs: ${step[3]}"
    fi
  fi

  file="${dir}/client-token.json"
  local token="" outcome execution=""
  if [[ -s "${file}" ]]; then
    # The first execution on the first line, how the repeat went on the second, what it said after them.
    token=$(jq -r '(.first // "" | tostring | gsub("\n"; " ")),
      (if .second != null and .second == .first then "same", .first
       elif .second == null then "refused", .secondError
       else "second", ({first, second} | tojson) end)' "${file}" 2>/dev/null)
    execution=${token%%$'\n'*}
    token=${token:${#execution}+1}
  fi
  outcome=${token%%$'\n'*}
  token=${token:${#outcome}+1}
  if [[ ! -s "${file}" ]]; then
    verdict client-token-dedup unknown "no ClientToken evidence"
  elif [[ "${outcome}" == same ]]; then
    verdict client-token-dedup confirmed "the repeat returned the same execution ${token}"
  elif [[ "${outcome}" == refused ]]; then
    verdict client-token-dedup refuted "the repeat was refused, not answered with the first execution: $(head -c 400 <<<"${token}")"
  else
    verdict client-token-dedup refuted "the repeat started a second execution: ${token}"
  fi

  file="${dir}/host-facts.txt"
  if [[ ! -s "${file}" ]]; then
    verdict al2023-resolv-conf unknown "no host facts"
  else
    local first_three
    first_three=$(awk '$1 == "nameserver" { print $2 }' "${file}" | head -n 3 | paste -sd ' ' -)
    if [[ -z "${first_three}" ]]; then
      verdict al2023-resolv-conf refuted "no nameserver line in the AMI's resolv.conf: $(tr '\n' ' ' <"${file}")"
    elif grep -Eq '(^| )(127\.|::1( |$))' <<<"${first_three}"; then
      verdict al2023-resolv-conf refuted "a local resolver among the first three nameservers (${first_three}): the safe capacity's boot check marks such instances at-risk"
    else
      verdict al2023-resolv-conf confirmed "no local resolver among the first three nameservers (${first_three}); $(grep '^#link' "${file}" || echo '#link unknown')"
    fi
  fi

  file="${dir}/lo.txt"
  if [[ ! -s "${file}" ]]; then
    verdict lo-in-awsvpc-netns unknown "no running awsvpc task to look into"
  elif grep -q '<LOOPBACK,UP' "${file}"; then
    verdict lo-in-awsvpc-netns confirmed "$(head -n 1 "${file}")"
  else
    verdict lo-in-awsvpc-netns refuted "lo is down: a query to a loopback nameserver waits for its timeout ($(head -n 1 "${file}"))"
  fi

  file="${dir}/emf.datapoints.json"
  local extracted=""
  if [[ -s "${file}" ]]; then
    extracted=$(jq -r 'select(.datapoints > 0) | "\(.datapoints) data points of \(.streams) Events metric streams since \(.since)"' "${file}")
  fi
  if [[ -n "${extracted}" ]]; then
    verdict emf-extraction confirmed "${extracted}"
  elif [[ -s "${dir}/emf.logs.json" ]] && jq -e '(.events | length) > 0' "${dir}/emf.logs.json" >/dev/null; then
    verdict emf-extraction refuted "EMF documents are in the log group since the run started, but CloudWatch has no data point since then"
  else
    verdict emf-extraction unknown "no EMF document in the function's log group (did the Remediator run?)"
  fi

  file="${dir}/messages.jsonl"
  local run
  run=$(jq -r '.run // empty' "${dir}/meta.json" 2>/dev/null)
  if [[ -z "${run}" || ! -f "${file}" ]]; then
    verdict alarm-notifies-topic unknown "no queue of this run (meta.json run id, messages.jsonl)"
  elif grep -qF "${run}" "${file}"; then
    verdict alarm-notifies-topic confirmed "the alarm's message of run ${run} arrived on the run's queue"
  else
    verdict alarm-notifies-topic refuted "no alarm message of run ${run} arrived on the run's queue within the wait"
  fi
  if [[ -z "${execution}" || ! -f "${file}" ]]; then
    verdict eventbridge-notifies-topic unknown "no failed execution of this run, or no queue"
  elif [[ "${execution_failed}" != true ]]; then
    verdict eventbridge-notifies-topic unknown "execution ${execution} did not end Failed, so the AutomationFailed rule had nothing to send"
  elif grep -qF "${execution}" "${file}"; then
    verdict eventbridge-notifies-topic confirmed "the AutomationFailed rule's message for ${execution} arrived on the run's queue"
  else
    verdict eventbridge-notifies-topic refuted "execution ${execution} ended Failed, but no message for it arrived on the run's queue within the wait (see the key policy)"
  fi
}

# Writes report.json and prints the verdict table. Args: dir. Returns 1 when an assumption stayed unknown.
report() {
  local dir=$1 i unknown=0
  VERDICTS=()
  judge "${dir}"
  # After --args, jq 1.6 still takes a word starting with a dash for an option, unless -- comes first.
  jq -n '{assumptions: [$ARGS.positional | _nwise(3) | {id: .[0], status: .[1], evidence: .[2]}]}' \
    --args -- "${VERDICTS[@]}" >"${dir}/report.json"
  for ((i = 0; i < ${#VERDICTS[@]}; i += 3)); do
    printf '%s\t%s\t%s\n' "${VERDICTS[i + 1]}" "${VERDICTS[i]}" "${VERDICTS[i + 2]}"
    [[ "${VERDICTS[i + 1]}" == unknown ]] && unknown=1
  done
  ((!unknown))
}

# What a run costs and takes, printed before anything is created.
estimate() {
  cat <<EOF
The self-check of ${SANDBOX_STACK} and ${REMEDIATION_STACK} in ${REGION} will:
  - break the sandbox instance's resolv.conf and switch efs-utils to legacy mode (both restored),
  - run 3 tasks, start the runbook 3-4 times, set alarm ${ALARM:-the Notifications alarm} to ALARM once (one e-mail),
  - create one SQS queue subscribed to the topic for the run (deleted at the end).
It takes about 25 minutes (each wait at most ${WAIT_MINUTES} min) and costs a few cents beyond the sandbox's own
hourly cost (its t4g.small instance, EFS and NAT gateway, which run whether or not the check runs).
Re-run with --yes to start it.
EOF
}

main() {
  parse_args "$@"
  if [[ -n "${JUDGE_ONLY}" ]]; then
    report "${JUDGE_ONLY}" || exit "${EXIT_UNKNOWN}"
    exit 0
  fi
  if ((!YES && !DRY_RUN && !CLEANUP)); then
    estimate
    exit "${EXIT_NOT_CONFIRMED}"
  fi
  mkdir -p "${OUT}" || { err "cannot create ${OUT}"; exit "${EXIT_AWS}"; }
  preflight
  say "sandbox cluster ${CLUSTER}, instance ${INSTANCE_ID}, evidence in ${OUT}"
  if ((DRY_RUN)); then
    say "dry run: would break the host, run ${TASK_DEFINITION} and ${LEGACY_TASK_DEFINITION}, start ${RUNBOOK} twice with one ClientToken"
    exit 0
  fi
  if ((CLEANUP)); then
    remove_queues
    restore_host
    say "cleaned up: self-check queues and subscriptions removed, host restored, self-check tasks stopped"
    exit 0
  fi
  trap on_exit EXIT
  subscribe_queue
  collect_host_facts
  HOST_CHANGED=1
  provoke efs-proxy "${TASK_DEFINITION}"
  collect_remediation
  collect_lo
  collect_legacy
  collect_failed_runcommand
  collect_notifications
  report "${OUT}" || exit "${EXIT_UNKNOWN}"
}

# Sourced (by the tests, for json_string), it only defines.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  main "$@"
fi
