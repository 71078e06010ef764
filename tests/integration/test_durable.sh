#!/bin/bash
# Durable leases (dhcp4.lease_store): every lease bootfarmd acknowledged
# survives `kill -9` and comes back with a restart on the same store.
#  1. 100 raw clients (tests/lib/dhcp4load.py) bind in waves of 10; each
#     ACK is fsync'ed by the client to $BF_RUN/acked as it arrives (the
#     ground truth). The moment the 25th ACK arrives the client SIGKILLs the
#     server: the rest of that wave is in flight, so an ACK that left before
#     its lease was committed would be caught; later waves get no answer.
#     The server runs on a slow disk: a preloaded shim makes every
#     fsync/fdatasync/msync wait BF_SLOW_SYNC_US (20 ms, a real disk's
#     order) first. On this machine's disk a commit takes ~0.2 ms, less than
#     the client needs to see an ACK and send the kill, so without the shim
#     a server that sent ACKs before committing them passes too (tried).
#  2. Restart with the same configuration and store: the log and the
#     dhcp4_store_loaded counter account for at least every acknowledged
#     lease.
#  3. 20 new clients must not get any acknowledged address. This runs before
#     the verification on purpose: a server that forgot its leases would
#     ACK an INIT-REBOOT for a free address all the same (and so re-create
#     the lease), only a new client asking for "any address" shows the loss.
#  4. Every acknowledged client asks for its address again (INIT-REBOOT)
#     and gets that same address.
#  5. Group commit: 40 more clients in waves of 20 cost fewer commits (one
#     fsync each) than leases.
set -euo pipefail
BF_SRCDIR=${BF_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/harness.sh
. "$BF_SRCDIR/tests/lib/harness.sh"

bf_init test_durable
bf_require_tools python3 ethtool cc
[[ $SERVER == bootfarmd ]] || bf_skip "durable leases are bootfarmd's"

LOAD=$BF_SRCDIR/tests/lib/dhcp4load.py
KILL_AFTER=25		# mid-wave with waves of 10
# 120 addresses: 100 bind (about 30 before the kill) + 20 fresh + 40 more.
BF_POOL_FIRST=10.77.0.100
BF_POOL_LAST=10.77.0.219
BF_LEASE_STORE=$BF_RUN/leases
mkdir -p "$BF_LEASE_STORE"
ACKED=$BF_RUN/acked

# The slow disk: LMDB calls fdatasync (and fsync/msync in other modes)
# through the dynamic linker, so a preloaded library sees them.
BF_SLOW_SYNC_US=${BF_SLOW_SYNC_US:-20000}
SLOW=$BF_RUN/slowsync.so
cat >"$BF_RUN/slowsync.c" <<'EOF'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

static void slow(void)
{
	const char *e = getenv("BF_SLOW_SYNC_US");
	long us = e ? atol(e) : 0;
	struct timespec ts = {us / 1000000, (us % 1000000) * 1000};
	if (us > 0)
		nanosleep(&ts, NULL);
}

#define WRAP(ret, name, params, args)                                  \
	ret name params                                                \
	{                                                              \
		static ret(*real) params;                              \
		if (!real)                                             \
			real = (ret(*) params)dlsym(RTLD_NEXT, #name); \
		slow();                                                \
		return real args;                                      \
	}
WRAP(int, fsync, (int fd), (fd))
WRAP(int, fdatasync, (int fd), (fd))
WRAP(int, msync, (void *a, size_t n, int f), (a, n, f))
EOF
cc -shared -fPIC -O2 -o "$SLOW" "$BF_RUN/slowsync.c" -ldl || bf_die "cannot build the slow-sync shim"

# start_slow: bf_server_start with the shim preloaded (an ASan build must
# accept a library ahead of its runtime).
start_slow() {
	LD_PRELOAD=$SLOW BF_SLOW_SYNC_US=$BF_SLOW_SYNC_US \
		ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 bf_server_start
}

bf_topo_veth
start_slow
bf_log "slow disk: every sync of the server first waits $BF_SLOW_SYNC_US us"
SMAC=$(bf_mac_of "$BF_NS_S" "$BF_IF_S")

# load NAME MODE ARGS...: dhcp4load.py in C; its output goes to
# $BF_RUN/NAME.out (shown indented); returns its exit status.
load() {
	local name=$1 rc=0
	shift
	timeout 120 ip netns exec "$BF_NS_C" python3 "$LOAD" "$@" --iface "$BF_IF_C" \
		--server-mac "$SMAC" >"$BF_RUN/$name.out" 2>&1 || rc=$?
	sed "s/^/  [$name] /" "$BF_RUN/$name.out"
	return "$rc"
}

# summary NAME KEY: a number from NAME's "DHCPLOAD <mode> key=value" line.
summary() {
	sed -n "s/^DHCPLOAD [a-z]* .*\\b$2=\\([0-9]*\\).*/\\1/p" "$BF_RUN/$1.out" | tail -n1
}

lines() { if [[ -f $1 ]]; then wc -l <"$1"; else echo 0; fi; }

# A SIGKILLed child stays a zombie until reaped, and kill -0 succeeds on a
# zombie: look at its state instead.
running() {
	local st
	st=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) || return 1
	[[ -n $st && $st != Z ]]
}

# between LOW X HIGH: LOW < X < HIGH (integers).
# shellcheck disable=SC2317 # called through bf_check
between() { [[ $2 =~ ^[0-9]+$ ]] && (($1 < $2 && $2 < $3)); }

# ------------------------------------------------ 1. bind, kill -9 mid-wave --
bf_log "1. 100 clients bind in waves of 10; SIGKILL to $BF_SERVER_PID after ACK $KILL_AFTER"
pid1=$BF_SERVER_PID
rc=0
load bind1 bind --count 100 --mac-prefix 02:10:00 --wave 10 --out "$ACKED" \
	--timeout-ms 1000 --max-seconds 60 --kill-pid "$pid1" --kill-after "$KILL_AFTER" || rc=$?
bf_check_eq "bind under kill: load client exit status" 0 "$rc"
if running "$pid1"; then
	# Fewer ACKs than KILL_AFTER: kill it here so the rest still runs.
	bf_fail "server still alive after the load client (it never saw $KILL_AFTER ACKs)"
	kill -KILL "$pid1"
fi
st=0
wait "$pid1" 2>/dev/null || st=$?
BF_SERVER_STOPPED=1 # reaped: neither bf_server_stop nor the cleanup may touch it
bf_check_eq "server died of SIGKILL (128+9)" 137 "$st"
n_acked=$(lines "$ACKED")
bf_log "acknowledged before/around the kill: $n_acked (load client: $(summary bind1 acked) acked," \
	"$(summary bind1 noanswer) without answer)"
bf_check "at least $KILL_AFTER leases acknowledged before the kill ($n_acked)" \
	test "$n_acked" -ge "$KILL_AFTER"
bf_check "the kill cut the run short: some clients got no answer" \
	test "$(summary bind1 noanswer)" -gt 0
bf_check "the store directory is not empty after the kill" test -n "$(ls -A "$BF_LEASE_STORE")"

# ------------------------------------------------------ 2. restart, restore --
bf_log "2. restart with the same store"
BF_SERVER_LOG=$BF_RUN/server2.log # the first run's log stays in server.log
start_slow
# shellcheck disable=SC2317 # called through bf_wait_for
log_restored() { grep -Eq "leases: restored [0-9]+ from " "$BF_SERVER_LOG"; }
bf_wait_for 10 log_restored || true
restored=$(sed -En 's/.*leases: restored ([0-9]+) from .*/\1/p' "$BF_SERVER_LOG" | tail -n1)
bf_log "log: $(grep -E 'leases: restored' "$BF_SERVER_LOG" || echo 'no "leases: restored" line')"
bf_check "log says 'leases: restored N' with N (${restored:-none}) >= $n_acked acknowledged" \
	test "${restored:--1}" -ge "$n_acked"
bf_stats_settle || true
loaded=$(bf_counter dhcp4_store_loaded)
bf_check "dhcp4_store_loaded ($loaded) >= $n_acked acknowledged" test "$loaded" -ge "$n_acked"
bf_check_eq "dhcp4_store_bad" 0 "$(bf_counter dhcp4_store_bad)"

# ------------------------------------------- 3. no address is given twice --
bf_log "3. 20 new clients: none may get an acknowledged address"
rc=0
load fresh fresh --count 20 --mac-prefix 02:20:00 --wave 10 --exclude "$ACKED" \
	--out "$BF_RUN/fresh" || rc=$?
bf_check "fresh: 20 new clients bound, no address given twice (acked=$(summary fresh acked), duplicates=$(summary fresh duplicates))" \
	test "$rc" -eq 0

# ------------------------------------------ 4. every lease is back, same IP --
bf_log "4. INIT-REBOOT of all $n_acked acknowledged clients"
rc=0
load verify verify --in "$ACKED" --wave 10 || rc=$?
bf_check "verify: every acknowledged lease is back with its address (ok=$(summary verify ok), failed=$(summary verify failed))" \
	test "$rc" -eq 0

# --------------------------------------------------- 5. group commit --
bf_log "5. 40 more clients in waves of 20: fewer commits than leases"
bf_stats_settle || true
c0=$(bf_counter dhcp4_store_commits)
w0=$(bf_counter dhcp4_store_writes)
rc=0
load bind2 bind --count 40 --mac-prefix 02:30:00 --wave 20 --out "$BF_RUN/acked2" || rc=$?
bf_check_eq "bind of 40 more: load client exit status" 0 "$rc"
bf_stats_settle || true
commits=$(($(bf_counter dhcp4_store_commits) - c0))
writes=$(($(bf_counter dhcp4_store_writes) - w0))
acks=$(summary bind2 acked)
bf_log "group commit: $acks ACKs, $writes store writes, $commits commits"
bf_check_eq "all 40 bound" 40 "$acks"
bf_check "every ACK was written to the store ($writes writes >= $acks ACKs)" \
	test "$writes" -ge "${acks:-1}"
bf_check "commits ($commits) < ACKs ($acks): several leases per fsync" \
	between 0 "$commits" "${acks:-0}"
bf_check_eq "drop_dhcp4_store_fail" 0 "$(bf_counter drop_dhcp4_store_fail)"
bf_check "server alive at the end" bf_server_alive

bf_server_stop
bf_finish
