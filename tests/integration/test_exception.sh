#!/bin/bash
# The exception path: with interfaces[0].kernel set, bootfarmd creates a kernel
# tap in its namespace carrying the port's MAC and address; everything the
# data path does not answer goes up to it and what the kernel sends leaves
# through the DPDK port. Shown with stock tools on the host side: ping from
# the host, a TCP echo (socat, as ssh would use it) carrying a 4 MiB stream,
# a UDP service, IPv6 neighbour discovery and ping6, and the rate limit under
# a flood, while DHCP and TFTP keep being answered by the data path.
set -euo pipefail
BF_SRCDIR=${BF_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/harness.sh
. "$BF_SRCDIR/tests/lib/harness.sh"

bf_init test_exception
bf_require_tools socat ping python3 tftp cmp sha256sum
[[ $SERVER == bootfarmd ]] || bf_skip "the exception path is bootfarmd's"
BF_KERNEL_IF=bfk$BF_SUFFIX
bf_topo_veth
# IPv6 on the client side too: the host's stack answers ND and ping6.
ip netns exec "$BF_NS_C" sysctl -qw "net.ipv6.conf.$BF_IF_C.disable_ipv6=0"
bf_server_start
S=$BF_SERVER_IP
C=$BF_CLIENT_STATIC_IP
K=$BF_KERNEL_IF
in_s() { ip netns exec "$BF_NS_S" "$@"; }
# echo_service tcp|udp PORT: a socat echo on the host (S's stack), bound to S.
echo_service() {
	local listen=TCP-LISTEN opt=-ltn
	[[ $1 == udp ]] && listen=UDP-RECVFROM opt=-lun
	in_s socat "$listen:$2,bind=$S,reuseaddr,fork" EXEC:cat >/dev/null 2>&1 &
	bf_track $!
	bf_wait_for 5 bash -c "ip netns exec $BF_NS_S ss $opt | grep -q ':$2 '" ||
		bf_die "socat did not listen on $1 $2"
}

# 1. The kernel interface exists with the port's MAC and the server's address.
SMAC=$(bf_mac_of "$BF_NS_S" "$BF_IF_S")
bf_check_eq "kernel interface $K carries the port's MAC" "$SMAC" "$(bf_mac_of "$BF_NS_S" "$K")"
bf_check "kernel interface $K carries $S/$BF_PREFIX" \
	bash -c "ip -n $BF_NS_S -4 -br addr show dev $K | grep -qw '$S/$BF_PREFIX'"
bf_client_static_ip
bf_stats_settle

# 2. ping: the client's echo is answered by the data path; the host's own
# ping goes out through the tap and its replies come back up.
bf_check "client pings the server (data path)" bf_in_c ping -c 3 -i 0.2 -W 2 "$S"
bf_check "the host pings the client through the exception path" \
	in_s ping -c 3 -i 0.2 -W 2 "$C"
bf_stats_settle
bf_check "exc_from_kernel counted the host's frames" test "$(bf_counter exc_from_kernel)" -ge 3
bf_check "exc_to_kernel counted the replies" test "$(bf_counter exc_to_kernel)" -ge 3

# 3. TCP: an echo service on the host (socat), as ssh would be reached.
echo_service tcp 2222
got=$(printf 'hello through the exception path\n' | bf_in_c timeout 10 socat -t 2 - "TCP:$S:2222" || :)
bf_check_eq "TCP echo through the exception path" "hello through the exception path" "$got"
head -c $((4 << 20)) /dev/urandom >"$BF_RUN/stream"
bf_in_c timeout 60 socat -t 10 -T 20 - "TCP:$S:2222" <"$BF_RUN/stream" \
	>"$BF_RUN/stream.back" 2>/dev/null || :
bf_check "a 4 MiB TCP stream comes back byte-identical" cmp "$BF_RUN/stream" "$BF_RUN/stream.back"

# 4. UDP to a port the data path does not serve reaches a host socket.
echo_service udp 5005
got=$(printf 'udp-ping\n' | bf_in_c timeout 5 socat -t 2 - "UDP:$S:5005" || :)
bf_check_eq "UDP service on the host answers" "udp-ping" "$got"

# 5. IPv6: the data path does not speak it yet; the host's stack does, over
# the same port (ND from the kernel, echo to the kernel's link-local).
LL=$(ip -n "$BF_NS_S" -6 -br addr show dev "$K" | grep -o 'fe80::[0-9a-f:]*' | head -n1 || :)
bf_wait_for 10 bash -c "ip -n $BF_NS_C -6 addr show dev $BF_IF_C | grep -q 'fe80.*scope link' &&
	! ip -n $BF_NS_C -6 addr show dev $BF_IF_C | grep -q tentative" || :
bf_check "the kernel interface has an IPv6 link-local address" test -n "$LL"
bf_check "ping6 to the host's link-local through the port" \
	bf_in_c ping -6 -c 3 -i 0.2 -W 2 "$LL%$BF_IF_C"

# 6. TFTP still comes from the data path, not the host.
(cd "$BF_RUN" && bf_in_c timeout 10 tftp "$S" -m binary -c get "$BF_BOOT_BIOS" got.kpxe) || :
bf_check "TFTP is still served by the data path" cmp "$BF_RUN/got.kpxe" "$BF_TFTPROOT/$BF_BOOT_BIOS"

# 7. Rate limit: at 200 frames/s (burst 20) a 3000-datagram flood to an
# unserved port loses most of it, counted; the data path keeps answering.
BF_CONFIG_EXTRA='exception:
  rate: 200
  burst: 20'
bf_write_bootfarmd_config "$BF_RUN/bootfarmd.yaml"
kill -HUP "$BF_SERVER_PID"
bf_wait_for 10 bash -c "grep -q 'generation 2' '$BF_SERVER_LOG'" || bf_die "reload not seen"
bf_stats_settle
before=$(bf_counter drop_exc_rate)
up0=$(bf_counter exc_to_kernel)
t0=$(date +%s%N)
bf_in_c python3 - "$S" <<'PY'
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(3000):
    s.sendto(b"flood %d" % i, (sys.argv[1], 5006))
PY
ms=$((($(date +%s%N) - t0) / 1000000))
bf_stats_settle
dropped=$(($(bf_counter drop_exc_rate) - before))
up=$(($(bf_counter exc_to_kernel) - up0))
# what may pass: the burst, plus the rate over the flood and the settle time
allowed=$((20 + 200 * (ms + 1500) / 1000))
bf_log "flood of 3000 in ${ms} ms: ${up} passed up, ${dropped} dropped by the limit (allowed ${allowed})"
bf_check "the flood is cut by exception.rate (>= 1000 dropped, counted)" test "$dropped" -ge 1000
bf_check "no more than rate x time + burst passed up" test "$up" -le "$allowed"
bf_check "ping still answered by the data path after the flood" \
	bf_in_c ping -c 2 -i 0.2 -W 2 "$S"
bf_check "ping from the host still works after the flood" in_s ping -c 2 -i 0.3 -W 2 "$C"

# 8. The tap goes away with the server.
bf_server_stop
bf_check "kernel interface removed at exit" \
	bash -c "! ip -n $BF_NS_S link show dev $K >/dev/null 2>&1"
bf_finish
