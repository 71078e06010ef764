#!/bin/bash
# Boot storm, mode (b): the same simulated PXE clients (bench/storm/bfstorm,
# one AF_PACKET socket in the client namespace) against every server on the
# same veth, in one run, one server after the other:
#   bootfarmd        bootfarmd on net_af_packet (DHCP + TFTP), --idle-us IDLE_US
#   bootfarmd-poll   the same, pure polling (--idle-us 0)
#   dnsmasq          dnsmasq, DHCP + --enable-tftp, on the kernel's veth end
#   kea+tftpd-hpa    kea-dhcp4 (DHCP) and in.tftpd (TFTP) as one stack
# Per server two storms with fresh clients each:
#   A. DHCP only: N clients do DORA (leases/s, server CPU per lease)
#   B. the boot: N clients do DORA, then TFTP of the NBP (IMAGE_KIB) and the
#      follow-up files (FOLLOW_KIB) with BLKSIZE, WINDOW, LOSS, RAMP
#      (boots/s, Gbit/s, DATA packets/s, time to boot, retransmissions,
#      failures, server CPU per GB; bootfarmd: cycles per DATA packet and
#      per DHCP exchange from its counters)
# Server CPU: a cpuacct cgroup holds each server's processes and everything
# they fork (in.tftpd forks per transfer). The generator runs on CPU 1, the
# servers on CPU 0.
#
# usage: bench/boot_storm.sh [VAR=VALUE...] [--scale N] [--loss P]   (root)
#   CLIENTS=1000 IMAGE_KIB=1024 FOLLOW_KIB="" (e.g. "8192 32768": kernel,
#   initrd) BLKSIZE=1468 WINDOW=8 LOSS=0 RAMP=0 TIMEOUT_MS=1000 RETRIES=8
#   MAX_S=300 (bound of each storm) IDLE_US=20 RING=8192 (af_packet frames)
#   ROUNDS=3 (the servers take turns; the table shows each one's median round)
#   SERVERS="bootfarmd bootfarmd-poll dnsmasq kea+tftpd-hpa"
#   --scale N: bootfarmd only, N clients, one round, af_packet rings of
#   32768 frames (8192 drop ACKs of 10000 clients), results in
#   boot_storm_scale.* (e.g. --scale 10000 --loss 0.01: every one must boot).
#   --clients N: CLIENTS=N.
#   --v6: IPv6 clients (bfstorm --v6): DHCPv6 Solicit/Advertise/Request/Reply
#   with an IA_NA and client architecture 7, then TFTP over IPv6 from the
#   leased address to the bootfile URL's tftp://[fd00:99::1]/nbp.bin
#   (BLKSIZE 1448 unless given); servers bootfarmd (fd00:99::1/64 on the
#   data path, a dhcp6: pool) and dnsmasq (the address on the veth,
#   dhcp-range and option6:bootfile-url, enable-tftp over IPv6), results in
#   boot_storm_v6.*; Kea is skipped (no kea-dhcp6 stack scripted here).
#   Exit 1 if any client of any storm did not boot.
# Output: bench/results/boot_storm.{md,csv,png} and boot_storm_series.csv
# (BF_BENCH_OUT), the table on stdout. Before each storm it waits (QUIET_MAX,
# 120 s) for CPU 1 to be idle and notes the rounds where it was not.
set -euo pipefail
BF_SRCDIR=${BF_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
BOOTFARMD=${BOOTFARMD:-$BF_SRCDIR/build/control/bootfarmd}
BFSTORM=${BFSTORM:-$(dirname "$BOOTFARMD")/../bench/storm/bfstorm}
export BOOTFARMD

BF_STORM_ARGS="$*"
CLIENTS=1000 IMAGE_KIB=1024 FOLLOW_KIB="" BLKSIZE=1468 WINDOW=8 LOSS=0 RAMP=0
TIMEOUT_MS=1000 RETRIES=8 MAX_S=300 IDLE_US=20 RING=8192 ROUNDS=3
SERVERS="bootfarmd bootfarmd-poll dnsmasq kea+tftpd-hpa"
NAME=boot_storm
SCALE=0 V6=0
while (($#)); do
	case $1 in
	--v6) V6=1 ;;
	--clients)
		CLIENTS=$2
		shift
		;;
	--scale)
		SCALE=1 CLIENTS=$2 SERVERS=bootfarmd NAME=boot_storm_scale ROUNDS=1 RING=32768
		shift
		;;
	--loss)
		LOSS=$2
		shift
		;;
	[A-Z_]*=*) declare "${1%%=*}=${1#*=}" ;;
	-h | --help)
		sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'
		exit 0
		;;
	*)
		echo "boot_storm.sh: unknown argument $1 (--help)" >&2
		exit 2
		;;
	esac
	shift
