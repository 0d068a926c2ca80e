#!/usr/bin/env bash
#
# lib.sh: network-namespace lab for the ECS awsvpc + EFS + local resolver
# failure. Source it (as root), then call lab_up ... lab_down. Used by run.sh
# and by demo scripts.
#
# Topology (all inside namespaces the lab creates; the root namespace gets no
# address, route or link, and no lab packet is sent from it):
#
#   edr-vpc-ID   "VPC": 169.254.169.253 on lo, dnsmasq answering the EFS name
#      |  \
#      |   veth 10.99.2.1/30 <-> 10.99.2.2/30 eth0 (the task ENI)
#      |                                  edr-task-ID  "task network namespace"
#   veth 10.99.1.1/30 <-> 10.99.1.2/30 eth0
#   edr-inst-ID  "container instance": dnsmasq on 127.0.0.1 -> VPC resolver
#
# The container instance's files: LAB_DIR/etc is a copy of the host's /etc
# with the lab's resolv.conf (Amazon Linux 2 style, dnsmasq on 127.0.0.1) and
# dhclient.conf. Commands "on the container instance" run in a private mount
# namespace where LAB_DIR/etc is mounted on /etc (a directory, so an atomic
# rename into it shows through) and LAB_DIR/run-lock on /run/lock. The host's
# real /etc is never written.
#
# What the volume plugin does is reproduced exactly: mount namespace of the
# container instance kept, network namespace switched with
# nsenter --net=/run/netns/<task ns> (not "ip netns exec", which would
# bind-mount /etc/netns/<ns>/resolv.conf in a new mount namespace).
#
# Globals set by lab_up (read by the other functions):
#   LAB_ID LAB_DIR LAB_NS_VPC LAB_NS_INST LAB_NS_TASK
# Constants:
#   LAB_VPC_RESOLVER  169.254.169.253
#   LAB_EFS_NAME      fs-0123456789abcdef0.efs.us-east-1.amazonaws.com
#   LAB_EFS_ADDR      10.99.3.10 (an address only the lab's DNS knows)

LAB_VPC_RESOLVER="169.254.169.253"
LAB_EFS_NAME="fs-0123456789abcdef0.efs.us-east-1.amazonaws.com"
LAB_EFS_ADDR="10.99.3.10"
LAB_ID=""
LAB_DIR=""
LAB_NS_VPC=""
LAB_NS_INST=""
LAB_NS_TASK=""

#######################################
# Prints a progress line on stderr.
#######################################
lab_log() {
  printf '[lab %s] %s\n' "${LAB_ID:-?}" "$*" >&2
}

#######################################
# Prints an error on stderr and returns 1.
#######################################
lab_err() {
  printf '[lab %s] error: %s\n' "${LAB_ID:-?}" "$*" >&2
  return 1
}

#######################################
# Starts a dnsmasq inside a namespace, daemonised, with its pid file in
# LAB_DIR (lab_down kills it from there).
# Arguments: netns name, pid file name, dnsmasq options...
#######################################
lab_dnsmasq() {
  local ns="$1" pidname="$2"
  shift 2
  nsenter --net="/run/netns/${ns}" -- dnsmasq --conf-file=/dev/null --no-hosts \
    --no-resolv --bind-interfaces --user=root --group=root \
    --pid-file="${LAB_DIR}/${pidname}.pid" \
    --log-facility="${LAB_DIR}/${pidname}.log" "$@" \
    || lab_err "dnsmasq ${pidname} did not start"
}

