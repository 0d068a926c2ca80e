#!/usr/bin/env bats
#
# The whole remediation loop, hostscripts/lab/demo.sh, in every scenario: real network namespaces,
# dnsmasq, the synthesized SSM documents and the Remediator's handler. Needs root and fails (never skips)
# without it. The first test runs the README's command, which builds the driver and synthesizes the default
# variant into .artifacts/cdk.out/default unless it is current (CI's synth wrote it); the others reuse that
# assembly and the driver, both made once by setup_file. Every run is its own lab (its id in every name), so the
# tests may run side by side (bats --jobs).
# Run: bats --tap tests/hostscripts/root

ROOT="$(cd "${BATS_TEST_DIRNAME}/../../.." && pwd)"
DEMO="${ROOT}/hostscripts/lab/demo.sh"
CDK_OUT="${ROOT}/.artifacts/cdk.out/default"
DRIVER_PROJECT="${ROOT}/hostscripts/lab/Remediator.Demo"

# Builds the driver and synthesizes the default variant (nothing to do when CI has just done both) before any
# test starts, so that no test rewrites what another one runs beside it.
setup_file() {
  [[ "${EUID}" -eq 0 ]] || return 0
  "${ROOT}/tests/infra/synth-variants.sh" default >&2
  dotnet build "${DRIVER_PROJECT}" --nologo -v:q -clp:ErrorsOnly >&2
  DRIVER="$(dotnet msbuild "${DRIVER_PROJECT}" -nologo -getProperty:TargetPath)"
  export DRIVER
}

setup() {
  if [[ "${EUID}" -ne 0 ]]; then
    echo "the demo suite needs root (network namespaces, mount namespaces)" >&2
    return 1
  fi
  HOST_RESOLV="$(readlink /etc/resolv.conf; sha256sum </etc/resolv.conf)"
}

teardown() {
  [[ "$(readlink /etc/resolv.conf; sha256sum </etc/resolv.conf)" == "${HOST_RESOLV}" ]]
}

# Prints the last line of $output (the demo's JSON).
last_line() {
  printf '%s\n' "${output}" | tail -n 1
}

# Prints the lab id demo.sh used, from its timeline in $output.
lab_id() {
  printf '%s\n' "${output}" | grep -o '^\[lab [0-9]*\]' | head -n 1 | tr -dc 0-9
}

# Fails if anything of lab ID $1 is left: namespace, process, directory, or the driver and its work
# directory. (Explicit ifs: bats does not fail a test on a negated command that is not its last.)
assert_lab_gone() {
  local id="$1"
  [[ -n "${id}" ]] || { echo "no lab id in the output" >&2; return 1; }
  if ip netns list | grep -E -- "-${id}( |\$)" >&2; then echo "namespaces left" >&2; return 1; fi
  if compgen -G "/tmp/ecs-dns-lab.${id}.*" >&2; then echo "lab directory left" >&2; return 1; fi
  if pgrep -af "ecs-dns-lab\\.${id}\\." >&2; then echo "lab processes left" >&2; return 1; fi
  if compgen -G "/tmp/ecs-dns-demo.${id}.*" >&2; then echo "demo work directory left" >&2; return 1; fi
  if pgrep -af "Remediator\\.Demo\\.dll --cdk-out .* --event /tmp/ecs-dns-demo\\.${id}\\." >&2; then
    echo "driver left running" >&2
    return 1
  fi
}

# Prints the names the synthesized templates give the runbook and the command documents it runs (the
# evidence, then the host fix), as a JSON array: the documents_run of a loop that fixes the host. Without
# the host fix, the loop runs the first two.
expected_documents() {
  jq -s -c '[.[].Resources // {} | to_entries[] | .value | select(.Type == "AWS::SSM::Document"
      and .Properties.DocumentType == "Automation") | .Properties]
    | first | [.Name, (.Content.mainSteps[] | select(.action == "aws:runCommand") | .inputs.DocumentName)]' \
    "${CDK_OUT}"/*.template.json
}

