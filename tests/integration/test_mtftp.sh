#!/bin/bash
# Multicast TFTP with real clients, several at once, each in its own network
# namespace on one bridge (a client binds the MTFTP client port, so two of
# them cannot share a namespace):
#  1. a DHCP OFFER to a PXE client carries option 43 sub-options 1-5 (MTFTP
#     group, client port, server port, listen delay, delay) byte for byte,
#     with the group of its boot file (one group per MTFTP file), and none for
#     a boot file that is not streamed;
#  2. PXE MTFTP: three `atftp --mget` at once get a byte-identical file while
#     the server sends ONE stream (DATA packets = blocks, not 3 x blocks), to
#     the group MAC with TTL 1;
#  3. a late joiner (started when the stream is well under way) collects the
#     rest, opens again after the stream ended, and gets the whole file; an
#     RRQ during a stream starts no second one; an open sent to an ended
#     stream's port (atftp sends it there) reopens the stream on that port;
#  4. RFC 2090: atftp --option multicast, a slow master and two clients
#     joining half way, one of which dies: one stream, the second client made
#     master when the first is done, the dead one dropped after its timeout,
#     the living ones byte-identical;
#  5. bad input: garbage to the MTFTP port, malformed multicast requests:
#     counted and dropped, refused requests answered with an ERROR, the
#     server still serves.
# Also: `bootfarmctl where` shows a multicast client's transfer.
set -euo pipefail
BF_SRCDIR=${BF_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/harness.sh
. "$BF_SRCDIR/tests/lib/harness.sh"

bf_init test_mtftp
bf_require_tools atftp python3 sha256sum tc ethtool
[[ $SERVER == bootfarmd ]] || bf_skip "checks bootfarmd's MTFTP streams and counters"
PROBE=$BF_SRCDIR/tests/lib/dhcp4probe.py
BF_PROBE_LISTEN_MS=${BF_PROBE_LISTEN_MS:-4000}	# the sanitizer build answers slower
BOOTFARMCTL=${BOOTFARMCTL:-$(dirname "$BOOTFARMD")/../tools/bootfarmctl}
[[ -x $BOOTFARMCTL ]] || bf_skip "no bootfarmctl at $BOOTFARMCTL"
# shellcheck source=tests/lib/probe.sh
. "$BF_SRCDIR/tests/lib/probe.sh"
S=$BF_SERVER_IP
GROUP=239.255.1.1
CPORT=1758
SPORT=1759
MCRANGE=239.255.2.0/24
MCPORT=1760

# ---------------------------------------------------------------- topology --
# S <-veth-> C, where a bridge joins the veth end and one veth per client
# namespace M1..M4 (snooping off: a plain segment floods group traffic).
bf_topo_veth
SMAC=$(bf_mac_of "$BF_NS_S" "$BF_IF_S")
BR=bfb$BF_SUFFIX
ip -n "$BF_NS_C" link add "$BR" type bridge stp_state 0 forward_delay 0 mcast_snooping 0
bf_no_ipv6 "$BF_NS_C" "$BR"
ip -n "$BF_NS_C" link set "$BF_IF_C" master "$BR"
ip -n "$BF_NS_C" link set "$BR" up
CNS=() CIF=()
for i in 1 2 3 4; do
	ns=bfM$i$BF_SUFFIX
	bf_ns_add "$ns"
	ip link add "bm$i$BF_SUFFIX" netns "$BF_NS_C" type veth peer name "bn$i$BF_SUFFIX" netns "$ns"
	bf_no_ipv6 "$BF_NS_C" "bm$i$BF_SUFFIX"
	bf_no_ipv6 "$ns" "bn$i$BF_SUFFIX"
	ip netns exec "$ns" ethtool -K "bn$i$BF_SUFFIX" tx off >/dev/null
	ip -n "$BF_NS_C" link set "bm$i$BF_SUFFIX" master "$BR"
	ip -n "$BF_NS_C" link set "bm$i$BF_SUFFIX" up
	ip -n "$ns" link set "bn$i$BF_SUFFIX" up
	ip -n "$ns" addr add "10.77.0.6$i/24" dev "bn$i$BF_SUFFIX"
	ip -n "$ns" route add 224.0.0.0/4 dev "bn$i$BF_SUFFIX"
	CNS[i]=$ns
	CIF[i]=bn$i$BF_SUFFIX
done
bf_log "clients: ${CNS[*]} on bridge $BR"

# ------------------------------------------------------------------ server --
# pxe.bin: 2 MiB + 100 (4097 blocks of 512); big.bin: 4 MiB (8193 blocks,
# the last one empty); rfc.bin: 1.5 MiB + 7 for RFC 2090.
bf_make_random "$BF_TFTPROOT/pxe.bin" $((2 * 1024 * 1024 + 100))
bf_make_random "$BF_TFTPROOT/big.bin" $((4 * 1024 * 1024))
bf_make_random "$BF_TFTPROOT/rfc.bin" $((3 * 512 * 1024 + 7))
for f in pxe.bin big.bin rfc.bin; do
	bf_image_file "$f" "$BF_TFTPROOT/$f"
done
blocks() { echo $(($(stat -c %s "$BF_TFTPROOT/$1") / 512 + 1)); }
BF_BOOT_BIOS=pxe.bin	# BIOS PXE clients boot pxe.bin: group 239.255.1.1
BF_BOOT_EFI=big.bin	# EFI clients big.bin: the second file, group 239.255.1.2
BF_CONFIG_EXTRA="mtftp:
  ip: $GROUP
  client_port: $CPORT
  server_port: $SPORT
  listen_delay: 2
  delay: 3
  files: [ pxe.bin, big.bin ]
tftp:
  timeout_ms: 500
  multicast:
    group: $MCRANGE
    port: $MCPORT"
bf_server_start

DL=$BF_RUN/dl
mkdir -p "$DL"
sha() { sha256sum <"$1" | awk '{print $1}'; }
same() { [[ -s $2 && $(sha "$BF_TFTPROOT/$1") == "$(sha "$2")" ]]; }
cnt() { bf_counter "$1"; }

# --------------------------------------------------------- 1. option 43 --
# A loaded machine (the sanitizer build) may answer after the prober stopped
# listening: ask once more before judging.
probe_once() {
	local name=$1
	probe "$@"
	[[ $(nreplies "$name") != 0 ]] || probe "$@"
}
probe_once bios --type discover --xid 0x0bf1a001 --chaddr "$(new_mac)" --flags-broadcast \
	--vendor-class "PXEClient:Arch:00000:UNDI:002001" --arch 0
one_reply bios "1 PXE BIOS DISCOVER" OFFER
bf_check_eq "1 OFFER: boot file pxe.bin" pxe.bin "$(df bios file)"
# 1 MTFTP-IP 239.255.1.1, 2 CPORT 1758, 3 SPORT 1759, 4 TMOUT 2, 5 DELAY 3,
# 6 discovery control "use the boot file", end
bf_check_eq "1 OFFER: option 43 sub-options 1-5 byte for byte" \
	0104efff0101020206de030206df040102050103060108ff "$(opt bios 43)"
probe_once efi --type discover --xid 0x0bf1a002 --chaddr "$(new_mac)" --flags-broadcast \
	--vendor-class "PXEClient:Arch:00007:UNDI:003016" --arch 7
one_reply efi "1 PXE EFI DISCOVER" OFFER
bf_check_eq "1 OFFER (second MTFTP file): MTFTP-IP 239.255.1.2" \
	0104efff0102020206de030206df040102050103060108ff "$(opt efi 43)"
probe_once ipxe --type discover --xid 0x0bf1a003 --chaddr "$(new_mac)" --flags-broadcast \
	--vendor-class "PXEClient:Arch:00000:UNDI:002001" --arch 0 --user-class-ipxe
one_reply ipxe "1 iPXE DISCOVER (boot.ipxe, not streamed)" OFFER
bf_check_eq "1 OFFER for a file that is not streamed: no MTFTP sub-options" 060108ff \
	"$(opt ipxe 43)"

# ------------------------------------------------- 2. three clients at once --
# mget NAME OUT NS [atftp args]: atftp --mget in client namespace NS.
mget() {
	local name=$1 out=$2 ns=$3 grp=$4
	shift 4
	timeout 120 ip netns exec "$ns" atftp --mget -r "$name" -l "$out" \
		--mtftp "mcast-ip $grp" --mtftp "client-port $CPORT" \
		--mtftp "listen-delay ${LISTEN:-2}" --mtftp "timeout-delay 3" "$@" "$S" "$SPORT" \
		>"$out.log" 2>&1
}
bf_stats_settle || true
bf_stats_snapshot "$BF_RUN/stats.2"
s0=$(cnt mtftp_streams) d0=$(cnt mtftp_data_tx) r0=$(cnt mtftp_rrq)
# what goes to the group: destination MAC and TTL, seen by a fourth namespace
timeout 40 ip netns exec "${CNS[4]}" python3 -c '
import socket, struct, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
s.bind((sys.argv[1], 0)); s.settimeout(30)
while True:
    f = s.recv(2048)
    if f[30:34] == socket.inet_aton(sys.argv[2]) and f[23] == 17:
        print(f[0:6].hex(), f[22], struct.unpack("!H", f[36:38])[0]); break
' "${CIF[4]}" "$GROUP" >"$DL/capture" 2>&1 &
CAP=$!
bf_track "$CAP"
pids=()
for i in 1 2 3; do
	mget pxe.bin "$DL/m$i" "${CNS[i]}" "$GROUP" &
	pids+=($!)
done
for i in 1 2 3; do
	rc=0
	wait "${pids[i - 1]}" || rc=$?
	if [[ $rc -eq 0 ]] && same pxe.bin "$DL/m$i"; then
		bf_pass "2 atftp --mget client $i: pxe.bin byte-identical (sha256)"
	else
		bf_fail "2 atftp --mget client $i: exit $rc, $(stat -c %s "$DL/m$i" 2>/dev/null || echo no) bytes"
		tail -n 5 "$DL/m$i.log" | sed 's/^/  client: /'
	fi
done
wait "$CAP" 2>/dev/null || true
bf_stats_settle || true
n=$(blocks pxe.bin)
# A client that lost blocks (a loaded machine: a listener descheduled while its
# socket buffer overflowed) opens again after the stream and gets a stream of
# its own, as PXE says; it listened twice. Every other client shares one.
reopened=0
for i in 1 2 3; do
	(($(grep -c 'timeout while listening' "$DL/m$i.log") < 2)) || reopened=$((reopened + 1))
done
streams=$(($(cnt mtftp_streams) - s0))
bf_check_eq "2 one stream for three clients (mtftp_streams; clients that lost blocks and reopened: $reopened)" \
	$((1 + reopened)) "$streams"
bf_check "2 fewer streams than clients ($streams for 3)" test "$streams" -lt 3
sent=$(($(cnt mtftp_data_tx) - d0))
bf_check_eq "2 DATA packets sent = blocks of the file ($n) per stream, not 3 x $n" $((streams * n)) "$sent"
bf_check "2 the other clients heard the stream: no second stream whether they asked or not (requests: $(($(cnt mtftp_rrq) - r0)))" \
	test $(($(cnt mtftp_rrq) - r0)) -ge 1
read -r cmac cttl cport <"$DL/capture" || true
bf_check_eq "2 group DATA: destination MAC 01:00:5e + low 23 bits of $GROUP" 01005e7f0101 "${cmac:-none}"
bf_check_eq "2 group DATA: TTL 1" 1 "${cttl:-none}"
bf_check_eq "2 group DATA: to the MTFTP client port" "$CPORT" "${cport:-none}"
echo "counters (mtftp_*, during 2):"
bf_stats_diff "$BF_RUN/stats.2" mtftp_

# ------------------------------------------------------- 3. a late joiner --
# The opener's link lets out about 540 ACKs a second (token bucket), so the
# stream takes seconds; the second client starts when a third of the blocks
# went out. Meanwhile an RRQ from a third client must not start a stream.
n=$(blocks big.bin)
slow() {
	tc -n "$1" qdisc add dev "$2" root tbf rate 200kbit burst 1600 latency 1s 2>/dev/null ||
		tc -n "$1" qdisc add dev "$2" root netem delay 2ms 2>/dev/null ||
		bf_fail "cannot slow the opener's link (no tbf or netem qdisc in this kernel)"
}
slow "${CNS[1]}" "${CIF[1]}"
s0=$(cnt mtftp_streams) d0=$(cnt mtftp_data_tx) j0=$(cnt mtftp_rrq_joined)
mget big.bin "$DL/b1" "${CNS[1]}" 239.255.1.2 &
p1=$!
# shellcheck disable=SC2317 # called through bf_wait_for
third_sent() { (($(cnt mtftp_data_tx) - d0 >= n / 3)); }
bf_wait_for 60 third_sent || bf_fail "3 the stream did not get a third through"
at=$(($(cnt mtftp_data_tx) - d0))
# (listening 4 s: a loaded machine may pause the stream for a moment)
LISTEN=4 mget big.bin "$DL/b2" "${CNS[2]}" 239.255.1.2 &
p2=$!
ip netns exec "${CNS[3]}" python3 -c '
import socket, sys
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"\x00\x01big.bin\x00octet\x00", (sys.argv[1], int(sys.argv[2])))
' "$S" "$SPORT"
bf_stats_settle || true
bf_check_eq "3 an RRQ for big.bin while its stream runs starts no second stream (mtftp_rrq_joined)" \
	1 $(($(cnt mtftp_rrq_joined) - j0))
