#!/usr/bin/env bash
#
# sandbox-self-check.sh: run in YOUR OWN SANDBOX ACCOUNT after deploying the sandbox
# (npx cdk deploy --all -c remediation:sandbox=true). It provokes the failure in both
# forms (efs-proxy, the efs-utils 2.x default; and the legacy mount.nfs4 path, switched
# on with efs-utils' OCSP setting, which selects stunnel mode), lets the Remediator
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
# It changes the sandbox container instance (resolv.conf, efs-utils.conf, restored), starts
# tasks and runbook executions there, and sets the Remediator's Notifications alarm to ALARM
# once (one notification); nothing outside the sandbox and the remediation stack.
#
# Usage:
#   sandbox-self-check.sh [--region R] [--sandbox-stack NAME] [--remediation-stack NAME]
#                         [--out DIR] [--wait-minutes N] [--dry-run]
#   sandbox-self-check.sh --judge DIR      (re-judge a DIR of evidence; no AWS call)
# --wait-minutes (default 20, at most 120) bounds each wait: a task to stop or run, a runbook
# execution to end, metrics to appear. --dry-run reads the stacks and the cluster, changes nothing.
# Needs: aws CLI v2 with credentials for the sandbox account, jq.
# Writes evidence files and report.json to DIR (default ./self-check-<UTC time>); prints
# one line per assumption. Exit: 0 every assumption settled (confirmed or refuted),
# 1 some left unknown, 2 usage, 4 an AWS call or the environment failed.
#
# Never run against AWS by its authors: its argument handling and its judgement are tested
# locally (tests/infra/selfcheck.bats), its AWS calls follow the CLI's documented shapes.

set -o nounset
set -o pipefail

readonly PROG="sandbox-self-check.sh"
readonly EXIT_UNKNOWN=1 EXIT_USAGE=2 EXIT_AWS=4
readonly BREAK_SCRIPT="/usr/local/sbin/ecs-dns-sandbox-break"
readonly STATE_DIR="/var/lib/ecs-dns-sandbox"
readonly EFS_CONF="/etc/amazon/efs/efs-utils.conf"
readonly STARTED_BY="ecs-dns-self-check"
# TEST-NET-1 (RFC 5737): a valid unicast resolver that never answers, so the host fix's
# verification fails before the host is changed and the runCommand step fails.
readonly SILENT_RESOLVER="192.0.2.1"
# Seconds between polls; tests set 0.
readonly POLL_SECONDS="${SELF_CHECK_POLL_SECONDS:-15}"

REGION="${AWS_REGION:-${AWS_DEFAULT_REGION:-}}"
SANDBOX_STACK="EcsDnsSandbox"
REMEDIATION_STACK="EcsDnsRemediation"
OUT=""
WAIT_MINUTES=20
DRY_RUN=0
JUDGE_ONLY=""

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
  sed -n '3,30p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
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
  if [[ -z "${OUT}" ]]; then
    OUT="self-check-$(date -u +%Y%m%dT%H%M%SZ)"
  fi
  [[ ! -e "${OUT}" || -d "${OUT}" ]] || usage_error "--out: '${OUT}' exists and is not a directory"
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

# Prints a stack output's value, or exits 4 naming it. Args: stack key.
stack_output() {
  local value
  value=$(aws_json cloudformation describe-stacks --stack-name "$1" |
    jq -r --arg k "$2" '.Stacks[0].Outputs[]? | select(.OutputKey == $k) | .OutputValue')
  if [[ -z "${value}" ]]; then
    err "stack $1 has no output $2: deploy it with -c remediation:sandbox=true (and the current version of this repository)"
    exit "${EXIT_AWS}"
  fi
  printf '%s\n' "${value}"
}

