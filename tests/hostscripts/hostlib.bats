#!/usr/bin/env bats
#
# Tests for hostscripts/hostlib.sh, the rules the host scripts share (JSON
# strings, DNS names, IP addresses): each script applies the same rule, the
# library is safe to source or to join in place, and the joined form that the
# safe capacity downloads runs on its own. The C# side of the same rules is
# held to the library by tests/Remediator.Tests/Contracts/HostScriptRulesTests.cs.

load test_helper
bats_require_minimum_version 1.5.0

LIBRARY="${HOSTSCRIPTS}/hostlib.sh"
EVIDENCE="${HOSTSCRIPTS}/efs-evidence.sh"
JOIN="${BATS_TEST_DIRNAME}/join-hostlib.sh"

setup() {
  common_setup
  fake_unshare
  printf 'nameserver 127.0.0.1\n' >"${ROOT}/etc/resolv.conf"
}

# Prints "accepted" or "refused": how SCRIPT (resolv-fix, efs-evidence or
# diagnose) takes NAME where it takes a DNS name. Exit 2 is each script's
# bad-usage code; any other code means the name got past validation.
name_verdict() {
  local script="$1" name="$2" code
  case "${script}" in
    resolv-fix) "${RESOLV_FIX}" check --root "${ROOT}" --verify-host "${name}" >/dev/null 2>&1 ;;
    efs-evidence) bash "${EVIDENCE}" --resolv-fix "${RESOLV_FIX}" --root "${ROOT}" --verify-host "${name}" >/dev/null 2>&1 ;;
    diagnose) "${DIAGNOSE}" --name "${name}" --help >/dev/null 2>&1 ;;
  esac
  code=$?
  if ((code == 2)); then echo refused; else echo accepted; fi
}

