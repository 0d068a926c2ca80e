#!/usr/bin/env bash
#
# Runs every test suite of the repository, in order, and sums them.
# Usage: tests/run-all.sh            (as root: the lab and demo suites build network namespaces)
# Reads: the repository it lives in. Builds once, synthesizes each configuration variant once into
# .artifacts/cdk.out/<variant> (tests/infra/synth-variants.sh), and every suite that reads templates reads those;
# the root-only tier (namespaces) runs last. Prints each suite's output, a table of counts with each suite's
# seconds (wall, and CPU: user+sys of its processes, which a busy machine inflates less), and as its last line
# "N passed, N failed". Exits 0 only when every suite passed.
# Assumes the tools are installed (.ci/run installs them on a fresh machine).

set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly ROOT
readonly LOGS="${ROOT}/.artifacts/test-logs"
readonly CDK_OUT="${ROOT}/.artifacts/cdk.out"
CLOCK_TICKS="$(getconf CLK_TCK)"
readonly CLOCK_TICKS
readonly RESULTS="${LOGS}/results.tsv"
# How many root-tier tests run at once: more than the CPUs, because many of them wait (timeouts, lookups) and
# the CPU-bound ones (the glibc oracle, the demos) should run during those waits. Measured on 2 CPUs: 4 took
# 111 s, 8 took 79 s, the same CPU seconds (about 100).
readonly ROOT_JOBS=8
STARTED_MS=0
STARTED_TICKS=0
TICKS=0
# The suites running in the background beside the root-only tier, as "PID:LOG".
BESIDE=()

# Prints the milliseconds since the epoch.
now_ms() {
  local ns
  ns="$(date +%s%N)"
  echo "$((ns / 1000000))"
}

# Sets TICKS to the CPU clock ticks (user+sys) of every child this shell (or subshell) has waited for: fields
# cutime and cstime of /proc/PID/stat (proc(5)), counted after the command name, which may hold spaces. Not a
# command substitution: that would be a subshell of its own, with no children.
children_ticks() {
  local stat
  read -r stat <"/proc/${BASHPID}/stat"
  local -a fields
  read -r -a fields <<<"${stat##*) }"
  TICKS=$((fields[13] + fields[14]))
}

# Records a suite's counts and the time since its banner, as a line of RESULTS (suites of the background lane
# record from their subshell). Args: name passed failed.
record() {
  children_ticks
  printf '%s\t%d\t%d\t%d\t%d\n' "$1" "$2" "$3" "$(($(now_ms) - STARTED_MS))" "$((TICKS - STARTED_TICKS))" >>"${RESULTS}"
}

# Prints a banner for a suite on stdout and starts its clocks. Args: name.
banner() {
  printf '\n==== %s ====\n' "$1"
  STARTED_MS="$(now_ms)"
  children_ticks
  STARTED_TICKS=${TICKS}
}

# Prints a duration with one decimal. Args: amount units-per-second.
seconds() {
  local tenths=$(($1 * 10 / $2))
  printf '%d.%d' "$((tenths / 10))" "$((tenths % 10))"
}

# Runs a command, teeing its output to LOGS/NAME.log. Args: name command...
# Returns the command's exit code.
run_logged() {
  local name=$1
  shift
  "$@" 2>&1 | tee "${LOGS}/${name}.log"
  return "${PIPESTATUS[0]}"
}

# dotnet build, once for every later suite, with warnings shown.
suite_build() {
  banner "dotnet build"
  if run_logged dotnet-build dotnet build "${ROOT}/Remediation.sln" --nologo -v:minimal -clp:Summary; then
    record "dotnet build" 1 0
  else
    record "dotnet build" 0 1
  fi
}

# Every test project, on the build above; counts from each assembly's summary.
suite_test() {
  banner "dotnet test"
  local rc=0 passed=0 failed=0 line p f
  # The console stays quiet; each assembly's TRX file in LOGS/trx keeps every failure's message and stack.
  run_logged dotnet-test dotnet test "${ROOT}/Remediation.sln" --no-build --nologo -v:quiet \
    --logger trx --results-directory "${LOGS}/trx" || rc=$?
  while IFS= read -r line; do
    p=$(sed -E 's/.*Passed: *([0-9]+).*/\1/' <<<"${line}")
    f=$(sed -E 's/.*Failed: *([0-9]+).*/\1/' <<<"${line}")
    passed=$((passed + p))
    failed=$((failed + f))
  done < <(grep -E '^(Passed|Failed)! +- Failed: ' "${LOGS}/dotnet-test.log")
  if ((rc != 0 && failed == 0)); then
    failed=1 # the runner failed without reporting a failed test (a crash, a build error): count it
  fi
  record "dotnet test" "${passed}" "${failed}"
}

