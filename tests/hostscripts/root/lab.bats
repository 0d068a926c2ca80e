#!/usr/bin/env bats
#
# Root suite: real network namespaces, real dnsmasq, real getaddrinfo. Needs
# root and fails (never skips) without it. Run: bats --tap tests/hostscripts/root

load ../test_helper

LAB_RUN="${HOSTSCRIPTS}/lab/run.sh"

setup() {
  [[ "${EUID}" -eq 0 ]] || fail "the root suite needs root (network namespaces, mount namespaces)"
  local tool
  for tool in ip nsenter unshare dnsmasq getent; do
    command -v "${tool}" >/dev/null || fail "missing ${tool}"
  done
  common_setup
  HOST_RESOLV="$(readlink /etc/resolv.conf; sha256sum </etc/resolv.conf)"
  # shellcheck source=hostscripts/lab/lib.sh
  source "${HOSTSCRIPTS}/lab/lib.sh"
  # The separator keeps two tests' ids apart (pid 12 test 34, pid 123 test 4) when they run side by side.
  LAB_ID="bats$$t${BATS_TEST_NUMBER}"
}

teardown() {
  lab_down 2>/dev/null || true
  assert_equal "$(readlink /etc/resolv.conf; sha256sum </etc/resolv.conf)" "${HOST_RESOLV}"
}

# Fails if anything of lab ID $1 is left: namespace, process, directory.
assert_lab_gone() {
  local id="$1"
  run bash -c "ip netns list | grep -E -- '-${id}( |\$)'"
  assert_failure
  run bash -c "ls -d /tmp/ecs-dns-lab.${id}.* 2>/dev/null"
  assert_failure
  run pgrep -f "ecs-dns-lab\\.${id}\\."
  assert_failure
}

@test "run.sh --lo-down: failure -> cure -> failure, timings reported (lo down too), everything removed" {
  run "${LAB_RUN}" --lo-down
  assert_success
  local json id
  json="$(last_line)"
  id="$(grep -o '\[lab [0-9]*\]' <<<"${output}" | head -n 1 | tr -dc 0-9)"
  run jq -e '.broken_resolves == false and .fixed_resolves == true
    and .rolled_back_resolves == false
    and (.fixed_ms_p50 | type) == "number" and (.direct_ms_p50 | type) == "number"
    and (.lo_down_fixed_ms_p50 | type) == "number" and (.lo_down_fixed_timeout1_ms_p50 | type) == "number"
    and (.lo_down_direct_ms_p50 | type) == "number"' <<<"${json}"
  assert_success
  [[ -n "${id}" ]]
  assert_lab_gone "${id}"
}

@test "run.sh: interrupted with TERM, it still removes everything" {
  "${LAB_RUN}" >"${BATS_TEST_TMPDIR}/out" 2>&1 &
  local pid=$! i
  # A bound, not a measure (up to a minute): the loop goes on as soon as the lab is up, and tests run side by
  # side on a shared machine.
  for ((i = 0; i < 600; i++)); do
    [[ -e "/run/netns/edr-task-${pid}" ]] && grep -q 'up: namespaces' "${BATS_TEST_TMPDIR}/out" && break
    sleep 0.1
  done
  [[ -e "/run/netns/edr-task-${pid}" ]] || fail "the lab did not come up: $(cat "${BATS_TEST_TMPDIR}/out")"
  kill -TERM "${pid}"
  local rc=0
  wait "${pid}" || rc=$?
  assert_equal "${rc}" 143
  assert_lab_gone "${pid}"
}

@test "run.sh rejects bad usage" {
  run "${LAB_RUN}" --count 5
  assert_failure 2
  run "${LAB_RUN}" --nope
  assert_failure 2
}

@test "lab: the root namespace gets no address, route or link; lab_down is idempotent" {
  local before
  before="$(ip -o addr; ip -o link | cut -d' ' -f2; ip route; ip -6 route)"
  lab_up
  assert_equal "$(ip -o addr; ip -o link | cut -d' ' -f2; ip route; ip -6 route)" "${before}"
  run ip -n "${LAB_NS_VPC}" -o addr show dev lo
  assert_output --partial 169.254.169.253
  lab_down
  lab_down
  assert_lab_gone "${LAB_ID}"
}