done
if ((V6)); then
	NAME=${NAME/boot_storm/boot_storm_v6}
	# 1500 - IPv6 (40) - UDP (8) - TFTP (4): blocks that never fragment
	[[ " $BF_STORM_ARGS" == *" BLKSIZE="* ]] || BLKSIZE=1448
	[[ " $BF_STORM_ARGS" == *" SERVERS="* ]] || SERVERS="bootfarmd dnsmasq"
	if [[ " $SERVERS " == *" kea+tftpd-hpa "* ]]; then
		if command -v kea-dhcp6 >/dev/null; then
			echo "boot_storm.sh: --v6: Kea skipped (a kea-dhcp6 + tftpd-hpa stack over IPv6 is not scripted)" >&2
		else
			echo "boot_storm.sh: --v6: Kea skipped (kea-dhcp6 is not installed: package kea-dhcp6-server)" >&2
		fi
		SERVERS=$(echo " $SERVERS " | sed 's/ kea+tftpd-hpa / /' | xargs)
	fi
fi
OUT=${BF_BENCH_OUT:-$BF_SRCDIR/bench/results}
mkdir -p "$OUT"

# shellcheck source=tests/lib/harness.sh
. "$BF_SRCDIR/tests/lib/harness.sh"
bf_init boot_storm
bf_require_tools ethtool taskset python3
[[ $SERVER == bootfarmd ]] || bf_die "compares servers itself (leave SERVER unset)"
[[ -x $BFSTORM ]] || bf_die "no bfstorm at $BFSTORM (ninja -C build)"
for s in $SERVERS; do
	case $s in
	dnsmasq) bf_require_tools dnsmasq ;;
	kea+tftpd-hpa) bf_require_tools kea-dhcp4 in.tftpd ;;
	esac
done
ulimit -n 65536 2>/dev/null || ulimit -n 16384 2>/dev/null || :

# One /16: the pool holds both storms' clients of every server.
BF_NET=10.77.0.0 BF_PREFIX=16 BF_NETMASK=255.255.0.0
BF_POOL_FIRST=10.77.1.1 BF_POOL_LAST=10.77.250.254
BF_LEASE=3600
S=$BF_SERVER_IP
BF_LCORES=0
# The af_packet port's rings (its "NIC rings"): the default 512 frames drop a
# burst of 1000 clients' ACKs or DISCOVERs before the worker sees them.
BF_VDEV_EXTRA=${BF_VDEV_EXTRA:-,framecnt=$RING}
# No log line per lease and per transfer, as dnsmasq runs here (quiet-dhcp, quiet-tftp).
BF_EAL_EXTRA="${BF_EAL_EXTRA:-} --log-level=bootfarm:notice"
BF_CONFIG_EXTRA="tftp:
  max_sessions: $((CLIENTS + 1024))
  max_window: 64
  timeout_ms: 1000
  retries: 8"
# IPv6: the server's address, a DHCPv6 pool for every storm's clients, and the
# efi rule (the clients' architecture 7) naming the NBP: tftp://[S6]/nbp.bin.
S6=fd00:99::1
if ((V6)); then
	BF_SERVER_IP6=$S6/64
	BF_BOOT_EFI=nbp.bin
	BF_CONFIG_EXTRA="$BF_CONFIG_EXTRA