@test "one DNS-name rule: resolv-fix, efs-evidence and diagnose accept and refuse the same names" {
  local long63 name253 name254 script name expected actual failures=""
  long63="$(printf 'a%.0s' {1..63})"
  # Three labels of 63, one of 59 (or 60) and a last of 1: 253 (or 254).
  name253="${long63}.${long63}.${long63}.${long63:0:59}.b"
  name254="${long63}.${long63}.${long63}.${long63:0:60}.b"
  ((${#name253} == 253 && ${#name254} == 254)) || fail "fixture lengths"
  local -a cases=(
    "accepted fs-0123456789abcdef0.efs.us-east-1.amazonaws.com"
    "accepted fs-0123456789abcdef0.efs.us-east-1.amazonaws.com."
    "accepted fs-0705b30dbe1741990.efs.cn-north-1.amazonaws.com.cn"
    "accepted a.b"
    "accepted x1.example.com"
    "accepted ${long63}.example.com"
    "accepted ${name253}"
    "accepted ${name253}."
    "accepted 123.example.com"
    "refused ${name254}"
    "refused $(printf 'a%.0s' {1..64}).example.com"
    "refused localhost"
    "refused localhost."
    "refused 10.0.0.2"
    "refused a.b.123"
    "refused a..b.com"
    "refused .a.com"
    "refused a.com.."
    "refused -a.example.com"
    "refused a-.example.com"
    "refused a_b.example.com"
    "refused a.example.com;reboot"
    "refused $(printf 'caf\xc3\xa9.example.com')"
  )
  for case in "${cases[@]}"; do
    expected="${case%% *}"
    name="${case#* }"
    for script in resolv-fix efs-evidence diagnose; do
      actual="$(name_verdict "${script}" "${name}")"
      [[ "${actual}" == "${expected}" ]] || failures+="${script} ${actual} ${name}"$'\n'
    done
  done
  [[ -z "${failures}" ]] || fail "expected otherwise:"$'\n'"${failures}"
}

@test "one DNS-name rule, whatever the caller's locale" {
  # shellcheck source=hostscripts/hostlib.sh
  source "${LIBRARY}"
  LC_ALL=C.UTF-8 is_dns_name fs-0123456789abcdef0.efs.us-east-1.amazonaws.com
  ! LC_ALL=C.UTF-8 is_dns_name "$(printf 'caf\xc3\xa9.example.com')"
  ! LC_ALL=C.UTF-8 is_dns_name "$(printf '\xc3\xa9.example.com')"
}

@test "json_str: jq reads back exactly the text, control bytes, quotes and UTF-8 included" {
  # shellcheck source=hostscripts/hostlib.sh
  source "${LIBRARY}"
  local text decoded
  for text in "plain" 'a "quoted" \ back\slash' $'tab\there\nnew line\r' $'\x01\x1f\x7f' "$(printf 'caf\xc3\xa9 \xe2\x9c\x93')" ""; do
    decoded="$(json_str "${text}" | jq -j .)" || fail "jq cannot read $(json_str "${text}")"
    [[ "${decoded}" == "${text}" ]] || fail "round trip changed $(printf '%q' "${text}") into $(printf '%q' "${decoded}")"
  done
  # The same under a UTF-8 locale: the library reads bytes whatever the caller's.
  text="$(printf 'caf\xc3\xa9\x01')"
  [[ "$(LC_ALL=C.UTF-8 json_str "${text}" | jq -j .)" == "${text}" ]]
}

@test "json_quote: sets JSON_QUOTED, in the caller's shell, to a JSON string that jq reads back as the text" {
  # shellcheck source=hostscripts/hostlib.sh
  source "${LIBRARY}"
  local text
  for text in "plain" 'a "quoted" \ back\slash' $'tab\there\nnew line\r' $'\x01\x1f\x7f' "$(printf 'caf\xc3\xa9')" ""; do
    JSON_QUOTED="not set"
    json_quote "${text}"
    assert_equal "$(jq -j . <<<"${JSON_QUOTED}")" "${text}"
  done
}

@test "json_str: bytes that are not UTF-8 still make valid JSON, shown as \\xNN" {
  # shellcheck source=hostscripts/hostlib.sh
  source "${LIBRARY}"
  local out
  out="$(json_str "$(printf 'log \xff\xfe line')")"
  assert_equal "$(jq -r . <<<"${out}")" 'log \xff\xfe line'
}

@test "sourcing the library defines functions only: no output, no variable, no option changed" {
  run bash -c '
    before="$(set -o; shopt; declare -p | grep -v -E "^declare [-a-zA-Z]+ (BASH_[A-Z_]+|_|before)=")"
    source "$1" || exit 9
    after="$(set -o; shopt; declare -p | grep -v -E "^declare [-a-zA-Z]+ (BASH_[A-Z_]+|_|before)=")"
    [[ "${before}" == "${after}" ]] || { diff <(echo "${before}") <(echo "${after}"); exit 1; }
    declare -F | cut -d" " -f3' _ "${LIBRARY}"
  assert_success
  assert_output --partial json_str
  assert_output --partial is_dns_name
  assert_output --partial is_resolver_address
}

@test "a script without its library next to it: exit 4, one line on stderr, nothing changed" {
  local lonely="${BATS_TEST_TMPDIR}/lonely"
  mkdir -p "${lonely}"
  cp "${RESOLV_FIX}" "${lonely}/"
  local before
  before="$(tree_state "${ROOT}")"
  run --separate-stderr bash "${lonely}/resolv-fix.sh" fix --root "${ROOT}"
  assert_failure 4
  assert_equal "$(wc -l <<<"${stderr}")" 1
  assert_equal "$(tree_state "${ROOT}")" "${before}"
}

@test "the joined form runs on its own, as the safe capacity installs it, and acts as the source form" {
  local alone="${BATS_TEST_TMPDIR}/alone"
  mkdir -p "${alone}"
  "${JOIN}" "${RESOLV_FIX}" >"${alone}/resolv-fix.sh"
  run ! grep -F 'hostlib.sh" ||' "${alone}/resolv-fix.sh"
  run bash "${RESOLV_FIX}" check --root "${ROOT}" --json
  local expected="${output}"
  assert_failure 1
  run bash "${alone}/resolv-fix.sh" check --root "${ROOT}" --json
  assert_failure 1
  assert_equal "${output}" "${expected}"
}

@test "join-hostlib.sh: one source line at most, else exit 2" {
  local twice="${BATS_TEST_TMPDIR}/twice.sh"
  grep -xF -e 'source "$(dirname -- "${BASH_SOURCE[0]}")/hostlib.sh" || exit 4' "${RESOLV_FIX}" >"${twice}"
  cat "${twice}" "${twice}" >"${twice}.2"
  run --separate-stderr "${JOIN}" "${twice}.2" "${LIBRARY}"
  assert_failure 2
}

@test "the resolver rule: efs-evidence and diagnose refuse what resolv-fix refuses (exit 2)" {
  local bad
  for bad in 127.0.0.1 0.0.0.0 ::1 fe80::1 224.0.0.1 010.0.0.2 ::ffff:127.0.0.1 '1.2.3.4;id'; do
    run --separate-stderr bash "${EVIDENCE}" --resolv-fix "${RESOLV_FIX}" --root "${ROOT}" --resolver "${bad}"
    assert_failure 2
    run --separate-stderr "${DIAGNOSE}" --resolver "${bad}" --help
    assert_failure 2
    run --separate-stderr "${RESOLV_FIX}" check --root "${ROOT}" --resolver "${bad}"
    assert_failure 2
  done
}
