#!/usr/bin/env bats
#
# resolv-fix.sh: usage, parameters and output (exit 2 for bad input,
# the JSON line, hostile bytes escaped), and running as SSM runs it.
# Fixture roots; service managers and unshare are fakes on a test-only PATH
# (resolv_fix_helper.bash).

load resolv_fix_helper

@test "--help documents every exit code and the JSON line" {
  run "${RESOLV_FIX}" --help
  assert_success
  for code in 0 1 2 3 4; do
    assert_line --regexp "^  ${code}  "
  done
  assert_output --partial -- "--json"
  assert_output --partial "--verify-host NAME"
}

@test "no action is bad usage (exit 2)" {
  run "${RESOLV_FIX}" --root "${ROOT}"
  assert_failure 2
}

@test "unknown argument and two actions are bad usage (exit 2)" {
  conf "$AL2_AT_RISK"
  run "${RESOLV_FIX}" check --bogus --root "${ROOT}"
  assert_failure 2
  run "${RESOLV_FIX}" check fix --root "${ROOT}"
  assert_failure 2
}

@test "hostile or invalid --resolver values exit 2 and change nothing" {
  conf "$AL2_AT_RISK"
  local before
  before="$(tree_state "${BATS_TEST_TMPDIR}")"
  local bad
  # shellcheck disable=SC2016 # hostile text, meant literally
  for bad in '1.2.3.4; rm -rf /' '$(touch /tmp/pwned)' '`id`' $'1.2.3.4\nnameserver 6.6.6.6' \
    '999.1.1.1' '' '1.2.3' '01.2.3.4' '1.2.3.4 ' ' 1.2.3.4' 'dns.example.com' \
    '::1' '127.0.0.1' '127.1.2.3' '0.0.0.0' '::' '::ffff:127.0.0.1' 'fe80::1%eth0' \
    'fd00:ec2::253%eth0' '1:2:3:4:5:6:7:8:9' '1::2::3' 'gggg::1' '-1.2.3.4' \
    '--root' '1.2.3.4/32'; do
    run "${RESOLV_FIX}" fix --root "${ROOT}" --resolver "${bad}"
    assert_failure 2
  done
  assert_equal "$(tree_state "${BATS_TEST_TMPDIR}")" "${before}"
  assert_file_not_exists /tmp/pwned
}

@test "IPv6 VPC resolver forms are accepted" {
  local good
  for good in 'fd00:ec2::253' 'FD00:EC2:0:0:0:0:0:253' '2001:db8::102:304' '64:ff9b::a9fe:a9fd'; do
    conf "$AL2_AT_RISK"
    rm -f "${BAK}"
    run "${RESOLV_FIX}" fix --root "${ROOT}" --resolver "${good}"
    assert_success
    assert_equal "$(count_lines "nameserver ${good}" "${CONF}")" 1
  done
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

@test "--verify-host rejects names that are not DNS names (exit 2)" {
  conf "$AL2_AT_RISK"
  local before bad
  before="$(tree_state "${ROOT}")"
  # shellcheck disable=SC2016 # hostile text, meant literally
  for bad in '' 'a;b' '$(id)' '-fs.example.com' 'fs-.example.com' 'a..b' '.a' \
    "$(printf 'a%.0s' {1..64}).com" "$(printf 'abcdefgh.%.0s' {1..29})com" \
    $'fs.example.com\nx' 'fs example.com' 'fs_1.example.com' '*.example.com'; do
    run "${RESOLV_FIX}" fix --root "${ROOT}" --verify-host "${bad}"
    assert_failure 2
  done
  assert_equal "$(tree_state "${ROOT}")" "${before}"
  assert_file_not_exists "${CALLS}"
}

@test "--verify-host accepts a 63-character label and a trailing dot" {
  local name
  name="$(printf 'a%.0s' {1..63}).efs.us-east-1.amazonaws.com."
  echo "${name}" >>"${KNOWN_NAMES}"
  conf "$AL2_AT_RISK"
  run "${RESOLV_FIX}" check --root "${ROOT}" --verify-host "${name}"
  assert_failure 1
}

@test "--verify-host with rollback is bad usage" {
  conf "$AL2_AT_RISK"
  run "${RESOLV_FIX}" rollback --root "${ROOT}" --verify-host a.example.com
  assert_failure 2
}

@test "a --root that is not a directory is bad usage" {
  run "${RESOLV_FIX}" check --root "${BATS_TEST_TMPDIR}/nope"
  assert_failure 2
}

@test "JSON: the last line holds the documented fields and types" {
  conf "$AL2_AT_RISK"
  run "${RESOLV_FIX}" fix --root "${ROOT}" --json
  assert_success
  local json
  json="$(last_line)"
  run jq -e '(.action=="fix") and (.verdict=="healthy") and (.manager=="dhclient")
    and (.nameservers==["127.0.0.1","169.254.169.253"]) and (.changed==true)
    and (.dry_run==false) and (.backup|endswith("/etc/resolv.conf.ecs-dns-remediation.bak"))
    and (.persistence|type=="array") and (.resolver=="169.254.169.253")
    and (.verify_host==null) and (.verify_resolves==null) and (.exit_code==0)
    and (.error==null)' <<<"${json}"
  assert_success
}

@test "JSON: usage errors still end with one JSON object, hostile text escaped" {
  run "${RESOLV_FIX}" fix --root "${ROOT}" --json --resolver $'"}\n{"x":1'
  assert_failure 2
  run jq -e '(.exit_code==2) and (.error|type=="string")' <<<"$(last_line)"
  assert_success
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

@test "the script runs from a copy outside the repository, its library next to it (as SSM does)" {
  conf "$AL2_AT_RISK"
  cp "${RESOLV_FIX}" "${BATS_TEST_TMPDIR}/_script.sh"
  cp "${HOSTSCRIPTS}/hostlib.sh" "${BATS_TEST_TMPDIR}/"
  cd "${BATS_TEST_TMPDIR}"
  run bash ./_script.sh fix --root "${ROOT}" --json
  assert_success
  assert_equal "$(last_line | jq -r .verdict)" healthy
}
