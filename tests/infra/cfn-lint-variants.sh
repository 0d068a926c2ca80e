#!/usr/bin/env bash
#
# Runs cfn-lint (CloudFormation's resource schemas: AWS's truth, not ours) over every template of every
# configuration variant the README documents, hub and member.out included.
# Usage: tests/infra/cfn-lint-variants.sh [DIR]   (default: .artifacts/cdk.out; needs npm ci and cfn-lint)
# The variants come from tests/infra/synth-variants.sh, which synthesizes into DIR whichever is not current
# (nothing, right after CI's synth).
# Prints each variant's findings; exits 0 only when every template of every variant is clean: errors fail,
# and so does any warning not ignored, with its reason, in infra/nag/cfn-lint.yaml.

set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
readonly ROOT
readonly CONFIG="${ROOT}/infra/nag/cfn-lint.yaml"
readonly SYNTH="${ROOT}/tests/infra/synth-variants.sh"

# Prints an error on stderr. Args: message.
err() {
  echo "cfn-lint-variants: $*" >&2
}

# Prints the templates of one variant, hub and member.out, one a line. Args: assembly-dir.
templates_of() {
  find "$1" -maxdepth 2 \( -path "$1/*.template.json" -o -path "$1/member.out/*.template.json" \) | sort
}

main() {
  local outdir=${1:-${ROOT}/.artifacts/cdk.out}
  command -v cfn-lint >/dev/null || { err "cfn-lint not on PATH (pip install cfn-lint)"; exit 2; }
  "${SYNTH}" --out "${outdir}" || { err "synth failed"; exit 1; }
  cfn-lint --version

  local name failed=0
  local -a templates=() found
  while IFS= read -r name; do
    mapfile -t found < <(templates_of "${outdir}/${name}")
    ((${#found[@]} > 0)) || { err "${name}: no templates in ${outdir}/${name}"; failed=1; }
    echo "== ${name}: ${found[*]#"${outdir}/${name}/"}"
    templates+=("${found[@]}")
  done < <("${SYNTH}" --list)
  # One cfn-lint for every template: its start (loading the schemas) costs more than a template. It exits
  # non-zero for any finding it reports (errors 2, warnings 4, informational 8); each names its template.
  cfn-lint --config-file "${CONFIG}" --format parseable -- "${templates[@]}" || failed=1
  echo "cfn-lint: ${#templates[@]} templates, $( ((failed == 0)) && echo clean || echo 'findings above')"
  ((failed == 0))
}

main "$@"
