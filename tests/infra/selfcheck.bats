#!/usr/bin/env bats
#
# Tests for infra/selfcheck/sandbox-self-check.sh without AWS: argument handling, the judgement
# of evidence (the verdict of each assumption), and the control flow with a fake aws CLI that
# replays recorded JSON shapes (tests/infra/fake-aws/aws). None of this says anything about
# AWS's behaviour: the script has never been run against AWS.

# shellcheck disable=SC2154 # bats' run --separate-stderr sets stderr
bats_require_minimum_version 1.5.0

load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

setup() {
  SCRIPT="${BATS_TEST_DIRNAME}/../../infra/selfcheck/sandbox-self-check.sh"
  EVIDENCE="${BATS_TEST_TMPDIR}/evidence"
  mkdir -p "${EVIDENCE}"
  export FAKE_AWS_LOG="${BATS_TEST_TMPDIR}/aws.log" FAKE_AWS_STATE="${BATS_TEST_TMPDIR}/aws-state"
  mkdir -p "${FAKE_AWS_STATE}"
  export SELF_CHECK_POLL_SECONDS=0
  unset AWS_REGION AWS_DEFAULT_REGION
}

# Writes a stopped task's description. Args: file reason.
stopped_task() {
  jq -n --arg r "$2" '{tasks: [{lastStatus: "STOPPED", stoppedReason: $r, containers: [{name: "app"}]}]}' >"$1"
}

# Writes evidence in which every assumption holds.
confirming_evidence() {
  stopped_task "${EVIDENCE}/efs-proxy.task.json" \
    "Error response from daemon: create ecs-app-data: VolumeDriver.Create: mounting volume failed: b'mount.nfs4: Connection reset by peer' fs-0705b30dbe1741990"
  stopped_task "${EVIDENCE}/legacy.task.json" \
    "Error response from daemon: create ecs-app-3-data: VolumeDriver.Create: mounting volume failed: b'mount.nfs4: Failed to resolve server fs-0705b30dbe1741990.efs.us-east-1.amazonaws.com: Name or service not known'"
  echo '{"AutomationExecution":{"StepExecutions":[{"Action":"aws:runCommand","StepStatus":"Failed","Outputs":{"ResponseCode":["3"]}}]}}' \
    >"${EVIDENCE}/failed-runcommand.execution.json"
  echo '{"first":"e-1","second":"e-1","secondError":null}' >"${EVIDENCE}/client-token.json"
  printf 'nameserver 10.0.0.2\nsearch ec2.internal\n#link ../run/systemd/resolve/resolv.conf\n' >"${EVIDENCE}/host-facts.txt"
  echo '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT' >"${EVIDENCE}/lo.txt"
  echo '{"Metrics":[{"Namespace":"EcsDnsRemediation","MetricName":"Events","Dimensions":[{"Name":"Outcome","Value":"acted"}]}]}' \
    >"${EVIDENCE}/emf.metrics.json"
  echo '{"AlarmHistoryItems":[{"HistoryItemType":"Action","HistorySummary":"Successfully executed action arn:aws:sns:us-east-1:111122223333:topic"}]}' \
    >"${EVIDENCE}/alarm.history.json"
  echo '{"rule":"EcsDnsRemediation-AutomationFailedRule","invocations":1,"failedInvocations":0}' >"${EVIDENCE}/events.metrics.json"
}

@test "--help prints the usage and exits 0" {
  run "${SCRIPT}" --help
  assert_success
  assert_output --partial "Usage:"
}

@test "an unknown argument: one line on stderr, exit 2" {
  run --separate-stderr "${SCRIPT}" --regoin us-east-1
  assert_equal "${status}" 2
  assert_equal "${stderr}" "sandbox-self-check.sh: unknown argument '--regoin'; see --help"
  assert_equal "${output}" ""
}

@test "no Region given or in the environment: exit 2 naming --region" {
  run --separate-stderr "${SCRIPT}" --out "${BATS_TEST_TMPDIR}/out"
  assert_equal "${status}" 2
  assert_equal "${stderr}" "sandbox-self-check.sh: --region: '' is not a Region such as us-east-1 (or set AWS_REGION); see --help"
  assert [ ! -e "${BATS_TEST_TMPDIR}/out" ]
}

@test "a wait outside 1-120 minutes: exit 2" {
  run --separate-stderr "${SCRIPT}" --region us-east-1 --wait-minutes 121
  assert_equal "${status}" 2
  assert_equal "${stderr}" "sandbox-self-check.sh: --wait-minutes: '121' is not a whole number from 1 to 120; see --help"
}