#######################################
# (Re)starts the VPC resolver knowing the names listed in
# LAB_DIR/vpc-names ("name address" lines); every other name in
# efs.us-east-1.amazonaws.com is NXDOMAIN, as Route 53 answers for a file
# system without a mount target in the Availability Zone.
#######################################
lab_vpc_restart() {
  lab_kill_pidfile "${LAB_DIR}/vpc.pid"
  lab_kill_pidfile "${LAB_DIR}/vpc-silent.pid"
  local -a opts=(--listen-address="${LAB_VPC_RESOLVER}" --local=/efs.us-east-1.amazonaws.com/)
  local name addr
  while read -r name addr; do
    if [[ -n "${name}" ]]; then
      opts+=(--address="/${name}/${addr}")
    fi
  done <"${LAB_DIR}/vpc-names"
  lab_dnsmasq "${LAB_NS_VPC}" vpc "${opts[@]}"
}

#######################################
# Makes the VPC resolver know a name (the EFS mount target exists).
# Arguments: name, IPv4 address.
#######################################
lab_vpc_add_name() {
  printf '%s %s\n' "$1" "$2" >>"${LAB_DIR}/vpc-names"
  lab_vpc_restart
}

#######################################
# Makes the VPC resolver NOT know a name (no mount target in the AZ, DNS
# hostnames disabled, wrong file system id): it answers NXDOMAIN.
# Arguments: name.
#######################################
lab_vpc_forget_name() {
  local name addr tmp="${LAB_DIR}/vpc-names.new"
  : >"${tmp}"
  while read -r name addr; do
    if [[ "${name}" != "$1" ]]; then
      printf '%s %s\n' "${name}" "${addr}" >>"${tmp}"
    fi
  done <"${LAB_DIR}/vpc-names"
  mv -f "${tmp}" "${LAB_DIR}/vpc-names"
  lab_vpc_restart
}

#######################################
# Makes the VPC resolver silent: something receives every query on
# LAB_VPC_RESOLVER:53 and answers none (a resolver cut off by a network ACL,
# or overloaded). glibc gives up after its timeouts with EAI_AGAIN, the
# same answer as for a local resolver that does not listen: only an answer
# (NXDOMAIN) says a name does not exist. lab_vpc_restart makes it answer
# again.
#######################################
lab_vpc_silent() {
  lab_kill_pidfile "${LAB_DIR}/vpc.pid"
  local pidfile="${LAB_DIR}/vpc-silent.pid" i
  # The script is passed literally; its arguments come as @ARGV.
  # shellcheck disable=SC2016
  nsenter --net="/run/netns/${LAB_NS_VPC}" -- perl -MIO::Socket::INET -e '
    my ($addr, $pidfile) = @ARGV;
    my $s = IO::Socket::INET->new(LocalAddr => $addr, LocalPort => 53, Proto => "udp")
      or die "silent resolver: $!\n";
    open(my $p, ">", $pidfile) or die "$pidfile: $!\n";
    print $p "$$\n";
    close $p;
    while (defined $s->recv(my $query, 4096)) { }' "${LAB_VPC_RESOLVER}" "${pidfile}" </dev/null >/dev/null 2>&1 &
  for ((i = 0; i < 100; i++)); do
    [[ -s "${pidfile}" ]] && return 0
    sleep 0.05
  done
  lab_err "the silent resolver did not start"
}

#######################################
# Gives the VPC namespace the EFS mount target's address, LAB_EFS_ADDR, and,
# unless told otherwise, a stand-in for the mount target on port 2049 that
# answers "OK" to every connection (the lab has no NFS server: efs-proxy's
# connection is what the efs-proxy scenarios show). Without the listener a
# connection is refused, as when a security group blocks NFS.
# Arguments: "listen" or "refuse".
#######################################
lab_mount_target() {
  ip -n "${LAB_NS_VPC}" addr add "${LAB_EFS_ADDR}/32" dev lo || return 1
  [[ "$1" == listen ]] || return 0
  local pidfile="${LAB_DIR}/mount-target.pid" i
  # The script is passed literally; its arguments come as @ARGV.
  # shellcheck disable=SC2016
  nsenter --net="/run/netns/${LAB_NS_VPC}" -- perl -MIO::Socket::INET -e '
    my ($addr, $pidfile) = @ARGV;
    my $l = IO::Socket::INET->new(LocalAddr => $addr, LocalPort => 2049, Listen => 16, ReuseAddr => 1)
      or die "mount target stand-in: $!\n";
    open(my $p, ">", $pidfile) or die "$pidfile: $!\n";
    print $p "$$\n";
    close $p;
    while (my $c = $l->accept) { print $c "OK\n"; close $c; }' "${LAB_EFS_ADDR}" "${pidfile}" </dev/null >/dev/null 2>&1 &
  for ((i = 0; i < 100; i++)); do
    [[ -s "${pidfile}" ]] && return 0
    sleep 0.05
  done
  lab_err "the mount target stand-in did not start"
}