# bats: a TAP suite. Args: name directory [bats option...].
suite_bats() {
  local name=$1 dir=$2 rc=0 passed failed
  shift 2
  banner "${name}"
  run_logged "${name}" bats --tap "$@" "${dir}" || rc=$?
  passed=$(grep -cE '^ok ' "${LOGS}/${name}.log")
  failed=$(grep -cE '^not ok ' "${LOGS}/${name}.log")
  if ((rc != 0 && failed == 0)); then
    failed=1
  fi
  record "${name}" "${passed}" "${failed}"
}

# Lints every shell script; one test per script.
suite_shellcheck() {
  banner "shellcheck"
  local passed=0 failed=0 script
  while IFS= read -r script; do
    if shellcheck -x "${script}"; then
      passed=$((passed + 1))
    else
      failed=$((failed + 1))
    fi
  done < <(cd "${ROOT}" && { find hostscripts infra/selfcheck tests .ci -type f \( -name '*.sh' -o -name '*.bash' -o -name run \) 2>/dev/null; } | sort)
  record "shellcheck" "${passed}" "${failed}"
}

# A single command that passes or fails. Args: name command...
suite_command() {
  local name=$1
  shift
  banner "${name}"
  if (cd "${ROOT}" && run_logged "${name}" "$@"); then
    record "${name}" 1 0
  else
    record "${name}" 0 1
  fi
}

