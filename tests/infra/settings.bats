#!/usr/bin/env bats
#
# Settings that stay put, judged on the CDK app itself (infra/, built once) and the pinned CDK CLI: with no cluster
# named the app stops with one line and writes nothing; an existing cluster without its default strategy stops
# with one line; and infra/README.md's own cdk.json for an existing cluster, followed by a documented follow-up
# command that carries only its own -c key, synthesizes that cluster's setup, not a new VPC, NAT gateway or cluster.
# `cdk ls` stands for the documented `cdk deploy`: both take context from cdk.json and -c the same way (aws-cdk CLI,
# commandLineArgumentsToSettings), and ls synthesizes the templates without publishing the Lambda.
# Run: bats tests/infra/settings.bats

# shellcheck disable=SC2154 # bats' run --separate-stderr sets stderr
bats_require_minimum_version 1.5.0

setup_file() {
  ROOT="$(cd "${BATS_TEST_DIRNAME}/../.." && pwd)"
  local out
  out="$(cd "${ROOT}" && dotnet build infra/Infra.csproj --nologo -v:quiet -t:Build -getProperty:TargetPath 2>&1)" ||
    { echo "${out}" >&2; return 1; }
  APP_DLL="$(tail -n 1 <<<"${out}")"
  export ROOT APP_DLL
}

# Runs the CDK app as the CLI does, with a context object. Args: context-json outdir.
run_app() {
  mkdir -p "$2"
  run --separate-stderr env CDK_CONTEXT_JSON="$1" CDK_OUTDIR="$2" dotnet "${APP_DLL}"
}

# The app's own stderr lines: Node's end-of-life banner, which jsii prints when it starts, left out.
app_stderr() {
  grep -v '^!!' <<<"${stderr}" || true
}

# Prints the shell words of the first line of infra/README.md that matches a pattern, from `npx` on.
readme_command() {
  grep -o "npx cdk deploy [^\`]*$1[^\`]*" "${ROOT}/infra/README.md" | head -n 1
}

@test "with no cluster named, the app stops with one line naming the keys and writes nothing" {
  run_app '{}' "${BATS_TEST_TMPDIR}/out"

  [[ "${status}" -eq 1 ]]
  [[ "$(app_stderr | wc -l)" -eq 1 ]]
  local line
  line="$(app_stderr)"
  [[ "${line}" == "error: remediation:cluster: "* ]]
  [[ "${line}" == *"remediation:safeCapacityClusters=none"* && "${line}" == *"remediation:exampleEnvironment=true"* ]]
  [[ -z "$(ls -A "${BATS_TEST_TMPDIR}/out")" ]]
}

@test "an existing cluster without its default strategy stops with one line naming the key and the cluster" {
  run_app '{"remediation:cluster": "prod", "remediation:vpcId": "vpc-0123456789abcdef0",
    "remediation:subnetIds": "subnet-0123456789abcdef0", "remediation:taskSecurityGroupIds": "sg-0123456789abcdef0",
    "remediation:existingCapacityProviders": "prod-ondemand"}' "${BATS_TEST_TMPDIR}/out"

  [[ "${status}" -eq 1 ]]
  [[ "$(app_stderr | wc -l)" -eq 1 ]]
  [[ "$(app_stderr)" == "error: remediation:existingDefaultStrategy: "*"cluster prod"* ]]
  [[ -z "$(ls -A "${BATS_TEST_TMPDIR}/out")" ]]
}

@test "infra/README.md's cdk.json for an existing cluster, then its observe command: no VPC, NAT gateway or cluster" {
  local work="${BATS_TEST_TMPDIR}/user"
  mkdir -p "${work}"
  # The README's cdk.json, as a user copies it; only the app command points at the build this test made.
  awk '/^## Deploy/ {deploy = 1} deploy && /^```json/ {inside = 1; next} inside && /^```/ {exit} inside {print}' \
    "${ROOT}/infra/README.md" | jq --arg app "dotnet ${APP_DLL}" '.app = $app' >"${work}/cdk.json"
  jq -e '.context["remediation:cluster"]' "${work}/cdk.json" >/dev/null
  local -a command
  read -r -a command <<<"$(readme_command 'remediation:mode=observe')"
  [[ "${command[*]}" == "npx cdk deploy EcsDnsRemediation -c remediation:mode=observe" ]]

  run --separate-stderr env -C "${work}" CDK_DISABLE_VERSION_CHECK=1 \
    "${ROOT}/node_modules/.bin/cdk" ls "${command[@]:4}" -o "${work}/cdk.out"

  [[ "${status}" -eq 0 ]] || { echo "${stderr}" >&2; false; }
  local templates=("${work}"/cdk.out/*.template.json)
  [[ "${#templates[@]}" -eq 2 ]]
  local created
  created="$(jq -r '.Resources[].Type' "${templates[@]}" | grep -cxE 'AWS::EC2::(VPC|NatGateway)|AWS::ECS::Cluster' || true)"
  [[ "${created}" -eq 0 ]]
  local mode clusters
  mode="$(jq -r '.Resources[] | select(.Type == "AWS::Lambda::Function") | .Properties.Environment.Variables.REMEDIATOR_MODE' \
    "${work}/cdk.out/EcsDnsRemediation.template.json")"
  [[ "${mode}" == "observe" ]]
  clusters="$(jq -r '.Resources[] | select(.Type == "AWS::ECS::ClusterCapacityProviderAssociations") | .Properties.Cluster' \
    "${work}/cdk.out/EcsDnsSafeCapacity.template.json")"
  [[ "${clusters}" == "prod" ]]
}
