#!/usr/bin/env bats
#
# Reproductions from issue 12's adversarial review of hostscripts/resolv-fix.sh
# (glued comments, --root escapes, backup path, read race, size, resolver
# rule, split dhclient statements, hostile bytes in output, stale temp
# files, files without a nameserver line). Each failed on the script before
# the fix. Fixture roots only; the root-only cases (disk full, glibc's own
# view) are in root/.

load test_helper

setup() {
  common_setup
  CONF="${ROOT}/etc/resolv.conf"
  BAK="${CONF}.ecs-dns-remediation.bak"
  RENAMER=""
}

teardown() {
  if [[ -n "${RENAMER}" ]]; then
    kill "${RENAMER}" 2>/dev/null || true
    wait "${RENAMER}" 2>/dev/null || true
  fi
}

@test "A1: a comment glued to the address is not a server (check is at risk)" {
  printf 'nameserver 127.0.0.1\nnameserver 169.254.169.253#vpc\n' >"${CONF}"
  run "${RESOLV_FIX}" check --root "${ROOT}" --json
  assert_failure 1
  assert_equal "$(last_line | jq -c .nameservers)" '["127.0.0.1"]'
  printf 'nameserver 127.0.0.1\nnameserver 10.0.0.2;x\n' >"${CONF}"
  run "${RESOLV_FIX}" check --root "${ROOT}"
  assert_failure 1
}

@test "A1: fix of a glued line adds a line glibc reads" {
  printf 'nameserver 127.0.0.1\nnameserver 169.254.169.253#vpc\n' >"${CONF}"
  run "${RESOLV_FIX}" fix --root "${ROOT}" --json
  assert_success
  assert_equal "$(last_line | jq .changed)" true
  assert_equal "$(sed -n 2p "${CONF}")" "nameserver 169.254.169.253"
  assert_equal "$(sed -n 3p "${CONF}")" "nameserver 169.254.169.253#vpc"
}

@test "A1: a glued resolver line 4th is not moved up as if it were a server" {
  printf 'nameserver 127.0.0.1\nnameserver 127.0.0.2\nnameserver ::1\nnameserver 169.254.169.253#vpc\n' >"${CONF}"
  run "${RESOLV_FIX}" fix --root "${ROOT}" --json
  assert_success
  assert_equal "$(last_line | jq -c .nameservers)" '["127.0.0.1","169.254.169.253","127.0.0.2"]'
  assert_equal "$(sed -n 2p "${CONF}")" "nameserver 169.254.169.253"
}

@test "A2: a resolv.conf symlink that leaves the root is refused, nothing read or written" {
  local out="${BATS_TEST_TMPDIR}/out"
  mkdir -p "${out}"
  printf 'nameserver 127.0.0.1\n#SECRET\n' >"${out}/f"
  ln -s ../../out/f "${CONF}"
  local before
  before="$(tree_state "${BATS_TEST_TMPDIR}")"
  run "${RESOLV_FIX}" fix --dry-run --root "${ROOT}"
  assert_failure 4
  refute_output --partial SECRET
  assert_output --partial "leaves --root"
  run "${RESOLV_FIX}" fix --root "${ROOT}"
  assert_failure 4
  run "${RESOLV_FIX}" check --root "${ROOT}"
  assert_failure 4
  assert_equal "$(tree_state "${BATS_TEST_TMPDIR}")" "${before}"
}

@test "A2: an etc symlink to a directory outside the root is refused, nothing written there" {
  local out="${BATS_TEST_TMPDIR}/out"
  mkdir -p "${out}"
  printf 'nameserver 127.0.0.1\n' >"${out}/resolv.conf"
  rm -rf "${ROOT:?}/etc"
  ln -s ../out "${ROOT}/etc"
  local before
  before="$(tree_state "${out}")"
  run "${RESOLV_FIX}" fix --root "${ROOT}"
  assert_failure 4
  assert_output --partial "leaves --root"
  run "${RESOLV_FIX}" rollback --root "${ROOT}"
  assert_failure 4
  assert_equal "$(tree_state "${out}")" "${before}"
}