# Polls until a command prints a terminal status or the wait ends. Args: description command...
# The command prints a status and returns 0 when it is terminal. Returns 1 on timeout.
poll() {
  local what=$1 deadline status
  shift
  deadline=$((SECONDS + WAIT_MINUTES * 60))
  while :; do
    if status=$("$@"); then
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
# Args: evidence-name command-text. Prints the command's standard output.
run_on_instance() {
  local name=$1 text=$2 input command_id
  input=$(jq -n --arg id "${INSTANCE_ID}" --arg c "${text}" \
    '{DocumentName: "AWS-RunShellScript", InstanceIds: [$id], Parameters: {commands: [$c]}, Comment: "ecs-dns sandbox self-check"}')
  command_id=$(aws_json ssm send-command --cli-input-json "${input}" | jq -r '.Command.CommandId') || exit "${EXIT_AWS}"
  invocation_done() {
    local status
    status=$(aws --region "${REGION}" --output json ssm get-command-invocation --command-id "${command_id}" \
      --instance-id "${INSTANCE_ID}" 2>/dev/null | tee "${OUT}/${name}.invocation.json" | jq -r '.Status // "Pending"')
    echo "${status}"
    [[ "${status}" =~ ^(Success|Failed|Cancelled|TimedOut|DeliveryTimedOut|ExecutionTimedOut|Undeliverable|Terminated)$ ]]
  }
  poll "run command ${name}" invocation_done || true
  jq -r '.StandardOutputContent // ""' "${OUT}/${name}.invocation.json" 2>/dev/null
}

# Starts a task of a task definition on the sandbox capacity. Args: task-definition. Prints the task ARN.
run_task() {
  local input
  input=$(jq -n --arg c "${CLUSTER}" --arg td "$1" --arg cp "${CAPACITY_PROVIDER}" --arg sg "${TASK_SG}" \
    --arg by "${STARTED_BY}" --arg subnets "${SUBNETS}" \
    '{cluster: $c, taskDefinition: $td, count: 1, startedBy: $by,
      capacityProviderStrategy: [{capacityProvider: $cp, weight: 1}],
      networkConfiguration: {awsvpcConfiguration: {subnets: ($subnets | split(",")), securityGroups: [$sg], assignPublicIp: "DISABLED"}}}')
  aws_json ecs run-task --cli-input-json "${input}" | jq -r '.tasks[0].taskArn // empty'
}

# Waits for a task to reach RUNNING or STOPPED and saves its description. Args: task-arn evidence-name.
wait_task() {
  local arn=$1 name=$2
  task_settled() {
    local status
    status=$(aws_json ecs describe-tasks --cluster "${CLUSTER}" --tasks "${arn}" | tee "${OUT}/${name}.task.json" |
      jq -r '.tasks[0].lastStatus // "MISSING"')
    echo "${status}"
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
}

# Reads the stacks' outputs and the sandbox container instance into globals.
preflight() {
  command -v aws >/dev/null || { err "the aws CLI is not on PATH"; exit "${EXIT_AWS}"; }
  command -v jq >/dev/null || { err "jq is not on PATH"; exit "${EXIT_AWS}"; }
  CLUSTER=$(stack_output "${SANDBOX_STACK}" SandboxCluster) || exit "${EXIT_AWS}"
  FILE_SYSTEM=$(stack_output "${SANDBOX_STACK}" SandboxFileSystemId) || exit "${EXIT_AWS}"
  TASK_DEFINITION=$(stack_output "${SANDBOX_STACK}" SandboxTaskDefinition) || exit "${EXIT_AWS}"
  LEGACY_TASK_DEFINITION=$(stack_output "${SANDBOX_STACK}" SandboxLegacyTaskDefinition) || exit "${EXIT_AWS}"
  SUBNETS=$(stack_output "${SANDBOX_STACK}" SandboxSubnets) || exit "${EXIT_AWS}"
  TASK_SG=$(stack_output "${SANDBOX_STACK}" SandboxTaskSecurityGroup) || exit "${EXIT_AWS}"
  RUNBOOK=$(stack_output "${REMEDIATION_STACK}" RunbookName) || exit "${EXIT_AWS}"
  RUNBOOK_ROLE=$(stack_output "${REMEDIATION_STACK}" RunbookRoleArn) || exit "${EXIT_AWS}"
  LOG_GROUP=$(stack_output "${REMEDIATION_STACK}" FunctionLogGroup) || exit "${EXIT_AWS}"
  CAPACITY_PROVIDER=$(aws_json ecs describe-clusters --clusters "${CLUSTER}" | jq -r '.clusters[0].capacityProviders[0] // empty') || exit "${EXIT_AWS}"
  local instances
  instances=$(aws_json ecs list-container-instances --cluster "${CLUSTER}" | jq -r '.containerInstanceArns[]') || exit "${EXIT_AWS}"
  [[ -n "${instances}" ]] || { err "cluster ${CLUSTER} has no container instance yet: wait for the sandbox ASG"; exit "${EXIT_AWS}"; }
  CONTAINER_INSTANCE=$(head -n 1 <<<"${instances}")
  INSTANCE_ID=$(aws_json ecs describe-container-instances --cluster "${CLUSTER}" --container-instances "${CONTAINER_INSTANCE}" |
    jq -r '.containerInstances[0].ec2InstanceId') || exit "${EXIT_AWS}"
  CLUSTER_ARN=$(aws_json ecs describe-clusters --clusters "${CLUSTER}" | jq -r '.clusters[0].clusterArn') || exit "${EXIT_AWS}"
  jq -n --arg region "${REGION}" --arg cluster "${CLUSTER}" --arg instance "${INSTANCE_ID}" --arg fs "${FILE_SYSTEM}" \
    --arg runbook "${RUNBOOK}" --arg started "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    '{region: $region, cluster: $cluster, instance: $instance, fileSystem: $fs, runbook: $runbook, started: $started}' \
    >"${OUT}/meta.json"
}

# The AMI's own resolv.conf (kept at boot by the sandbox user data) and the efs-utils version.
collect_host_facts() {
  run_on_instance host-facts "cat ${STATE_DIR}/resolv.conf.original; echo '#link' \$(cat ${STATE_DIR}/resolv.conf.link 2>/dev/null); rpm -q amazon-efs-utils || true" \
    >"${OUT}/host-facts.txt"
}

# After form 1: the Remediator's runbook executions, and its EMF metrics in CloudWatch.
collect_remediation() {
  local since
  since=$(jq -r '.started' "${OUT}/meta.json")
  executions_done() {
    local out
    out=$(aws_json ssm describe-automation-executions --filters "Key=DocumentNamePrefix,Values=${RUNBOOK}" "Key=StartTimeAfter,Values=${since}")
    printf '%s\n' "${out}" >"${OUT}/remediation.executions.json"
    jq -r '[.AutomationExecutionMetadataList[].AutomationExecutionStatus] | join(",") | if . == "" then "none yet" else . end' <<<"${out}"
    jq -e '(.AutomationExecutionMetadataList | length) > 0 and all(.AutomationExecutionMetadataList[]; .AutomationExecutionStatus | test("^(Success|Failed|TimedOut|Cancelled|CompletedWithFailure|CompletedWithSuccess|Exited)$"))' <<<"${out}" >/dev/null
  }
  poll "Remediator's runbook executions" executions_done || true
  aws_json logs filter-log-events --log-group-name "${LOG_GROUP}" --filter-pattern '{ $._aws.Timestamp > 0 }' --limit 5 \
    >"${OUT}/emf.logs.json"
  metrics_present() {
    aws_json cloudwatch list-metrics --namespace EcsDnsRemediation --metric-name Events | tee "${OUT}/emf.metrics.json" |
      jq -r '"\(.Metrics | length) metric streams"'
    jq -e '(.Metrics | length) > 0' "${OUT}/emf.metrics.json" >/dev/null
  }
  poll "EMF metrics in CloudWatch" metrics_present || true
}

# With the host fixed: a task that runs, and lo in its network namespace.
collect_lo() {
  local arn
  arn=$(run_task "${TASK_DEFINITION}")
  [[ -n "${arn}" ]] || return 0
  wait_task "${arn}" running
  if [[ "$(jq -r '.tasks[0].lastStatus' "${OUT}/running.task.json")" == RUNNING ]]; then
    local task_id=${arn##*/}
    run_on_instance lo "for c in \$(docker ps -q --filter label=com.amazonaws.ecs.task-arn=${arn} --filter label=com.amazonaws.ecs.container-name=~internalecspause); do nsenter --net=/proc/\$(docker inspect -f '{{.State.Pid}}' \$c)/ns/net ip -o link show lo; done" \
      >"${OUT}/lo.txt"
    aws_json ecs stop-task --cluster "${CLUSTER}" --task "${task_id}" --reason "ecs-dns self-check done" >/dev/null
  fi
}

# Form 2: efs-utils' OCSP setting selects stunnel (legacy) mode; non-TLS mounts then call mount.nfs4
# with the DNS name. The setting is restored afterwards.
collect_legacy() {
  run_on_instance legacy-on "cp -n ${EFS_CONF} ${EFS_CONF}.self-check.bak && sed -i 's/^stunnel_check_cert_validity *=.*/stunnel_check_cert_validity = true/' ${EFS_CONF} && grep -n '^stunnel_check_cert_validity' ${EFS_CONF}" \
    >"${OUT}/legacy-switch.txt"
  provoke legacy "${LEGACY_TASK_DEFINITION}"
  run_on_instance legacy-off "mv -f ${EFS_CONF}.self-check.bak ${EFS_CONF} && grep -n '^stunnel_check_cert_validity' ${EFS_CONF}" >>"${OUT}/legacy-switch.txt"
}

# A runbook execution whose host fix fails (a silent resolver), started twice with one ClientToken.
collect_failed_runcommand() {
  local token input first second_out second
  token=$(cat /proc/sys/kernel/random/uuid)
  input=$(jq -n --arg doc "${RUNBOOK}" --arg token "${token}" --arg role "${RUNBOOK_ROLE}" --arg cluster "${CLUSTER_ARN}" \
    --arg ci "${CONTAINER_INSTANCE}" --arg resolver "${SILENT_RESOLVER}" --arg host "${FILE_SYSTEM}.efs.${REGION}.amazonaws.com" \
    '{DocumentName: $doc, ClientToken: $token, Parameters: {AutomationAssumeRole: [$role], ClusterArn: [$cluster],
      ContainerInstanceArn: [$ci], FixHost: ["yes"], Resolver: [$resolver], VerifyHost: [$host], Reschedule: ["no"]}}')
  first=$(aws_json ssm start-automation-execution --cli-input-json "${input}" | jq -r '.AutomationExecutionId') || exit "${EXIT_AWS}"
  if second_out=$(aws --region "${REGION}" --output json ssm start-automation-execution --cli-input-json "${input}" 2>&1); then
    second=$(jq -r '.AutomationExecutionId' <<<"${second_out}")
    jq -n --arg a "${first}" --arg b "${second}" '{first: $a, second: $b, secondError: null}' >"${OUT}/client-token.json"
  else
    jq -n --arg a "${first}" --arg e "${second_out}" '{first: $a, second: null, secondError: $e}' >"${OUT}/client-token.json"
  fi
  execution_done() {
    aws_json ssm get-automation-execution --automation-execution-id "${first}" | tee "${OUT}/failed-runcommand.execution.json" |
      jq -r '.AutomationExecution.AutomationExecutionStatus'
    jq -e '.AutomationExecution.AutomationExecutionStatus | test("^(Success|Failed|TimedOut|Cancelled|CompletedWithFailure|CompletedWithSuccess|Exited)$")' \
      "${OUT}/failed-runcommand.execution.json" >/dev/null
  }
  poll "deliberately failed host fix ${first}" execution_done || true
}

# Sets the Notifications alarm to ALARM (its action publishes to the topic) and reads the action's history;
# reads the AutomationFailed rule's delivery metrics (the deliberately failed execution above triggers it).
collect_notifications() {
  local alarm rule
  alarm=$(aws_json cloudwatch describe-alarms --alarm-name-prefix "${REMEDIATION_STACK}-NotificationsAlarm" |
    jq -r '.MetricAlarms[0].AlarmName // empty') || exit "${EXIT_AWS}"
  if [[ -n "${alarm}" ]]; then
    aws_json cloudwatch set-alarm-state --alarm-name "${alarm}" --state-value ALARM \
      --state-reason "ecs-dns sandbox self-check: can this alarm publish to the topic?" >/dev/null || exit "${EXIT_AWS}"
    alarm_acted() {
      aws_json cloudwatch describe-alarm-history --alarm-name "${alarm}" --history-item-type Action --max-records 5 |
        tee "${OUT}/alarm.history.json" | jq -r '.AlarmHistoryItems[0].HistorySummary // "no action yet"'
      jq -e '(.AlarmHistoryItems | length) > 0' "${OUT}/alarm.history.json" >/dev/null
    }
    poll "alarm ${alarm} action" alarm_acted || true
  fi
  rule=$(aws_json events list-rules --name-prefix "${REMEDIATION_STACK}-AutomationFailed" | jq -r '.Rules[0].Name // empty') ||
    exit "${EXIT_AWS}"
  [[ -n "${rule}" ]] || return 0
  rule_delivered() {
    local start end invocations failed
    start=$(jq -nr 'now - 10800 | todate')
    end=$(jq -nr 'now | todate')
    invocations=$(aws_json cloudwatch get-metric-statistics --namespace AWS/Events --metric-name Invocations \
      --dimensions "Name=RuleName,Value=${rule}" --start-time "${start}" --end-time "${end}" --period 3600 --statistics Sum |
      jq '[.Datapoints[].Sum] | add // 0')
    failed=$(aws_json cloudwatch get-metric-statistics --namespace AWS/Events --metric-name FailedInvocations \
      --dimensions "Name=RuleName,Value=${rule}" --start-time "${start}" --end-time "${end}" --period 3600 --statistics Sum |
      jq '[.Datapoints[].Sum] | add // 0')
    jq -n --arg rule "${rule}" --argjson i "${invocations:-0}" --argjson f "${failed:-0}" \
      '{rule: $rule, invocations: $i, failedInvocations: $f}' >"${OUT}/events.metrics.json"
    echo "${invocations:-0} invocations, ${failed:-0} failed"
    jq -e '.invocations > 0' "${OUT}/events.metrics.json" >/dev/null
  }
  poll "rule ${rule} deliveries" rule_delivered || true
}

# One assumption's verdict as a JSON line. Args: id status evidence.
verdict() {
  jq -cn --arg id "$1" --arg status "$2" --arg evidence "$3" '{id: $id, status: $status, evidence: $evidence}'
}

# Judges a form's stopped task. Args: dir form expected-regex description.
judge_reason() {
  local dir=$1 form=$2 pattern=$3 file="$1/$2.task.json" reasons status
  if [[ ! -s "${file}" ]]; then
    verdict "reason-${form}" unknown "no task evidence (${form}.task.json)"
    return
  fi
  status=$(jq -r '.tasks[0].lastStatus // "MISSING"' "${file}")
  reasons=$(jq -r '[.tasks[0].stoppedReason // empty, (.tasks[0].containers[]?.reason // empty)] | join(" | ")' "${file}")
  if [[ "${status}" != STOPPED ]]; then
    verdict "reason-${form}" unknown "the task did not stop (lastStatus ${status})"
  elif [[ "${reasons}" =~ ${pattern} ]]; then
    verdict "reason-${form}" confirmed "${reasons}"
  else
    verdict "reason-${form}" refuted "${reasons:-no reason text}"
  fi
}

# Prints one verdict line per assumption for the evidence in a directory. Args: dir.
judge() {
  local dir=$1 file
  # efs-proxy: the volume plugin's mount fails and names the file system; the exact words are the finding.
  judge_reason "${dir}" efs-proxy 'mount.*fs-[0-9a-f]{8,40}|fs-[0-9a-f]{8,40}.*mount'
  # legacy: mount.nfs4 itself fails to resolve the file system's name.
  judge_reason "${dir}" legacy 'Failed to resolve (server )?fs-[0-9a-f]{8,40}\.efs\.'

  file="${dir}/failed-runcommand.execution.json"
  if [[ ! -s "${file}" ]]; then
    verdict failed-runcommand-outputs unknown "no execution evidence"
  else
    local step
    # The failed runCommand step if any (a runbook may run several), else the first one.
    step=$(jq -c '[.AutomationExecution.StepExecutions[]? | select(.Action == "aws:runCommand")]
      | (map(select(.StepStatus == "Failed"))[0] // .[0] // {})' "${file}")
    if [[ "$(jq -r '.StepStatus // ""' <<<"${step}")" != Failed ]]; then
      verdict failed-runcommand-outputs unknown "the runCommand step did not fail: $(jq -c '{StepStatus, FailureMessage}' <<<"${step}")"
    elif jq -e '(.Outputs // {}) | length > 0' <<<"${step}" >/dev/null; then
      verdict failed-runcommand-outputs confirmed "a failed runCommand step keeps outputs: $(jq -c '.Outputs' <<<"${step}")"
    else
      verdict failed-runcommand-outputs refuted "a failed runCommand step has no outputs: $(jq -c '{StepStatus, FailureMessage}' <<<"${step}")"
    fi
  fi

  file="${dir}/client-token.json"
  if [[ ! -s "${file}" ]]; then
    verdict client-token-dedup unknown "no ClientToken evidence"
  elif jq -e '.second != null and .second == .first' "${file}" >/dev/null; then
    verdict client-token-dedup confirmed "the repeat returned the same execution $(jq -r .first "${file}")"
  elif jq -e '.second == null' "${file}" >/dev/null; then
    verdict client-token-dedup confirmed "the repeat started nothing; AWS answered: $(jq -r '.secondError' "${file}" | head -c 400)"
  else
    verdict client-token-dedup refuted "the repeat started a second execution: $(jq -c '{first, second}' "${file}")"
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

  if [[ -s "${dir}/emf.metrics.json" ]] && jq -e '(.Metrics | length) > 0' "${dir}/emf.metrics.json" >/dev/null; then
    verdict emf-extraction confirmed "$(jq -c '[.Metrics[] | {MetricName, Dimensions: [.Dimensions[]? | "\(.Name)=\(.Value)"]}] | .[0:4]' "${dir}/emf.metrics.json")"
  elif [[ -s "${dir}/emf.logs.json" ]] && jq -e '(.events | length) > 0' "${dir}/emf.logs.json" >/dev/null; then
    verdict emf-extraction refuted "EMF documents are in the log group but CloudWatch extracted no metric"
  else
    verdict emf-extraction unknown "no EMF document in the function's log group (did the Remediator run?)"
  fi

  file="${dir}/alarm.history.json"
  if [[ -s "${file}" ]] && jq -e '[.AlarmHistoryItems[]?.HistorySummary | select(test("^Successfully executed action arn:aws[a-z-]*:sns:"))] | length > 0' "${file}" >/dev/null; then
    verdict alarm-notifies-topic confirmed "$(jq -r '.AlarmHistoryItems[0].HistorySummary' "${file}")"
  elif [[ -s "${file}" ]] && jq -e '[.AlarmHistoryItems[]?.HistorySummary | select(test("^Failed to execute action"))] | length > 0' "${file}" >/dev/null; then
    verdict alarm-notifies-topic refuted "$(jq -r '[.AlarmHistoryItems[].HistorySummary | select(test("^Failed"))][0]' "${file}")"
  else
    verdict alarm-notifies-topic unknown "no alarm action recorded"
  fi

  file="${dir}/events.metrics.json"
  if [[ -s "${file}" ]] && jq -e '.failedInvocations > 0' "${file}" >/dev/null; then
    verdict eventbridge-notifies-topic refuted "$(jq -r '"rule \(.rule): \(.failedInvocations) of \(.invocations) deliveries to the topic failed (see the KMS key policy)"' "${file}")"
  elif [[ -s "${file}" ]] && jq -e '.invocations > 0' "${file}" >/dev/null; then
    verdict eventbridge-notifies-topic confirmed "$(jq -r '"rule \(.rule): \(.invocations) deliveries, none failed"' "${file}")"
  else
    verdict eventbridge-notifies-topic unknown "the rule has not fired (no failed runbook execution seen)"
  fi
}

# Writes report.json and prints the verdict table. Args: dir. Returns 1 when an assumption stayed unknown.
report() {
  local dir=$1 verdicts
  verdicts=$(judge "${dir}")
  jq -s '{assumptions: .}' <<<"${verdicts}" >"${dir}/report.json"
  jq -r '"\(.status)\t\(.id)\t\(.evidence)"' <<<"${verdicts}"
  ! jq -e 'select(.status == "unknown")' <<<"${verdicts}" >/dev/null
}

main() {
  parse_args "$@"
  if [[ -n "${JUDGE_ONLY}" ]]; then
    report "${JUDGE_ONLY}" || exit "${EXIT_UNKNOWN}"
    exit 0
  fi
  mkdir -p "${OUT}" || { err "cannot create ${OUT}"; exit "${EXIT_AWS}"; }
  preflight
  say "sandbox cluster ${CLUSTER}, instance ${INSTANCE_ID}, evidence in ${OUT}"
  if ((DRY_RUN)); then
    say "dry run: would break the host, run ${TASK_DEFINITION} and ${LEGACY_TASK_DEFINITION}, start ${RUNBOOK} twice with one ClientToken"
    exit 0
  fi
  collect_host_facts
  provoke efs-proxy "${TASK_DEFINITION}"
  collect_remediation
  collect_lo
  collect_legacy
  collect_failed_runcommand
  collect_notifications
  report "${OUT}" || exit "${EXIT_UNKNOWN}"
}

main "$@"