@test "lab_alive: a running process is alive; one that exited is not, reaped or still a zombie" {
  sleep 60 &
  local running=$!
  run lab_alive "${running}"
  assert_success
  kill "${running}"
  wait "${running}" || true
  run lab_alive "${running}"
  assert_failure
  # A parent that never reaps: its child stays a zombie (state Z in /proc/PID/stat) until the parent ends.
  local fifo="${BATS_TEST_TMPDIR}/child"
  mkfifo "${fifo}"
  perl -e 'my $pid = fork(); if ($pid == 0) { exit 0 } open(my $f, ">", $ARGV[0]); print $f "$pid\n"; close $f; sleep 60' \
    "${fifo}" &
  local parent=$! zombie
  read -r zombie <"${fifo}"
  local i
  for ((i = 0; i < 1200; i++)); do
    [[ "$(cut -d ' ' -f 3 "/proc/${zombie}/stat")" == Z ]] && break
    sleep 0.05
  done
  assert_equal "$(cut -d ' ' -f 3 "/proc/${zombie}/stat")" Z
  run lab_alive "${zombie}"
  assert_failure
  kill "${parent}"
  wait "${parent}" || true
}

@test "lab: two labs side by side do not collide" {
  local a="bats$$a" b="bats$$b"
  (LAB_ID="${a}"; lab_up && lab_task_resolve "${LAB_EFS_NAME}" 1 direct; rc=$?; lab_down; exit "${rc}") &
  local p1=$!
  (LAB_ID="${b}"; lab_up && lab_task_resolve "${LAB_EFS_NAME}" 1 direct; rc=$?; lab_down; exit "${rc}") &
  local p2=$!
  wait "${p1}" || fail "lab a failed"
  wait "${p2}" || fail "lab b failed"
  assert_lab_gone "${a}"
  assert_lab_gone "${b}"
}

@test "volume-plugin view: the task namespace fails with 127.0.0.1 while the instance resolves" {
  lab_up
  run lab_task_resolve "${LAB_EFS_NAME}" 2
  assert_failure
  assert_line --regexp '^fail '
  run lab_instance_exec getent ahosts "${LAB_EFS_NAME}"
  assert_success
  assert_output --partial "${LAB_EFS_ADDR}"
}

@test "resolv-fix.sh --verify-host against a real resolver: unknown name exit 3, known name fixes" {
  lab_up
  local before
  before="$(sha256sum <"${LAB_DIR}/etc/resolv.conf")"
  lab_vpc_add_name fs-0aaaaaaaaaaaaaaa0.efs.us-east-1.amazonaws.com 10.99.3.11
  lab_vpc_forget_name fs-0aaaaaaaaaaaaaaa0.efs.us-east-1.amazonaws.com
  run lab_instance_exec bash "${RESOLV_FIX}" fix --json \
    --verify-host fs-0aaaaaaaaaaaaaaa0.efs.us-east-1.amazonaws.com
  assert_failure 3
  assert_equal "$(last_line | jq .verify_resolves)" false
  assert_equal "$(sha256sum <"${LAB_DIR}/etc/resolv.conf")" "${before}"
  assert_file_not_exists "${LAB_DIR}/etc/resolv.conf.ecs-dns-remediation.bak"
  run lab_instance_exec bash "${RESOLV_FIX}" fix --json --verify-host "${LAB_EFS_NAME}"
  assert_success
  assert_equal "$(last_line | jq .verify_resolves)" true
  run lab_task_resolve "${LAB_EFS_NAME}" 3
  assert_success
}

@test "resolv-fix.sh --verify-host run from a directory under /tmp still asks glibc through python3, not dig" {
  lab_up
  # A python3 that needs its working directory by name, as pyenv's shim does ("cd \"$PWD\""): the lookup's
  # private /tmp hides every directory under /tmp. dig, the fallback, must not be needed.
  cat >"${FAKEBIN}/python3" <<'FAKE'
#!/usr/bin/env bash
cd "${PWD}" || exit 1
exec /usr/bin/python3 "$@"
FAKE
  fake_logger dig
  chmod +x "${FAKEBIN}/python3"
  cd "${BATS_TEST_TMPDIR}"
  run lab_instance_exec bash "${RESOLV_FIX}" check --json --verify-host "${LAB_EFS_NAME}"
  assert_equal "$(last_line | jq .verify_resolves)" true
  assert_file_not_exists "${CALLS}"
}

