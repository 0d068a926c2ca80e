#!/usr/bin/env bash
#
# Synthesizes the CDK app in every configuration variant the README documents, each into its own cloud
# assembly, and runs cfn-lint (CloudFormation's resource schemas: AWS's truth, not ours) over every template.
# Usage: tests/infra/cfn-lint-variants.sh [OUTDIR]   (default: .artifacts/cfn-lint; needs npm ci and cfn-lint)
# Prints each variant's findings; exits 0 only when every template of every variant is clean: errors fail,
# and so does any warning not ignored, with its reason, in infra/nag/cfn-lint.yaml.

set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
readonly ROOT
readonly CONFIG="${ROOT}/infra/nag/cfn-lint.yaml"

# Variant name, then its -c context arguments. Keys: README.md's settings table.
readonly -a DEFAULT=()
readonly -a SANDBOX=(-c remediation:sandbox=true)
readonly -a EXISTING_CLUSTER=(
  -c remediation:cluster=prod
  -c remediation:vpcId=vpc-0123456789abcdef0
  -c "remediation:subnetIds=subnet-0123456789abcdef0,subnet-0123456789abcdef1"
  -c remediation:taskSecurityGroupIds=sg-0123456789abcdef0
  -c "remediation:existingCapacityProviders=prod-ondemand,prod-spot"
  -c "remediation:existingDefaultStrategy=prod-ondemand:1:1,prod-spot:3"
  -c "remediation:allowedClusters=prod,batch"
  -c remediation:taskDefinitionFamilies=app
  -c remediation:reservedConcurrency=20
)
readonly -a PROACTIVE_FIX=(-c remediation:proactiveAction=fix -c "remediation:proactiveSchedule=rate(1 hour)")
# The hub, and the member template its StackSet deploys (written to member.out inside the assembly).
readonly -a ORGANIZATION=(
  -c remediation:organizationId=o-a1b2c3d4e5
  -c "remediation:organizationTargets=ou-ab12-cdef3456,ou-ab12-99998888"
  -c "remediation:organizationRegions=us-east-1,eu-west-1"
)

# Prints an error on stderr. Args: message.
err() {
  echo "cfn-lint-variants: $*" >&2
}

# Synthesizes one variant and lints its templates. Args: name outdir context-args...
# Returns 0 when synth worked and cfn-lint found nothing.
lint_variant() {
  local name=$1 outdir=$2
  shift 2
  local assembly="${outdir}/${name}"
  rm -rf "${assembly}"
  echo "== ${name}: cdk synth $*"
  if ! (cd "${ROOT}" && npx --no-install cdk synth --quiet -o "${assembly}" "$@" >"${outdir}/${name}.synth.log" 2>&1); then
    err "${name}: synth failed; see ${outdir}/${name}.synth.log"
    tail -n 20 "${outdir}/${name}.synth.log" >&2
    return 1
  fi
  local -a templates
  mapfile -t templates < <(find "${assembly}" -maxdepth 2 \( -path "${assembly}/*.template.json" \
    -o -path "${assembly}/member.out/*.template.json" \) | sort)
  if ((${#templates[@]} == 0)); then
    err "${name}: no templates in ${assembly}"
    return 1
  fi
  echo "   templates: ${templates[*]#"${assembly}/"}"
  # cfn-lint exits non-zero for any finding it reports (errors 2, warnings 4, informational 8).
  if cfn-lint --config-file "${CONFIG}" --format parseable -- "${templates[@]}"; then
    echo "   ${name}: clean"
    return 0
  fi
  err "${name}: cfn-lint findings above"
  return 1
}

main() {
  local outdir=${1:-${ROOT}/.artifacts/cfn-lint}
  command -v cfn-lint >/dev/null || { err "cfn-lint not on PATH (pip install cfn-lint)"; exit 2; }
  mkdir -p "${outdir}" || exit 2
  export CDK_DISABLE_VERSION_CHECK=1
  cfn-lint --version

  local failed=0
  lint_variant default "${outdir}" "${DEFAULT[@]}" || failed=$((failed + 1))
  lint_variant sandbox "${outdir}" "${SANDBOX[@]}" || failed=$((failed + 1))
  lint_variant existing-cluster "${outdir}" "${EXISTING_CLUSTER[@]}" || failed=$((failed + 1))
  lint_variant proactive-fix "${outdir}" "${PROACTIVE_FIX[@]}" || failed=$((failed + 1))
  lint_variant organization "${outdir}" "${ORGANIZATION[@]}" || failed=$((failed + 1))
  echo "cfn-lint: 5 variants, ${failed} failed"
  ((failed == 0))
}

main "$@"
