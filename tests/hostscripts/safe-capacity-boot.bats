#!/usr/bin/env bats
#
# Tests for hostscripts/safe-capacity-boot.sh on fixture roots. The boot
# script and the real hostscripts/resolv-fix.sh run for real on files under
# BATS_TEST_TMPDIR; only AWS (aws s3 cp, aws cloudwatch), dnf, logger and the
# service managers are fakes on a test-only PATH.

load test_helper
bats_require_minimum_version 1.5.0

BOOT="${HOSTSCRIPTS}/safe-capacity-boot.sh"
KEY="0123abcd.sh"
SAFE='ECS_INSTANCE_ATTRIBUTES={"dns.local-resolver":"none"}'
AT_RISK='ECS_INSTANCE_ATTRIBUTES={"dns.local-resolver":"at-risk"}'

setup() {
  common_setup
  fake_logger logger
  fake_logger dnf
  fake_aws
  CONF="${ROOT}/etc/resolv.conf"
  ECS_CONFIG="${ROOT}/etc/ecs/ecs.config"
  INSTALLED="${ROOT}/usr/local/sbin/ecs-dns-resolv-fix.sh"
  UNITS="${ROOT}/etc/systemd/system"
  mkdir -p "${ROOT}/etc/ecs" "${FAKE_S3}"
  printf 'ECS_CLUSTER=prod\nECS_ENABLE_TASK_IAM_ROLE=true\n' >"${ECS_CONFIG}"
  # The instances get resolv-fix.sh as its S3 asset: joined with hostlib.sh.
  RESOLV_FIX="$(joined_script resolv-fix.sh)"
  cp "${RESOLV_FIX}" "${FAKE_S3}/${KEY}"
  SHA="$(sha256sum <"${RESOLV_FIX}" | cut -d' ' -f1)"
}

# Writes a fake aws: "s3 cp URL DEST" copies FAKE_S3/<key>, "cloudwatch
# put-metric-data" succeeds; every call is logged to CALLS; FAKE_AWS_FAIL=1
# makes every call fail.
fake_aws() {
  FAKE_S3="${BATS_TEST_TMPDIR}/s3"
  export FAKE_S3
  cat >"${FAKEBIN}/aws" <<'FAKE'
#!/usr/bin/env bash
printf 'aws %s\n' "$*" >>"${CALLS}"
[[ -z "${FAKE_AWS_FAIL:-}" ]] || exit 1
case "$1 $2" in
  "s3 cp") src="${*: -2:1}"; cp "${FAKE_S3}/${src#s3://*/}" "${*: -1}" ;;
  "cloudwatch put-metric-data") ;;
  *) exit 1 ;;
esac
FAKE
  chmod +x "${FAKEBIN}/aws"
}

common() {
  printf '%s\n' --resolver 169.254.169.253 --cluster prod \
    --capacity-provider dns-safe-capacity --region us-east-1 --root "${ROOT}"
}

# Runs the install action with the given SHA-256.
install_with() {
  local args
  mapfile -t args < <(common)
  run "${BOOT}" install "${args[@]}" \
    --script-url "s3://cdk-hnb659fds-assets-111122223333-us-east-1/${KEY}" \
    --script-sha256 "$1"
}

# Runs an action that takes only the common options.
action() {
  local args
  mapfile -t args < <(common)
  run "${BOOT}" "$1" "${args[@]}"
}

# Prints the nameservers glibc reads (the first three), one per line.
first_three() {
  awk '$1 == "nameserver" { print $2 }' "${CONF}" | head -n 3
}

@test "--help documents every exit code" {
  run "${BOOT}" --help
  assert_success
  for code in 0 1 2 4; do
    assert_line --regexp "^  ${code}  "
  done
}

@test "install: loopback-only resolv.conf is fixed, checked, then marked safe" {
  printf 'nameserver 127.0.0.1\n' >"${CONF}"

  install_with "${SHA}"

  assert_success
  assert_equal "$(tail -n 1 "${ECS_CONFIG}")" "${SAFE}"
  assert_equal "$(head -n 2 "${ECS_CONFIG}")" $'ECS_CLUSTER=prod\nECS_ENABLE_TASK_IAM_ROLE=true'
  run first_three
  assert_line "169.254.169.253"
  cmp "${RESOLV_FIX}" "${INSTALLED}"
  [[ -x "${INSTALLED}" ]]
}

