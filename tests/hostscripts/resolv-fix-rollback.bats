#!/usr/bin/env bats
#
# resolv-fix.sh rollback: the original back byte for byte, or nothing
# changed.
# Fixture roots; service managers and unshare are fakes on a test-only PATH
# (resolv_fix_helper.bash).

load resolv_fix_helper

@test "rollback --dry-run changes nothing" {
  conf "$AL2_AT_RISK"
  "${RESOLV_FIX}" fix --root "${ROOT}" >/dev/null
  local before
  before="$(tree_state "${BATS_TEST_TMPDIR}")"
  run "${RESOLV_FIX}" rollback --root "${ROOT}" --dry-run
  assert_success
  assert_equal "$(tree_state "${BATS_TEST_TMPDIR}")" "${before}"
}

@test "rollback restores the original byte for byte and removes the backup" {
  conf 'search a\tb\nnameserver 127.0.0.1\noptions ndots:2'
  cp -p "${CONF}" "${BATS_TEST_TMPDIR}/orig"
  "${RESOLV_FIX}" fix --root "${ROOT}" >/dev/null
  run cmp "${CONF}" "${BATS_TEST_TMPDIR}/orig"
  assert_failure
  run "${RESOLV_FIX}" rollback --root "${ROOT}" --json
  assert_success
  assert_equal "$(last_line | jq -r .verdict)" at-risk
  run cmp "${CONF}" "${BATS_TEST_TMPDIR}/orig"
  assert_success
  assert_file_not_exists "${BAK}"
}

@test "rollback without a backup exits 4 and changes nothing" {
  conf "$AL2_AT_RISK"
  local before
  before="$(tree_state "${BATS_TEST_TMPDIR}")"
  run "${RESOLV_FIX}" rollback --root "${ROOT}" --json
  assert_failure 4
  assert_output --partial "no backup"
  assert_equal "$(last_line | jq .exit_code)" 4
  assert_equal "$(tree_state "${BATS_TEST_TMPDIR}")" "${before}"
}