@test "demo.sh (README command): the real mount.nfs4 fails inside VolumeDriver.Mount, the synthesized documents remediate, the next mount gets past the lookup" {
  run "${DEMO}"
  [[ "${status}" -eq 0 ]] || { printf '%s\n' "${output}" | tail -n 40 >&2; false; }
  local json
  json="$(last_line)"
  jq -e --argjson documents "$(expected_documents)" '.failure_reproduced == true and .decision == "remediate"
    and .documents_run == $documents and .task_started_after_fix == true
    and (.time_to_remediate_ms | type) == "number" and .time_to_remediate_ms > 0
    and .execution_status == "Success" and .host_untouched == false
    and .host_fix.nameservers == ["127.0.0.1", "169.254.169.253"]
    and .evidence.verdict == "fix-host"
    and ([.mounts[].outcome] == ["lookup-failed", "lookup-passed"])
    and (.mounts[0].mount_output | startswith("mount.nfs4: "))
    and (.reason | test("^CannotStartContainerError: Error response from daemon: error while mounting volume ./var/lib/ecs/volumes/ecs-efs-app-1-data-[0-9a-f]+.: VolumeDriver\\.Mount: failed to mount volume ecs-efs-app-1-data-[0-9a-f]+: mounting volume failed: b."))
    and (.mounts[0].mount_output as $stderr | .reason | endswith("mounting volume failed: b\u0027" + $stderr + "\u0027"))' <<<"${json}" \
    || { printf '%s\n' "${json}" >&2; false; }
  assert_lab_gone "$(lab_id)"
}

@test "demo.sh --scenario plugin-timeout: the reason is Docker's deadline text only; evidence, host fix, the task starts" {
  run "${DEMO}" --scenario plugin-timeout --cdk-out "${CDK_OUT}" --driver "${DRIVER}"
  [[ "${status}" -eq 0 ]] || { printf '%s\n' "${output}" | tail -n 40 >&2; false; }
  jq -e --argjson documents "$(expected_documents)" '.failure_reproduced == true
    and (.reason | test("^CannotStartContainerError: Error response from daemon: error while mounting volume ./var/lib/ecs/volumes/ecs-efs-app-1-data-[0-9a-f]+.: VolumeDriver\\.Mount: Post \"http://%2Frun%2Fdocker%2Fplugins%2Famazon-ecs-volume-plugin\\.sock/VolumeDriver\\.Mount\": context deadline exceeded$"))
    and .decision == "remediate" and .documents_run == $documents and .evidence.verdict == "fix-host"
    and .execution_status == "Success" and .task_started_after_fix == true and .host_untouched == false
    and ([.mounts[].outcome] == ["deadline-exceeded", "lookup-passed"])' <<<"$(last_line)" \
    || { last_line >&2; false; }
  # The driver it was given, not a build of its own.
  [[ "${output}" == *"using the driver ${DRIVER}"* && "${output}" != *"dotnet build"* ]]
  assert_lab_gone "$(lab_id)"
}

@test "demo.sh --scenario no-mount-target: host resolv.conf byte-identical, a notification names the cause" {
  run "${DEMO}" --scenario no-mount-target --cdk-out "${CDK_OUT}" --driver "${DRIVER}"
  [[ "${status}" -eq 0 ]] || { printf '%s\n' "${output}" | tail -n 40 >&2; false; }
  jq -e --argjson documents "$(expected_documents)" '.failure_reproduced == true and .decision == "remediate"
    and .documents_run == $documents[0:2] and .host_untouched == true and .task_started_after_fix == false
    and (.notification | test("^The EFS name does not resolve through the VPC resolver 169\\.254\\.169\\.253 from i-[0-9a-f]+: not the local resolver; check mount target in the AZ"))
    and .evidence.verdict == "not-dns" and .evidence.summary.verify_exit == 3 and .host_fix == null' <<<"$(last_line)"
  assert_lab_gone "$(lab_id)"
}