@test "install: the downloaded script is refused when its SHA-256 differs; marked at-risk" {
  printf 'nameserver 127.0.0.1\n' >"${CONF}"
  printf '\n# tampered\n' >>"${FAKE_S3}/${KEY}"
  local before
  before="$(tree_state "${ROOT}/etc/resolv.conf")"

  install_with "${SHA}"

  assert_failure 1
  assert_equal "$(tail -n 1 "${ECS_CONFIG}")" "${AT_RISK}"
  assert_file_not_exist "${INSTALLED}"
  assert_equal "$(tree_state "${ROOT}/etc/resolv.conf")" "${before}"
  assert_output --partial "dns.local-resolver=at-risk"
  grep -q "logger -p user.crit" "${CALLS}"
  [[ -z "$(find "${ROOT}/usr/local/sbin" -name 'ecs-dns-resolv-fix.sh.*')" ]]
}

@test "install: a failed download marks at-risk and still installs the units" {
  printf 'nameserver 127.0.0.1\n' >"${CONF}"
  export FAKE_AWS_FAIL=1

  install_with "${SHA}"

  assert_failure 1
  assert_equal "$(tail -n 1 "${ECS_CONFIG}")" "${AT_RISK}"
  assert_file_exist "${UNITS}/ecs-dns-safe-capacity-heartbeat.timer"
}

@test "install: without the aws CLI it installs awscli-2 with dnf first" {
  printf 'nameserver 127.0.0.1\n' >"${CONF}"
  mv "${FAKEBIN}/aws" "${BATS_TEST_TMPDIR}/aws"
  cat >"${FAKEBIN}/dnf" <<FAKE
#!/usr/bin/env bash
printf 'dnf %s\n' "\$*" >>"\${CALLS}"
mv "${BATS_TEST_TMPDIR}/aws" "${FAKEBIN}/aws"
FAKE
  PATH="${FAKEBIN}:/usr/bin:/bin"

  install_with "${SHA}"

  assert_success
  assert_equal "$(head -n 1 "${CALLS}")" "dnf install -y awscli-2"
  grep -q "^aws s3 cp --region us-east-1 " "${CALLS}"
}

@test "install: the boot unit runs before the ECS agent, not after cloud-final" {
  printf 'nameserver 169.254.169.253\n' >"${CONF}"

  install_with "${SHA}"

  assert_success
  local unit="${UNITS}/ecs-dns-safe-capacity-boot.service"
  grep -qx "Before=ecs.service" "${unit}"
  run grep -c "cloud-final" "${unit}"
  assert_output "0"
  grep -qx "ExecStart=/usr/local/sbin/ecs-dns-safe-capacity-boot.sh boot --resolver 169.254.169.253 --cluster prod --capacity-provider dns-safe-capacity --region us-east-1 --script-url s3://cdk-hnb659fds-assets-111122223333-us-east-1/${KEY} --script-sha256 ${SHA}" "${unit}"
  grep -qx "ExecStart=/usr/local/sbin/ecs-dns-safe-capacity-boot.sh heartbeat --resolver 169.254.169.253 --cluster prod --capacity-provider dns-safe-capacity --region us-east-1" \
    "${UNITS}/ecs-dns-safe-capacity-heartbeat.service"
  grep -qx "OnUnitActiveSec=1min" "${UNITS}/ecs-dns-safe-capacity-heartbeat.timer"
  # A root other than / enables nothing on the machine running the test.
  run grep -c "^systemctl" "${CALLS}"
  assert_output "0"
}

@test "install: systemd-analyze verify accepts the three units" {
  printf 'nameserver 169.254.169.253\n' >"${CONF}"
  install_with "${SHA}"
  assert_success
  # verify resolves the units' dependencies and ExecStart under the root.
  install -D -m 0755 "${BOOT}" "${ROOT}/usr/local/sbin/ecs-dns-safe-capacity-boot.sh"
  mkdir -p "${ROOT}/usr/lib/systemd"
  cp -r /usr/lib/systemd/system "${ROOT}/usr/lib/systemd/"

  run systemd-analyze verify --root="${ROOT}" \
    "${UNITS}/ecs-dns-safe-capacity-boot.service" \
    "${UNITS}/ecs-dns-safe-capacity-heartbeat.service" \
    "${UNITS}/ecs-dns-safe-capacity-heartbeat.timer"

  assert_success
  assert_output ""
}