@test "efs-evidence.sh against a real VPC resolver: NXDOMAIN gives not-dns, a resolver that drops queries gives unknown" {
  lab_up
  local before missing=fs-0aaaaaaaaaaaaaaa0
  before="$(tree_state "${LAB_DIR}/etc")"
  run lab_instance_exec bash "${HOSTSCRIPTS}/efs-evidence.sh" --resolv-fix "${RESOLV_FIX}" \
    --file-system-id "${missing}" --region us-east-1
  assert_success
  assert_line --index 0 verdict=not-dns
  lab_vpc_silent
  # One 1-second try instead of the script's two of 2 seconds: glibc applies RES_OPTIONS over resolv.conf's
  # options (resolv.conf(5); glibc resolv/res_init.c, res_vinit_1). An unanswered query ends in EAI_AGAIN
  # however long glibc waits, and the verdict rests on that answer, not on the wait.
  RES_OPTIONS="timeout:1 attempts:1" run lab_instance_exec bash "${HOSTSCRIPTS}/efs-evidence.sh" \
    --resolv-fix "${RESOLV_FIX}" --file-system-id fs-0123456789abcdef0 --region us-east-1
  assert_success
  assert_line --index 0 verdict=unknown
  assert_output --partial "did not answer"
  assert_equal "$(last_line | jq -r '.lookups[0].result')" not-tested
  lab_vpc_restart
  run lab_instance_exec bash "${HOSTSCRIPTS}/efs-evidence.sh" --resolv-fix "${RESOLV_FIX}" \
    --file-system-id fs-0123456789abcdef0 --region us-east-1
  assert_line --index 0 verdict=fix-host
  assert_equal "$(tree_state "${LAB_DIR}/etc")" "${before}"
}

@test "resolv-fix.sh with --root / calls the service manager (NetworkManager layout)" {
  lab_up
  mkdir -p "${LAB_DIR}/etc/NetworkManager"
  printf '# Generated by NetworkManager\nnameserver 127.0.0.1\n' >"${LAB_DIR}/etc/resolv.conf"
  run lab_instance_exec env PATH="${PATH}" CALLS="${CALLS}" bash "${RESOLV_FIX}" fix
  assert_success
  assert_file_contains "${CALLS}" '^systemctl reload NetworkManager$'
  assert_file_exists "${LAB_DIR}/etc/NetworkManager/conf.d/90-ecs-dns-remediation.conf"
  run lab_instance_exec env PATH="${PATH}" CALLS="${CALLS}" bash "${RESOLV_FIX}" rollback
  assert_success
  assert_equal "$(grep -c 'reload NetworkManager' "${CALLS}")" 2
  assert_file_not_exists "${LAB_DIR}/etc/NetworkManager/conf.d/90-ecs-dns-remediation.conf"
}

@test "diagnose-task-netns.sh in a real task namespace: local-resolver, not-found, then ok" {
  lab_up
  local ns="/run/netns/${LAB_NS_TASK}" other=fs-0fffffffffffffff0.efs.us-east-1.amazonaws.com
  run lab_instance_exec bash "${DIAGNOSE}" --netns "${ns}" --name "${LAB_EFS_NAME}" --name "${other}" --json
  assert_failure 1
  assert_equal "$(last_line | jq -r '[.tasks[0].names[].reason] | join(",")')" "local-resolver,not-found"
  assert_equal "$(last_line | jq -r '.tasks[0].lo_up')" true
  lab_instance_exec bash "${RESOLV_FIX}" fix >/dev/null
  run lab_instance_exec bash "${DIAGNOSE}" --netns "${ns}" --name "${LAB_EFS_NAME}" --json
  assert_success
  assert_equal "$(last_line | jq -r '.tasks[0].names[0].addresses[0]')" "${LAB_EFS_ADDR}"
}

@test "lo DOWN in the task namespace: the fix still resolves, diagnose says slow" {
  lab_up
  lab_instance_exec bash "${RESOLV_FIX}" fix >/dev/null
  lab_task_lo down
  run lab_task_resolve "${LAB_EFS_NAME}" 2
  assert_success
  run lab_instance_exec bash "${DIAGNOSE}" --netns "/run/netns/${LAB_NS_TASK}" --name "${LAB_EFS_NAME}" --json
  assert_success
  assert_equal "$(last_line | jq -r '.tasks[0].names[0].reason')" slow
  assert_equal "$(last_line | jq -r '.tasks[0].lo_up')" false
}
