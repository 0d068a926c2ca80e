#!/usr/bin/env bash
#
# Synthesizes the CDK app once per configuration variant, each into its own cloud assembly, for every check that
# reads templates: cfn-lint, cdk-nag, the deploy rehearsal, the C# test fixtures and the lab's demo.
# Usage: tests/infra/synth-variants.sh [--out DIR] [VARIANT...]   (default: every variant, into .artifacts/cdk.out)
#        tests/infra/synth-variants.sh --list                     (prints the variants' names)
# Writes DIR/VARIANT (a cloud assembly), DIR/VARIANT.synth.log and DIR/VARIANT/sources.sha256, the stamp of the
# sources it was synthesized from. A variant whose stamp matches the sources now is current and left alone, so a
# caller (a test fixture, the demo suite) can ask for a variant at no cost when CI has just synthesized it, and
# can never get one older than the sources.
# The Lambda is published once: CDK bundles into DIR/VARIANT/asset.<hash> and skips bundling when that folder
# exists (aws-cdk-lib 2.160.0, core/lib/asset-staging.js: AssetStaging.bundle returns at once when the bundle
# directory exists), so each later variant starts with hard links to the bundles of one already synthesized. The
# hash covers every file the publish reads (infra/Bundling/RemediatorCode.cs), so a stale bundle never matches.
# Exits 0 when every variant asked for is current; 1 when a synth failed; 2 on bad usage.

set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
readonly ROOT
readonly STAMP=sources.sha256

# The variants, in order. Keys of their context: infra/README.md's configuration table. "default" is the example
# environment (a created VPC, cluster and example service), the one the lab, the demo and the C# fixtures read. The
# existing-cluster variant gives safe capacity to two clusters; the organization hub has none (safeCapacityClusters=none).
readonly -a VARIANTS=(default sandbox existing-cluster proactive-fix organization)

# Prints a variant's cdk context arguments, one a line. Args: name.
context_of() {
  case "$1" in
    default) printf '%s\n' -c remediation:exampleEnvironment=true ;;
    sandbox) printf -- '-c\n%s\n' remediation:exampleEnvironment=true remediation:sandbox=true ;;
    existing-cluster)
      printf -- '-c\n%s\n' remediation:cluster=prod remediation:vpcId=vpc-0123456789abcdef0 \
        remediation:subnetIds=subnet-0123456789abcdef0,subnet-0123456789abcdef1 \
        remediation:taskSecurityGroupIds=sg-0123456789abcdef0 \
        remediation:safeCapacityClusters=prod,batch \
        remediation:existingCapacityProviders=prod-ondemand,prod-spot,batch/batch-spot \
        remediation:existingDefaultStrategy=prod-ondemand:1:1,prod-spot:3,batch/none \
        remediation:allowedClusters=prod,batch remediation:taskDefinitionFamilies=app \
        remediation:reservedConcurrency=20
      ;;
    proactive-fix)
      printf -- '-c\n%s\n' remediation:exampleEnvironment=true remediation:proactiveAction=fix "remediation:proactiveSchedule=rate(1 hour)"
      ;;
    # The hub, and the member template its StackSet deploys (written to member.out inside the assembly).
    organization)
      printf -- '-c\n%s\n' remediation:organizationId=o-a1b2c3d4e5 \
        remediation:organizationTargets=ou-ab12-cdef3456,ou-ab12-99998888 \
        remediation:organizationRegions=us-east-1,eu-west-1 remediation:safeCapacityClusters=none
      ;;
  esac
}

# Prints an error on stderr. Args: message.
err() {
  echo "synth-variants: $*" >&2
}

# Prints the stamp of everything a synth reads: the CDK app, the Lambda and the contracts it is published from,
# the host scripts the documents embed, the CDK CLI's pins, the build settings, and this file (the variants).
# Build outputs (bin, obj) are left out: they follow from the sources.
sources_stamp() {
  (
    cd "${ROOT}" || exit 1
    {
      find infra lambdas hostscripts -type d \( -name bin -o -name obj -o -name cdk.out \) -prune -o -type f -print
      printf '%s\n' cdk.json package.json package-lock.json Directory.Build.props tests/infra/synth-variants.sh
    } | LC_ALL=C sort | tr '\n' '\0' | xargs -0 sha256sum | sha256sum | cut -d ' ' -f 1
  )
}

# Succeeds when an assembly was synthesized from the sources as they are now. Args: assembly-dir stamp.
is_current() {
  [[ "$(cat "$1/${STAMP}" 2>/dev/null)" == "$2" ]]
}