#######################################
# Mounts an EFS volume in a task network namespace as efs-utils 2.x does:
# a stand-in for efs-proxy, started with the container instance's /etc and
# the task's network namespace (nsenter --net, as mount.efs starts it),
# listens on 127.0.0.1:PORT there; when the mount connects, it resolves
# LAB_EFS_NAME with getaddrinfo and connects to it on port 2049, as efs-proxy
# does (src/proxy/src/connections.rs, PlainTextPartitionFinder). If either
# fails it resets the mount's connection. The mount (mount.nfs4 against
# 127.0.0.1) never resolves anything.
# Arguments: task netns name, port.
# Outputs: nothing when the mount got through, else the error mount.nfs4
# would print (strerror text, e.g. "Connection reset by peer"). The proxy's
# own log lines go to stderr.
#######################################
lab_efs_proxy_mount() {
  local ns="$1" port="$2" pidfile="${LAB_DIR}/efs-proxy-$1.pid" i
  # shellcheck disable=SC2016
  lab_view_exec "${LAB_DIR}/etc" "${ns}" perl -MIO::Socket::INET -MSocket=:all -e '
    my ($name, $port, $pidfile) = @ARGV;
    my $l = IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => $port, Listen => 1, ReuseAddr => 1)
      or die "efs-proxy stand-in: listen: $!\n";
    open(my $p, ">", $pidfile) or die "$pidfile: $!\n";
    print $p "$$\n";
    close $p;
    my $c = $l->accept or die "efs-proxy stand-in: accept: $!\n";
    my ($err, @res) = getaddrinfo($name, "2049", { socktype => SOCK_STREAM });
    my $up;
    if ($err) {
      print STDERR "efs-proxy stand-in: $name: failed to lookup address information: $err\n";
    } else {
      my (undef, $host) = getnameinfo($res[0]{addr}, NI_NUMERICHOST, NIx_NOSERV);
      $up = IO::Socket::INET->new(PeerAddr => $host, PeerPort => 2049, Timeout => 3)
        or print STDERR "efs-proxy stand-in: connect to $name ($host:2049): $!\n";
    }
    if ($up) {
      print $c scalar(<$up>);
    } else {
      setsockopt($c, SOL_SOCKET, SO_LINGER, pack("ii", 1, 0));
    }
    close $c;' "${LAB_EFS_NAME}" "${port}" "${pidfile}" </dev/null &
  for ((i = 0; i < 100; i++)); do
    [[ -s "${pidfile}" ]] && break
    sleep 0.05
  done
  # shellcheck disable=SC2016
  lab_view_exec "${LAB_DIR}/etc" "${ns}" perl -MIO::Socket::INET -e '
    my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1", PeerPort => $ARGV[0], Timeout => 5)
      or do { print "$!"; exit 0 };
    my $n = sysread($s, my $buf, 64);
    print defined($n) ? ($n > 0 ? "" : "Connection closed by the server") : "$!";' "${port}"
  # The stand-in serves one mount; it is gone unless the mount never reached it.
  lab_kill_pidfile "${pidfile}"
  wait
}

