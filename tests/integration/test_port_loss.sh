#!/bin/bash
# Frames lost below the workers are counted with ours and said. bootfarmd on
# net_af_packet with a 64-frame kernel ring is stopped (SIGSTOP: the worker
# descheduled, as on a busy shared core) while a client sends a burst; the
# ring overflows. Afterwards every frame the kernel delivered to the interface
# is either received (rx_frames) or counted lost (drop_port_rx_missed, read
# from the packet sockets' PACKET_STATISTICS): the sum is exact. The warning
# names the port, the counter, the count and the fix, once a minute at most;
# bootfarmctl stats shows it as a hint.
set -euo pipefail
BF_SRCDIR=${BF_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/harness.sh
. "$BF_SRCDIR/tests/lib/harness.sh"

bf_init test_port_loss
bf_require_tools python3
[[ $SERVER == bootfarmd ]] || bf_skip "port loss counters are bootfarmd's"
BOOTFARMCTL=${BOOTFARMCTL:-$(dirname "$BOOTFARMD")/../tools/bootfarmctl}
[[ -x $BOOTFARMCTL ]] || bf_die "no bootfarmctl at $BOOTFARMCTL"
BF_VDEV_EXTRA=",blocksz=4096,framesz=2048,framecnt=64"
bf_topo_veth
bf_client_static_ip "$BF_CLIENT_STATIC_IP"
bf_server_start
SMAC=$(bf_mac_of "$BF_NS_S" "$BF_IF_S")
kernel_rx() { ip netns exec "$BF_NS_S" cat "/sys/class/net/$BF_IF_S/statistics/rx_packets"; }

# burst N: N UDP frames to an unserved port of the server (no reply), at once
burst() {
	bf_in_c python3 - "$1" "$BF_IF_C" "$SMAC" "$BF_CLIENT_STATIC_IP" "$BF_SERVER_IP" \
		"$BF_SRCDIR/tests/lib" <<'PY'
import socket, sys
sys.path.insert(0, sys.argv[6])
import bfwire as w
n, ifc, dmac, src, dst = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((ifc, 0))
smac = open('/sys/class/net/%s/address' % ifc).read().strip()
sa, da = w.ip_bytes(src), w.ip_bytes(dst)
for i in range(n):
    u = w.udp(sa, da, 40000 + i % 1000, 9, b'x' * 32)
    s.send(w.eth(w.mac_bytes(dmac), w.mac_bytes(smac), 0x0800, w.ipv4(sa, da, 17, u)))
PY
}

# stalled_burst N: the same while bootfarmd is stopped, then let it run
stalled_burst() {
	kill -STOP "$BF_SERVER_PID"
	burst "$1"
	sleep 0.2
	kill -CONT "$BF_SERVER_PID"
}

bf_stats_settle || true
rx0=$(bf_counter rx_frames)
miss0=$(bf_counter drop_port_rx_missed)
k0=$(kernel_rx)
bf_check_eq "no loss before" 0 "$miss0"

bf_log "1. 1000 frames while the worker is stopped (ring: 64 frames)"
stalled_burst 1000
sleep 1.5 # one control tick reads the sockets
bf_stats_settle || true
rx=$(($(bf_counter rx_frames) - rx0))
miss=$(($(bf_counter drop_port_rx_missed) - miss0))
k=$(($(kernel_rx) - k0))
bf_log "kernel delivered $k, bootfarmd received $rx, counted lost $miss"
bf_check "the ring overflowed: losses counted ($miss)" test "$miss" -ge 500
bf_check_eq "received + counted lost = what the kernel delivered" "$k" "$((rx + miss))"
warned() { grep -q "port 0 (net_af_packet0 iface=$BF_IF_S.*): [0-9]* frames lost in the kernel's packet ring before bootfarm read them (drop_port_rx_missed).*framecnt=8192" "$BF_SERVER_LOG"; }
bf_check "the log names the port, counter, count and fix" bf_wait_for 5 warned
stats=$("$BOOTFARMCTL" --socket "$BF_CTL_SOCK" stats 2>&1)
grep '^hint:' <<<"$stats" || :
bf_check "bootfarmctl stats shows it as a hint" grep -q "^hint: port 0 .*drop_port_rx_missed" <<<"$stats"
bf_check "drop_port_rx_missed in bootfarmctl stats" grep -Eq "drop_port_rx_missed +$((miss0 + miss))" <<<"$stats"

bf_log "2. again within the minute: counted, not logged again"
stalled_burst 1000
sleep 1.5
bf_stats_settle || true
bf_check "more losses counted" test "$(bf_counter drop_port_rx_missed)" -gt "$((miss0 + miss))"
bf_check_eq "still one warning line" 1 "$(grep -c "lost in the kernel's packet ring" "$BF_SERVER_LOG")"
bf_finish
