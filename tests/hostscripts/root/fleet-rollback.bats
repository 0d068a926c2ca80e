#!/usr/bin/env bats
#
# `remediator fleet fix`, then `remediator fleet rollback`, on the lab's container instances: real network
# namespaces, the host fix document as cdk synth wrote it (the default variant's cloud assembly, synthesized when
# missing or older than the sources), the real resolv-fix.sh, run by the real CLI through the AWS SDK against
# the local SSM endpoint (Remediator.Demo fleet-endpoint, instances reached through fleet-hook.sh). Needs root
# and fails (never skips) without it. Uses the CLI and the driver as Remediation.sln's build left them (as
# tests/run-all.sh builds before the suites); builds them only when missing.
# Run: bats tests/hostscripts/root/fleet-rollback.bats

load ../test_helper

REPO="$(cd "${BATS_TEST_DIRNAME}/../../.." && pwd)"
CDK_OUT="${REPO}/.artifacts/cdk.out/default"
CLI="${REPO}/lambdas/Remediator.Cli/bin/Debug/net10.0/Remediator.Cli.dll"
DRIVER="${REPO}/hostscripts/lab/Remediator.Demo/bin/Debug/net10.0/Remediator.Demo.dll"
# An at-risk container instance (the lab's own: dnsmasq on 127.0.0.1, resolv.conf lists only it) and a healthy
# one beside it.
AT_RISK="i-0a000000000000001"
HEALTHY="i-0b000000000000002"

setup_file() {
  if [[ "${EUID}" -ne 0 ]]; then
    echo "the fleet lab needs root (network namespaces, mount namespaces)" >&2
    return 1
  fi
  "${REPO}/tests/infra/synth-variants.sh" default >&2 || return 1
  local project
  for project in lambdas/Remediator.Cli hostscripts/lab/Remediator.Demo; do
    if [[ ! -f "${REPO}/${project}/bin/Debug/net10.0/${project##*/}.dll" ]]; then
      dotnet build "${REPO}/${project}" --nologo -v:q -clp:ErrorsOnly >&2 || return 1
    fi
  done
}

setup() {
  # shellcheck source=hostscripts/lab/lib.sh
  source "${REPO}/hostscripts/lab/lib.sh"
  HOST_RESOLV="$(lab_host_resolv_state)"
  LAB_ID="fleet$$"
  lab_up || return 1
  # The healthy instance: its own network namespace and /etc (a copy of the lab's), the VPC resolver second.
  local ns="edr-inst2-${LAB_ID}"
  printf '%s\n' "${ns}" >>"${LAB_DIR}/namespaces"
  ip netns add "${ns}" && ip -n "${ns}" link set lo up || return 1
  mkdir "${LAB_DIR}/etc-healthy" && cp -a "${LAB_DIR}/etc/." "${LAB_DIR}/etc-healthy/" || return 1
  printf '%s\n' 'search ec2.internal' 'nameserver 127.0.0.1' "nameserver ${LAB_VPC_RESOLVER}" \
    >"${LAB_DIR}/etc-healthy/resolv.conf"
  printf '%s %s %s\n' "${AT_RISK}" "${LAB_DIR}/etc" "${LAB_NS_INST}" \
    "${HEALTHY}" "${LAB_DIR}/etc-healthy" "${ns}" >"${LAB_DIR}/fleet-instances"

  mkfifo "${BATS_TEST_TMPDIR}/driver.in"
  FLEET_LAB_ID="${LAB_ID}" FLEET_LAB_DIR="${LAB_DIR}" dotnet "${DRIVER}" fleet-endpoint --cdk-out "${CDK_OUT}" \
    --hook "${BATS_TEST_DIRNAME}/fleet-hook.sh" --instance "${AT_RISK}" --instance "${HEALTHY}" \
    <"${BATS_TEST_TMPDIR}/driver.in" >"${BATS_TEST_TMPDIR}/driver.out" 2>"${BATS_TEST_TMPDIR}/driver.log" 3>&- &
  DRIVER_PID=$!
  # Holding the driver's stdin open keeps it serving; closing it ends it.
  exec 8>"${BATS_TEST_TMPDIR}/driver.in"
  local i
  for ((i = 0; i < 600; i++)); do
    [[ -s "${BATS_TEST_TMPDIR}/driver.out" ]] && break
    kill -0 "${DRIVER_PID}" 2>/dev/null || break
    sleep 0.05
  done
  ENDPOINT="$(head -n 1 "${BATS_TEST_TMPDIR}/driver.out")"
  [[ -n "${ENDPOINT}" ]] || { cat "${BATS_TEST_TMPDIR}/driver.log" >&2; return 1; }
}