@test "A2: symlinks that stay inside the root still work" {
  mkdir -p "${ROOT}/run/resolvconf" "${ROOT}/real-etc"
  printf 'nameserver 127.0.0.1\n' >"${ROOT}/run/resolvconf/resolv.conf"
  mv "${ROOT}/etc" "${ROOT}/real-etc/etc"
  ln -s real-etc/etc "${ROOT}/etc"
  ln -s ../../run/resolvconf/resolv.conf "${CONF}"
  run "${RESOLV_FIX}" fix --root "${ROOT}" --json
  assert_success
  assert_equal "$(last_line | jq -r .manager)" resolvconf
  assert_equal "$(grep -c '^nameserver' "${ROOT}/real-etc/etc/resolv.conf")" 2
}

@test "--root is normalised: //, trailing slashes and .. name the same directory" {
  printf 'nameserver 127.0.0.1\n' >"${CONF}"
  run "${RESOLV_FIX}" fix --root "${BATS_TEST_TMPDIR}//root/../root///" --json
  assert_success
  assert_equal "$(last_line | jq -r .backup)" "$(realpath "${ROOT}")/etc/resolv.conf.ecs-dns-remediation.bak"
  run "${RESOLV_FIX}" check --root // --json
  assert_output --partial "resolv.conf: /etc/resolv.conf"
}

