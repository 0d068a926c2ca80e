#!/usr/bin/env bats
#
# Root suite: the user data that hostscripts/user-data.sh prints, run for real
# on a fixture root, fetching resolv-fix.sh (joined with hostlib.sh, as the
# stack publishes it) with the real aws CLI from moto's S3 in a network
# namespace of its own (nothing leaves it). Service managers and logger are
# fakes; the host's own files are never written. Needs root; fails (never
# skips) without it.

load ../test_helper

BUCKET="cdk-hnb659fds-assets-111122223333-us-east-1"
PORT=5123
SAFE='ECS_INSTANCE_ATTRIBUTES={"dns.local-resolver":"none"}'
AT_RISK='ECS_INSTANCE_ATTRIBUTES={"dns.local-resolver":"at-risk"}'

# The host paths the user data writes when --root is /: none may appear.
HOST_PATHS=(/usr/local/sbin/ecs-dns-safe-capacity-boot.sh /usr/local/sbin/ecs-dns-resolv-fix.sh
  /etc/systemd/system/ecs-dns-safe-capacity-boot.service
  /etc/systemd/system/ecs-dns-safe-capacity-boot.service.d /var/log/ecs-dns-safe-capacity.log)

# Runs a command in the namespace with the aws CLI pointed at moto.
in_ns() {
  ip netns exec "${NS}" env AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test \
    AWS_ENDPOINT_URL="http://127.0.0.1:${PORT}" "$@"
}

setup_file() {
  [[ "${EUID}" -eq 0 ]] || return 0
  export NS="prevent-s3-$$"
  ip netns add "${NS}"
  ip netns exec "${NS}" ip link set lo up
  ip netns exec "${NS}" moto_server -H 127.0.0.1 -p "${PORT}" >"${BATS_FILE_TMPDIR}/moto.log" 2>&1 3>&- &
  echo "$!" >"${BATS_FILE_TMPDIR}/moto.pid"
  local tries=0
  until in_ns curl -s -o /dev/null "http://127.0.0.1:${PORT}/"; do
    ((++tries < 150)) || return 1
    sleep 0.2
  done
  in_ns aws s3api create-bucket --bucket "${BUCKET}" --region us-east-1 >/dev/null
  # The published object, and one that differs by a line that would leave a
  # trace if it ever ran.
  local joined="${BATS_FILE_TMPDIR}/resolv-fix.sh"
  "${BATS_TEST_DIRNAME}/../join-hostlib.sh" "${BATS_TEST_DIRNAME}/../../../hostscripts/resolv-fix.sh" >"${joined}"
  export SHA
  SHA="$(sha256sum <"${joined}" | cut -d' ' -f1)"
  # shellcheck disable=SC2016 # the line is the tampered script's, expanded when it runs
  { echo "#!/usr/bin/env bash"; echo ': >"${0%/*}/../../../tampered-ran"'; tail -n +2 "${joined}"; } \
    >"${BATS_FILE_TMPDIR}/tampered.sh"
  in_ns aws s3 cp --region us-east-1 --only-show-errors "${joined}" "s3://${BUCKET}/${SHA}.sh"
  in_ns aws s3 cp --region us-east-1 --only-show-errors "${BATS_FILE_TMPDIR}/tampered.sh" "s3://${BUCKET}/tampered.sh"
  export JOINED="${joined}"
}

teardown_file() {
  [[ -f "${BATS_FILE_TMPDIR}/moto.pid" ]] && kill "$(cat "${BATS_FILE_TMPDIR}/moto.pid")" 2>/dev/null
  [[ -z "${NS:-}" ]] || ip netns del "${NS}" 2>/dev/null
  return 0
}

setup() {
  [[ "${EUID}" -eq 0 ]] || fail "the root suite needs root (network namespaces)"
  common_setup
  fake_logger logger
  CONF="${ROOT}/etc/resolv.conf"
  ECS_CONFIG="${ROOT}/etc/ecs/ecs.config"
  mkdir -p "${ROOT}/etc/ecs"
  printf 'ECS_CLUSTER=prod\n' >"${ECS_CONFIG}"
  printf 'nameserver 127.0.0.1\n' >"${CONF}"
  HOST_STATE="$(sha256sum </etc/resolv.conf; ls -d "${HOST_PATHS[@]}" 2>/dev/null || true)"
}

teardown() {
  assert_equal "$(sha256sum </etc/resolv.conf; ls -d "${HOST_PATHS[@]}" 2>/dev/null || true)" "${HOST_STATE}"
}

# Prints user data for KEY (an object in the bucket) and the SHA-256 given,
# confined to the fixture root, then runs it as cloud-init would (bash).
run_user_data() {
  "${BATS_TEST_DIRNAME}/../../../hostscripts/user-data.sh" \
    --script-url "s3://${BUCKET}/$1" --script-sha256 "$2" --region us-east-1 \
    --cluster prod --capacity-provider prod-ondemand --resolver 169.254.169.253 \
    --after dnsmasq.service --root "${ROOT}" >"${BATS_TEST_TMPDIR}/user-data" || return 1
  run in_ns bash "${BATS_TEST_TMPDIR}/user-data"
}

@test "the right SHA-256: fetched from S3, the fix runs on the fixture root, the instance is marked none" {
  run_user_data "${SHA}.sh" "${SHA}"

  assert_success
  cmp "${JOINED}" "${ROOT}/usr/local/sbin/ecs-dns-resolv-fix.sh"
  run awk '$1 == "nameserver" { print $2 }' "${CONF}"
  assert_output $'127.0.0.1\n169.254.169.253'
  assert_equal "$(tail -n 1 "${ECS_CONFIG}")" "${SAFE}"
  grep -qx 'Before=ecs.service' "${ROOT}/etc/systemd/system/ecs-dns-safe-capacity-boot.service"
  grep -qx 'After=dnsmasq.service' \
    "${ROOT}/etc/systemd/system/ecs-dns-safe-capacity-boot.service.d/10-ecs-dns-remediation-after.conf"
  # A root other than /: no service manager is called.
  [[ ! -e "${CALLS}" ]] || refute grep -q '^systemctl' "${CALLS}"
}

@test "a SHA-256 that differs: nothing it fetched runs, resolv.conf is untouched, the instance is marked at-risk" {
  local before
  before="$(tree_state "${CONF}")"

  run_user_data tampered.sh "${SHA}"

  assert_failure 1
  assert_file_not_exist "${ROOT}/tampered-ran"
  assert_file_not_exist "${ROOT}/usr/local/sbin/ecs-dns-resolv-fix.sh"
  assert_equal "$(tree_state "${CONF}")" "${before}"
  assert_equal "$(tail -n 1 "${ECS_CONFIG}")" "${AT_RISK}"
  grep -q 'failed its SHA-256 check' "${ROOT}/var/log/ecs-dns-safe-capacity.log"
}

@test "the tampered object does run when nothing checks it: the trace the previous test looks for is real" {
  mkdir -p "${ROOT}/a/b/c"
  in_ns aws s3 cp --region us-east-1 --only-show-errors "s3://${BUCKET}/tampered.sh" "${ROOT}/a/b/c/x.sh"
  bash "${ROOT}/a/b/c/x.sh" --help >/dev/null

  assert_file_exist "${ROOT}/tampered-ran"
}