dhcp6:
  subnets:
    - prefix: \"fd00:99::/64\"
      pools: [ \"fd00:99::1:0-fd00:99::ff:ffff\" ]"
fi

bf_topo_veth
# RPS=1: frames arriving at the client end are taken up by the kernel on CPU 1
# (where the generator runs) instead of in the sending server's system call on
# the server's CPU. Off by default: measured, the cross-CPU hand-off costs
# the sender more than it saves (bootfarmd-poll 1.19 instead of 1.70 Gbit/s).
if [[ ${RPS:-0} == 1 ]]; then
	ip netns exec "$BF_NS_C" sh -c "echo 2 >/sys/class/net/$BF_IF_C/queues/rx-0/rps_cpus" ||
		bf_log "no RPS on $BF_IF_C: the servers pay for the generator's receive path"
fi
bf_make_random "$BF_RUN/nbp.bin" $((IMAGE_KIB * 1024))
bf_image_file nbp.bin "$BF_RUN/nbp.bin"
BF_BOOT_BIOS=nbp.bin
FILES=(--file nbp.bin)
TOTAL_KIB=$IMAGE_KIB
k=0
for kib in $FOLLOW_KIB; do
	k=$((k + 1))
	bf_make_random "$BF_RUN/follow$k.bin" $((kib * 1024))
	bf_image_file "follow$k.bin" "$BF_RUN/follow$k.bin"
	FILES+=(--file "follow$k.bin")
	TOTAL_KIB=$((TOTAL_KIB + kib))
done
bf_log "$CLIENTS clients, NBP $IMAGE_KIB KiB${FOLLOW_KIB:+ + follow-ups $FOLLOW_KIB KiB}, blksize $BLKSIZE," \
	"window $WINDOW, loss $LOSS, ramp ${RAMP}s; servers: $SERVERS"

# ------------------------------------------------------------- helpers --
tree_pids() {
	local p=$1 c
	echo "$p"
	for c in $(pgrep -P "$p" 2>/dev/null); do
		tree_pids "$c"
	done
}
# Server CPU is measured with a cpuacct cgroup (v1) when there is one: each
# server's processes, and every process they fork (in.tftpd forks one per
# transfer and ignores SIGCHLD, so its children's time never reaches its own
# cutime), are charged to it, in ns. Removed at exit.
CG=""
CG_ROOT=/sys/fs/cgroup/cpuacct
if [[ ${USE_CGROUP:-1} == 1 && -w $CG_ROOT/cgroup.procs ]] && mkdir "$CG_ROOT/bfstorm-$$" 2>/dev/null; then
	CG=$CG_ROOT/bfstorm-$$
fi
cg_add() { # PID...: into the cgroup (threads and later children follow)
	local p
	[[ -n $CG ]] || return 0
	for p in "$@"; do
		echo "$p" >"$CG/cgroup.procs" 2>/dev/null || :
	done
}
# shellcheck disable=SC2317 # called from the EXIT trap
cg_cleanup() {
	local p
	[[ -n $CG && -d $CG ]] || return 0
	while read -r p; do
		echo "$p" >"$CG_ROOT/cgroup.procs" 2>/dev/null || :
	done <"$CG/cgroup.procs"
	rmdir "$CG" 2>/dev/null || :
}
trap 'rc=$?; cg_cleanup; (exit $rc); bf_cleanup' EXIT
CPU_METHOD="a cpuacct cgroup holding the server's processes and all they fork, read by the generator at the storm's first and last moment"
# server_cpu_s of a bfstorm JSON in ns; fails when it could not read the cgroup
json_cpu_ns() {
	python3 -c 'import json, sys
v = json.load(open(sys.argv[1])).get("server_cpu_s", -1)
sys.exit(1) if v < 0 else print(int(v * 1e9))' "$1"
}
[[ -n $CG ]] || CPU_METHOD="/proc: every thread's schedstat plus reaped children's utime+stime (in.tftpd's children are not reaped: low)"

# Without the cgroup: CPU time of the process trees in ns: "OWN CHILDREN", own = time on a CPU of
# every thread of every live process (schedstat, ns), children = what their
# reaped children used (utime+stime in clock ticks; in.tftpd forks one per
# transfer: a child's time shows in its parent once it has been reaped).
cpu_ticks() {
	local o=0 ch=0 p root t a
	if [[ -n $CG ]]; then # exact: every task that ever ran in the server's cgroup
		echo "$(cat "$CG/cpuacct.usage") 0"
		return
	fi
	for root in "$@"; do
		for p in $(tree_pids "$root"); do
			[[ -r /proc/$p/stat ]] || continue
			for t in /proc/"$p"/task/*/schedstat; do
				read -r a _ <"$t" 2>/dev/null && o=$((o + a))
			done
			a=$(sed 's/^.*) //' "/proc/$p/stat" | awk '{print $14 + $15}')
			ch=$((ch + a * 1000000000 / CLK_TCK))
		done
	done
	echo "$o $ch"
}
# CPU time between two samples taken right at a storm's start and end (the
# server's own threads: a polling server is charged for the storm's time
# only), plus the children reaped by a third, later sample.
cpu_delta() { # START END LATE (each "OWN CHILDREN")
	local -a s e l
	read -ra s <<<"$1"
	read -ra e <<<"$2"
	read -ra l <<<"$3"
	echo $((e[0] - s[0] + l[1] - s[1]))
}
CLK_TCK=$(getconf CLK_TCK)
jget() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }
ctr_at() { awk -v n="$2" '$1 == n { v = $2 } END { print v + 0 }' "$1"; }

# "rx_dropped tx_dropped" of a veth end (frames the kernel dropped there)
link_drops() {
	ip -n "$1" -s -j link show dev "$2" | python3 -c 'import json,sys
s = json.load(sys.stdin)[0]["stats64"]; print(s["rx"]["dropped"], s["tx"]["dropped"])'
}

# Other work on this machine skews every figure: before each storm wait (at
# most QUIET_MAX s) until CPU 1, the generator's, was at least 85 % idle for a
# second (CPU 0 is the server's: a polling bootfarmd keeps it busy).
cpu1_idle_pct() {
	local a b tot=0 i
	read -ra a < <(grep '^cpu1 ' /proc/stat)
	sleep 1
	read -ra b < <(grep '^cpu1 ' /proc/stat)
	for i in 1 2 3 4 5 6 7 8; do tot=$((tot + b[i] - a[i])); done
	echo $(((b[4] + b[5] - a[4] - a[5]) * 100 / (tot ? tot : 1)))
}
wait_quiet() {
	local end=$((SECONDS + ${QUIET_MAX:-120})) idle
	while :; do
		idle=$(cpu1_idle_pct)
		((idle >= 85)) && return 0
		if ((SECONDS >= end)); then
			bf_log "machine not quiet (CPU 1 $idle % idle): measuring anyway"
			echo "$1" >>"$BF_RUN/not_quiet"
			echo 1 >"$BF_RUN/quiet.$1"
			return 0
		fi
	done
}

SERVER_PIDS=()
start_peer() { # NAME: the kernel-socket servers on the S end of the veth
	# The kernel's neighbour table is shared by all namespaces (gc_thresh3,
	# 1024 entries by default): the previous server's clients must not fill it.
	ip -n "$BF_NS_S" neigh flush all 2>/dev/null || :
	ip -n "$BF_NS_S" addr add "$S/$BF_PREFIX" dev "$BF_IF_S"
	if ((V6)); then # IPv6 on the kernel's end of the veth for this server only
		ip netns exec "$BF_NS_S" sysctl -qw "net.ipv6.conf.$BF_IF_S.accept_dad=0" \
			"net.ipv6.conf.$BF_IF_S.disable_ipv6=0"
		ip -n "$BF_NS_S" -6 addr add "$S6/64" dev "$BF_IF_S" nodad
		# the clients check IPv6 checksums: a veth with tx offload leaves them unfilled
		ip netns exec "$BF_NS_S" ethtool -K "$BF_IF_S" tx off >/dev/null
	fi
	case $1 in
	dnsmasq)
		cat >"$BF_RUN/dnsmasq.conf" <<-EOF
		port=0
		interface=$BF_IF_S
		bind-interfaces
		user=root
		pid-file=
		leasefile-ro
		dhcp-authoritative
		no-ping
		quiet-dhcp
		quiet-tftp
		log-facility=$BF_RUN/dnsmasq.log
		dhcp-range=$BF_POOL_FIRST,$BF_POOL_LAST,$BF_NETMASK,$BF_LEASE
		dhcp-lease-max=100000
		dhcp-boot=nbp.bin,,$S
		enable-tftp
		tftp-root=$BF_TFTPROOT
		tftp-max=60000
		EOF
		if ((V6)); then # stateful DHCPv6 (no RA needed: the clients take IA_NA and the URL)
			cat >>"$BF_RUN/dnsmasq.conf" <<-EOF
			dhcp-range=fd00:99::1:0,fd00:99::ff:ffff,64,$BF_LEASE
			dhcp-option=option6:bootfile-url,tftp://[$S6]/nbp.bin
			EOF
		fi
		ip netns exec "$BF_NS_S" taskset -c 0 dnsmasq --conf-file="$BF_RUN/dnsmasq.conf" \
			--keep-in-foreground >"$BF_RUN/dnsmasq.out" 2>&1 &
		SERVER_PIDS=($!)
		bf_track "$!"
		cg_add "$!"
		bf_wait_for 10 bf_dnsmasq_ready || bf_die "dnsmasq not listening"
		if ((V6)); then
			bf_wait_for 10 bf_udp_listening 547 || { cat "$BF_RUN/dnsmasq.out"; bf_die "dnsmasq not listening on 547"; }
		fi
		;;
	kea+tftpd-hpa)
		cat >"$BF_RUN/kea.json" <<-EOF
		{ "Dhcp4": {
		  "interfaces-config": { "interfaces": [ "$BF_IF_S" ], "dhcp-socket-type": "raw" },
		  "lease-database": { "type": "memfile", "persist": false, "lfc-interval": 0 },
		  "valid-lifetime": $BF_LEASE,
		  "authoritative": true,
		  "subnet4": [ { "id": 1, "subnet": "$BF_NET/$BF_PREFIX",
		    "pools": [ { "pool": "$BF_POOL_FIRST - $BF_POOL_LAST" } ],
		    "next-server": "$S", "boot-file-name": "nbp.bin" } ],
		  "loggers": [ { "name": "kea-dhcp4", "severity": "WARN",
		    "output_options": [ { "output": "$BF_RUN/kea.log" } ] } ]
		} }
		EOF
		mkdir -p "$BF_RUN/kea"
		KEA_PIDFILE_DIR=$BF_RUN/kea KEA_LOCKFILE_DIR=$BF_RUN/kea \
			ip netns exec "$BF_NS_S" taskset -c 0 kea-dhcp4 -c "$BF_RUN/kea.json" \
			>"$BF_RUN/kea.out" 2>&1 &
		SERVER_PIDS=($!)
		bf_track "$!"
		cg_add "$!"
		ip netns exec "$BF_NS_S" taskset -c 0 in.tftpd -L -s -u root -a "$S:69" \
			"$BF_TFTPROOT" >"$BF_RUN/tftpd.out" 2>&1 &
		SERVER_PIDS+=($!)
		bf_track "$!"
		cg_add "$!"
		bf_wait_for 10 bf_dnsmasq_ready || {
			cat "$BF_RUN/kea.out" "$BF_RUN/tftpd.out"
			bf_die "kea-dhcp4 / in.tftpd not listening"
		}
		;;
	esac
}

stop_peer() {
	local p
	for p in "${SERVER_PIDS[@]}"; do
		bf_kill_pid "$p"
	done
	SERVER_PIDS=()
	ip -n "$BF_NS_S" addr del "$S/$BF_PREFIX" dev "$BF_IF_S" 2>/dev/null || :
	if ((V6)); then # bootfarmd's af_packet port needs a kernel end that stays silent
		ip -n "$BF_NS_S" -6 addr del "$S6/64" dev "$BF_IF_S" 2>/dev/null || :
		bf_no_ipv6 "$BF_NS_S" "$BF_IF_S"
	fi
	ip -n "$BF_NS_S" neigh flush all 2>/dev/null || :
}

# storm LABEL MACBASE [bfstorm args...]: one bounded bfstorm run in C on CPU 1.
storm() {
	local label=$1 mac=$2 rc=0
	shift 2
	((V6)) && set -- --v6 "$@"
	# The generator reads the server's cgroup at the storm's first and last
	# moment (fd 9: the netns hides /sys/fs/cgroup), so the server is charged
	# for the storm alone: not for the generator's start, nor its dally.
	local cg=/dev/null
	[[ -n $CG ]] && { cg=$CG/cpuacct.usage; set -- --server-cpu /proc/self/fd/9 "$@"; }
	timeout $((${MAX_S%.*} + 30)) ip netns exec "$BF_NS_C" taskset -c 1 "$BFSTORM" \
		--iface "$BF_IF_C" --clients "$CLIENTS" --mac-base "$mac" --timeout-ms "$TIMEOUT_MS" \
		--retries "$RETRIES" --max-seconds "$MAX_S" --ramp "$RAMP" --progress --json "$@" \
		>"$BF_RUN/$label.json" 9<"$cg" || rc=$?
	[[ -s $BF_RUN/$label.json ]] || bf_die "bfstorm $label: no result (exit $rc)"
	echo "$rc" >"$BF_RUN/$label.rc"
}

CSV=$OUT/$NAME.csv SERIES=$OUT/${NAME}_series.csv
echo "server,round,clients,total_kib,blksize,window,loss,booted,failed,elapsed_s,boots_s,gbit_s,data_pkts_s,ttb_p50_ms,ttb_p99_ms,ttb_max_ms,client_retx,server_dups,leases,leases_s,dhcp_failed,cpu_boot_s,cpu_dhcp_s,cpu_s_per_gb,cpu_ms_per_lease,cycles_per_data,cycles_per_dhcp,quiet" >"$CSV"
echo "server,round,t_s,data_pkts_s,gbit_s,booted" >"$SERIES"
n=0
for round in $(seq 1 "$ROUNDS"); do
for srv in $SERVERS; do
	n=$((n + 1))
	L=$srv-r$round
	: >"$BF_RUN/quiet.$L"
	# fresh MACs per server and storm: 02:5a:NN:.. DHCP only, 02:5b:NN:.. the boot
	macA=$(printf '02:5a:%02x:00:00:00' "$n") macB=$(printf '02:5b:%02x:00:00:00' "$n")
	bf_log "=== $srv, round $round of $ROUNDS"
	case $srv in
	bootfarmd | bootfarmd-poll)
		if [[ $srv == bootfarmd ]]; then BF_IDLE_US=$IDLE_US; else BF_IDLE_US=0; fi
		bf_server_start
		SERVER_PIDS=("$BF_SERVER_PID")
		cg_add "$BF_SERVER_PID"
		;;
	*) start_peer "$srv" ;;
	esac
	sleep 1
	[[ $srv == bootfarmd* ]] && { bf_stats_settle || :; bf_stats_snapshot "$BF_RUN/s0"; }
	wait_quiet "$L"
	c0=$(cpu_ticks "${SERVER_PIDS[@]}")
	bf_log "$srv: A. DHCP only, $CLIENTS clients"
	storm "$L-A" "$macA" --dhcp-only --seed $((n * 2))
	c1=$(cpu_ticks "${SERVER_PIDS[@]}")
	sleep 0.5
	c1l=$(cpu_ticks "${SERVER_PIDS[@]}")
	[[ $srv == bootfarmd* ]] && { bf_stats_settle || :; bf_stats_snapshot "$BF_RUN/s1"; }
	bf_log "$srv: B. boot, $CLIENTS clients: DORA + TFTP ${TOTAL_KIB} KiB"
	wait_quiet "$L"
	ds0=$(link_drops "$BF_NS_S" "$BF_IF_S") dc0=$(link_drops "$BF_NS_C" "$BF_IF_C")
	c2s=$(cpu_ticks "${SERVER_PIDS[@]}")
	storm "$L-B" "$macB" "${FILES[@]}" --blksize "$BLKSIZE" --window "$WINDOW" --loss "$LOSS" \
		--series "$BF_RUN/$L.series" --series-ms 100 --seed $((n * 2 + 1))
	c2=$(cpu_ticks "${SERVER_PIDS[@]}")
	bf_log "$srv: veth drops (rx tx) during the boot: server end $ds0 -> $(link_drops "$BF_NS_S" "$BF_IF_S")," \
		"client end $dc0 -> $(link_drops "$BF_NS_C" "$BF_IF_C"); bfstorm socket drops" \
		"$(jget "$BF_RUN/$L-B.json" rx_sock_drops)"
	sleep 1.5 # transfers' last ACKs, forked tftpd children exit and are reaped
	c2l=$(cpu_ticks "${SERVER_PIDS[@]}")
	cpuA=$(cpu_delta "$c0" "$c1" "$c1l")
	cpuB=$(cpu_delta "$c2s" "$c2" "$c2l")
	if [[ -n $CG ]]; then # the generator's reading, storm time only
		v=$(json_cpu_ns "$BF_RUN/$L-A.json") && cpuA=$v
		v=$(json_cpu_ns "$BF_RUN/$L-B.json") && cpuB=$v
	fi
	cyc_data="" cyc_dhcp=""
	if [[ $srv == bootfarmd* ]]; then
		bf_stats_settle || :
		bf_stats_snapshot "$BF_RUN/s2"
		cyc_data=$(awk -v a="$(ctr_at "$BF_RUN/s1" cycles_worker_busy)" -v b="$(ctr_at "$BF_RUN/s2" cycles_worker_busy)" \
			-v p="$(ctr_at "$BF_RUN/s1" tftp_data_tx)" -v q="$(ctr_at "$BF_RUN/s2" tftp_data_tx)" \
			'BEGIN { if (q > p && b > a) printf "%.0f", (b - a) / (q - p) }')
		ack=dhcp4_ack
		((V6)) && ack=dhcp6_reply
		cyc_dhcp=$(awk -v a="$(ctr_at "$BF_RUN/s0" cycles_ctl_busy)" -v b="$(ctr_at "$BF_RUN/s1" cycles_ctl_busy)" \
			-v p="$(ctr_at "$BF_RUN/s0" $ack)" -v q="$(ctr_at "$BF_RUN/s1" $ack)" \
			'BEGIN { if (q > p && b > a) printf "%.0f", (b - a) / (q - p) }')
		grep -E '^(drop_|tftp_(timeout_abort|session_full|source_limit|data_retx))' "$BF_RUN/s2" |
			awk '$2 > 0' | sed "s/^/  $srv counter: /" || :
		bf_server_stop
	else
		stop_peer
	fi
	A=$BF_RUN/$L-A.json B=$BF_RUN/$L-B.json
	quiet=1
	[[ -s $BF_RUN/quiet.$L ]] && quiet=0
	python3 - "$A" "$B" "$srv,$round" 0 "$cpuA" "$((cpuA + cpuB))" 1000000000 "$CLIENTS" "$TOTAL_KIB" "$BLKSIZE" "$WINDOW" \
		"$LOSS" "$cyc_data" "$cyc_dhcp" "$quiet" >>"$CSV" <<-'EOF'
	import json, sys
	a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
	srv, c0, c1, c2, tck = sys.argv[3], *map(int, sys.argv[4:7]), int(sys.argv[7])
	cpu_dhcp, cpu_boot = (c1 - c0) / tck, (c2 - c1) / tck
	gb = b["data_bytes"] / 1e9
	row = [srv, sys.argv[8], sys.argv[9], sys.argv[10], sys.argv[11], sys.argv[12],
	       b["booted"], b["failed"] + b["unfinished"], "%.3f" % b["elapsed_s"], "%.2f" % b["boots_per_s"],
	       "%.3f" % b["gbit_s"], "%.0f" % b["data_pkts_per_s"], "%.1f" % b["ttb_p50_ms"],
	       "%.1f" % b["ttb_p99_ms"], "%.1f" % b["ttb_max_ms"], b["client_retx"], b["server_dups"],
	       a["dhcp_done"], "%.1f" % (a["dhcp_done"] / a["elapsed_s"] if a["elapsed_s"] else 0),
	       a["failed"] + a["unfinished"], "%.2f" % cpu_boot, "%.2f" % cpu_dhcp,
	       "%.2f" % (cpu_boot / gb if gb else 0),
	       "%.3f" % (cpu_dhcp * 1000 / a["dhcp_done"] if a["dhcp_done"] else 0),
	       sys.argv[13], sys.argv[14], sys.argv[15]]
	print(",".join(map(str, row)))
	EOF
	awk -F, -v s="$srv,$round" 'NR > 1 { print s "," $1 "," $2 "," $3 "," $4 }' "$BF_RUN/$L.series" >>"$SERIES"
	tail -n 1 "$CSV" | sed 's/^/  result: /'
done
done

# ---------------------------------------------------------------- report --
MD=$OUT/$NAME.md
{
	if ((SCALE)); then
		echo "Boot storm at scale: $CLIENTS simulated PXE clients against bootfarmd, loss $LOSS each way."
	else
		echo "Boot storm: the same $CLIENTS simulated PXE clients against each server on the same veth, one run."
	fi
	if ((V6)); then
		echo "IPv6: each client does DHCPv6 Solicit/Advertise/Request/Reply (IA_NA, client architecture 7)"
		echo "instead of DORA, answers Neighbor Solicitations for its addresses, and fetches the bootfile"
		echo "URL's tftp://[$S6]/nbp.bin over TFTP/IPv6; leases = DHCPv6 Replies (bootfarmd: cycles per"
		echo "DHCP = cycles_ctl_busy / dhcp6_reply)."
	fi
	echo "Each client: DORA, then TFTP of a ${TOTAL_KIB} KiB boot (NBP ${IMAGE_KIB} KiB${FOLLOW_KIB:+, follow-ups $FOLLOW_KIB KiB}),"
	echo "blksize $BLKSIZE, windowsize $WINDOW asked for, ${LOSS} of the frames dropped each way, starts ramped over ${RAMP} s,"
	echo "client timeout ${TIMEOUT_MS} ms, $RETRIES retries. $(nproc) cores, $(uname -r), $(date -u +%Y-%m-%d);"
	echo "generator (bench/storm/bfstorm, AF_PACKET) on CPU 1, server on CPU 0."
	echo "Command: \`bench/boot_storm.sh${BF_STORM_ARGS:+ $BF_STORM_ARGS}\`"
	echo
	if ((ROUNDS > 1)); then
		echo "Median of $ROUNDS rounds per server (the round with the median boots/s; the servers take"
		echo "turns, so a disturbance hits one round, not one server); \"boots/s range\" spans all rounds."
		echo
	fi
	python3 - "$CSV" "$SERVERS" "$BF_RUN/median" <<-'EOF'
	import csv, sys
	rows = list(csv.DictReader(open(sys.argv[1])))
	cols = ["booted", "failed", "boots_s", "gbit_s", "data_pkts_s", "ttb_p50_ms", "ttb_p99_ms",
	        "ttb_max_ms", "client_retx", "server_dups", "leases_s", "cpu_boot_s", "cpu_s_per_gb",
	        "cpu_ms_per_lease", "cycles_per_data", "cycles_per_dhcp"]
	print("| server | booted | failed | boots/s | Gbit/s | DATA pkts/s | ttb p50 ms | ttb p99 ms | ttb max ms"
	      " | client retx | server dup DATA | leases/s | server CPU s (boot) | CPU s per GB | CPU ms per lease"
	      " | cycles per DATA | cycles per DHCP | boots/s range | rounds disturbed |")
	print("|" + "---|" * 19)
	med = open(sys.argv[3], "w")
	for srv in sys.argv[2].split():
	    rs = sorted((r for r in rows if r["server"] == srv), key=lambda r: float(r["boots_s"]))
	    if not rs:
	        continue
	    m = rs[(len(rs) - 1) // 2]
	    med.write("%s %s\n" % (srv, m["round"]))
	    rng = "%s - %s" % (rs[0]["boots_s"], rs[-1]["boots_s"])
	    bad = sum(1 for r in rs if r["quiet"] == "0")
	    print("| %s | %s | %s | %d of %d |" % (srv, " | ".join(m[c] or "-" for c in cols), rng, bad, len(rs)))
	EOF
	echo
	echo "Columns: boots/s = clients booted / storm time (first DISCOVER to last boot); Gbit/s and DATA"
	echo "pkts/s = TFTP payload delivered (first copy of each block) / storm time; ttb = time to boot"
	echo "of one client (DISCOVER to last block); client retx = DHCP/ARP/RRQ/ACK sent again on"
	echo "timeout; server dup DATA = blocks received again. leases/s and CPU ms per lease from a"
	echo "separate DHCP-only storm of $CLIENTS fresh clients; CPU s per GB = server CPU during the"
	echo "boot storm / payload GB delivered; server CPU from $CPU_METHOD."
	echo "cycles per DATA = bootfarmd's cycles_worker_busy / tftp_data_tx (boot storm); cycles per"
	echo "DHCP = cycles_ctl_busy / dhcp4_ack (DHCP-only storm), from its stats file."
	echo "bootfarmd polls: pure polling (bootfarmd-poll, --idle-us 0) burns its core whatever the load,"
	echo "so its CPU figures are wall time; bootfarmd with --idle-us $IDLE_US sleeps when a worker has"
	echo "had nothing to do for a while, which gives the CPU it actually needs."
	echo "bootfarmd's af_packet port has rings of $RING frames (its \"NIC rings\"; the default 512"
	echo "drops a 1000-client burst of ACKs or DISCOVERs before the worker sees it); the kernel"
	echo "servers read sockets with the kernel's default buffers. All servers keep leases in memory"
	echo "and log no line per lease or transfer (dnsmasq quiet-dhcp/quiet-tftp, bootfarmd --log-level=bootfarm:notice)."
	echo "A storm that starts all clients at once makes a server that drops part of the first burst"
	echo "wait for the clients' first retransmission (1 s, then doubling): leases/s then mostly"
	echo "measures that timeout (1000 leases in about 1.25 s is 800/s)."
	echo "Payload rate is bounded by the veth: every frame costs a kernel transmit on the sender's"
	echo "CPU (bootfarmd's af_packet send included), which the servers' CPU figures contain."
	if [[ -s $BF_RUN/not_quiet ]]; then
		echo
		echo "Caution: other processes kept CPU 1 busy (> 15 %) before the storms of:" \
			"$(sort -u "$BF_RUN/not_quiet" | tr '\n' ' ')(this machine is shared; those rounds may be low)."
	fi
} >"$MD"

if command -v gnuplot >/dev/null && [[ -s $SERIES ]]; then
	plots=""
	for srv in $SERVERS; do
		r=$(awk -v s="$srv" '$1 == s { print $2 }' "$BF_RUN/median")
		{ grep "^$srv,$r," "$SERIES" || :; } | cut -d, -f3- | tr ',' ' ' >"$BF_RUN/plot.$srv"
		[[ -s $BF_RUN/plot.$srv ]] || continue
		plots+="${plots:+, }\"$BF_RUN/plot.$srv\" using 1:3 with lines lw 2 title \"$srv\""
	done
	gnuplot <<-EOF
	set terminal pngcairo size 1000,520 noenhanced
	set output "$OUT/$NAME.png"
	set title "Boot storm$( ((ROUNDS > 1)) && echo " (median round of $ROUNDS)"): $CLIENTS clients, ${TOTAL_KIB} KiB each, blksize $BLKSIZE, window $WINDOW, loss $LOSS"
	set xlabel "seconds since the first DISCOVER"
	set ylabel "TFTP delivery (Gbit/s, 100 ms bins)"
	set grid
	set key top right
	set yrange [0:*]
	plot $plots
	EOF
	echo "" >>"$MD"
	echo "![delivery rate over time]($NAME.png)" >>"$MD"
fi
cat "$MD"
bf_log "results: $CSV $MD $OUT/$NAME.png $SERIES"

# Every client of every boot storm must have booted.
while IFS=, read -r srv round _ _ _ _ _ booted failed _; do
	bf_check_eq "$srv round $round: every client booted" "$CLIENTS 0" "$booted $failed"
done < <(tail -n +2 "$CSV")
bf_finish