bf_check_eq "3 ... still one stream" 1 $(($(cnt mtftp_streams) - s0))
rc1=0 rc2=0
wait "$p1" || rc1=$?
wait "$p2" || rc2=$?
tc -n "${CNS[1]}" qdisc del dev "${CIF[1]}" root 2>/dev/null || true
if [[ $rc1 -eq 0 ]] && same big.bin "$DL/b1"; then
	bf_pass "3 opener: big.bin byte-identical"
else
	bf_fail "3 opener: exit $rc1"
	tail -n 5 "$DL/b1.log" | sed 's/^/  client: /'
fi
if [[ $rc2 -eq 0 ]] && same big.bin "$DL/b2"; then
	bf_pass "3 late joiner (started at block $at of $n): big.bin byte-identical"
else
	bf_fail "3 late joiner (started at block $at of $n): exit $rc2"
	tail -n 5 "$DL/b2.log" | sed 's/^/  client: /'
fi
bf_stats_settle || true
bf_check_eq "3 two streams: the first, then the one the late joiner opened for what it missed" \
	2 $(($(cnt mtftp_streams) - s0))
bf_check "3 the late joiner heard the first stream (blocks received while listening)" \
	grep -q "listening" "$DL/b2.log"

# A client that learned the stream's port from its DATA (atftp --mget that
# opened, heard block 1 from the group and fell back to listening) sends its
# next open there after the stream ended: the stream opens again on that port.
s0=$(cnt mtftp_streams)
out=$(ip netns exec "${CNS[3]}" python3 - "$S" "$SPORT" <<-'EOF'
	import socket, sys, time
	srv, sport = sys.argv[1], int(sys.argv[2])
	def opened(dst):
	    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	    u.settimeout(5)
	    u.sendto(b"\x00\x01pxe.bin\x00octet\x00", dst)
	    d, a = u.recvfrom(1024)
	    assert d[:4] == b"\x00\x03\x00\x01", d[:4]   # block 1, to us
	    u.sendto(b"\x00\x05\x00\x00bye\x00", a)     # and we leave: the stream ends
	    return a[1]
	t1 = opened((srv, sport))
	time.sleep(0.5)  # two workers may see the ERROR and the next open in either order
	t2 = opened((srv, t1))
	print(t1, t2)
	EOF
) || true
read -r t1 t2 <<<"$out"
bf_check "3 an open sent to an ended stream's port reopens it on that port (${t1:-none} -> ${t2:-none})" \
	test -n "${t1:-}" -a "${t1:-}" = "${t2:-x}"