@test "A4: a directory at the backup path stops fix before any change; rollback refuses it" {
  printf 'nameserver 127.0.0.1\n' >"${CONF}"
  mkdir "${BAK}"
  local before
  before="$(tree_state "${ROOT}")"
  run "${RESOLV_FIX}" fix --root "${ROOT}" --json
  assert_failure 4
  assert_output --partial "not a file"
  assert_equal "$(last_line | jq .changed)" false
  run "${RESOLV_FIX}" rollback --root "${ROOT}"
  assert_failure 4
  assert_output --partial "not a file"
  assert_equal "$(tree_state "${ROOT}" | grep -v ecs-dns-remediation.lock)" \
    "$(printf '%s\n' "${before}" | grep -v ecs-dns-remediation.lock)"
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

@test "resolver rule: non-unicast, reserved, link-local IPv6 and dotted-tail IPv6 are refused" {
  printf 'nameserver 127.0.0.1\n' >"${CONF}"
  local bad
  for bad in 0.0.0.1 0.1.2.3 255.255.255.255 240.0.0.1 224.0.0.1 239.255.255.250 127.0.0.2 \
    fe80::1 FE80::1 febf::1 ff02::1 FF00:: ::127.0.0.1 ::ffff:1.2.3.4 ::ffff:7f00:1 '::' '::1' \
    '1.2.3.04' '1.2.3.4%eth0' '١.٢.٣.٤'; do
    run "${RESOLV_FIX}" fix --root "${ROOT}" --resolver "${bad}"
    assert_failure 2
  done
  assert_file_not_exists "${BAK}"
  local good
  for good in 169.254.169.253 10.0.0.2 223.255.255.255 1.0.0.0 fd00:ec2::253 fec0::1 2600:1f18::1; do
    run "${RESOLV_FIX}" fix --root "${ROOT}" --resolver "${good}" --dry-run
    assert_success
  done
}

@test "resolver rule: IPv4-mapped IPv6 (::ffff:0:0/96) is refused, in hex too" {
  printf 'nameserver 127.0.0.1\n' >"${CONF}"
  local bad
  for bad in ::ffff:a00:2 ::FFFF:a9fe:a9fd 0:0:0:0:0:ffff:a00:2 ::ffff:0:0 ::ffff:ffff:ffff; do
    run "${RESOLV_FIX}" fix --root "${ROOT}" --resolver "${bad}"
    assert_failure 2
    assert_output --partial "--resolver must be a unicast"
  done
  assert_file_not_exists "${BAK}"
  run "${RESOLV_FIX}" fix --root "${ROOT}" --resolver ::fffe:a00:2 --dry-run
  assert_success
}

@test "dhclient: a supersede statement split over lines is found and extended" {
  mkdir -p "${ROOT}/etc/dhcp"
  local dh="${ROOT}/etc/dhcp/dhclient.conf"
  printf 'timeout 300;\nsupersede domain-name-servers # local only\n    127.0.0.1\n    ;\nrequest subnet-mask;\n' >"${dh}"
  printf 'nameserver 127.0.0.1\n' >"${CONF}"
  run "${RESOLV_FIX}" fix --root "${ROOT}" --json
  assert_success
  assert_equal "$(last_line | jq -c .persistence)" "[\"${dh}\"]"
  run cat "${dh}"
  assert_output $'timeout 300;\nsupersede domain-name-servers # local only\n    127.0.0.1, 169.254.169.253\n    ;\nrequest subnet-mask;'
  run "${RESOLV_FIX}" rollback --root "${ROOT}"
  assert_success
  assert_file_contains "${dh}" '^    127.0.0.1$'
}

@test "dhclient: a split list with a remote server is left alone" {
  mkdir -p "${ROOT}/etc/dhcp"
  printf 'supersede domain-name-servers 127.0.0.1,\n  10.0.0.2;\n' >"${ROOT}/etc/dhcp/dhclient.conf"
  printf 'nameserver 127.0.0.1\n' >"${CONF}"
  run "${RESOLV_FIX}" fix --root "${ROOT}" --json
  assert_success
  assert_equal "$(last_line | jq -c .persistence)" '[]'
}

@test "control bytes in arguments are escaped on stderr and in JSON" {
  run "${RESOLV_FIX}" check --json --root $'/nope\e[31m\aX\x7f'
  assert_failure 2
  refute_output --partial $'\e'
  refute_output --partial $'\a'
  assert_output --partial '\x1b[31m\x07X\x7f'
  run jq -e '.error | contains("\u001b[31m")' <<<"$(last_line)"
  assert_success
}

@test "invalid UTF-8 in --root keeps the JSON line valid" {
  local dir="${BATS_TEST_TMPDIR}/r"$'\xff\xfe'
  mkdir -p "${dir}/etc"
  printf 'nameserver 127.0.0.1\n' >"${dir}/etc/resolv.conf"
  run "${RESOLV_FIX}" fix --root "${dir}" --json
  assert_success
  run jq -e '.backup | endswith("r\\xff\\xfe/etc/resolv.conf.ecs-dns-remediation.bak")' <<<"$(last_line)"
  assert_success
  local utf8="${BATS_TEST_TMPDIR}/é"
  mkdir -p "${utf8}/etc"
  printf 'nameserver 127.0.0.1\n' >"${utf8}/etc/resolv.conf"
  run "${RESOLV_FIX}" check --root "${utf8}" --json
  run jq -e '.error == null' <<<"$(last_line)"
  assert_success
}

@test "stale temp files from a killed run are removed by the next fix" {
  printf 'nameserver 127.0.0.1\n' >"${CONF}"
  mkdir -p "${ROOT}/etc/dhcp"
  local stale=("${ROOT}/etc/.resolv.conf.ecs-dns-remediation.Ab3dEf"
    "${ROOT}/etc/.ecs-dns-remediation.bak.Zz9yXw"
    "${ROOT}/etc/dhcp/.dhclient.conf.ecs-dns-remediation.q1w2e3")
  touch "${stale[@]}"
  touch "${ROOT}/etc/.keep.me"
  run "${RESOLV_FIX}" fix --root "${ROOT}"
  assert_success
  local f
  for f in "${stale[@]}"; do
    assert_file_not_exists "${f}"
  done
  assert_file_exists "${ROOT}/etc/.keep.me"
}

@test "a fix killed with SIGKILL leaves the live file whole; the next fix completes" {
  printf 'nameserver 127.0.0.1\n' >"${CONF}"
  cp "${CONF}" "${BATS_TEST_TMPDIR}/orig"
  local i
  for i in $(seq 20); do
    "${RESOLV_FIX}" fix --root "${ROOT}" >/dev/null 2>&1 3>&- &
    sleep "0.0${i}"
    kill -9 $! 2>/dev/null || true
    wait $! 2>/dev/null || true
    run bash -c 'cmp -s "$1" "$2" || [[ "$(grep -c ^nameserver "$1")" == 2 ]]' _ "${CONF}" "${BATS_TEST_TMPDIR}/orig"
    assert_success
  done
  run "${RESOLV_FIX}" fix --root "${ROOT}"
  assert_success
  assert_equal "$(find "${ROOT}/etc" -name '.*ecs-dns-remediation.??????' | wc -l)" 0
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

@test "size budget: the evidence document's two embedded scripts stay under SSM's 64 KB document limit" {
  # The EfsEvidence Command document embeds resolv-fix.sh and efs-evidence.sh
  # line by line as JSON strings; SSM refuses a document over 64 KB
  # (MaxDocumentSizeExceeded). 60000 bytes leaves room for the rest of it.
  local size
  size="$(cat "${RESOLV_FIX}" "${HOSTSCRIPTS}/efs-evidence.sh" | jq -Rs 'split("\n")' -c | wc -c)"
  ((size <= 60000)) || fail "embedded scripts take ${size} bytes of JSON, over the 60000 budget"
}