@test "boot: when the check still fails after fix, the instance is marked at-risk" {
  # No resolv.conf at all: fix cannot work and check reports it.
  install -D -m 0755 "${RESOLV_FIX}" "${INSTALLED}"

  action boot

  assert_failure 1
  assert_equal "$(tail -n 1 "${ECS_CONFIG}")" "${AT_RISK}"
  run grep -c "dns.local-resolver" "${ECS_CONFIG}"
  assert_output "1"
}

@test "boot: without resolv-fix.sh installed the instance is marked at-risk" {
  printf 'nameserver 169.254.169.253\n' >"${CONF}"

  action boot

  assert_failure 1
  assert_equal "$(tail -n 1 "${ECS_CONFIG}")" "${AT_RISK}"
}

@test "boot: a second boot replaces the attribute line and keeps the first backup" {
  printf 'nameserver 127.0.0.1\n' >"${CONF}"
  install -D -m 0755 "${RESOLV_FIX}" "${INSTALLED}"
  local original
  original="$(cat "${ECS_CONFIG}")"
  printf '%s\n' "${AT_RISK}" >>"${ECS_CONFIG}"

  action boot
  assert_success
  action boot
  assert_success

  run grep -c "ECS_INSTANCE_ATTRIBUTES=" "${ECS_CONFIG}"
  assert_output "1"
  assert_equal "$(tail -n 1 "${ECS_CONFIG}")" "${SAFE}"
  assert_equal "$(cat "${ECS_CONFIG}.ecs-dns-remediation.bak")" "${original}"$'\n'"${AT_RISK}"
}

@test "boot: ecs.config without a final newline keeps its last line" {
  printf 'nameserver 169.254.169.253\n' >"${CONF}"
  install -D -m 0755 "${RESOLV_FIX}" "${INSTALLED}"
  printf 'ECS_CLUSTER=prod' >"${ECS_CONFIG}"

  action boot

  assert_success
  assert_equal "$(cat "${ECS_CONFIG}")" "ECS_CLUSTER=prod"$'\n'"${SAFE}"
}

@test "heartbeat: a safe, healthy instance puts SafeInstances 1 with its dimensions" {
  printf 'nameserver 127.0.0.1\nnameserver 169.254.169.253\n' >"${CONF}"
  install -D -m 0755 "${RESOLV_FIX}" "${INSTALLED}"
  printf '%s\n' "${SAFE}" >>"${ECS_CONFIG}"

  action heartbeat

  assert_success
  assert_equal "$(cat "${CALLS}")" "aws cloudwatch put-metric-data --region us-east-1 --namespace EcsDnsRemediation/SafeCapacity --metric-name SafeInstances --dimensions ClusterName=prod,CapacityProvider=dns-safe-capacity --value 1 --unit Count"
}

@test "heartbeat: a marked instance whose resolv.conf regressed puts 0" {
  printf 'nameserver 127.0.0.53\n' >"${CONF}"
  install -D -m 0755 "${RESOLV_FIX}" "${INSTALLED}"
  printf '%s\n' "${SAFE}" >>"${ECS_CONFIG}"

  action heartbeat

  assert_success
  grep -q -- "--value 0 --unit Count$" "${CALLS}"
}

@test "heartbeat: an instance marked at-risk puts 0 even when resolv.conf is healthy" {
  printf 'nameserver 169.254.169.253\n' >"${CONF}"
  install -D -m 0755 "${RESOLV_FIX}" "${INSTALLED}"
  printf '%s\n' "${AT_RISK}" >>"${ECS_CONFIG}"

  action heartbeat

  assert_success
  grep -q -- "--value 0 --unit Count$" "${CALLS}"
}

@test "heartbeat: a failed put exits 4" {
  printf 'nameserver 169.254.169.253\n' >"${CONF}"
  export FAKE_AWS_FAIL=1

  action heartbeat

  assert_failure 4
  assert_output --partial "cannot put EcsDnsRemediation/SafeCapacity SafeInstances"
}