#######################################
# Returns 0 if process PID runs: it exists and is not a zombie. A daemon
# (dnsmasq) that exited stays a zombie until init reaps it, and kill -0
# still succeeds on a zombie; some inits (a container's) reap only every
# second or two. The state is the field after the command name, which may
# hold spaces, in /proc/PID/stat (proc(5)).
# Arguments: pid.
#######################################
lab_alive() {
  local stat
  stat="$(cat -- "/proc/$1/stat" 2>/dev/null)" || return 1
  stat="${stat##*) }"
  [[ -n "${stat}" && "${stat:0:1}" != Z ]]
}

#######################################
# Kills the process in a pid file if it is a lab process of this LAB_DIR
# (its command line names the pid file), then removes the pid file.
#######################################
lab_kill_pidfile() {
  local pidfile="$1" pid i
  [[ -f "${pidfile}" ]] || return 0
  pid="$(cat -- "${pidfile}" 2>/dev/null)"
  if [[ "${pid}" =~ ^[0-9]+$ ]] \
    && tr '\0' ' ' 2>/dev/null <"/proc/${pid}/cmdline" | grep -qF -- "${pidfile}"; then
    kill "${pid}" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do
      lab_alive "${pid}" || break
      sleep 0.05
    done
    if lab_alive "${pid}"; then
      kill -9 "${pid}" 2>/dev/null || true
    fi
  fi
  rm -f -- "${pidfile}"
}

#######################################
# Builds the lab. Names are unique per run (LAB_ID defaults to $$), so two
# labs or the remains of a crashed one never collide.
# Globals: sets LAB_*.
# Returns non-zero (after cleaning up what it made) on failure.
#######################################
lab_up() {
  [[ "${EUID}" -eq 0 ]] || lab_err "the lab needs root (network namespaces)" || return 1
  local tool
  for tool in ip nsenter unshare dnsmasq getent mount; do
    command -v "${tool}" >/dev/null || lab_err "missing ${tool}" || return 1
  done
  LAB_ID="${LAB_ID:-$$}"
  LAB_DIR="$(mktemp -d "/tmp/ecs-dns-lab.${LAB_ID}.XXXXXX")" || return 1
  LAB_NS_VPC="edr-vpc-${LAB_ID}"
  LAB_NS_INST="edr-inst-${LAB_ID}"
  LAB_NS_TASK="edr-task-${LAB_ID}"
  printf '%s\n' "${LAB_NS_VPC}" "${LAB_NS_INST}" "${LAB_NS_TASK}" >"${LAB_DIR}/namespaces"
  lab_log "building in ${LAB_DIR}"
  lab_build || { lab_down; return 1; }
}

