#!/usr/bin/env bats
#
# Tests for infra/selfcheck/sandbox-self-check.sh without AWS: argument handling, the judgement
# of evidence (the verdict of each assumption), and the control flow with a fake aws CLI that
# replays recorded JSON shapes (tests/infra/fake-aws/aws), serving only the stack outputs that the
# synthesized templates have. None of this says anything about AWS's behaviour: the script has
# never been run against AWS. Each verdict has a case that confirms it and one that refutes it,
# and none passes on the evidence of an earlier run.

# shellcheck disable=SC2154 # bats' run --separate-stderr sets stderr
# shellcheck disable=SC2030,SC2031 # each bats test runs in a subshell of its own: its exports are meant to stay there
bats_require_minimum_version 1.5.0

load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

# The stacks' output keys, from a synthesized sandbox assembly: the CI's if there is one, else one
# synthesized here (npx cdk synth, a few minutes).
setup_file() {
  local root assembly
  root="$(cd "${BATS_TEST_DIRNAME}/../.." && pwd)"
  assembly=""
  for candidate in "${SELF_CHECK_ASSEMBLY:-}" "${root}/.artifacts/cdk.out/sandbox" "${root}/.artifacts/cfn-lint/sandbox"; do
    if [[ -n "${candidate}" && -f "${candidate}/EcsDnsSandbox.template.json" ]]; then
      assembly=${candidate}
      break
    fi
  done
  if [[ -z "${assembly}" ]]; then
    assembly="${BATS_FILE_TMPDIR}/cdk.out"
    (cd "${root}" && CDK_DISABLE_VERSION_CHECK=1 npx --no-install cdk synth --quiet -c remediation:exampleEnvironment=true -c remediation:sandbox=true -o "${assembly}" >/dev/null 2>&1) ||
      { echo "cdk synth of the sandbox variant failed" >&2; return 1; }
  fi
  export FAKE_AWS_OUTPUTS="${BATS_FILE_TMPDIR}/outputs.txt"
  jq -rn --slurpfile s "${assembly}/EcsDnsSandbox.template.json" --slurpfile r "${assembly}/EcsDnsRemediation.template.json" \
    '($s[0].Outputs | keys[] | "EcsDnsSandbox \(.)"), ($r[0].Outputs | keys[] | "EcsDnsRemediation \(.)")' >"${FAKE_AWS_OUTPUTS}"
}

setup() {
  SCRIPT="${BATS_TEST_DIRNAME}/../../infra/selfcheck/sandbox-self-check.sh"
  EVIDENCE="${BATS_TEST_TMPDIR}/evidence"
  mkdir -p "${EVIDENCE}"
  export FAKE_AWS_LOG="${BATS_TEST_TMPDIR}/aws.log" FAKE_AWS_STATE="${BATS_TEST_TMPDIR}/aws-state"
  mkdir -p "${FAKE_AWS_STATE}"
  : >"${FAKE_AWS_LOG}"
  export SELF_CHECK_POLL_SECONDS=0
  unset AWS_REGION AWS_DEFAULT_REGION
}

# Runs the script with the fake aws first on PATH. Args: script arguments.
run_fake() {
  PATH="${BATS_TEST_DIRNAME}/fake-aws:${PATH}" run --separate-stderr "${SCRIPT}" "$@"
}