@test "bad input: one line on stderr, exit 2, nothing changed, nothing called" {
  printf 'nameserver 127.0.0.1\n' >"${CONF}"
  local before
  before="$(tree_state "${ROOT}")"
  local bad
  for bad in "--region us-east-1;reboot" "--cluster a%20b" "--resolver 1.2.3.4'x" \
    "--capacity-provider" "--bogus 1" "--root relative/dir"; do
    # shellcheck disable=SC2086 # split on purpose: option and value
    run "${BOOT}" boot --resolver 169.254.169.253 --cluster prod \
      --capacity-provider dns-safe-capacity --region us-east-1 ${bad}
    assert_failure 2
    assert_equal "${#lines[@]}" 1
    assert_output --partial "safe-capacity-boot.sh: error:"
  done
  run "${BOOT}" install --resolver 169.254.169.253 --cluster prod \
    --capacity-provider dns-safe-capacity --region us-east-1 --root "${ROOT}" \
    --script-url "https://example.com/x" --script-sha256 "${SHA}"
  assert_failure 2
  run "${BOOT}" boot --resolver 169.254.169.253 --cluster prod \
    --capacity-provider dns-safe-capacity --region us-east-1 --root "${ROOT}" \
    --script-sha256 "${SHA}"
  assert_failure 2
  run "${BOOT}" reboot
  assert_failure 2
  assert_equal "$(tree_state "${ROOT}")" "${before}"
  assert_file_not_exist "${CALLS}"
}

# Prints the attributes the ECS agent would get, one "key=value" per line,
# sorted: ecs.config read as ecs-init reads it (each line trimmed, split at
# the first "=", the last line of a name wins), its ECS_INSTANCE_ATTRIBUTES
# parsed by node's JSON.parse (not the parser the script uses) into an
# object of strings. Fails if the line names a key twice.
agent_attributes() {
  node - "${ECS_CONFIG}" <<'JS'
const env = {};
for (const line of require("fs").readFileSync(process.argv[2], "utf8").trim().split("\n")) {
  const t = line.trim(), i = t.indexOf("=");
  if (i >= 0) env[t.slice(0, i)] = t.slice(i + 1);
}
const raw = env.ECS_INSTANCE_ATTRIBUTES, attributes = JSON.parse(raw);
if (attributes === null || typeof attributes !== "object" || Array.isArray(attributes)) throw new Error("not an object: " + raw);
const keys = Object.keys(attributes);
const mentions = keys.reduce((n, k) => n + raw.split(JSON.stringify(k)).length - 1, 0);
if (mentions !== keys.length) throw new Error("a key named twice: " + raw);
for (const k of keys.sort()) {
  if (typeof attributes[k] !== "string") throw new Error("not a string: " + k);
  console.log(k + "=" + attributes[k]);
}
JS
}

@test "boot: an existing ECS_INSTANCE_ATTRIBUTES line is merged with dns.local-resolver, not replaced" {
  printf 'nameserver 127.0.0.1\n' >"${CONF}"
  install -D -m 0755 "${RESOLV_FIX}" "${INSTALLED}"
  printf '%s\n' 'ECS_INSTANCE_ATTRIBUTES={"stack": "prod", "team":"a \"b\" \u00e9"}' >>"${ECS_CONFIG}"

  action boot
  assert_success
  run agent_attributes
  assert_success
  assert_output $'dns.local-resolver=none\nstack=prod\nteam=a "b" é'

  # The next boot finds its own member and replaces it, whatever the verdict.
  printf 'nameserver 127.0.0.53\n' >"${CONF}"
  chmod -x "${INSTALLED}"
  action boot
  assert_failure 1
  run agent_attributes
  assert_output $'dns.local-resolver=at-risk\nstack=prod\nteam=a "b" é'
  run grep -c "ECS_INSTANCE_ATTRIBUTES=" "${ECS_CONFIG}"
  assert_output "1"
  assert_equal "$(head -n 2 "${ECS_CONFIG}")" $'ECS_CLUSTER=prod\nECS_ENABLE_TASK_IAM_ROLE=true'
}

