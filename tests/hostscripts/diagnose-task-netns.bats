#!/usr/bin/env bats
#
# Tests for hostscripts/diagnose-task-netns.sh with fake nsenter, getent,
# unshare, ip, docker and curl on a test-only PATH. The real-namespace
# tests are in root/lab.bats.

load test_helper

setup() {
  common_setup
  RESOLVABLE="${BATS_TEST_TMPDIR}/resolvable"   # names the host's resolv.conf resolves
  VPC_NAMES="${BATS_TEST_TMPDIR}/vpc-names"     # names the VPC resolver knows
  SLOW="${BATS_TEST_TMPDIR}/slow"               # names that take over a second
  LO_UP="${BATS_TEST_TMPDIR}/lo-up"             # lo is up while this file exists
  : >"${RESOLVABLE}"
  : >"${VPC_NAMES}"
  : >"${SLOW}"
  : >"${LO_UP}"
  export RESOLVABLE VPC_NAMES SLOW LO_UP
  NS="${BATS_TEST_TMPDIR}/netns-task"
  : >"${NS}"
  EFS=fs-0123456789abcdef0.efs.us-east-1.amazonaws.com
  OTHER=fs-0fffffffffffffff0.efs.us-east-1.amazonaws.com

  cat >"${FAKEBIN}/nsenter" <<'FAKE'
#!/usr/bin/env bash
printf 'nsenter %s\n' "$1" >>"${CALLS}"
shift
[[ "$1" == -- ]] && shift
exec "$@"
FAKE
  cat >"${FAKEBIN}/getent" <<'FAKE'
#!/usr/bin/env bash
printf 'getent %s\n' "$*" >>"${CALLS}"
if grep -qxF -- "$2" "${SLOW}"; then sleep 1.1; fi
if grep -qxF -- "$2" "${RESOLVABLE}"; then
  printf '10.0.3.10       STREAM %s\n10.0.3.10       DGRAM  \n' "$2"
  exit 0
fi
exit 2
FAKE
  cat >"${FAKEBIN}/unshare" <<'FAKE'
#!/usr/bin/env bash
printf 'unshare %s\n' "${*: -3}" >>"${CALLS}"
grep -qxF -- "${*: -1}" "${VPC_NAMES}" && exit 0
exit 2
FAKE
  cat >"${FAKEBIN}/ip" <<'FAKE'
#!/usr/bin/env bash
if [[ -e "${LO_UP}" ]]; then
  echo '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN'
else
  echo '1: lo: <LOOPBACK> mtu 65536 qdisc noop state DOWN'
fi
FAKE
  chmod +x "${FAKEBIN}"/*
}

# Installs a fake docker with one awsvpc task (pause PID 4242) that mounts
# $EFS, a bridge-mode EFS volume, and a curl that serves agent metadata.
fake_discovery() {
  cat >"${FAKEBIN}/docker" <<'FAKE'
#!/usr/bin/env bash
printf 'docker %s\n' "$*" >>"${CALLS}"
case "$1 $2" in
  "ps --filter")
    echo 'abcdef1234567890|arn:aws:ecs:us-east-1:123456789012:task/demo/0123456789abcdef'
    echo 'ffff00001111|$(touch /tmp/pwned-diag)'
    echo 'not-an-id|arn:x'
    ;;
  "inspect -f")
    case "$4" in
      abcdef1234567890) echo 4242 ;;
      ffff00001111) echo 4343 ;;
    esac
    ;;
  "volume ls")
    printf '%s\n' ecs-app-1-data-aaaa ecs-bridge-1-data-bbbb 'bad name;rm'
    ;;
  "volume inspect")
    case "$5" in
      ecs-app-1-data-aaaa) echo 'fs-0123456789abcdef0:/|netns=/proc/4242/ns/net' ;;
      ecs-bridge-1-data-bbbb) echo 'fs-0aaaaaaaaaaaaaaaa:/|' ;;
    esac
    ;;
esac
FAKE
  cat >"${FAKEBIN}/curl" <<'FAKE'
#!/usr/bin/env bash
printf 'curl %s\n' "$*" >>"${CALLS}"
case "$*" in
  *51678/v1/metadata*)
    echo '{"Cluster":"demo","ContainerInstanceArn":"arn:aws:ecs:us-east-1:123456789012:container-instance/demo/abc","Version":"Amazon ECS Agent - v1.80.0"}'
    ;;
  *) exit 7 ;;
esac
FAKE
  chmod +x "${FAKEBIN}/docker" "${FAKEBIN}/curl"
}

@test "--help documents the exit codes" {
  run "${DIAGNOSE}" --help
  assert_success
  for code in 0 1 2 4; do
    assert_line --regexp "^  ${code}  "
  done
}

@test "bad usage exits 2: --netns without --name, invalid names, hostile paths, bad region" {
  run "${DIAGNOSE}" --netns "${NS}"
  assert_failure 2
  local bad
  # shellcheck disable=SC2016 # hostile text, meant literally
  for bad in 'a;b' '$(id)' '-x.example.com' $'a.com\nb.com' ''; do
    run "${DIAGNOSE}" --netns "${NS}" --name "${bad}"
    assert_failure 2
  done
  run "${DIAGNOSE}" --netns '/run/netns/x;id' --name "${EFS}"
  assert_failure 2
  run "${DIAGNOSE}" --netns '/proc/1/../1/ns/net' --name "${EFS}"
  assert_failure 2
  run "${DIAGNOSE}" --region 'us-east-1; id' --name "${EFS}"
  assert_failure 2
  run "${DIAGNOSE}" --bogus
  assert_failure 2
  assert_file_not_exists "${CALLS}"
}

@test "a --netns that does not exist is an environment error (exit 4)" {
  run "${DIAGNOSE}" --netns "${BATS_TEST_TMPDIR}/nope" --name "${EFS}"
  assert_failure 4
}

@test "--netns: all names resolve, exit 0, JSON says ok" {
  echo "${EFS}" >>"${RESOLVABLE}"
  run "${DIAGNOSE}" --netns "${NS}" --name "${EFS}" --json
  assert_success
  run jq -e --arg n "${EFS}" '.ok == true and .exit_code == 0 and (.tasks | length) == 1
    and .tasks[0].lo_up == true and .tasks[0].names[0].name == $n
    and .tasks[0].names[0].resolves == true and .tasks[0].names[0].reason == "ok"
    and .tasks[0].names[0].addresses == ["10.0.3.10"] and (.tasks[0].names[0].ms | type) == "number"' \
    <<<"$(last_line)"
  assert_success
}

@test "--netns: tells the local resolver apart from a name that does not exist (exit 1)" {
  echo "${EFS}" >>"${VPC_NAMES}"
  run "${DIAGNOSE}" --netns "${NS}" --name "${EFS}" --name "${OTHER}" --json
  assert_failure 1
  assert_output --partial "local-resolver"
  assert_output --partial "mount target"
  local json
  json="$(last_line)"
  assert_equal "$(jq -r '.tasks[0].names[0].reason' <<<"${json}")" local-resolver
  assert_equal "$(jq -r '.tasks[0].names[0].via_vpc_resolver' <<<"${json}")" true
  assert_equal "$(jq -r '.tasks[0].names[1].reason' <<<"${json}")" not-found
  assert_equal "$(jq -r '.tasks[0].names[1].via_vpc_resolver' <<<"${json}")" false
  assert_file_contains "${CALLS}" "unshare 169.254.169.253 ${NS} ${EFS}"
}

@test "--netns: a slow lookup with lo down is reported as slow" {
  echo "${EFS}" >>"${RESOLVABLE}"
  echo "${EFS}" >>"${SLOW}"
  rm -f "${LO_UP}"
  run "${DIAGNOSE}" --netns "${NS}" --name "${EFS}" --json
  assert_success
  assert_equal "$(last_line | jq -r '.tasks[0].names[0].reason')" slow
  assert_equal "$(last_line | jq -r '.tasks[0].lo_up')" false
  assert_output --partial "lo is DOWN"
}

@test "discovery: pause containers via docker, EFS names from volumes, region from the agent" {
  fake_discovery
  echo "${EFS}" >>"${VPC_NAMES}"
  run "${DIAGNOSE}" --json
  assert_failure 1
  local json
  json="$(last_line)"
  run jq -e --arg n "${EFS}" '(.tasks | length) == 2
    and .tasks[0].task == "arn:aws:ecs:us-east-1:123456789012:task/demo/0123456789abcdef"
    and .tasks[0].netns == "/proc/4242/ns/net"
    and [.tasks[0].names[].name] == [$n]
    and .tasks[0].names[0].reason == "local-resolver"
    and .tasks[1].task == "pause container ffff00001111"
    and .tasks[1].names == []' <<<"${json}"
  assert_success
  assert_file_not_exists /tmp/pwned-diag
  # Read-only: docker is only asked to list and inspect.
  run grep -Ev '^docker (ps|inspect|volume ls|volume inspect) ' <(grep '^docker' "${CALLS}")
  assert_failure
}

@test "discovery: --name adds a name to every task; --region skips the agent" {
  fake_discovery
  echo "${EFS}" >>"${RESOLVABLE}"
  echo "${OTHER}" >>"${RESOLVABLE}"
  run "${DIAGNOSE}" --region us-east-1 --name "${OTHER}" --json
  assert_success
  assert_equal "$(last_line | jq -c '[.tasks[0].names[].name]')" "[\"${EFS}\",\"${OTHER}\"]"
  run grep -c '^curl' "${CALLS}"
  assert_output 0
}

@test "discovery: no running awsvpc task exits 0 and says so" {
  printf '#!/usr/bin/env bash\nexit 0\n' >"${FAKEBIN}/docker"
  chmod +x "${FAKEBIN}/docker"
  run "${DIAGNOSE}" --json
  assert_success
  assert_output --partial "No running awsvpc task"
  assert_equal "$(last_line | jq -c .tasks)" '[]'
}

@test "discovery: no region anywhere is an environment error (exit 4)" {
  fake_discovery
  printf '#!/usr/bin/env bash\nexit 7\n' >"${FAKEBIN}/curl"
  run "${DIAGNOSE}" --json
  assert_failure 4
  assert_equal "$(last_line | jq .exit_code)" 4
}

@test "discovery without docker is an environment error (exit 4)" {
  local bin="${BATS_TEST_TMPDIR}/minimal"
  mkdir -p "${bin}"
  local t
  for t in bash dirname nsenter getent cat grep cut sort tr timeout unshare; do
    ln -sf "$(PATH="${FAKEBIN}:/usr/bin:/bin" command -v "${t}")" "${bin}/${t}"
  done
  PATH="${bin}" run "${bin}/bash" "${DIAGNOSE}"
  assert_failure 4
  assert_output --partial "docker not found"
}