#######################################
# The body of lab_up: namespaces, links, resolvers, files.
#######################################
lab_build() {
  local ns
  for ns in "${LAB_NS_VPC}" "${LAB_NS_INST}" "${LAB_NS_TASK}"; do
    ip netns add "${ns}" || return 1
    ip -n "${ns}" link set lo up || return 1
  done
  # Each veth is created inside the VPC namespace with its peer placed
  # straight into the other lab namespace: nothing ever exists in the root
  # namespace.
  ip -n "${LAB_NS_VPC}" link add v-inst type veth peer name eth0 netns "${LAB_NS_INST}" || return 1
  ip -n "${LAB_NS_VPC}" link add v-task type veth peer name eth0 netns "${LAB_NS_TASK}" || return 1
  ip -n "${LAB_NS_VPC}" addr add 10.99.1.1/30 dev v-inst || return 1
  ip -n "${LAB_NS_VPC}" addr add 10.99.2.1/30 dev v-task || return 1
  ip -n "${LAB_NS_VPC}" addr add "${LAB_VPC_RESOLVER}/32" dev lo || return 1
  ip -n "${LAB_NS_VPC}" link set v-inst up || return 1
  ip -n "${LAB_NS_VPC}" link set v-task up || return 1
  ip -n "${LAB_NS_INST}" addr add 10.99.1.2/30 dev eth0 || return 1
  ip -n "${LAB_NS_INST}" link set eth0 up || return 1
  ip -n "${LAB_NS_INST}" route add default via 10.99.1.1 || return 1
  ip -n "${LAB_NS_TASK}" addr add 10.99.2.2/30 dev eth0 || return 1
  ip -n "${LAB_NS_TASK}" link set eth0 up || return 1
  ip -n "${LAB_NS_TASK}" route add default via 10.99.2.1 || return 1

  # The container instance's /etc: a copy of the host's, with the lab's
  # resolver configuration.
  mkdir -p "${LAB_DIR}/etc" "${LAB_DIR}/etc-direct" "${LAB_DIR}/run-lock" || return 1
  cp -a /etc/. "${LAB_DIR}/etc/" 2>/dev/null
  [[ -f "${LAB_DIR}/etc/nsswitch.conf" ]] || lab_err "could not copy /etc" || return 1
  rm -f "${LAB_DIR}/etc/resolv.conf"
  printf '%s\n' 'options timeout:2 attempts:5' '; generated by /usr/sbin/dhclient-script' \
    'search ec2.internal' 'nameserver 127.0.0.1' >"${LAB_DIR}/etc/resolv.conf"
  mkdir -p "${LAB_DIR}/etc/dhcp"
  printf '%s\n' 'timeout 300;' 'supersede domain-name-servers 127.0.0.1;' \
    >"${LAB_DIR}/etc/dhcp/dhclient.conf"
  : >"${LAB_DIR}/etc/.ecs-dns-lab-${LAB_ID}"
  # The same /etc, with only the VPC resolver: the "direct" reference.
  cp -a "${LAB_DIR}/etc/." "${LAB_DIR}/etc-direct/"
  printf '%s\n' 'options timeout:2 attempts:5' "nameserver ${LAB_VPC_RESOLVER}" \
    >"${LAB_DIR}/etc-direct/resolv.conf"

  printf '%s %s\n' "${LAB_EFS_NAME}" "${LAB_EFS_ADDR}" >"${LAB_DIR}/vpc-names"
  lab_vpc_restart || return 1
  lab_dnsmasq "${LAB_NS_INST}" inst --listen-address=127.0.0.1 \
    --server="${LAB_VPC_RESOLVER}" || return 1
  lab_log "up: namespaces ${LAB_NS_VPC} ${LAB_NS_INST} ${LAB_NS_TASK}"
}