@test "boot: the attribute line the agent reads is the one merged (indented, repeated, CRLF)" {
  printf 'nameserver 169.254.169.253\n' >"${CONF}"
  install -D -m 0755 "${RESOLV_FIX}" "${INSTALLED}"
  printf '%s\n' 'ECS_INSTANCE_ATTRIBUTES={"old":"ignored"}' \
    $'  ECS_INSTANCE_ATTRIBUTES={"dns.local-resolver":"at-risk","zone":"a"}\r' \
    'ECS_LOGLEVEL=info' >>"${ECS_CONFIG}"

  action boot

  assert_success
  run agent_attributes
  assert_output $'dns.local-resolver=none\nzone=a'
  assert_file_contains "${ECS_CONFIG}" '^ECS_LOGLEVEL=info$'
}

@test "boot: an ECS_INSTANCE_ATTRIBUTES value that is not a JSON object of strings is left alone, exit 4, one line on stderr" {
  printf 'nameserver 169.254.169.253\n' >"${CONF}"
  install -D -m 0755 "${RESOLV_FIX}" "${INSTALLED}"
  local bad before
  for bad in '{"stack":1}' '{"stack":"prod",}' '["a"]' '{"a":"b"} x' '{"a":"\x"}' 'stack=prod'; do
    printf 'ECS_CLUSTER=prod\nECS_INSTANCE_ATTRIBUTES=%s\n' "${bad}" >"${ECS_CONFIG}"
    before="$(tree_state "${ECS_CONFIG}")"
    local args
    mapfile -t args < <(common)
    run --separate-stderr "${BOOT}" boot "${args[@]}"
    assert_failure 4
    # shellcheck disable=SC2154 # set by bats' run --separate-stderr
    assert_equal "${#stderr_lines[@]}" 1
    assert_equal "$(tree_state "${ECS_CONFIG}")" "${before}"
  done
}

@test "heartbeat: a merged attribute line marked none counts as safe" {
  printf 'nameserver 127.0.0.1\nnameserver 169.254.169.253\n' >"${CONF}"
  install -D -m 0755 "${RESOLV_FIX}" "${INSTALLED}"
  printf '%s\n' 'ECS_INSTANCE_ATTRIBUTES={"stack":"prod","dns.local-resolver":"none"}' >>"${ECS_CONFIG}"

  action heartbeat

  assert_success
  grep -q -- "--value 1 --unit Count$" "${CALLS}"
}

# Runs the boot unit's ExecStart as systemd would at a later boot, with the
# fixture root added.
boot_unit_exec() {
  local line
  line="$(grep '^ExecStart=' "${UNITS}/ecs-dns-safe-capacity-boot.service")"
  local -a words
  read -r -a words <<<"${line#ExecStart=}"
  run "${BOOT}" "${words[@]:1}" --root "${ROOT}"
}

@test "a failed first fetch is retried at the next boot, which then marks the instance safe" {
  printf 'nameserver 127.0.0.1\n' >"${CONF}"
  export FAKE_AWS_FAIL=1
  install_with "${SHA}"
  assert_failure 1
  assert_file_not_exist "${INSTALLED}"
  unset FAKE_AWS_FAIL

  boot_unit_exec

  assert_success
  cmp "${RESOLV_FIX}" "${INSTALLED}"
  assert_equal "$(tail -n 1 "${ECS_CONFIG}")" "${SAFE}"
  run first_three
  assert_line "169.254.169.253"
}

@test "boot: an installed resolv-fix.sh is not fetched again; a missing one is" {
  printf 'nameserver 127.0.0.1\n' >"${CONF}"
  install_with "${SHA}"
  assert_success
  : >"${CALLS}"
  boot_unit_exec
  assert_success
  run grep -c "^aws s3 cp" "${CALLS}"
  assert_output "0"

  rm "${INSTALLED}"
  boot_unit_exec
  assert_success
  cmp "${RESOLV_FIX}" "${INSTALLED}"
  run grep -c "^aws s3 cp" "${CALLS}"
  assert_output "1"
}

@test "boot: a later fetch that fails again marks at-risk and keeps no partial file" {
  printf 'nameserver 127.0.0.1\n' >"${CONF}"
  export FAKE_AWS_FAIL=1
  install_with "${SHA}"
  assert_failure 1

  boot_unit_exec

  assert_failure 1
  assert_equal "$(tail -n 1 "${ECS_CONFIG}")" "${AT_RISK}"
  assert_file_not_exist "${INSTALLED}"
  [[ -z "$(find "${ROOT}/usr/local/sbin" -name 'ecs-dns-resolv-fix.sh.*')" ]]
}
