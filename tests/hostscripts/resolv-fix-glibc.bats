#!/usr/bin/env bats
#
# resolv-fix.sh reads resolv.conf as glibc's res_init does: loopback
# forms, the first three nameservers, lines glibc skips, glued comments,
# files without a nameserver line, size limits and a file renamed while read.
# glibc itself judges the same rules in root/oracle.bats.
# Fixture roots; service managers and unshare are fakes on a test-only PATH
# (resolv_fix_helper.bash).

load resolv_fix_helper

@test "check: healthy exits 0, at risk exits 1, and names the manager" {
  conf 'nameserver 127.0.0.1\nnameserver 10.0.0.2\n'
  run "${RESOLV_FIX}" check --root "${ROOT}"
  assert_success
  assert_output --partial "verdict: healthy"
  assert_output --partial "manager: static"
  conf "$AL2_AT_RISK"
  run "${RESOLV_FIX}" check --root "${ROOT}"
  assert_failure 1
  assert_output --partial "verdict: at-risk"
  assert_output --partial "manager: dhclient"
}

@test "check: every loopback form counts as local (127/8, 0.0.0.0, ::1, inet_aton forms)" {
  local lo
  for lo in 127.0.0.1 127.0.0.53 127.255.255.254 0.0.0.0 ::1 0:0:0:0:0:0:0:1 \
    '::ffff:127.0.0.1' 127.1 0x7f.1 017700000001 2130706433; do
    conf "nameserver ${lo}\n"
    run "${RESOLV_FIX}" check --root "${ROOT}"
    assert_failure 1
  done
}

@test "check: no nameserver at all is at risk and reports glibc's implicit 127.0.0.1" {
  conf 'search ec2.internal\n'
  run "${RESOLV_FIX}" check --root "${ROOT}" --json
  assert_failure 1
  assert_equal "$(last_line | jq -c .nameservers)" '["127.0.0.1"]'
  assert_equal "$(last_line | jq -c .implicit_default)" true
}

@test "check: only the first three nameservers count (MAXNS)" {
  conf 'nameserver 127.0.0.1\nnameserver 127.0.0.2\nnameserver ::1\nnameserver 169.254.169.253\n'
  run "${RESOLV_FIX}" check --root "${ROOT}" --json
  assert_failure 1
  assert_equal "$(last_line | jq -c .nameservers)" '["127.0.0.1","127.0.0.2","::1"]'
}

@test "check: lines glibc ignores are ignored (indented, commented, invalid values)" {
  conf ' nameserver 10.0.0.2\n#nameserver 10.0.0.2\n;nameserver 10.0.0.2\nnameserver bogus\nnameserver 127.0.0.1\n'
  run "${RESOLV_FIX}" check --root "${ROOT}" --json
  assert_failure 1
  assert_equal "$(last_line | jq -c .nameservers)" '["127.0.0.1"]'
  conf 'nameserver 127.0.0.1 # local\nnameserver\t10.0.0.2 ;vpc\n'
  run "${RESOLV_FIX}" check --root "${ROOT}" --json
  assert_success
  assert_equal "$(last_line | jq -c .nameservers)" '["127.0.0.1","10.0.0.2"]'
}

@test "a comment glued to the address is not a server (check is at risk)" {
  printf 'nameserver 127.0.0.1\nnameserver 169.254.169.253#vpc\n' >"${CONF}"
  run "${RESOLV_FIX}" check --root "${ROOT}" --json
  assert_failure 1
  assert_equal "$(last_line | jq -c .nameservers)" '["127.0.0.1"]'
  printf 'nameserver 127.0.0.1\nnameserver 10.0.0.2;x\n' >"${CONF}"
  run "${RESOLV_FIX}" check --root "${ROOT}"
  assert_failure 1
}

@test "fix of a glued line adds a line glibc reads" {
  printf 'nameserver 127.0.0.1\nnameserver 169.254.169.253#vpc\n' >"${CONF}"
  run "${RESOLV_FIX}" fix --root "${ROOT}" --json
  assert_success
  assert_equal "$(last_line | jq .changed)" true
  assert_equal "$(sed -n 2p "${CONF}")" "nameserver 169.254.169.253"
  assert_equal "$(sed -n 3p "${CONF}")" "nameserver 169.254.169.253#vpc"
}