@test "demo.sh --scenario efs-proxy: a reason without 'Failed to resolve', the evidence finds the local resolver, the host fix cures it" {
  run "${DEMO}" --scenario efs-proxy --cdk-out "${CDK_OUT}" --driver "${DRIVER}"
  [[ "${status}" -eq 0 ]] || { printf '%s\n' "${output}" | tail -n 40 >&2; false; }
  jq -e --argjson documents "$(expected_documents)" '.failure_reproduced == true
    and (.reason | test("VolumeDriver\\.Create: mounting volume failed: b.mount\\.nfs4: Connection reset by peer"))
    and (.reason | test("Failed to resolve") | not) and .decision == "remediate"
    and .documents_run == $documents and .evidence.verdict == "fix-host"
    and .evidence.summary.name == "fs-0123456789abcdef0.efs.us-east-1.amazonaws.com"
    and .execution_status == "Success" and .task_started_after_fix == true and .host_untouched == false
    and .host_fix.nameservers == ["127.0.0.1", "169.254.169.253"]' <<<"$(last_line)"
  assert_lab_gone "$(lab_id)"
}

@test "demo.sh --scenario efs-proxy-not-dns: healthy resolv.conf, host byte-identical, a notification says what was found, no task" {
  run "${DEMO}" --scenario efs-proxy-not-dns --cdk-out "${CDK_OUT}" --driver "${DRIVER}"
  [[ "${status}" -eq 0 ]] || { printf '%s\n' "${output}" | tail -n 40 >&2; false; }
  jq -e --argjson documents "$(expected_documents)" '.failure_reproduced == true
    and (.reason | test("Failed to resolve") | not) and .decision == "remediate"
    and .documents_run == $documents[0:2] and .evidence.verdict == "healthy" and .host_fix == null
    and .host_untouched == true and .task_started_after_fix == false and .execution_status == "Success"
    and (.notification | test("resolv.conf is healthy: not the local resolver"))
    and (.notification | test("the mount failed for another reason"))' <<<"$(last_line)"
  assert_lab_gone "$(lab_id)"
}

@test "demo.sh interrupted with TERM during the loop removes the lab and stops the driver" {
  "${DEMO}" --cdk-out "${CDK_OUT}" --driver "${DRIVER}" --no-install >"${BATS_TEST_TMPDIR}/out" 2>&1 &
  local pid=$! i
  # A bound, not a measure (up to 5 minutes): the loop goes on as soon as the handler runs, and tests run side
  # by side on a shared machine.
  for ((i = 0; i < 3000; i++)); do
    grep -q 'Remediator.s handler' "${BATS_TEST_TMPDIR}/out" && break
    sleep 0.1
  done
  [[ -e "/run/netns/edr-inst-${pid}" ]] || { cat "${BATS_TEST_TMPDIR}/out" >&2; false; }
  kill -TERM "${pid}"
  local rc=0
  wait "${pid}" || rc=$?
  [[ "${rc}" -eq 143 ]]
  assert_lab_gone "${pid}"
}

@test "demo.sh --no-install with a python that lacks moto: exit 4, one line naming moto, builds nothing" {
  local python="${BATS_TEST_TMPDIR}/python3"
  printf '#!/bin/sh\necho "ModuleNotFoundError: No module named moto" >&2\nexit 1\n' >"${python}"
  chmod +x "${python}"
  LOCALAWS_PYTHON="${python}" run "${DEMO}" --no-install --cdk-out "${BATS_TEST_TMPDIR}"
  [[ "${status}" -eq 4 ]] || { printf '%s\n' "${output}" >&2; false; }
  [[ "$(printf '%s\n' "${output}" | grep -c 'error')" -eq 1 ]]
  [[ "${output}" == *"demo.sh: error: ${python} cannot import moto and botocore"*"pip install 'moto[server]'"* ]]
  [[ "${output}" != *"dotnet build"* && "${output}" != *"[lab "* ]]
}

@test "demo.sh rejects bad usage with exit 2 and builds nothing" {
  run "${DEMO}" --scenario sideways
  [[ "${status}" -eq 2 ]]
  [[ "${output}" == *"--scenario needs one of: local-resolver no-mount-target plugin-timeout efs-proxy efs-proxy-not-dns"* ]]
  run "${DEMO}" --frobnicate
  [[ "${status}" -eq 2 ]]
  run "${DEMO}" --cdk-out /nonexistent
  [[ "${status}" -eq 2 ]]
  run "${DEMO}" --driver /nonexistent/Remediator.Demo.dll
  [[ "${status}" -eq 2 ]]
  [[ "${output}" == "demo.sh: error: --driver /nonexistent/Remediator.Demo.dll: no such file" ]]
}