# Checks the plan CLI over every sample event (the README's fallback main command).
plan_samples() {
  local file decision actions got listed=0
  while IFS=$'\t' read -r file decision actions; do
    [[ -z "${file}" || "${file}" == \#* ]] && continue
    listed=$((listed + 1))
    got="$(dotnet "${ROOT}/lambdas/Remediator.Cli/bin/Debug/net10.0/Remediator.Cli.dll" plan "${ROOT}/tests/events/${file}" \
      | jq -r '[.decision, ([.actions[].type] | if length == 0 then "-" else join(",") end)] | @tsv')" || return 1
    printf '%s %s\n' "${file}" "${got}"
    [[ "${got}" == "${decision}"$'\t'"${actions}" ]] || { echo "${file}: expected ${decision} ${actions}"; return 1; }
  done <"${ROOT}/tests/events/expected.tsv"
  # Every sample has an expectation.
  [[ "${listed}" -eq "$(find "${ROOT}/tests/events" -name '*.json' | wc -l)" ]] || { echo "tests/events/expected.tsv misses a sample"; return 1; }
}

# The CLI as operators install it: packed as a .NET tool (from the build above, not built again), installed
# into a temporary tool path, run by its command name. Its --help must list both commands and the exit codes.
dotnet_tool() {
  local work rc=0 help
  work=$(mktemp -d)
  dotnet pack "${ROOT}/lambdas/Remediator.Cli" --no-build -c Debug -o "${work}/pkg" --nologo -v:quiet &&
    dotnet tool install EcsDnsRemediation.Cli --tool-path "${work}/bin" --add-source "${work}/pkg" &&
    help=$("${work}/bin/remediator" --help) &&
    grep -q 'plan <file>' <<<"${help}" && grep -q 'fleet' <<<"${help}" && grep -q 'Exit codes' <<<"${help}" &&
    "${work}/bin/remediator" plan "${ROOT}/tests/events/failure/ec2-awsvpc-service.json" | jq -e '.decision == "remediate"' || rc=1
  rm -rf "${work}"
  return "${rc}"
}

# cdk-nag over every synthesized variant (the default, the sandbox, an existing cluster, the organization hub...),
# and over the member template an organization's StackSet deploys (a cloud assembly of its own in member.out).
# Every finding must be acknowledged with a reason in every variant, not only the default.
nag_variants() {
  local assembly
  local -a assemblies=()
  for assembly in "${CDK_OUT}"/*/ "${CDK_OUT}"/*/member.out/; do
    [[ -f "${assembly}/manifest.json" ]] && assemblies+=("${assembly%/}")
  done
  ((${#assemblies[@]} > 0)) || { echo "no cloud assembly in ${CDK_OUT}"; return 1; }
  npm run -s nag -- "${assemblies[@]}"
}

# Synthesizes every variant; one test per variant.
suite_synth() {
  banner "synth (variants)"
  local passed=0 failed=0 name
  run_logged synth tests/infra/synth-variants.sh --out "${CDK_OUT}"
  while IFS= read -r name; do
    if [[ -f "${CDK_OUT}/${name}/sources.sha256" ]]; then
      passed=$((passed + 1))
    else
      failed=$((failed + 1))
    fi
  done < <(tests/infra/synth-variants.sh --list)
  record "synth (variants)" "${passed}" "${failed}"
}

# Starts a suite in the background, its output into LOGS/beside-NAME.log, and adds it to BESIDE.
# Args: name command...
start_beside() {
  local log="${LOGS}/beside-$1.log"
  shift
  ("$@") >"${log}" 2>&1 &
  BESIDE+=("$!:${log}")
}

# The organization storm in simulated time, small, with Automation limits tight enough that starts wait in the
# later queue: every at-risk instance fixed, none twice, nothing lost or left in the failure queue.
storm() {
  local json
  json=$(dotnet "${ROOT}/tests/Remediator.Bench/bin/Debug/net10.0/Remediator.Bench.dll" storm --accounts 2 --regions 2 \
    --instances 8 --concurrent 2 --queued 2 --rate 1 --burst 2 | tail -n 1) || return 1
  echo "${json}"
  jq -e '.started_twice == 0 and .lost == 0 and .in_failure_queue == 0 and .seconds_to_all_fixed >= 0 and .later_queue_sends > 0' <<<"${json}" >/dev/null
}

main() {
  mkdir -p "${LOGS}"
  cd "${ROOT}" || exit 2

  local started_ms lane
  started_ms="$(now_ms)"
  : >"${RESULTS}"
  # Each suite runs in a subshell that counts its own children's CPU (children_ticks), so that the background
  # lane's CPU, reaped by this shell whenever it ends, is counted once, by its own suites.
  (suite_build)
  # The lane: suites that read neither the build's obj folders nor the templates, beside the synth and the tests
  # (which leave a CPU idle much of the time); their output follows when they are done.
  (
    suite_command "plan samples" plan_samples
    suite_shellcheck
    suite_bats "bats" "${ROOT}/tests/hostscripts"
    suite_bats "bats (infra)" "${ROOT}/tests/infra"
  ) >"${LOGS}/background-lane.log" 2>&1 &
  lane=$!
  # Every later suite that reads templates reads these assemblies, the C# fixtures included.
  (suite_synth)
  # Beside the tests, which leave a CPU idle much of the time, each on its own: the template checks and the packed
  # tool. They read the build and the assemblies, and write nothing another suite reads (the tool packs into a
  # directory of its own); the checks take their own free loopback ports. Their output follows the root-only tier.
  start_beside cfn-lint suite_command "cfn-lint (variants)" tests/infra/cfn-lint-variants.sh "${CDK_OUT}"
  start_beside cdk-nag suite_command "cdk-nag (variants)" nag_variants
  start_beside deploy-rehearsal suite_command "deploy rehearsal (moto)" tests/infra/deploy-rehearsal.sh
  start_beside dotnet-tool suite_command "dotnet tool" dotnet_tool
  (suite_test)
  banner "background lane: plan samples, shellcheck, bats, bats (infra)"
  wait "${lane}"
  cat "${LOGS}/background-lane.log"
  # Beside the root-only tier, which waits on lookups and timeouts much of the time: the storm bench.
  start_beside storm-bench suite_command "storm bench" storm
  # The root-only tier: network namespaces, the lab, the demo. Its tests mostly wait (resolver timeouts, the
  # lab's deadlines, the driver's start), so they run side by side (GNU parallel): each builds its own lab, with
  # its id in every name, and none writes the host's files.
  (suite_bats "bats (root, namespaces)" "${ROOT}/tests/hostscripts/root" --jobs "${ROOT_JOBS}")
  banner "beside the tests and the root-only tier: cfn-lint, cdk-nag, deploy rehearsal, dotnet tool, storm bench"
  local job
  for job in "${BESIDE[@]}"; do
    wait "${job%%:*}"
    cat "${job#*:}"
  done

  banner "summary"
  local total_passed=0 total_failed=0 total_ticks=0 suite passed failed wall ticks
  printf '%-28s %6s %11s %8s %8s\n' suite passed failed "wall s" "CPU s"
  while IFS=$'\t' read -r suite passed failed wall ticks; do
    printf '%-28s %6d passed %4d failed %8s %8s\n' "${suite}" "${passed}" "${failed}" \
      "$(seconds "${wall}" 1000)" "$(seconds "${ticks}" "${CLOCK_TICKS}")"
    total_passed=$((total_passed + passed))
    total_failed=$((total_failed + failed))
    total_ticks=$((total_ticks + ticks))
  done <"${RESULTS}"
  printf '%-48s %8s %8s\n' "all suites" "$(seconds $(($(now_ms) - started_ms)) 1000)" "$(seconds "${total_ticks}" "${CLOCK_TICKS}")"
  printf '%d passed, %d failed\n' "${total_passed}" "${total_failed}"
  ((total_failed == 0))
}

main "$@"