# Writes a stopped task's description. Args: file reason (without a double quote or backslash, which
# JSON would need escaped). The evidence helpers write JSON literally: a jq start costs about 20 ms.
stopped_task() {
  [[ "$2" != *[\"\\]* ]] || { echo "stopped_task: a double quote or backslash in '$2'" >&2; return 1; }
  printf '{"tasks": [{"lastStatus": "STOPPED", "stoppedReason": "%s", "containers": [{"name": "app"}]}]}\n' "$2" >"$1"
}

RUN=20261204T120000Z-42
EXECUTION=0123abcd-0000-4000-8000-000000000001

# Writes evidence of one run (${RUN}) in which every assumption holds.
confirming_evidence() {
  echo "{\"run\":\"${RUN}\",\"started\":\"2026-12-04T12:00:00Z\"}" >"${EVIDENCE}/meta.json"
  stopped_task "${EVIDENCE}/efs-proxy.task.json" \
    "CannotStartContainerError: Error response from daemon: error while mounting volume '/var/lib/ecs/volumes/x': VolumeDriver.Mount: failed to mount volume x: mounting volume failed: b'mount.nfs4: Connection reset by peer'"
  stopped_task "${EVIDENCE}/legacy.task.json" \
    "Error response from daemon: create ecs-app-3-data: VolumeDriver.Create: mounting volume failed: b'mount.nfs4: Failed to resolve server fs-0705b30dbe1741990.efs.us-east-1.amazonaws.com: Name or service not known'"
  echo '{"AutomationExecution":{"AutomationExecutionStatus":"Failed","StepExecutions":[{"Action":"aws:runCommand","StepStatus":"Failed","Outputs":{"ResponseCode":["3"]}}]}}' \
    >"${EVIDENCE}/failed-runcommand.execution.json"
  echo "{\"first\":\"${EXECUTION}\",\"second\":\"${EXECUTION}\",\"secondError\":null}" >"${EVIDENCE}/client-token.json"
  printf 'nameserver 10.0.0.2\nsearch ec2.internal\n#link ../run/systemd/resolve/resolv.conf\n' >"${EVIDENCE}/host-facts.txt"
  echo '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT' >"${EVIDENCE}/lo.txt"
  echo '{"since":"2026-12-04T12:00:00Z","streams":2,"datapoints":3}' >"${EVIDENCE}/emf.datapoints.json"
  # An alarm's message body is its JSON as a string.
  echo "{\"body\":\"{\\\"AlarmName\\\":\\\"a\\\",\\\"NewStateReason\\\":\\\"ecs-dns sandbox self-check ${RUN}: can this alarm publish to the topic?\\\"}\"}" \
    >"${EVIDENCE}/messages.jsonl"
  echo "{\"body\":\"ECS DNS remediation: runbook execution ${EXECUTION} of EcsDnsRemediation-Remediate ended Failed.\"}" \
    >>"${EVIDENCE}/messages.jsonl"
}

# Prints the status of one verdict in the output. Args: id.
status_of() {
  awk -F '\t' -v id="$1" '$2 == id { print $1 }' <<<"${output}"
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

@test "a poll interval or a minute's length that is no whole number in range: exit 2, nothing created" {
  SELF_CHECK_POLL_SECONDS=1.5 run --separate-stderr "${SCRIPT}" --region us-east-1 --out "${BATS_TEST_TMPDIR}/out"
  assert_equal "${status}" 2
  assert_equal "${stderr}" "sandbox-self-check.sh: SELF_CHECK_POLL_SECONDS: '1.5' is not a whole number from 0 to 900; see --help"
  SELF_CHECK_SECONDS_PER_MINUTE=0 run --separate-stderr "${SCRIPT}" --region us-east-1 --out "${BATS_TEST_TMPDIR}/out"
  assert_equal "${status}" 2
  assert_equal "${stderr}" "sandbox-self-check.sh: SELF_CHECK_SECONDS_PER_MINUTE: '0' is not a whole number from 1 to 60; see --help"
  assert [ ! -e "${BATS_TEST_TMPDIR}/out" ]
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

@test "no --yes: prints the estimate, creates nothing, exit 3" {
  run_fake --region us-east-1 --out "${EVIDENCE}"
  assert_equal "${status}" 3
  assert_output --partial "about 25 minutes"
  assert_output --partial "Re-run with --yes"
  assert_equal "$(wc -c <"${FAKE_AWS_LOG}")" 0
}

@test "--out holding an earlier run's files: exit 2, no AWS call" {
  confirming_evidence
  run_fake --yes --region us-east-1 --out "${EVIDENCE}"
  assert_equal "${status}" 2
  assert_equal "${stderr}" "sandbox-self-check.sh: --out: '${EVIDENCE}' holds files of an earlier run; give a new or empty directory; see --help"
  assert_equal "$(wc -c <"${FAKE_AWS_LOG}")" 0
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
  echo '{"AutomationExecution":{"AutomationExecutionStatus":"Failed","StepExecutions":[{"Action":"aws:runCommand","StepStatus":"Failed","FailureMessage":"Command failed"}]}}' \
    >"${EVIDENCE}/failed-runcommand.execution.json"
  echo "{\"first\":\"${EXECUTION}\",\"second\":\"e-2\",\"secondError\":null}" >"${EVIDENCE}/client-token.json"
  printf 'nameserver 127.0.0.53\nnameserver 10.0.0.2\n' >"${EVIDENCE}/host-facts.txt"
  echo '1: lo: <LOOPBACK> mtu 65536 qdisc noop state DOWN mode DEFAULT' >"${EVIDENCE}/lo.txt"
  echo '{"since":"2026-12-04T12:00:00Z","streams":2,"datapoints":0}' >"${EVIDENCE}/emf.datapoints.json"
  echo '{"events":[{"message":"{\"_aws\":{}}"}]}' >"${EVIDENCE}/emf.logs.json"
  : >"${EVIDENCE}/messages.jsonl"
  run --separate-stderr "${SCRIPT}" --judge "${EVIDENCE}"
  assert_success
  assert_equal "$(cut -f1 <<<"${output}" | sort -u)" "refuted"
  assert_output --partial "a local resolver among the first three nameservers (127.0.0.53 10.0.0.2)"
  assert_output --partial "the repeat started a second execution"
  assert_output --partial "lo is down"
  assert_output --partial "no alarm message of run ${RUN} arrived"
  assert_output --partial "execution ${EXECUTION} ended Failed, but no message for it arrived"
}

@test "judge: evidence that starts with a dash is kept whole in report.json" {
  stopped_task "${EVIDENCE}/efs-proxy.task.json" "--- VolumeDriver.Mount: failed to mount volume x"
  run --separate-stderr "${SCRIPT}" --judge "${EVIDENCE}"
  assert_equal "$(jq -r '.assumptions[] | select(.id == "reason-efs-proxy") | .evidence' "${EVIDENCE}/report.json")" \
    "--- VolumeDriver.Mount: failed to mount volume x"
  assert_equal "$(jq '.assumptions | length' "${EVIDENCE}/report.json")" 9
}

@test "judge: a repeat refused with an error is no confirmation of the ClientToken" {
  confirming_evidence
  echo "{\"first\":\"${EXECUTION}\",\"second\":null,\"secondError\":\"An error occurred (IdempotentParameterMismatch)\"}" >"${EVIDENCE}/client-token.json"
  run --separate-stderr "${SCRIPT}" --judge "${EVIDENCE}"
  assert_equal "$(status_of client-token-dedup)" refuted
  assert_output --partial "the repeat was refused, not answered with the first execution: An error occurred (IdempotentParameterMismatch)"
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
  echo '{"tasks": [{"lastStatus": "RUNNING"}]}' >"${EVIDENCE}/efs-proxy.task.json"
  run --separate-stderr "${SCRIPT}" --judge "${EVIDENCE}"
  assert_output --partial $'unknown\treason-efs-proxy\tthe task did not stop (lastStatus RUNNING)'
}

@test "judge: messages of an earlier run confirm neither notification path" {
  confirming_evidence
  echo '{"body":"{\"NewStateReason\":\"ecs-dns sandbox self-check 20200101T000000Z-1: can this alarm publish to the topic?\"}"}' >"${EVIDENCE}/messages.jsonl"
  echo '{"body":"ECS DNS remediation: runbook execution 99999999-0000-4000-8000-000000000000 of EcsDnsRemediation-Remediate ended Failed."}' >>"${EVIDENCE}/messages.jsonl"
  run --separate-stderr "${SCRIPT}" --judge "${EVIDENCE}"
  assert_equal "$(status_of alarm-notifies-topic)" refuted
  assert_equal "$(status_of eventbridge-notifies-topic)" refuted
}

@test "judge: EMF metric streams without a data point since the run started are no extraction" {
  confirming_evidence
  echo '{"since":"2026-12-04T12:00:00Z","streams":4,"datapoints":0}' >"${EVIDENCE}/emf.datapoints.json"
  # A listed metric stream says nothing of when its data arrived.
  echo '{"Metrics":[{"Namespace":"EcsDnsRemediation","MetricName":"Events","Dimensions":[{"Name":"Outcome","Value":"acted"}]}]}' \
    >"${EVIDENCE}/emf.metrics.json"
  run --separate-stderr "${SCRIPT}" --judge "${EVIDENCE}"
  assert_equal "$(status_of emf-extraction)" unknown
  # One assumption left unknown, even with settled ones after it, is exit 1.
  assert_equal "${status}" 1
}

@test "judge: an execution that did not fail cannot show EventBridge delivering" {
  confirming_evidence
  jq '.AutomationExecution.AutomationExecutionStatus = "Success"' "${EVIDENCE}/failed-runcommand.execution.json" >"${EVIDENCE}/x" &&
    mv "${EVIDENCE}/x" "${EVIDENCE}/failed-runcommand.execution.json"
  # Invocations count attempts, not deliveries.
  echo '{"rule":"EcsDnsRemediation-AutomationFailedRule","invocations":1,"failedInvocations":0}' >"${EVIDENCE}/events.metrics.json"
  run --separate-stderr "${SCRIPT}" --judge "${EVIDENCE}"
  assert_equal "$(status_of eventbridge-notifies-topic)" unknown
}

@test "json_string: quotes, backslashes and control characters read back unchanged through jq" {
  local text=$'say "hi" \\ C:\\x\n\ttab\r\x01\x1f\x7f caf\u00e9 $(x) \'y\''
  run bash -c 'source "$1" && json_string "$2"' _ "${SCRIPT}" "${text}"
  assert_success
  assert_equal "$(jq -j . <<<"${output}")" "${text}"
}

@test "control flow (fake aws): a stack without an output the script reads stops with exit 4 and names it" {
  export FAKE_AWS_NO_OUTPUT=SandboxLegacyTaskDefinition
  run_fake --yes --region us-east-1 --out "${EVIDENCE}"
  assert_equal "${status}" 4
  assert_equal "${stderr}" "sandbox-self-check.sh: stack EcsDnsSandbox has no output SandboxLegacyTaskDefinition: deploy it with -c remediation:sandbox=true (and the current version of this repository)"
  run grep -c 'run-task\|send-command\|start-automation-execution\|create-queue' "${FAKE_AWS_LOG}"
  assert_output 0
}

@test "control flow (fake aws): --dry-run reads only" {
  run_fake --region us-east-1 --out "${EVIDENCE}" --dry-run
  assert_success
  # Each stack is described once, whatever number of its outputs the script reads.
  assert_equal "$(grep -c '^cloudformation describe-stacks --stack-name EcsDnsSandbox$' "${FAKE_AWS_LOG}")" 1
  assert_equal "$(grep -c '^cloudformation describe-stacks --stack-name EcsDnsRemediation$' "${FAKE_AWS_LOG}")" 1
  run grep -vE '^(cloudformation describe-stacks|ecs describe-clusters|ecs list-container-instances|ecs describe-container-instances) ' "${FAKE_AWS_LOG}"
  assert_output ""
}

@test "control flow (fake aws): a run confirms what arrives, restores the host and removes its queue" {
  export FAKE_AWS_REPEAT=same
  run_fake --yes --region us-east-1 --out "${EVIDENCE}"
  assert_success
  assert_equal "$(status_of client-token-dedup)" confirmed
  assert_equal "$(status_of emf-extraction)" confirmed
  assert_equal "$(status_of alarm-notifies-topic)" confirmed
  assert_equal "$(status_of eventbridge-notifies-topic)" confirmed
  assert_equal "$(status_of failed-runcommand-outputs)" confirmed
  # Names come from the stacks' outputs.
  assert_equal "$(grep -c '^cloudwatch set-alarm-state --alarm-name EcsDnsRemediation-MonitoringNotificationsAlarm-0123456789AB ' "${FAKE_AWS_LOG}")" 1
  assert_equal "$(grep -c '^sns subscribe --topic-arn arn:aws:sns:us-east-1:111122223333:EcsDnsRemediation-NotificationsTopic-0123456789AB --protocol sqs' "${FAKE_AWS_LOG}")" 1
  # The deliberately failed runbook gets the task definition (else it only notifies) and one ClientToken twice.
  assert_equal "$(grep '^ssm start-automation-execution' "${FAKE_AWS_LOG}" | grep -c '"TaskDefinitionArn": *\[ *"arn:aws:ecs:us-east-1:111122223333:task-definition/sandbox-tls:1"')" 2
  assert_equal "$(grep '^ssm start-automation-execution' "${FAKE_AWS_LOG}" | grep -o '"ClientToken": *"[^"]*"' | sort -u | wc -l)" 1
  # Its host fix fails for real: resolv.conf immutable during the run, and mutable again after it.
  run grep -nE 'chattr [+-]i /etc/resolv.conf' "${FAKE_AWS_LOG}"
  assert_line --index 0 --partial 'chattr +i /etc/resolv.conf'
  assert_line --index 1 --partial 'chattr -i /etc/resolv.conf'
  # The pause container by the agent's name for it.
  assert_equal "$(grep -c 'com.amazonaws.ecs.container-name=~internal~ecs~pause' "${FAKE_AWS_LOG}")" 1
  assert_equal "$(grep '^ecs run-task' "${FAKE_AWS_LOG}" | grep -o 'task-definition/sandbox-[a-z]*' | tr '\n' ' ')" \
    "task-definition/sandbox-tls task-definition/sandbox-tls task-definition/sandbox-legacy "
  # The efs-proxy reason is kept raw, as AWS wrote it.
  assert_equal "$(cat "${EVIDENCE}/efs-proxy.reason.txt")" "$(jq -r '.tasks[0].stoppedReason' "${EVIDENCE}/efs-proxy.task.json")"
  # The queue goes at the end.
  assert_equal "$(grep -c '^sqs delete-queue' "${FAKE_AWS_LOG}")" 1
  assert_equal "$(grep -c '^sns unsubscribe' "${FAKE_AWS_LOG}")" 1
  # Each command sent is polled by the id its answer gave.
  assert_equal "$(grep -o '^ssm get-command-invocation --command-id [0-9a-f-]\{36\} ' "${FAKE_AWS_LOG}" | sort -u | wc -l)" \
    "$(grep -c '^ssm send-command ' "${FAKE_AWS_LOG}")"
  # Every request the script built is JSON, and the commands it sends arrive whole.
  run jq -Rr 'capture("--cli-input-json (?<json>.*)$").json | fromjson | .Parameters.commands[0]? // empty' "${FAKE_AWS_LOG}"
  assert_success
  assert_equal "${#lines[@]}" "$(grep -c '^ssm send-command ' "${FAKE_AWS_LOG}")"
  assert_line --partial "grep -n '^stunnel_check_cert_validity' /etc/amazon/efs/efs-utils.conf"
  assert_line --partial "docker inspect -f '{{.State.Pid}}'"
}

@test "control flow (fake aws): a repeat that starts a second execution refutes the ClientToken" {
  export FAKE_AWS_REPEAT=new
  run_fake --yes --region us-east-1 --out "${EVIDENCE}"
  assert_success
  assert_equal "$(status_of client-token-dedup)" refuted
}

@test "control flow (fake aws): a refused repeat of the ClientToken is recorded, not fatal, and refutes" {
  export FAKE_AWS_REPEAT=refused
  run_fake --yes --region us-east-1 --out "${EVIDENCE}"
  assert_success
  assert_equal "$(status_of client-token-dedup)" refuted
}

@test "control flow (fake aws): data points only from before the run confirm no EMF extraction" {
  # What never arrives is waited for: one "minute" of 1 s, polled every second.
  export FAKE_AWS_STALE_METRICS=yes FAKE_AWS_REPEAT=same SELF_CHECK_POLL_SECONDS=1 SELF_CHECK_SECONDS_PER_MINUTE=1
  run_fake --yes --region us-east-1 --out "${EVIDENCE}" --wait-minutes 1
  assert_equal "$(status_of emf-extraction)" refuted
}

@test "control flow (fake aws): messages of an earlier run on the queue confirm no delivery" {
  export FAKE_AWS_OLD_MESSAGES=yes FAKE_AWS_REPEAT=same SELF_CHECK_POLL_SECONDS=1 SELF_CHECK_SECONDS_PER_MINUTE=1
  run_fake --yes --region us-east-1 --out "${EVIDENCE}" --wait-minutes 1
  assert_equal "$(status_of alarm-notifies-topic)" refuted
  assert_equal "$(status_of eventbridge-notifies-topic)" refuted
}

@test "control flow (fake aws): a run that stops on an AWS error still restores the host and removes its queue" {
  export FAKE_AWS_FAIL="ssm start-automation-execution"
  run_fake --yes --region us-east-1 --out "${EVIDENCE}"
  assert_equal "${status}" 4
  assert_equal "$(grep -c '^sqs delete-queue' "${FAKE_AWS_LOG}")" 1
  run grep -c 'chattr -i /etc/resolv.conf' "${FAKE_AWS_LOG}"
  assert_output 1
  run grep -c 'ecs stop-task .*ecs-dns self-check cleanup' "${FAKE_AWS_LOG}"
  assert_output 1
}

@test "control flow (fake aws): --cleanup removes the self-check's queues and subscriptions only, and restores the host" {
  run_fake --cleanup --region us-east-1 --out "${EVIDENCE}"
  assert_success
  assert_equal "$(grep '^sns unsubscribe' "${FAKE_AWS_LOG}")" "sns unsubscribe --subscription-arn arn:aws:sns:us-east-1:111122223333:t:sub-1"
  assert_equal "$(grep '^sqs delete-queue' "${FAKE_AWS_LOG}")" "sqs delete-queue --queue-url https://sqs.us-east-1.amazonaws.com/111122223333/ecs-dns-self-check-old"
  assert_equal "$(grep -c 'chattr -i /etc/resolv.conf' "${FAKE_AWS_LOG}")" 1
  assert_equal "$(grep -c '^ecs run-task\|^ssm start-automation-execution' "${FAKE_AWS_LOG}")" 0
}