bf_stats_settle || true
bf_check_eq "3 ... two streams, both aborted by their opener" 2 $(($(cnt mtftp_streams) - s0))

# A running stream's port and a host that is not its client (CVE-2024-2169):
# an ERROR from it is never answered, and its other packets get one ERROR 5 a
# second, however many it sends.
u0=$(cnt mtftp_error_unanswered) l0=$(cnt mtftp_unknown_peer_limited)
out=$(ip netns exec "${CNS[3]}" python3 - "$S" "$SPORT" <<-'EOF'
	import socket, sys, time
	srv, sport = sys.argv[1], int(sys.argv[2])
	u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	u.settimeout(5)
	u.sendto(b"\x00\x01pxe.bin\x00octet\x00", (srv, sport))
	d, tid = u.recvfrom(1024)                  # block 1 from the stream's port
	v = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	v.sendto(b"\x00\x05\x00\x05Unknown transfer ID\x00", tid)
	for _ in range(10):
	    v.sendto(b"\x00\x04\x00\x01", tid)
	got, end = [], time.time() + 0.8
	while time.time() < end and len(got) < 100:
	    v.settimeout(max(0.01, end - time.time()))
	    try:
	        got.append(v.recvfrom(1024)[0][:4])
	    except socket.timeout:
	        break
	u.sendto(b"\x00\x05\x00\x00bye\x00", tid)  # the opener leaves: the stream ends
	print(len(got), sum(g[:4] == b"\x00\x05\x00\x05" for g in got))
	EOF
) || true
bf_check_eq "3 a non-member's ERROR and 10 ACKs to a stream port: one answer, an ERROR 5" "1 1" "$out"
bf_stats_settle || true
bf_check_eq "3 ... mtftp_error_unanswered" 1 $(($(cnt mtftp_error_unanswered) - u0))
bf_check_eq "3 ... mtftp_unknown_peer_limited" 9 $(($(cnt mtftp_unknown_peer_limited) - l0))

