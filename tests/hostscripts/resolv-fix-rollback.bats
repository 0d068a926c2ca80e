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

@test "rollback without a backup is a no-op: exit 0, says so, changes nothing, creates no lock" {
  conf "$AL2_AT_RISK"
  local before
  before="$(tree_state "${BATS_TEST_TMPDIR}")"
  run "${RESOLV_FIX}" rollback --root "${ROOT}" --json
  assert_success
  assert_output --partial "nothing to roll back"
  assert_equal "$(last_line | jq -c '[.exit_code, .changed, .would_change, .backup, .verdict]')" '[0,false,false,null,"at-risk"]'
  assert_equal "$(tree_state "${BATS_TEST_TMPDIR}")" "${before}"
}

@test "rollback twice: the second finds nothing to roll back and leaves the original alone" {
  conf "$AL2_AT_RISK"
  cp -p "${CONF}" "${BATS_TEST_TMPDIR}/orig"
  "${RESOLV_FIX}" fix --root "${ROOT}" >/dev/null
  "${RESOLV_FIX}" rollback --root "${ROOT}" >/dev/null
  local before
  before="$(tree_state "${BATS_TEST_TMPDIR}")"
  run "${RESOLV_FIX}" rollback --root "${ROOT}" --json
  assert_success
  assert_equal "$(last_line | jq .changed)" false
  assert_equal "$(tree_state "${BATS_TEST_TMPDIR}")" "${before}"
  run cmp "${CONF}" "${BATS_TEST_TMPDIR}/orig"
  assert_success
}

@test "rollback --dry-run without a backup would change nothing" {
  conf "$AL2_AT_RISK"
  run "${RESOLV_FIX}" rollback --root "${ROOT}" --dry-run --json
  assert_success
  assert_equal "$(last_line | jq -c '[.changed, .would_change]')" '[false,false]'
}

@test "rollback with a backup that is not a file or symlink exits 4 and changes nothing" {
  conf "$AL2_AT_RISK"
  mkdir "${BAK}"
  local before
  before="$(tree_state "${BATS_TEST_TMPDIR}")"
  run "${RESOLV_FIX}" rollback --root "${ROOT}" --json
  assert_failure 4
  assert_equal "$(last_line | jq .exit_code)" 4
  assert_equal "$(tree_state "${BATS_TEST_TMPDIR}")" "${before}"
}
