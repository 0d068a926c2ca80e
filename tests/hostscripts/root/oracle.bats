#!/usr/bin/env bats
#
# Root suite: glibc itself is the judge of resolv-fix.sh. The oracle
# (tests/hostscripts/oracle/glibc-nameservers.c, compiled here with the
# system cc) calls res_ninit on a fixture bind-mounted over /etc/resolv.conf
# in a private mount namespace and prints the servers glibc uses. Every
# fixture and a seeded generated corpus go through both the script's check
# and the oracle, which must agree; after every fix, glibc lists the VPC
# resolver among its servers. Needs root; fails (never skips) without it.
#   ORACLE_SEED=N ORACLE_COUNT=N bats tests/hostscripts/root/oracle.bats

load ../test_helper

setup_file() {
  [[ "${EUID}" -eq 0 ]] || return 1
  ORACLE="${BATS_FILE_TMPDIR}/glibc-nameservers"
  cc -Wall -Wextra -Werror -O2 -o "${ORACLE}" \
    "${BATS_TEST_DIRNAME}/../oracle/glibc-nameservers.c"
  export ORACLE
}

setup() {
  [[ "${EUID}" -eq 0 ]] || fail "the root suite needs root (mount namespaces)"
  [[ -x "${ORACLE:-}" ]] || fail "the oracle did not compile (is cc installed?)"
  common_setup
  HOST_RESOLV="$(readlink /etc/resolv.conf; sha256sum </etc/resolv.conf)"
}

teardown() {
  if [[ -n "${SUMMARY_PID:-}" ]]; then
    local jq_input="${SUMMARY[1]}"
    exec {jq_input}>&-
    wait "${SUMMARY_PID}" || true
  fi
  assert_equal "$(readlink /etc/resolv.conf; sha256sum </etc/resolv.conf)" "${HOST_RESOLV}"
}

# Sets FIELDS to the verdict, "changed" and nameservers of the script's JSON summary line $1, read by jq: one jq
# per test, fed line by line, as jq's start costs more than a check and this runs hundreds of times. Each answer
# is framed by its length, so an answer of any size (or a line jq cannot read) never desynchronises the next.
summary_fields() {
  local line="$1" count i
  [[ "${line}" == '{'* ]] || fail "no JSON summary line: ${line}"
  if [[ -z "${SUMMARY_PID:-}" ]]; then
    coproc SUMMARY {
      exec jq --unbuffered -r \
        '(try ([.verdict, .changed] + .nameservers | map(tostring)) catch ["unreadable", "unreadable"]) | length, .[]' 3>&-
    }
  fi
  printf '%s\n' "${line}" >&"${SUMMARY[1]}"
  FIELDS=()
  if ! read -r count <&"${SUMMARY[0]}" || [[ ! "${count}" =~ ^[0-9]+$ ]]; then
    fail "jq did not read the summary: ${line}"
  fi
  for ((i = 0; i < count; i++)); do
    FIELDS+=("")
    IFS= read -r "FIELDS[i]" <&"${SUMMARY[0]}" || fail "jq stopped in the summary: ${line}"
  done
}

# Prints glibc's servers for resolv.conf file $1, one "ADDR loopback|remote"
# line each: the oracle bind-mounts it in a private mount namespace of its
# own and clears its environment (RES_OPTIONS, LOCALDOMAIN).
glibc_view() {
  "${ORACLE}" view "$1"
}

# Succeeds if the oracle's output $1 lists a server that is not a loopback address.
glibc_has_remote() {
  [[ $'\n'"$1"$'\n' == *' remote'$'\n'* ]]
}