@test "a stack name with a shell metacharacter: exit 2" {
  run --separate-stderr "${SCRIPT}" --region us-east-1 --sandbox-stack 'x;rm'
  assert_equal "${status}" 2
  assert_equal "${stderr}" "sandbox-self-check.sh: 'x;rm' is not a CloudFormation stack name; see --help"
}

@test "--judge on a missing directory: exit 2" {
  run --separate-stderr "${SCRIPT}" --judge "${BATS_TEST_TMPDIR}/none"
  assert_equal "${status}" 2
}

@test "judge: evidence that holds every assumption confirms all nine, exit 0, report.json" {
  confirming_evidence
  run --separate-stderr "${SCRIPT}" --judge "${EVIDENCE}"
  assert_success
  assert_equal "$(cut -f1,2 <<<"${output}" | tr '\t' ' ')" "confirmed reason-efs-proxy
confirmed reason-legacy
confirmed failed-runcommand-outputs
confirmed client-token-dedup
confirmed al2023-resolv-conf
confirmed lo-in-awsvpc-netns
confirmed emf-extraction
confirmed alarm-notifies-topic
confirmed eventbridge-notifies-topic"
  assert_equal "$(jq -r '.assumptions | length' "${EVIDENCE}/report.json")" 9
  assert_output --partial "Failed to resolve server fs-0705b30dbe1741990.efs.us-east-1.amazonaws.com"
}

@test "judge: contrary evidence refutes each assumption, and says why" {
  confirming_evidence
  stopped_task "${EVIDENCE}/efs-proxy.task.json" "Essential container in task exited"
  stopped_task "${EVIDENCE}/legacy.task.json" "ResourceInitializationError: failed to invoke EFS utils commands"
  echo '{"AutomationExecution":{"StepExecutions":[{"Action":"aws:runCommand","StepStatus":"Failed","FailureMessage":"Command failed"}]}}' \
    >"${EVIDENCE}/failed-runcommand.execution.json"
  echo '{"first":"e-1","second":"e-2","secondError":null}' >"${EVIDENCE}/client-token.json"
  printf 'nameserver 127.0.0.53\nnameserver 10.0.0.2\n' >"${EVIDENCE}/host-facts.txt"
  echo '1: lo: <LOOPBACK> mtu 65536 qdisc noop state DOWN mode DEFAULT' >"${EVIDENCE}/lo.txt"
  echo '{"Metrics":[]}' >"${EVIDENCE}/emf.metrics.json"
  echo '{"events":[{"message":"{\"_aws\":{}}"}]}' >"${EVIDENCE}/emf.logs.json"
  echo '{"AlarmHistoryItems":[{"HistorySummary":"Failed to execute action arn:aws:sns:us-east-1:111122223333:topic. Received error: not authorized"}]}' \
    >"${EVIDENCE}/alarm.history.json"
  echo '{"rule":"r","invocations":2,"failedInvocations":2}' >"${EVIDENCE}/events.metrics.json"
  run --separate-stderr "${SCRIPT}" --judge "${EVIDENCE}"
  assert_success
  assert_equal "$(cut -f1 <<<"${output}" | sort -u)" "refuted"
  assert_output --partial "a local resolver among the first three nameservers (127.0.0.53 10.0.0.2)"
  assert_output --partial "the repeat started a second execution"
  assert_output --partial "lo is down"
  assert_output --partial "Failed to execute action arn:aws:sns"
  assert_output --partial "2 of 2 deliveries to the topic failed"
}

@test "judge: a repeat refused with an error counts as deduplicated" {
  echo '{"first":"e-1","second":null,"secondError":"An error occurred (IdempotentParameterMismatch)"}' >"${EVIDENCE}/client-token.json"
  run --separate-stderr "${SCRIPT}" --judge "${EVIDENCE}"
  assert_output --partial $'confirmed\tclient-token-dedup\tthe repeat started nothing; AWS answered: An error occurred (IdempotentParameterMismatch)'
}

@test "judge: of several runCommand steps, the failed one is judged" {
  echo '{"AutomationExecution":{"StepExecutions":[{"Action":"aws:runCommand","StepName":"Evidence","StepStatus":"Success","Outputs":{"Output":["x"]}},{"Action":"aws:runCommand","StepName":"FixHost","StepStatus":"Failed","FailureMessage":"Command failed"}]}}' \
    >"${EVIDENCE}/failed-runcommand.execution.json"
  run --separate-stderr "${SCRIPT}" --judge "${EVIDENCE}"
  assert_output --partial $'refuted\tfailed-runcommand-outputs\ta failed runCommand step has no outputs'
}