# ------------------------------------------------------------- 4. RFC 2090 --
n=$(blocks rfc.bin)
bf_stats_settle || true
bf_stats_snapshot "$BF_RUN/stats.4"
s0=$(cnt mtftp_streams) d0=$(cnt mtftp_data_tx) mc0=$(cnt mtftp_master_change)
c0=$(cnt mtftp_client_done) j0=$(cnt mtftp_clients) t0=$(cnt mtftp_master_timeout)
slow "${CNS[3]}" "${CIF[3]}"
rget() { # rget OUT NS
	timeout 120 ip netns exec "$2" atftp --trace --get -r rfc.bin -l "$1" --option "multicast" \
		--option "tsize 0" "$S" >"$1.log" 2>&1
}
rget "$DL/r1" "${CNS[3]}" &
p1=$!
# shellcheck disable=SC2317 # called through bf_wait_for
half_sent() { (($(cnt mtftp_data_tx) - d0 >= n / 2)); }
bf_wait_for 60 half_sent || bf_fail "4 the RFC 2090 stream did not get half through"
at=$(($(cnt mtftp_data_tx) - d0))
rget "$DL/r2" "${CNS[4]}" &
p2=$!
# a third client joins, then dies without a word (its turn as master will time out)
rget "$DL/r3" "${CNS[1]}" &
p3=$!
# shellcheck disable=SC2317 # called through bf_wait_for
three_joined() { (($(cnt mtftp_clients) - j0 >= 3)); }
bf_wait_for 20 three_joined || bf_fail "4 the third client did not join"
# bootfarmctl sessions lists the stream's clients: one master, two listeners
out=$("$BOOTFARMCTL" --socket "$BF_CTL_SOCK" --json sessions 2>&1 || true)
roles=$(python3 -c '
import json, sys
d = json.loads(sys.argv[1])
s = d.get("sessions", d) if isinstance(d, dict) else d
r = sorted(x["client"].split()[1] for x in s if x["file"] == "rfc.bin" and "@239.255.2.0:" in x["client"])
print(",".join(r))' "$out" 2>&1 || true)
bf_check_eq "4 bootfarmctl sessions: the stream's clients and their roles" "listener,listener,master" "$roles"
for pid in $(ip netns pids "${CNS[1]}"); do
	kill -KILL "$pid" 2>/dev/null || true
done
wait "$p3" 2>/dev/null || true
rc1=0 rc2=0
wait "$p1" || rc1=$?
wait "$p2" || rc2=$?
tc -n "${CNS[3]}" qdisc del dev "${CIF[3]}" root 2>/dev/null || true
for k in 1 2; do
	eval "rc=\$rc$k"
	if [[ $rc -eq 0 ]] && same rfc.bin "$DL/r$k"; then
		bf_pass "4 RFC 2090 client $k: rfc.bin byte-identical"
	else
		bf_fail "4 RFC 2090 client $k: exit $rc"
		grep -v 'DATA\|ACK' "$DL/r$k.log" | tail -n 5 | sed 's/^/  client: /'
	fi
done
bf_check "4 first client: OACK multicast $MCRANGE group, port $MCPORT, master" \
	grep -q "multicast: 239.255.2.0,$MCPORT,1" "$DL/r1.log"
bf_check "4 late client: joined as listener (mc=0), then made master (mc=1)" \
	grep -q "received OACK <mc = 1>" "$DL/r2.log"
# the dead client's turn: OACK mc=1 unanswered, retransmitted, then it is dropped
# shellcheck disable=SC2317 # called through bf_wait_for
dropped() { (($(cnt mtftp_master_timeout) - t0 >= 1)); }
bf_wait_for 20 dropped || true
bf_stats_settle || true
bf_check_eq "4 one stream for the three clients" 1 $(($(cnt mtftp_streams) - s0))
bf_check_eq "4 two master handovers (to the second client, then to the dead one)" 2 \
	$(($(cnt mtftp_master_change) - mc0))
bf_check_eq "4 the dead client dropped after its timeout (mtftp_master_timeout)" 1 \
	$(($(cnt mtftp_master_timeout) - t0))
bf_check_eq "4 both living clients completed" 2 $(($(cnt mtftp_client_done) - c0))
bf_check_eq "4 ... and the stream is over" $(($(cnt mtftp_streams) - s0)) \
	$(($(cnt mtftp_stream_done) - $(awk '$1 == "mtftp_stream_done" {print $2}' "$BF_RUN/stats.4")))
sent=$(($(cnt mtftp_data_tx) - d0))
bf_check "4 DATA sent ($sent) = the file once plus what the late client missed (joined near $at of $n): under 2 x $n" \
	test "$sent" -gt "$n" -a "$sent" -lt $((2 * n))
# where-is-my-machine sees multicast transfers too
mac=$(bf_mac_of "${CNS[4]}" "${CIF[4]}")
out=$("$BOOTFARMCTL" --socket "$BF_CTL_SOCK" where "$mac" 2>&1 || true)
printf '%s\n' "$out" | sed 's/^/  /'
bf_check "4 bootfarmctl where: the late RFC 2090 client's rfc.bin transfer done" \
	grep -Eq "TFTP +rfc.bin $(stat -c %s "$BF_TFTPROOT/rfc.bin")/.*done" <<<"$out"
echo "counters (mtftp_*, during 4):"
bf_stats_diff "$BF_RUN/stats.4" mtftp_

# ------------------------------------------------------------ 5. bad input --
bf_stats_settle || true
bf_stats_snapshot "$BF_RUN/stats.5"
m0=$(cnt drop_mtftp_malformed) t0=$(cnt drop_tftp_malformed) r0=$(cnt mtftp_refused)
ip netns exec "${CNS[1]}" python3 - "$S" "$SPORT" <<-'EOF'
	import socket, sys
	s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	srv, sport = sys.argv[1], int(sys.argv[2])
	bad_mtftp = [
	    b"\x00\x01",                        # RRQ without a name
	    b"\x00\x01pxe.bin",                 # name without its NUL
	    b"\x00\x01pxe.bin\x00octet",        # mode without its NUL
	    b"\x00\x01\x00octet\x00",           # empty name
	    b"\x00\x01pxe.bin\x00mail\x00",     # mode neither octet nor netascii
	    b"\x00\x01" + b"A" * 600 + b"\x00octet\x00",  # longer than 512
	    b"\x00\x01pxe.bin\x00octet\x00blksize\x00",    # option without a value
	]
	refused = [
	    b"\x00\x02pxe.bin\x00octet\x00",    # WRQ
	    b"\x00\x01pxe.bin\x00netascii\x00", # MTFTP is octet only
	    b"\x00\x01rfc.bin\x00octet\x00",    # an image, but not an MTFTP file
	    b"\x00\x01../etc/passwd\x00octet\x00",
	]
	bad_rfc2090 = [
	    b"\x00\x01rfc.bin\x00octet\x00multicast",       # option name without NUL
	    b"\x00\x01rfc.bin\x00octet\x00multicast\x00",   # option without a value
	    b"\x00\x01rfc.bin\x00octet\x00\x00multicast\x00\x00",  # value without a name
	]
	for p in bad_mtftp + refused:
	    s.sendto(p, (srv, sport))
	for p in bad_rfc2090:
	    s.sendto(p, (srv, 69))
	s.settimeout(1.0)
	errs = 0
	try:
	    while True:
	        d, a = s.recvfrom(2048)
	        errs += d[:2] == b"\x00\x05"
	except socket.timeout:
	    pass
	print("errors received:", errs)
	sys.exit(0 if errs == 4 else 1)
EOF
rc=$?
bf_check_eq "5 ERROR for each refused MTFTP request (WRQ, netascii, not an MTFTP file, ../), none for garbage" 0 "$rc"
bf_stats_settle || true
bf_check_eq "5 garbage to the MTFTP port counted (drop_mtftp_malformed)" 7 $(($(cnt drop_mtftp_malformed) - m0))
bf_check_eq "5 refused MTFTP requests counted (mtftp_refused)" 4 $(($(cnt mtftp_refused) - r0))
bf_check_eq "5 malformed multicast requests to port 69 counted (drop_tftp_malformed)" 3 \
	$(($(cnt drop_tftp_malformed) - t0))
bf_check "5 server alive after bad input" bf_server_alive
rc=0
mget pxe.bin "$DL/after" "${CNS[2]}" "$GROUP" || rc=$?
bf_check "5 atftp --mget still works afterwards (exit $rc)" same pxe.bin "$DL/after"
echo "counters (after 5):"
bf_stats_diff "$BF_RUN/stats.5" ""

bf_finish
