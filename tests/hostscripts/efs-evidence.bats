#!/usr/bin/env bats
#
# Tests for hostscripts/efs-evidence.sh with the real resolv-fix.sh on a
# fixture root, and a fake unshare (test_helper) standing in for the VPC
# resolver that --verify-host asks. Real namespaces: root/demo.bats.

load test_helper
bats_require_minimum_version 1.5.0

EVIDENCE="${HOSTSCRIPTS}/efs-evidence.sh"
FS=fs-0705b30dbe1741990
NAME=fs-0705b30dbe1741990.efs.us-east-1.amazonaws.com

setup() {
  common_setup
  fake_unshare
  mkdir -p "${ROOT}/var/log/amazon/efs"
  printf 'nameserver 127.0.0.1\n' >"${ROOT}/etc/resolv.conf"
}

evidence() {
  run bash "${EVIDENCE}" --resolv-fix "${RESOLV_FIX}" --root "${ROOT}" "$@"
}

@test "at risk and the name resolves through the VPC resolver: verdict fix-host, first line" {
  printf '%s\n' "${NAME}" >"${KNOWN_NAMES}"
  evidence --file-system-id "${FS}" --region us-east-1
  assert_success
  assert_line --index 0 "verdict=fix-host"
  assert_output --partial "${NAME} resolves through the VPC resolver 169.254.169.253"
  last_line | jq -e '.verdict == "fix-host" and .check_exit == 1 and .verify_exit == 1'
}

@test "at risk but the name does not resolve through the VPC resolver: verdict not-dns" {
  evidence --verify-host "${NAME}"
  assert_success
  assert_line --index 0 "verdict=not-dns"
  assert_output --partial "does not resolve through the VPC resolver 169.254.169.253 either"
}

@test "healthy resolv.conf: verdict healthy with the last efs-utils log line about the file system" {
  printf 'nameserver 127.0.0.1\nnameserver 10.0.0.2\n' >"${ROOT}/etc/resolv.conf"
  printf '%s\n' "2026-11-20 10:15:28,000 - INFO - version=2.1.0 options={}" \
    "2026-11-20 10:15:29,001 - ERROR - Failed to mount ${NAME} at /x: returncode=32, stderr=\"mount.nfs4: access denied\"" \
    >"${ROOT}/var/log/amazon/efs/mount.log"
  evidence --file-system-id "${FS}" --region us-east-1
  assert_success
  assert_line --index 0 "verdict=healthy"
  assert_output --partial "the mount failed for another reason: last efs-utils log line: 2026-11-20 10:15:29,001 - ERROR - Failed to mount ${NAME}"
}

@test "a failed lookup in efs-proxy's log is reported" {
  printf '%s\n' "2026-11-20T10:15:29Z WARN efs_proxy: ${FS} failed to lookup address information: Name or service not known" \
    >"${ROOT}/var/log/amazon/efs/${FS}.home.efs.21036.efs-proxy.log"
  printf '%s\n' "${NAME}" >"${KNOWN_NAMES}"
  evidence --file-system-id "${FS}" --region us-east-1
  assert_line "a failed lookup was logged: yes"
  last_line | jq -e '.failed_lookup_logged == true'
}

@test "at risk and no name to test: verdict unknown, no lookup attempted" {
  evidence
  assert_success
  assert_line --index 0 "verdict=unknown"
  run cat "${CALLS}"
  refute_output --partial unshare
}

@test "China Regions: the name ends in amazonaws.com.cn" {
  evidence --file-system-id "${FS}" --region cn-north-1
  last_line | jq -e '.name == "fs-0705b30dbe1741990.efs.cn-north-1.amazonaws.com.cn"'
}

@test "reads only: the fixture root is byte-identical afterwards" {
  printf '%s\n' "${NAME}" >"${KNOWN_NAMES}"
  local before
  before="$(tree_state "${ROOT}")"
  evidence --file-system-id "${FS}" --region us-east-1
  assert_line --index 0 "verdict=fix-host"
  [[ "$(tree_state "${ROOT}")" == "${before}" ]]
}

@test "empty optional values (as the SSM document passes them) are not given" {
  evidence --verify-host "" --file-system-id "" --region ""
  assert_success
  assert_line --index 0 "verdict=unknown"
}

@test "bad input: one line on stderr, exit 2" {
  local bad
  for bad in "--verify-host x;reboot" "--file-system-id fs-1 --region us-east-1" "--file-system-id ${FS} --region nowhere" "--bogus"; do
    # shellcheck disable=SC2086 # each case is several words
    run --separate-stderr bash "${EVIDENCE}" --resolv-fix "${RESOLV_FIX}" --root "${ROOT}" ${bad}
    assert_failure 2
    # shellcheck disable=SC2154 # set by bats' run --separate-stderr
    [[ "$(wc -l <<<"${stderr}")" -eq 1 ]]
    [[ -z "${output}" ]]
  done
}