@test "judge: no evidence leaves every assumption unknown, exit 1" {
  run --separate-stderr "${SCRIPT}" --judge "${EVIDENCE}"
  assert_equal "${status}" 1
  assert_equal "$(cut -f1 <<<"${output}" | sort -u)" "unknown"
  assert_equal "$(wc -l <<<"${output}")" 9
}

@test "judge: a task that kept running is no reason text" {
  jq -n '{tasks: [{lastStatus: "RUNNING"}]}' >"${EVIDENCE}/efs-proxy.task.json"
  run --separate-stderr "${SCRIPT}" --judge "${EVIDENCE}"
  assert_output --partial $'unknown\treason-efs-proxy\tthe task did not stop (lastStatus RUNNING)'
}

@test "control flow (fake aws): a stack without the new outputs stops with exit 4 and names it" {
  export FAKE_AWS_NO_OUTPUT=SandboxLegacyTaskDefinition
  PATH="${BATS_TEST_DIRNAME}/fake-aws:${PATH}" run --separate-stderr "${SCRIPT}" --region us-east-1 --out "${EVIDENCE}"
  assert_equal "${status}" 4
  assert_equal "${stderr}" "sandbox-self-check.sh: stack EcsDnsSandbox has no output SandboxLegacyTaskDefinition: deploy it with -c remediation:sandbox=true (and the current version of this repository)"
  run grep -c 'run-task\|send-command\|start-automation-execution' "${FAKE_AWS_LOG}"
  assert_output 0
}

@test "control flow (fake aws): --dry-run reads only" {
  PATH="${BATS_TEST_DIRNAME}/fake-aws:${PATH}" run --separate-stderr "${SCRIPT}" --region us-east-1 --out "${EVIDENCE}" --dry-run
  assert_success
  run grep -vE '^(cloudformation describe-stacks|ecs describe-clusters|ecs list-container-instances|ecs describe-container-instances) ' "${FAKE_AWS_LOG}"
  assert_output ""
}

@test "control flow (fake aws): both forms, the host restored, one ClientToken twice, a report" {
  PATH="${BATS_TEST_DIRNAME}/fake-aws:${PATH}" run --separate-stderr "${SCRIPT}" --region us-east-1 --out "${EVIDENCE}"
  assert_success
  # The fake starts a second execution for a repeated ClientToken.
  assert_output --partial $'refuted\tclient-token-dedup'
  assert_output --partial $'confirmed\talarm-notifies-topic'
  assert_output --partial $'confirmed\teventbridge-notifies-topic\trule EcsDnsRemediation-AutomationFailedRule5C1D2E3F-0123456789AB: 1 deliveries, none failed'
  assert_equal "$(grep -c '^ecs run-task' "${FAKE_AWS_LOG}")" 3
  assert_equal "$(grep '^ecs run-task' "${FAKE_AWS_LOG}" | grep -o 'task-definition/sandbox-[a-z]*' | tr '\n' ' ')" \
    "task-definition/sandbox-tls task-definition/sandbox-tls task-definition/sandbox-legacy "
  assert_equal "$(grep -c '^ecs stop-task' "${FAKE_AWS_LOG}")" 1
  # The legacy switch is turned on before the legacy task and restored after it.
  run grep -nE 'stunnel_check_cert_validity = true|self-check.bak /etc/amazon|sandbox-legacy' "${FAKE_AWS_LOG}"
  assert_line --index 0 --partial 'stunnel_check_cert_validity = true'
  assert_line --index 1 --partial 'sandbox-legacy'
  assert_line --index 2 --partial 'mv -f /etc/amazon/efs/efs-utils.conf.self-check.bak /etc/amazon/efs/efs-utils.conf'
  assert_equal "$(grep '^ssm start-automation-execution' "${FAKE_AWS_LOG}" | grep -o '"ClientToken": *"[^"]*"' | sort -u | wc -l)" 1
  assert_equal "$(grep -c '^ssm start-automation-execution' "${FAKE_AWS_LOG}")" 2
  # The alarm is set once, after the runbook executions, and its action history read.
  assert_equal "$(grep -c '^cloudwatch set-alarm-state --alarm-name EcsDnsRemediation-NotificationsAlarm' "${FAKE_AWS_LOG}")" 1
  assert_equal "$(jq -r '[.assumptions[].status] | unique | join(",")' "${EVIDENCE}/report.json")" "confirmed,refuted"
}

@test "control flow (fake aws): a refused repeat of the ClientToken is recorded, not fatal" {
  export FAKE_AWS_DEDUP=yes
  PATH="${BATS_TEST_DIRNAME}/fake-aws:${PATH}" run --separate-stderr "${SCRIPT}" --region us-east-1 --out "${EVIDENCE}"
  assert_success
  assert_output --partial $'confirmed\tclient-token-dedup\tthe repeat started nothing'
}