teardown() {
  exec 8>&-
  if [[ -n "${DRIVER_PID:-}" ]]; then
    wait "${DRIVER_PID}" 2>/dev/null
  fi
  lab_down 2>/dev/null
  [[ "$(lab_host_resolv_state)" == "${HOST_RESOLV}" ]]
}

# Runs the CLI's fleet command against the lab's endpoint. Arguments: fleet subcommand and options.
fleet() {
  AWS_ACCESS_KEY_ID=lab AWS_SECRET_ACCESS_KEY=lab AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true \
    dotnet "${CLI}" fleet "$@" --cluster "$(jq -r .cluster <<<"${ENDPOINT}")" \
    --document "$(jq -r .document <<<"${ENDPOINT}")" --endpoint-url "$(jq -r .url <<<"${ENDPOINT}")" \
    --wait 60 --poll-interval 0.2 --json
}

# Prints "ID VERDICT" for each instance of the JSON report in $output.
verdicts() {
  printf '%s\n' "${output}" | tail -n 1 | jq -r '.instances[] | "\(.instanceId) \(.verdict)"'
}

# Prints the state of both instances' resolver files (content and type), and whether backups exist.
files_state() {
  local etc
  for etc in "${LAB_DIR}/etc" "${LAB_DIR}/etc-healthy"; do
    sha256sum "${etc}/resolv.conf" "${etc}/dhcp/dhclient.conf"
    stat -c '%F %a' "${etc}/resolv.conf"
    find "${etc}" -maxdepth 2 -name '*.ecs-dns-remediation.bak' | sort
  done
}

@test "fleet fix changes only the at-risk instance; fleet rollback restores it byte for byte and leaves the healthy one untouched" {
  cp -a "${LAB_DIR}/etc/resolv.conf" "${BATS_TEST_TMPDIR}/at-risk.resolv.conf"
  cp -a "${LAB_DIR}/etc/dhcp/dhclient.conf" "${BATS_TEST_TMPDIR}/at-risk.dhclient.conf"
  local original
  original="$(files_state)"

  run fleet fix --yes
  assert_success
  assert_equal "$(verdicts)" "${AT_RISK} fixed"$'\n'"${HEALTHY} healthy"
  assert_equal "$(printf '%s\n' "${output}" | tail -n 1 | jq -c '.instances[0].nameservers')" "[\"127.0.0.1\",\"${LAB_VPC_RESOLVER}\"]"
  run cmp "${LAB_DIR}/etc/resolv.conf" "${BATS_TEST_TMPDIR}/at-risk.resolv.conf"
  assert_failure
  local fixed
  fixed="$(files_state)"

  run fleet rollback --dry-run
  assert_success
  assert_equal "$(verdicts)" "${AT_RISK} would-change"$'\n'"${HEALTHY} untouched"
  assert_equal "$(files_state)" "${fixed}"

  run fleet rollback --yes
  assert_success
  assert_equal "$(verdicts)" "${AT_RISK} rolled-back"$'\n'"${HEALTHY} untouched"
  assert_equal "$(files_state)" "${original}"
  cmp "${LAB_DIR}/etc/resolv.conf" "${BATS_TEST_TMPDIR}/at-risk.resolv.conf"
  cmp "${LAB_DIR}/etc/dhcp/dhclient.conf" "${BATS_TEST_TMPDIR}/at-risk.dhclient.conf"
}