# Runs check on a copy of resolv.conf file $1 and the oracle on the file;
# fails, showing both and the file's bytes, unless they agree on the
# servers (compared in glibc's canonical text) and on the verdict.
agree() {
  local file="$1" root="${BATS_TEST_TMPDIR}/agree" glibc json rc=0
  # check writes nothing, so one root serves every call of a test.
  [[ -d "${root}/etc" ]] || mkdir -p "${root}/etc"
  cp "${file}" "${root}/etc/resolv.conf"
  glibc="$(glibc_view "${file}")" || fail "oracle failed on $(od -c "${file}")"
  json="$("${RESOLV_FIX}" check --root "${root}" --json)" || rc=$?
  json="${json##*$'\n'}"
  local want_verdict=at-risk want_rc=1
  if glibc_has_remote "${glibc}"; then
    want_verdict=healthy
    want_rc=0
  fi
  summary_fields "${json}"
  local -a canon=() servers=()
  mapfile -t canon < <("${ORACLE}" canon "${FIELDS[@]:2}")
  mapfile -t servers <<<"${glibc}"
  local got="${canon[*]}" want="${servers[*]%% *}"
  if [[ "${got}" != "${want}" || "${FIELDS[0]}" != "${want_verdict}" || "${rc}" != "${want_rc}" ]]; then
    fail "$(printf 'script and glibc disagree\nfile:\n%s\nglibc: %s (%s)\nscript: %s (exit %s)\n%s' \
      "$(od -c "${file}")" "${want}" "${want_verdict}" "${got}" "${rc}" "${json}")"
  fi
}

# Runs fix on a copy of resolv.conf file $1 with resolver $2; fails unless
# it exits 0 and either left a file that glibc already found healthy
# byte-identical, or changed it so that glibc lists the resolver (within its
# first three, all it keeps); check and glibc must still agree afterwards.
fixed_has_resolver() {
  # A new root per call (fix leaves a backup and a lock file behind), numbered rather than emptied.
  local file="$1" resolver="$2" root="${BATS_TEST_TMPDIR}/fixed.$((++FIXED_ROOTS))" canon glibc
  mkdir -p "${root}/etc"
  cp "${file}" "${root}/etc/resolv.conf"
  run "${RESOLV_FIX}" fix --root "${root}" --resolver "${resolver}" --json
  [[ "${status}" -eq 0 ]] || fail "fix exited ${status} on $(od -c "${file}"): ${output}"
  glibc="$(glibc_view "${root}/etc/resolv.conf")"
  summary_fields "${output##*$'\n'}"
  if [[ "${FIELDS[1]}" == false ]]; then
    cmp -s "${file}" "${root}/etc/resolv.conf" || fail "fix changed a file it calls unchanged"
    glibc_has_remote "$(glibc_view "${file}")" \
      || fail "fix left an at-risk file unchanged: $(od -c "${file}")"
    return 0
  fi
  [[ "${FIELDS[1]}" == true ]] || fail "fix's summary has no \"changed\": ${output##*$'\n'}"
  canon="$("${ORACLE}" canon "${resolver}")"
  [[ $'\n'"${glibc}"$'\n' == *$'\n'"${canon} remote"$'\n'* ]] \
    || fail "$(printf 'after fix glibc uses\n%s\nnot %s; file:\n%s' "${glibc}" "${canon}" \
      "$(od -c "${root}/etc/resolv.conf")")"
  agree "${root}/etc/resolv.conf"
}