@test "a glued resolver line 4th is not moved up as if it were a server" {
  printf 'nameserver 127.0.0.1\nnameserver 127.0.0.2\nnameserver ::1\nnameserver 169.254.169.253#vpc\n' >"${CONF}"
  run "${RESOLV_FIX}" fix --root "${ROOT}" --json
  assert_success
  assert_equal "$(last_line | jq -c .nameservers)" '["127.0.0.1","169.254.169.253","127.0.0.2"]'
  assert_equal "$(sed -n 2p "${CONF}")" "nameserver 169.254.169.253"
}

@test "empty, comment-only and CRLF files: glibc's implicit 127.0.0.1 is written before the resolver" {
  local body
  for body in '' '# nothing\n; here\n' 'nameserver 127.0.0.1\r\nsearch x\r\n'; do
    # shellcheck disable=SC2059 # the format is the fixture
    printf "${body}" >"${CONF}"
    rm -f "${BAK}"
    run "${RESOLV_FIX}" check --root "${ROOT}" --json
    assert_failure 1
    assert_equal "$(last_line | jq -c '[.nameservers, .implicit_default]')" '[["127.0.0.1"],true]'
    run "${RESOLV_FIX}" fix --root "${ROOT}" --json
    assert_success
    assert_equal "$(last_line | jq -c .nameservers)" '["127.0.0.1","169.254.169.253"]'
    assert_equal "$(tail -n 2 "${CONF}")" $'nameserver 127.0.0.1\nnameserver 169.254.169.253'
  done
}

@test "a resolv.conf with NUL bytes is refused (exit 4)" {
  printf 'nameserver 127.0.0.1\n\0nameserver 10.0.0.2\n' >"${CONF}"
  run "${RESOLV_FIX}" fix --root "${ROOT}"
  assert_failure 4
}

@test "size: a 10 MB file of 5 million lines is refused at once, untouched (exit 4)" {
  yes '#' | head -n 5000000 >"${CONF}"
  local before
  before="$(stat -c '%s %Y %i' "${CONF}")"
  run "${RESOLV_FIX}" check --root "${ROOT}" --json
  assert_failure 4
  assert_output --partial "over 65536 bytes"
  assert_equal "$(last_line | jq .exit_code)" 4
  run "${RESOLV_FIX}" fix --root "${ROOT}"
  assert_failure 4
  assert_equal "$(stat -c '%s %Y %i' "${CONF}")" "${before}"
  assert_file_not_exists "${BAK}"
}

@test "size: 65536 bytes are read, 65537 are refused" {
  { printf 'nameserver 127.0.0.1\n'; head -c $((65536 - 21)) /dev/zero | tr '\0' '#'; } >"${CONF}"
  run "${RESOLV_FIX}" check --root "${ROOT}"
  assert_failure 1
  printf '#' >>"${CONF}"
  run "${RESOLV_FIX}" check --root "${ROOT}"
  assert_failure 4
}

@test "read race: renames during fix never break the read or mix two files" {
  printf 'search a.example\nnameserver 127.0.0.1\n' >"${BATS_TEST_TMPDIR}/a"
  printf 'search b.example\nnameserver 127.0.0.53\noptions ndots:2\n' >"${BATS_TEST_TMPDIR}/b"
  cp "${BATS_TEST_TMPDIR}/a" "${CONF}"
  # shellcheck disable=SC2016 # the loop gets its paths as arguments
  bash -c 'while :; do for f in "$1" "$2"; do cp "$f" "$3.new"; mv -f "$3.new" "$3"; done; done' \
    _ "${BATS_TEST_TMPDIR}/a" "${BATS_TEST_TMPDIR}/b" "${CONF}" >/dev/null 2>&1 3>&- &
  RENAMER=$!
  local i rc
  for i in $(seq 11); do
    rc=0
    "${RESOLV_FIX}" fix --root "${ROOT}" --json >"${BATS_TEST_TMPDIR}/out.${i}" 2>&1 || rc=$?
    # The renamer may undo a fix at once: that is reported (exit 4, "another
    # writer"), but the read itself must never fail.
    if ((rc != 0)); then
      assert_equal "${rc}" 4
      assert_file_contains "${BATS_TEST_TMPDIR}/out.${i}" "another writer replaced it"
    fi
    run grep -c "cannot read" "${BATS_TEST_TMPDIR}/out.${i}"
    assert_output 0
  done
  teardown
  RENAMER=""
  # The backup is one whole original, never a mix.
  run bash -c 'cmp -s "$1" "$2" || cmp -s "$1" "$3"' _ "${BAK}" "${BATS_TEST_TMPDIR}/a" "${BATS_TEST_TMPDIR}/b"
  assert_success
}
