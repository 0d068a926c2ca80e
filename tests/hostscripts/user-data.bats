#!/usr/bin/env bats
#
# Tests for hostscripts/user-data.sh, which prints the user data for your own
# launch templates: what it prints (size, syntax, the boot script it embeds,
# the unit ordering) and how it refuses bad values. The printed user data is
# run for real, fetching from S3 in a network namespace, by
# root/user-data-s3.bats.

load test_helper
bats_require_minimum_version 1.5.0

USER_DATA="${HOSTSCRIPTS}/user-data.sh"
SHA="$(printf '%064d' 0 | tr 0 a)"
URL="s3://cdk-hnb659fds-assets-111122223333-us-east-1/0123abcd.sh"
# EC2 takes 16 KB of user data, raw, before base64 (EC2 user guide, "Work with
# instance user data": https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-add-user-data.html);
# docs/prevention.md promises 4 KiB of it for the lines of your own.
EC2_LIMIT=16384
LEFT_FOR_YOURS=4096

setup() {
  common_setup
}

# Runs user-data.sh with valid values and the extra arguments given.
generate() {
  run --separate-stderr "${USER_DATA}" --script-url "${URL}" --script-sha256 "${SHA}" \
    --region us-east-1 --cluster prod --capacity-provider prod-ondemand \
    --resolver 169.254.169.253 "$@"
}

@test "--help documents every option and exit code" {
  run "${USER_DATA}" --help
  assert_success
  local option
  for option in --script-url --script-sha256 --region --cluster --capacity-provider --resolver --after --root; do
    assert_output --partial "${option}"
  done
  assert_output --partial "Exit codes: 0"
}

@test "the user data leaves 4 KiB of EC2's 16 KB for your own lines, even with the longest values" {
  local region="xx-xxxxxxxxxxxxxxx-9" long_name
  long_name="$(printf 'n%.0s' {1..255})"
  run --separate-stderr "${USER_DATA}" \
    --script-url "s3://cdk-hnb659fds-assets-111122223333-${region}/$(printf '%064d' 0).sh" \
    --script-sha256 "${SHA}" --region "${region}" --cluster "${long_name}" \
    --capacity-provider "${long_name}" --resolver 2001:db8:ffff:ffff:ffff:ffff:ffff:ffff \
    --after dnsmasq.service --after "$(printf 'u%.0s' {1..200}).service"
  assert_success
  local bytes
  bytes="$(printf '%s\n' "${output}" | wc -c)"
  echo "user data: ${bytes} bytes" >&3
  ((bytes <= EC2_LIMIT - LEFT_FOR_YOURS))
}

@test "the user data is bash that writes safe-capacity-boot.sh byte for byte, orders it after UNIT, then installs" {
  generate --after dnsmasq.service --after my-resolver-setup.service --root "${ROOT}"
  assert_success
  printf '%s\n' "${output}" >"${BATS_TEST_TMPDIR}/user-data"
  bash -n "${BATS_TEST_TMPDIR}/user-data"
  assert_line --index 0 '#!/bin/bash'

  # Only the lines up to the install line: they write files and run nothing.
  head -n -1 "${BATS_TEST_TMPDIR}/user-data" >"${BATS_TEST_TMPDIR}/write-only"
  bash "${BATS_TEST_TMPDIR}/write-only"
  cmp "${HOSTSCRIPTS}/safe-capacity-boot.sh" "${ROOT}/usr/local/sbin/ecs-dns-safe-capacity-boot.sh"
  [[ -x "${ROOT}/usr/local/sbin/ecs-dns-safe-capacity-boot.sh" ]]
  run cat "${ROOT}/etc/systemd/system/ecs-dns-safe-capacity-boot.service.d/10-ecs-dns-remediation-after.conf"
  assert_output $'[Unit]\nAfter=dnsmasq.service\nAfter=my-resolver-setup.service'

  generate --after dnsmasq.service --root "${ROOT}"
  assert_line --index "$((${#lines[@]} - 1))" \
    "${ROOT}/usr/local/sbin/ecs-dns-safe-capacity-boot.sh install --resolver 169.254.169.253 --cluster prod --capacity-provider prod-ondemand --region us-east-1 --script-url ${URL} --script-sha256 ${SHA} --root ${ROOT}"
}

@test "without --after there is no drop-in; without --root the paths are the instance's" {
  generate
  assert_success
  refute_output --partial "service.d"
  assert_line --index 4 "base64 -d <<'ECS_DNS_REMEDIATION_SCRIPT_END' | gzip -dc > /usr/local/sbin/ecs-dns-safe-capacity-boot.sh"
  refute_output --partial -- "--root"
}

@test "bad input: one line on stderr, exit 2, nothing printed" {
  mkdir -p "${BATS_TEST_TMPDIR}/a;b"
  local bad
  for bad in "--region us-east-1;reboot" "--cluster a%20b" "--resolver 127.0.0.1'x" \
    "--script-sha256 ABC" "--script-url https://example.com/x" "--after dnsmasq" \
    "--after ../../etc/x.service" "--after a;b.service" "--bogus 1" "--root relative/dir" "--root ${BATS_TEST_TMPDIR}/a;b" "--after"; do
    # shellcheck disable=SC2086 # split on purpose: option and value
    generate ${bad}
    assert_failure 2
    assert_output ""
    # shellcheck disable=SC2154 # run --separate-stderr sets stderr
    [[ "${stderr}" != *$'\n'* && "${stderr}" == *"error: "* ]] || fail "${bad}: ${stderr}"
  done
  run --separate-stderr "${USER_DATA}" --region us-east-1
  assert_failure 2
  assert_output ""
}

@test "safe-capacity-boot.sh missing next to it: exit 4, nothing printed" {
  mkdir -p "${BATS_TEST_TMPDIR}/alone"
  cp "${USER_DATA}" "${BATS_TEST_TMPDIR}/alone/"
  run --separate-stderr "${BATS_TEST_TMPDIR}/alone/user-data.sh" --help
  assert_failure 4
  assert_output ""
}

@test "a boot script that does not end by running main is not sourced: exit 4, nothing printed" {
  mkdir -p "${BATS_TEST_TMPDIR}/changed"
  cp "${USER_DATA}" "${BATS_TEST_TMPDIR}/changed/"
  # shellcheck disable=SC2016 # the line is the changed script's, expanded if it ever ran
  { cat "${HOSTSCRIPTS}/safe-capacity-boot.sh"; echo ': >"${0%/*}/ran"'; } \
    >"${BATS_TEST_TMPDIR}/changed/safe-capacity-boot.sh"
  run --separate-stderr "${BATS_TEST_TMPDIR}/changed/user-data.sh" --script-url "${URL}" \
    --script-sha256 "${SHA}" --region us-east-1 --cluster prod --capacity-provider prod-ondemand \
    --resolver 169.254.169.253
  assert_failure 4
  assert_output ""
  assert_file_not_exist "${BATS_TEST_TMPDIR}/changed/ran"
}