# Fixtures: the cases of the other suites and the hostile layouts (glued comments, tabs, CRLF, ...), as printf formats.
FIXTURES=(
  'nameserver 127.0.0.1\n'
  'nameserver 127.0.0.1\nnameserver 10.0.0.2\n'
  'nameserver 127.0.0.1\nnameserver 169.254.169.253#vpc\n'
  'nameserver 127.0.0.1\nnameserver 10.0.0.2;x\n'
  'nameserver 127.0.0.1\nnameserver 127.0.0.2\nnameserver ::1\nnameserver 169.254.169.253#vpc\n'
  'nameserver 127.0.0.1\nnameserver 127.0.0.2\nnameserver ::1\nnameserver 169.254.169.253\n'
  ''
  '# only a comment\n'
  '; only a comment'
  '\n\n\n'
  'nameserver 127.0.0.1\r\nnameserver 10.0.0.2\r\n'
  'nameserver 10.0.0.2\r\n'
  'search ec2.internal\r\nnameserver 127.0.0.1\nnameserver 10.0.0.2\r\n'
  ' nameserver 10.0.0.2\n#nameserver 10.0.0.2\n;nameserver 10.0.0.2\nnameserver bogus\nnameserver 127.0.0.1\n'
  'nameserver 127.0.0.1 # local\nnameserver\t10.0.0.2 ;vpc\n'
  'nameserver\t\t127.0.0.53\noptions edns0 trust-ad\nsearch .\n'
  'nameserver127.0.0.1\nNameserver 10.0.0.2\nnameserver 10.0.0.3\n'
  'nameserver 127.1\nnameserver 0x7f.1\nnameserver 017700000001\nnameserver 2130706433\n'
  'nameserver 0.0.0.0\nnameserver 0\nnameserver 10.1\n'
  'nameserver 01.2.3.4\nnameserver 08.1.1.1\nnameserver 0x\nnameserver 1.2.3.4.\n'
  'nameserver 1.2.3.256\nnameserver 4294967296\nnameserver 0x0000000001\n'
  'nameserver ::1\nnameserver ::\nnameserver ::ffff:127.0.0.1\nnameserver fd00:ec2::253\n'
  'nameserver ::1\nnameserver fe80::1%%eth0\nnameserver fd00::1%%\n'
  'nameserver 1::2:\nnameserver :1::2\nnameserver 1:2:3:4:5:6:7::\nnameserver 1::2:3:4:5:6:7\n'
  'nameserver 1:2:3:4:5:6:7:8:9\nnameserver 1::2::3\nnameserver ::ffff:01.2.3.4\nnameserver ::1.2.3.4\n'
  'nameserver 1.2.3.4%%1\nnameserver 127.0.0.1\v\nnameserver 127.0.0.1\f\n'
  'nameserver 127.0.0.1\nnameserver 127.0.0.2\nnameserver 127.0.0.3\nnameserver 10.0.0.2\n'
  'options timeout:2 attempts:5\n; generated by /usr/sbin/dhclient-script\nsearch ec2.internal\nnameserver 127.0.0.1\n'
  'nameserver 127.0.0.1\nnameserver 10.0.0.2'
  'nameserver \nnameserver\t\nnameserver\n'
)

@test "oracle: glibc drops a glued comment, a CRLF line and an empty file's servers" {
  local f="${BATS_TEST_TMPDIR}/f"
  printf 'nameserver 127.0.0.1\nnameserver 169.254.169.253#vpc\n' >"${f}"
  assert_equal "$(glibc_view "${f}")" "127.0.0.1 loopback"
  printf 'nameserver 10.0.0.2\r\n' >"${f}"
  assert_equal "$(glibc_view "${f}")" "127.0.0.1 loopback"
  : >"${f}"
  assert_equal "$(glibc_view "${f}")" "127.0.0.1 loopback"
  printf 'nameserver fd00::1%%eth9\nnameserver 10.1\n' >"${f}"
  assert_equal "$(glibc_view "${f}")" $'fd00::1 remote\n10.0.0.1 remote'
}

@test "check agrees with glibc on every fixture" {
  local f="${BATS_TEST_TMPDIR}/f" fixture
  for fixture in "${FIXTURES[@]}"; do
    # shellcheck disable=SC2059 # the format is the fixture
    printf "${fixture}" >"${f}"
    agree "${f}"
  done
}

@test "after fix glibc uses the VPC resolver, for every fixture (IPv4 and IPv6 resolver)" {
  local f="${BATS_TEST_TMPDIR}/f" fixture
  for fixture in "${FIXTURES[@]}"; do
    # shellcheck disable=SC2059 # the format is the fixture
    printf "${fixture}" >"${f}"
    fixed_has_resolver "${f}" 169.254.169.253
    fixed_has_resolver "${f}" fd00:ec2::253
  done
}