#######################################
# Removes every namespace, veth (with its namespace), process and file the
# lab made. Idempotent; safe from a trap on EXIT/INT/TERM, also half-built.
#######################################
lab_down() {
  [[ -n "${LAB_DIR}" && -d "${LAB_DIR}" ]] || return 0
  local f ns
  for f in "${LAB_DIR}"/*.pid; do
    if [[ -e "${f}" ]]; then
      lab_kill_pidfile "${f}"
    fi
  done
  if [[ -f "${LAB_DIR}/namespaces" ]]; then
    while read -r ns; do
      [[ "${ns}" == edr-*-"${LAB_ID}" ]] || continue
      if [[ -e "/run/netns/${ns}" ]] && ! ip netns del "${ns}" 2>/dev/null; then
        lab_err "could not delete netns ${ns}" || true
      fi
    done <"${LAB_DIR}/namespaces"
  fi
  rm -rf -- "${LAB_DIR}"
  lab_log "down: removed namespaces, dnsmasq processes and ${LAB_DIR}"
  LAB_DIR=""
}

#######################################
# Runs a command with an /etc directory mounted on /etc (private mount
# namespace) and inside a network namespace. Refuses to run if the lab's
# /etc is not what /etc shows, so it can never act on the host's files.
# Arguments: etc dir, netns name, command...
#######################################
lab_view_exec() {
  local etc="$1" ns="$2"
  shift 2
  # The script is passed literally; its arguments come as $1... .
  # shellcheck disable=SC2016
  unshare --mount --propagation private -- bash -c '
    set -u
    etc="$1" lock="$2" marker="$3" ns="$4"
    shift 4
    mount --bind "${etc}" /etc || exit 97
    mount --bind "${lock}" /run/lock || exit 97
    [[ -e "/etc/${marker}" ]] || { echo "lab: /etc is not the lab copy" >&2; exit 97; }
    exec nsenter --net="/run/netns/${ns}" -- "$@"' lab-view \
    "${etc}" "${LAB_DIR}/run-lock" ".ecs-dns-lab-${LAB_ID}" "${ns}" "$@"
}

#######################################
# Runs a command "on the container instance": its network namespace, its
# /etc (the lab's). E.g. lab_instance_exec bash hostscripts/resolv-fix.sh fix
#######################################
lab_instance_exec() {
  lab_view_exec "${LAB_DIR}/etc" "${LAB_NS_INST}" "$@"
}

#######################################
# Runs a command the way the ECS volume plugin runs mount.nfs4: the
# container instance's mount namespace (its /etc/resolv.conf), the task's
# network namespace.
#######################################
lab_task_exec() {
  lab_view_exec "${LAB_DIR}/etc" "${LAB_NS_TASK}" "$@"
}

#######################################
# Resolves a name from the task network namespace with getaddrinfo
# (getent ahosts), as mount.nfs4 started by the volume plugin would, COUNT
# times. With "direct", /etc/resolv.conf lists only the VPC resolver.
# Arguments: name, count (default 1), view (instance|direct, default
#   instance).
# Outputs: one line per lookup: "ok MS" or "fail MS" (milliseconds, 3
#   decimals, measured around getent only).
# Returns 0 if every lookup resolved.
#######################################
lab_task_resolve() {
  local name="$1" count="${2:-1}" view="${3:-instance}" etc="${LAB_DIR}/etc"
  if [[ "${view}" == direct ]]; then
    etc="${LAB_DIR}/etc-direct"
  fi
  # The loop runs inside the namespaces so that only getent is timed.
  # shellcheck disable=SC2016
  lab_view_exec "${etc}" "${LAB_NS_TASK}" bash -c '
    rc=0
    for ((i = 0; i < $2; i++)); do
      s=${EPOCHREALTIME/[.,]/}
      if getent ahosts "$1" >/dev/null 2>&1; then r=ok; else r=fail; rc=1; fi
      e=${EPOCHREALTIME/[.,]/}
      us=$((e - s))
      printf "%s %d.%03d\n" "${r}" $((us / 1000)) $((us % 1000))
    done
    exit "${rc}"' lookup "${name}" "${count}"
}

#######################################
# Prints the median of the millisecond column of lab_task_resolve output.
# Arguments: none; reads lines on stdin.
#######################################
lab_p50() {
  local -a ms=()
  mapfile -t ms < <(cut -d ' ' -f 2 | sort -g)
  local n=${#ms[@]}
  if ((n == 0)); then
    printf 'null'
    return 0
  fi
  if ((n % 2 == 1)); then
    printf '%s' "${ms[n / 2]}"
  else
    awk -v a="${ms[n / 2 - 1]}" -v b="${ms[n / 2]}" 'BEGIN { printf "%.3f", (a + b) / 2 }'
  fi
}

#######################################
# Sets the task namespace's loopback up or down.
# Arguments: up|down.
#######################################
lab_task_lo() {
  ip -n "${LAB_NS_TASK}" link set lo "$1"
}

#######################################
# Prints the sha256 of the host's real /etc/resolv.conf (and its link
# target), to prove the lab left it alone.
#######################################
lab_host_resolv_state() {
  {
    readlink /etc/resolv.conf
    sha256sum </etc/resolv.conf
  } 2>/dev/null
}
