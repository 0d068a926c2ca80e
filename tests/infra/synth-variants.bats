#!/usr/bin/env bats
#
# tests/infra/synth-variants.sh, in a small repository of its own with `npx` and `dotnet` faked on PATH: the
# fake synth writes a manifest and, like CDK, bundles into OUTDIR/asset.<hash> unless that folder exists. What is
# judged: each variant is synthesized once, the Lambda published once, a variant is reused only while every
# source synth reads is unchanged, and a failed or interrupted synth is never taken for a current one.
# Run: bats tests/infra/synth-variants.bats

bats_require_minimum_version 1.5.0

setup() {
  REPO="${BATS_TEST_TMPDIR}/repo"
  CALLS="${BATS_TEST_TMPDIR}/calls"
  local bin="${BATS_TEST_TMPDIR}/bin"
  mkdir -p "${REPO}/tests/infra" "${REPO}/infra/bin/Debug" "${REPO}/lambdas/Remediator" \
    "${REPO}/lambdas/Remediation.Contracts" "${REPO}/hostscripts/lab" "${bin}"
  cp "${BATS_TEST_DIRNAME}/synth-variants.sh" "${REPO}/tests/infra/"
  echo '{"app": "dotnet run --project infra/Infra.csproj"}' >"${REPO}/cdk.json"
  echo '{}' >"${REPO}/package.json"
  echo '{}' >"${REPO}/package-lock.json"
  echo '<Project />' >"${REPO}/Directory.Build.props"
  echo 'new App().Synth();' >"${REPO}/infra/Program.cs"
  echo 'built' >"${REPO}/infra/bin/Debug/Infra.dll"
  echo 'class Function {}' >"${REPO}/lambdas/Remediator/Function.cs"
  echo 'class Names {}' >"${REPO}/lambdas/Remediation.Contracts/Names.cs"
  echo 'echo fix' >"${REPO}/hostscripts/resolv-fix.sh"

  cat >"${bin}/dotnet" <<EOF
#!/usr/bin/env bash
echo "dotnet \$*" >>"${CALLS}"
[[ -z "\${BUILD_FAILS:-}" ]] || { echo "Program.cs(1,1): error CS1002: ; expected"; exit 1; }
echo "${REPO}/infra/bin/Debug/Infra.dll"
EOF
  cat >"${bin}/npx" <<EOF
#!/usr/bin/env bash
out=""
while ((\$# > 0)); do [[ "\$1" == -o ]] && out=\$2; shift; done
echo "synth \$(basename "\${out}")" >>"${CALLS}"
[[ "\$(basename "\${out}")" != "\${FAIL_VARIANT:-}" ]] || exit 1
if [[ ! -d "\${out}/asset.0123abcd" ]]; then
  echo "publish \$(basename "\${out}")" >>"${CALLS}"
  mkdir -p "\${out}/asset.0123abcd" && echo dll >"\${out}/asset.0123abcd/Remediator.dll"
fi
echo '{"artifacts": {}}' >"\${out}/manifest.json"
EOF
  chmod +x "${bin}/dotnet" "${bin}/npx"
  export PATH="${bin}:${PATH}"
  SYNTH="${REPO}/tests/infra/synth-variants.sh"
  OUT="${REPO}/.artifacts/cdk.out"
}

# Prints how many calls of a kind (synth, publish) the fakes saw.
calls() {
  local n
  n="$(grep -c "^$1 " "${CALLS}" 2>/dev/null)"
  echo "${n:-0}"
}

variants() {
  "${SYNTH}" --list
}

@test "a first run synthesizes every variant into its own assembly and publishes the Lambda once" {
  run "${SYNTH}"
  [[ "${status}" -eq 0 ]] || { echo "${output}" >&2; false; }
  local name
  for name in $(variants); do
    [[ -f "${OUT}/${name}/manifest.json" && -f "${OUT}/${name}/asset.0123abcd/Remediator.dll" ]]
  done
  [[ "$(calls synth)" -eq "$(variants | wc -l)" ]]
  [[ "$(calls publish)" -eq 1 ]]
  [[ "$(grep -c '^dotnet build' "${CALLS}")" -eq 1 ]]
}

@test "a second run reuses every variant: nothing built, nothing synthesized" {
  "${SYNTH}" >/dev/null
  : >"${CALLS}"
  run "${SYNTH}"
  [[ "${status}" -eq 0 ]]
  [[ ! -s "${CALLS}" ]]
  [[ "$(grep -c ': current' <<<"${output}")" -eq "$(variants | wc -l)" ]]
}

@test "a change in any source synth reads makes every variant stale" {
  "${SYNTH}" >/dev/null
  local file
  for file in infra/Program.cs lambdas/Remediation.Contracts/Names.cs hostscripts/resolv-fix.sh cdk.json \
    package-lock.json Directory.Build.props; do
    : >"${CALLS}"
    echo "// changed" >>"${REPO}/${file}"
    "${SYNTH}" default organization >/dev/null
    [[ "$(calls synth)" -eq 2 ]] || { echo "${file}: $(cat "${CALLS}")" >&2; false; }
  done
}

@test "a new file under lambdas/ makes the variants stale; build outputs (bin, obj) do not" {
  "${SYNTH}" default >/dev/null
  : >"${CALLS}"
  mkdir -p "${REPO}/lambdas/Remediator/obj" && echo x >"${REPO}/lambdas/Remediator/obj/project.assets.json"
  echo other >"${REPO}/infra/bin/Debug/Infra.dll"
  "${SYNTH}" default >/dev/null
  [[ "$(calls synth)" -eq 0 ]]
  echo 'class Added {}' >"${REPO}/lambdas/Remediator/Added.cs"
  "${SYNTH}" default >/dev/null
  [[ "$(calls synth)" -eq 1 ]]
}

@test "a failed synth: exit 1 naming the variant, it is not current, the next run synthesizes only it" {
  FAIL_VARIANT=sandbox run "${SYNTH}"
  [[ "${status}" -eq 1 ]]
  [[ "${output}" == *"sandbox: synth failed"* ]]
  [[ ! -f "${OUT}/sandbox/sources.sha256" ]]
  : >"${CALLS}"
  run "${SYNTH}"
  [[ "${status}" -eq 0 ]]
  [[ "$(calls synth)" -eq 1 && "$(grep '^synth ' "${CALLS}")" == "synth sandbox" ]]
}

@test "an assembly left without its stamp (an interrupted synth) is synthesized again, never seeded from" {
  "${SYNTH}" default >/dev/null
  rm "${OUT}/default/sources.sha256"
  : >"${CALLS}"
  "${SYNTH}" sandbox >/dev/null
  [[ "$(calls publish)" -eq 1 ]]
  : >"${CALLS}"
  "${SYNTH}" default >/dev/null
  [[ "$(calls synth)" -eq 1 && "$(calls publish)" -eq 0 ]]
}

@test "an app that does not build: exit 1 with the compiler's errors, no variant synthesized" {
  BUILD_FAILS=1 run "${SYNTH}"
  [[ "${status}" -eq 1 ]]
  [[ "${output}" == *"error CS1002"* ]]
  [[ "$(calls synth)" -eq 0 ]]
}

@test "bad usage: one line on stderr, exit 2, nothing written" {
  local bad
  for bad in no-such-variant --frobnicate "--out"; do
    run --separate-stderr "${SYNTH}" ${bad}
    [[ "${status}" -eq 2 ]] || { echo "${bad}: ${status}" >&2; false; }
    # shellcheck disable=SC2154 # run --separate-stderr sets stderr
    [[ "$(wc -l <<<"${stderr}")" -eq 1 && -z "${output}" ]]
  done
  [[ ! -e "${REPO}/.artifacts" && ! -e "${CALLS}" ]]
}