# Writes a random resolv.conf to $1 from the shell's seeded RANDOM: mixes of
# comments, glued comments, blanks, CRLF, IPv6, options and more than three
# servers.
random_conf() {
  local values=(127.0.0.1 127.0.0.53 ::1 10.0.0.2 169.254.169.253 '169.254.169.253#vpc'
    '10.0.0.2;x' 0x7f.1 127.1 fd00:ec2::253 'fe80::1%eth0' '::ffff:127.0.0.1' bogus 01.2.3.4
    08.1.1.1 0.0.0.0 '::ffff:10.0.0.2' 1.2.3 '' 'fd00:ec2::253#x')
  local count=$((RANDOM % 9)) i value line
  : >"$1"
  for ((i = 0; i < count; i++)); do
    value="${values[RANDOM % ${#values[@]}]}"
    case $((RANDOM % 12)) in
      0 | 1 | 2 | 3) line="nameserver ${value}" ;;
      4) line="nameserver	${value}" ;;
      5) line="nameserver ${value} # note" ;;
      6) line=" nameserver ${value}" ;;
      7) line="#nameserver ${value}" ;;
      8) line="options ndots:$((RANDOM % 5)) timeout:1" ;;
      9) line="search ec2.internal example.com" ;;
      10) line="" ;;
      *) line="; comment ${value}" ;;
    esac
    ((RANDOM % 6 != 0)) || line+=$'\r'
    printf '%s' "${line}" >>"$1"
    if ((i < count - 1 || RANDOM % 4 != 0)); then
      printf '\n' >>"$1"
    fi
  done
}

# Checks the seeded corpus's samples FROM to TO-1 (of ORACLE_COUNT, 100 by default): check agrees with glibc,
# and fix puts the resolver in glibc's view. The generator always starts from the seed, so a sample is the same
# whichever test checks it, and the corpus splits into tests that run side by side.
# Arguments: from, to.
corpus() {
  local from="$1" to="$2" f="${BATS_TEST_TMPDIR}/f" n
  RANDOM="${ORACLE_SEED:-20261129}"
  for ((n = 0; n < to; n++)); do
    random_conf "${f}"
    ((n >= from)) || continue
    agree "${f}"
    if ((n % 2 == 0)); then
      fixed_has_resolver "${f}" 169.254.169.253
    else
      fixed_has_resolver "${f}" fd00:ec2::253
    fi
  done
}

@test "check agrees with glibc on a seeded corpus, and fix always puts the resolver in glibc's view (first half)" {
  local count="${ORACLE_COUNT:-100}"
  corpus 0 $((count / 2))
}

@test "check agrees with glibc on a seeded corpus, and fix always puts the resolver in glibc's view (second half)" {
  local count="${ORACLE_COUNT:-100}"
  corpus $((count / 2)) "${count}"
}

@test "oracle: with no valid nameserver line, fix keeps glibc's 127.0.0.1 first and adds the resolver second" {
  local fixture root="${BATS_TEST_TMPDIR}/implicit"
  for fixture in '' '# comments only\n; and more\n' 'nameserver 127.0.0.1\r\nsearch x\r\n' 'search x'; do
    rm -rf "${root}"
    mkdir -p "${root}/etc"
    # shellcheck disable=SC2059 # the format is the fixture
    printf "${fixture}" >"${root}/etc/resolv.conf"
    assert_equal "$(glibc_view "${root}/etc/resolv.conf")" "127.0.0.1 loopback"
    run "${RESOLV_FIX}" fix --root "${root}"
    assert_success
    assert_equal "$(glibc_view "${root}/etc/resolv.conf")" $'127.0.0.1 loopback\n169.254.169.253 remote'
  done
}
