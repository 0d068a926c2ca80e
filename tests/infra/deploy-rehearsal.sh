#!/usr/bin/env bash
#
# Deploy rehearsal: `cdk bootstrap` and `cdk deploy --all` (sandbox included) against moto_server on a free
# loopback port, with dummy credentials, then checks what moto created. moto reads template URLs only when the
# host is "localhost", hence AWS_ENDPOINT_URL=http://localhost:PORT.
# Usage: tests/infra/deploy-rehearsal.sh [OUTDIR]   (default .artifacts/deploy-rehearsal; needs npm ci,
# moto_server and python3 with boto3)
# Deploys the sandbox variant's cloud assembly, .artifacts/cdk.out/sandbox, which tests/infra/synth-variants.sh
# synthesizes unless it is current (CI's synth has just written it).
# Two findings shape the commands (infra/README.md, "Deploy rehearsal"):
# - --method=direct: moto's change-set execution creates the resources but no stack Outputs, so no exports and
#   the second stack fails on Fn::ImportValue; CreateStack keeps them.
# - moto has no CloudFormation model for some types (listed by the check below); it skips them, so this
#   rehearses the deploy mechanics (assets, parameters, exports, order, the types moto models), not those types.
# Exits 0 when every stack is CREATE_COMPLETE with its outputs and the SSM documents exist.

set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
readonly ROOT
MOTO_PID=""

err() {
  echo "deploy-rehearsal: $*" >&2
}

# Stops the moto_server this script started (by its PID only).
cleanup() {
  if [[ -n "${MOTO_PID}" ]]; then
    kill "${MOTO_PID}" 2>/dev/null
    wait "${MOTO_PID}" 2>/dev/null
  fi
}

# Prints a free TCP port on 127.0.0.1.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Starts moto_server on a port and waits until it answers. Args: port logfile.
start_moto() {
  moto_server -H 127.0.0.1 -p "$1" >"$2" 2>&1 &
  MOTO_PID=$!
  local i
  for ((i = 0; i < 50; i++)); do
    curl -fsS -o /dev/null "http://127.0.0.1:$1/" 2>/dev/null && return 0
    sleep 0.2
  done
  err "moto_server did not answer on port $1; see $2"
  return 1
}

# Checks the deployed stacks through boto3 (against moto) and prints what moto could not model.
# Args: assembly-dir.
check() {
  python3 - "$1" <<'PY'
import contextlib, glob, io, json, sys, warnings
import boto3
warnings.simplefilter("ignore")
from moto.cloudformation.parsing import resource_class_from_type as moto_class


def resource_class_from_type(resource_type):
    """moto's own lookup, without the line it prints for each type it does not model."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        return moto_class(resource_type)

assembly = sys.argv[1]
cf, ssm = boto3.client("cloudformation"), boto3.client("ssm")
failed = 0
for path in sorted(glob.glob(f"{assembly}/*.template.json")):
    name = path.rsplit("/", 1)[1].removesuffix(".template.json")
    template = json.load(open(path))
    stack = cf.describe_stacks(StackName=name)["Stacks"][0]
    outputs = {o["OutputKey"] for o in stack.get("Outputs", [])}
    expected = set(template.get("Outputs", {}))
    # Outputs that Ref a type moto does not model resolve to nothing: moto leaves them out.
    unmodelled_refs = {k for k, v in template.get("Outputs", {}).items()
                       if isinstance(v.get("Value"), dict) and "Ref" in v["Value"]
                       and v["Value"]["Ref"] in template["Resources"]
                       and resource_class_from_type(template["Resources"][v["Value"]["Ref"]]["Type"]) is None}
    missing = expected - outputs - unmodelled_refs
    types = sorted({r["Type"] for r in template["Resources"].values()})
    skipped = [t for t in types if resource_class_from_type(t) is None]
    count = len(template["Resources"])
    print(f"{name}: {stack['StackStatus']}, {count} resources of {len(types)} types, "
          f"{len(outputs)}/{len(expected)} outputs; moto does not model: {', '.join(skipped) or 'nothing'}"
          + (f"; outputs left out by moto (Ref to an unmodelled type): {', '.join(sorted(unmodelled_refs))}" if unmodelled_refs else ""))
    if stack["StackStatus"] != "CREATE_COMPLETE" or missing:
        print(f"  FAILED: status {stack['StackStatus']}, missing outputs {sorted(missing)}")
        failed += 1
    for key in ("RunbookName", "ResolvFixDocumentName", "DiagnoseDocumentName", "EfsEvidenceDocumentName"):
        value = next((o["OutputValue"] for o in stack.get("Outputs", []) if o["OutputKey"] == key), None)
        if value:
            # ListDocuments, not DescribeDocument: moto keeps a template's JSON Content as an object and its
            # DescribeDocument fails hashing it.
            found = ssm.list_documents(Filters=[{"Key": "Name", "Values": [value]}])["DocumentIdentifiers"]
            if not found:
                print(f"  FAILED: SSM document {value} missing")
                failed += 1
            for doc in found:
                print(f"  SSM document {doc['Name']}: {doc['DocumentType']}, {doc['DocumentFormat']}")
sys.exit(1 if failed else 0)
PY
}

main() {
  local outdir=${1:-${ROOT}/.artifacts/deploy-rehearsal}
  command -v moto_server >/dev/null || { err "moto_server not on PATH (pip install 'moto[server]')"; exit 2; }
  mkdir -p "${outdir}" || exit 2
  trap cleanup EXIT

  local port
  port=$(free_port) || exit 2
  start_moto "${port}" "${outdir}/moto.log" || exit 1
  export AWS_ENDPOINT_URL="http://localhost:${port}" AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test \
    AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 CDK_DISABLE_VERSION_CHECK=1
  unset AWS_PROFILE AWS_SESSION_TOKEN

  local variant="${ROOT}/.artifacts/cdk.out/sandbox" assembly="${outdir}/cdk.out"
  cd "${ROOT}" || exit 2
  echo "== the sandbox variant (all three stacks): ${variant}"
  tests/infra/synth-variants.sh sandbox || { err "synth failed"; exit 1; }
  # A copy of links: cdk deploy writes its zipped assets (.cache) into the assembly it deploys.
  rm -rf "${assembly}"
  cp -al "${variant}" "${assembly}" || { err "cannot copy ${variant} to ${assembly}"; exit 2; }
  echo "== cdk bootstrap against moto on port ${port}"
  npx --no-install cdk bootstrap aws://123456789012/us-east-1 --app "${assembly}" >"${outdir}/bootstrap.log" 2>&1 ||
    { err "bootstrap failed; see ${outdir}/bootstrap.log"; tail -n 5 "${outdir}/bootstrap.log" >&2; exit 1; }
  echo "== cdk deploy --all --method=direct"
  npx --no-install cdk deploy --all --method=direct --require-approval never --app "${assembly}" >"${outdir}/deploy.log" 2>&1 ||
    { err "deploy failed; see ${outdir}/deploy.log"; grep -E '❌|Error' "${outdir}/deploy.log" >&2; exit 1; }
  grep -E '✅|Total time' "${outdir}/deploy.log"
  echo "== what moto created"
  check "${assembly}"
}

main "$@"