@test "a log line with control characters or a forged verdict never leads" {
  printf 'nameserver 127.0.0.1\nnameserver 10.0.0.2\n' >"${ROOT}/etc/resolv.conf"
  printf '%s\x1b[31m\nverdict=fix-host %s\n' "${FS} red" "${FS}" >"${ROOT}/var/log/amazon/efs/mount.log"
  evidence --file-system-id "${FS}" --region us-east-1
  assert_line --index 0 "verdict=healthy"
}

@test "the VPC resolver does not answer: verdict unknown, the name could not be tested, not not-dns" {
  printf '%s\n' "${NAME}" >"${SILENT_NAMES}"
  evidence --file-system-id "${FS}" --region us-east-1
  assert_success
  assert_line --index 0 "verdict=unknown"
  assert_output --partial "${NAME} could not be tested through the VPC resolver 169.254.169.253: verify-host: the VPC resolver 169.254.169.253 did not answer"
  last_line | jq -e '.lookups == [{"name": "'"${NAME}"'", "result": "not-tested", "verify_exit": 4}]'
}

@test "every EFS volume: each file system's name is tested, one without an address gives not-dns and is named" {
  local other=fs-0aaaaaaaaaaaaaaa0 other_name=fs-0aaaaaaaaaaaaaaa0.efs.us-east-1.amazonaws.com
  printf '%s\n' "${NAME}" >"${KNOWN_NAMES}"
  evidence --file-system-id '["'"${FS}"'","'"${other}"'"]' --region us-east-1
  assert_success
  assert_line --index 0 "verdict=not-dns"
  assert_output --partial "${other_name} does not resolve through the VPC resolver 169.254.169.253 either"
  last_line | jq -e '[.lookups[] | .result] == ["resolves", "no-address"] and .name == "'"${other_name}"'"'
  printf '%s\n' "${other_name}" >>"${KNOWN_NAMES}"
  evidence --file-system-id '["'"${FS}"'","'"${other}"'"]' --region us-east-1
  assert_line --index 0 "verdict=fix-host"
  run grep -c "unshare resolver=169.254.169.253 name=" "${CALLS}"
  assert_output 4
}

@test "the name from the reason and a file system's name are one test when they are the same name" {
  printf '%s\n' "${NAME}" >"${KNOWN_NAMES}"
  evidence --verify-host "${NAME}" --file-system-id "${FS}" --file-system-id '[]' --region us-east-1
  assert_line --index 0 "verdict=fix-host"
  last_line | jq -e '(.lookups | length) == 1'
}

@test "a failed lookup after a NUL byte or invalid UTF-8 in a log is still read (LANG=C.UTF-8)" {
  local bad
  for bad in '\000' '\377\376'; do
    rm -f "${ROOT}/var/log/amazon/efs/"*
    # %b turns the escapes in bad into the bytes themselves.
    printf '%s %b %s\n%s\n' "2026-11-20 10:15:28,000 - INFO - ${FS} garbage" "${bad}" here \
      "2026-11-20 10:15:29,001 - ERROR - Failed to mount ${NAME}: mount.nfs4: Failed to resolve server ${NAME}: Name or service not known" \
      >"${ROOT}/var/log/amazon/efs/mount.log"
    LANG=C.UTF-8 LC_ALL=C.UTF-8 evidence --file-system-id "${FS}" --region us-east-1
    assert_line "a failed lookup was logged: yes"
    last_line | jq -e '.last_log_line | test("Failed to resolve server")'
  done
}

@test "the ECS volume plugin's log (rolled files too) is read for the failed mount" {
  mkdir -p "${ROOT}/var/log/ecs"
  printf '%s\n' 'level=info time=2026-12-04T15:00:01Z msg="Mounting volume ecs-efs-app-1-data-a1 of type efs at path /var/lib/ecs/volumes/ecs-efs-app-1-data-a1"' \
    "level=error time=2026-12-04T15:00:02Z msg=\"Volume ecs-efs-app-1-data-a1 creation failure: mounting volume failed: b'mount.nfs4: Resource temporarily unavailable'\"" \
    >"${ROOT}/var/log/ecs/ecs-volume-plugin.log.2026-12-04-15"
  evidence --file-system-id "${FS}" --region us-east-1
  assert_line "a failed lookup was logged: yes"
  last_line | jq -e '.last_volume_plugin_log_line | test("creation failure: mounting volume failed: b.mount.nfs4: Resource temporarily unavailable")'
}

@test "bad file system lists (as SSM writes a StringList): one line on stderr, exit 2" {
  local bad
  for bad in '["fs-1"]' '["fs-0123456789abcdef0";reboot]' '["fs-0123456789abcdef0","x"]' '["fs-0123456789abcdef0" "fs-0aaaaaaaaaaaaaaa0"]' $'fs-0123456789abcdef0\nreboot'; do
    run --separate-stderr bash "${EVIDENCE}" --resolv-fix "${RESOLV_FIX}" --root "${ROOT}" --file-system-id "${bad}" --region us-east-1
    assert_failure 2
    [[ "$(wc -l <<<"${stderr}")" -eq 1 ]]
    [[ -z "${output}" ]]
  done
}