# Builds the CDK app once (a no-op when it is up to date) and prints the command that runs it: cdk.json's
# `dotnet run` would check the build again for every variant, twice the CPU of the synth itself. -t:Build: with
# -getProperty alone, dotnet build only evaluates the project and builds nothing.
app_command() {
  local out dll
  if ! out="$(cd "${ROOT}" && dotnet build infra/Infra.csproj --nologo -v:quiet -t:Build -getProperty:TargetPath 2>&1)"; then
    printf '%s\n' "${out}" >&2
    return 1
  fi
  dll="$(tail -n 1 <<<"${out}")"
  [[ -f "${dll}" ]] || { err "dotnet build did not produce ${dll}"; return 1; }
  printf 'dotnet %q\n' "${dll}"
}

# Synthesizes one variant unless it is current. Args: outdir name stamp app-command.
# Returns 0 when the variant is current afterwards.
synth_variant() {
  local outdir=$1 name=$2 stamp=$3 app=$4
  local assembly="${outdir}/${name}" log="${outdir}/${name}.synth.log"
  if is_current "${assembly}" "${stamp}"; then
    echo "== ${name}: current (${assembly#"${ROOT}/"})"
    return 0
  fi
  local -a context
  mapfile -t context < <(context_of "${name}")
  rm -rf "${assembly}"
  mkdir -p "${assembly}" || return 1
  seed_bundles "${outdir}" "${assembly}" "${stamp}"
  echo "== ${name}: cdk synth ${context[*]}"
  local started=${SECONDS}
  if ! (cd "${ROOT}" && CDK_DISABLE_VERSION_CHECK=1 npx --no-install cdk synth --quiet --app "${app}" -o "${assembly}" "${context[@]}" >"${log}" 2>&1); then
    err "${name}: synth failed; see ${log}"
    tail -n 20 "${log}" >&2
    return 1
  fi
  echo "   ${name}: $((SECONDS - started)) s"
  # The stamp goes last, atomically: an interrupted synth leaves a variant that is not current.
  printf '%s\n' "${stamp}" >"${assembly}/${STAMP}.tmp" && mv "${assembly}/${STAMP}.tmp" "${assembly}/${STAMP}"
}

# Hard-links the bundled assets (asset.* folders) of every current variant into a new assembly, so that CDK finds
# them and does not bundle again. Args: outdir assembly stamp.
seed_bundles() {
  local outdir=$1 assembly=$2 stamp=$3 other bundle
  for other in "${outdir}"/*/; do
    is_current "${other%/}" "${stamp}" || continue
    for bundle in "${other}"asset.*/; do
      [[ -d "${bundle}" && ! -e "${assembly}/$(basename "${bundle}")" ]] || continue
      cp -al "${bundle%/}" "${assembly}/" || return 1
    done
  done
}

usage() {
  echo "usage: synth-variants.sh [--out DIR] [VARIANT...] | --list   (variants: ${VARIANTS[*]})"
}

main() {
  local outdir="${ROOT}/.artifacts/cdk.out"
  local -a wanted=()
  while (($# > 0)); do
    case "$1" in
      --list) printf '%s\n' "${VARIANTS[@]}"; return 0 ;;
      --help) usage; return 0 ;;
      --out)
        [[ -n "${2:-}" ]] || { err "--out needs a directory"; return 2; }
        outdir=$2
        shift
        ;;
      -*) err "unknown option $1 ($(usage))"; return 2 ;;
      *)
        [[ " ${VARIANTS[*]} " == *" $1 "* ]] || { err "unknown variant $1 (variants: ${VARIANTS[*]})"; return 2; }
        wanted+=("$1")
        ;;
    esac
    shift
  done
  ((${#wanted[@]} > 0)) || wanted=("${VARIANTS[@]}")
  mkdir -p "${outdir}" || return 2
  outdir="$(cd "${outdir}" && pwd)"

  # One writer at a time: test fixtures of parallel assemblies may ask for variants at once.
  exec 9>"${outdir}/.lock" || return 2
  flock 9

  local stamp name app="" failed=0
  stamp="$(sources_stamp)" || { err "cannot read the sources under ${ROOT}"; return 2; }
  for name in "${wanted[@]}"; do
    is_current "${outdir}/${name}" "${stamp}" && continue
    app="$(app_command)" || { err "the CDK app (infra/) does not build"; return 1; }
    break
  done
  # The first variant alone (it publishes the Lambda), then the others side by side, one per CPU: a synth is
  # mostly one busy process at a time (node, then the app behind jsii).
  local jobs first=1 pid
  jobs="$(nproc)"
  local -a running=()
  for name in "${wanted[@]}"; do
    if ((first)); then
      synth_variant "${outdir}" "${name}" "${stamp}" "${app}" || failed=$((failed + 1))
      first=0
      continue
    fi
    synth_variant "${outdir}" "${name}" "${stamp}" "${app}" &
    running+=("$!")
    if ((${#running[@]} >= jobs)); then
      wait "${running[0]}" || failed=$((failed + 1))
      running=("${running[@]:1}")
    fi
  done
  for pid in "${running[@]}"; do
    wait "${pid}" || failed=$((failed + 1))
  done
  ((failed == 0)) || { err "${failed} of ${#wanted[@]} variants failed"; return 1; }
}

main "$@"
