#!/bin/bash
# A veth peer that keeps tx checksum offload on (the default) hands the server's
# packet socket UDP frames whose checksum holds only the pseudo-header sum: the
# kernel left it to hardware that a veth does not have. bootfarmd must not look
# dead: those frames are dropped under their own counter, the log warns once
# (rate-limited) naming the port, the counter and the fix, bootfarmctl stats
# shows the same hint; a wrong checksum from the wire is still a plain
# drop_udp_csum; and with offload off the same client is served.
set -euo pipefail
BF_SRCDIR=${BF_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/harness.sh
. "$BF_SRCDIR/tests/lib/harness.sh"

bf_init test_csum_offload
bf_require_tools tftp cmp ethtool python3
[[ $SERVER == bootfarmd ]] || bf_skip "the offload hint is bootfarmd's"
BOOTFARMCTL=${BOOTFARMCTL:-$(dirname "$BOOTFARMD")/../tools/bootfarmctl}
[[ -x $BOOTFARMCTL ]] || bf_die "no bootfarmctl at $BOOTFARMCTL"

bf_topo_veth
# what a container lab or a local VM does by default (bf_topo_veth turns it off)
bf_in_c ethtool -K "$BF_IF_C" tx on >/dev/null
bf_client_static_ip "$BF_CLIENT_STATIC_IP"
bf_make_random "$BF_RUN/small.bin" 70001
bf_image_file small.bin "$BF_RUN/small.bin"
bf_server_start
S=$BF_SERVER_IP

get() { rm -f "$BF_RUN/got.bin"; (cd "$BF_RUN" && bf_in_c timeout "$1" tftp "$S" -m binary -c get small.bin got.bin) >/dev/null 2>&1 || :; }

bf_log "offload on: a kernel tftp client's requests arrive with partial checksums"
get 6
bf_check "no file with offload on (frames dropped)" test ! -s "$BF_RUN/got.bin"
bf_stats_settle || true
off=$(bf_counter drop_udp_csum_offload)
bf_check "drop_udp_csum_offload counts them ($off)" test "$off" -ge 1
bf_check_eq "none counted as a wire checksum error" 0 "$(bf_counter drop_udp_csum)"
hint_logged() { grep -q "port 0 (.*): [0-9]* UDP frames dropped with the checksum left for transmit offload (drop_udp_csum_offload).*ethtool -K <interface> tx off" "$BF_SERVER_LOG"; }
bf_check "the log names the port, the counter and the fix" bf_wait_for 5 hint_logged
stats=$("$BOOTFARMCTL" --socket "$BF_CTL_SOCK" stats 2>&1)
echo "$stats" | grep hint: || :
bf_check "bootfarmctl stats shows the hint" grep -q "^hint: port 0 .*iface=$BF_IF_S.*ethtool -K <interface> tx off" <<<"$stats"

# rawudp MODE: one TFTP RRQ from a raw socket whose UDP checksum is "partial"
# (the pseudo-header sum, as an offloading sender leaves it) or "wrong" (neither)
SMAC=$(bf_mac_of "$BF_NS_S" "$BF_IF_S")
rawudp() {
	bf_in_c python3 - "$1" "$BF_IF_C" "$SMAC" "$BF_CLIENT_STATIC_IP" "$S" "$BF_SRCDIR/tests/lib" <<'PY'
import socket, struct, sys
sys.path.insert(0, sys.argv[6])
import bfwire as w
mode, ifc, dmac, src, dst = sys.argv[1:6]
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((ifc, 0))
smac = open('/sys/class/net/%s/address' % ifc).read().strip()
pl = b'\x00\x01small.bin\x00octet\x00'
sa, da = w.ip_bytes(src), w.ip_bytes(dst)
if mode == 'partial':
    ps = (~w.csum(sa + da + struct.pack('!BBH', 0, 17, 8 + len(pl)))) & 0xffff
    u = w.udp(sa, da, 40000, 69, pl, udp_csum=ps)
else:
    u = w.udp(sa, da, 40000, 69, pl)
    u = u[:6] + bytes([u[6] ^ 0x5a, u[7] ^ 0xa5]) + u[8:]
s.send(w.eth(w.mac_bytes(dmac), w.mac_bytes(smac), 0x0800, w.ipv4(sa, da, 17, u)))
PY
}

bf_log "more of them after the warning: counted, not logged again within the minute"
rawudp partial
rawudp partial
sleep 2.5 # two control ticks
bf_stats_settle || true
bf_check_eq "both counted" $((off + 2)) "$(bf_counter drop_udp_csum_offload)"
bf_check_eq "still one warning line (rate-limited)" 1 "$(grep -c 'left for transmit offload' "$BF_SERVER_LOG")"

bf_log "a wrong checksum from the wire is still a checksum error"
rawudp wrong
bf_stats_settle || true
bf_check_eq "drop_udp_csum counts the wire error" 1 "$(bf_counter drop_udp_csum)"
bf_check_eq "and not as offload" $((off + 2)) "$(bf_counter drop_udp_csum_offload)"

bf_log "offload off on the client: served"
bf_in_c ethtool -K "$BF_IF_C" tx off >/dev/null
get 30
bf_check "file received with offload off" cmp -s "$BF_RUN/got.bin" "$BF_RUN/small.bin"
bf_finish
