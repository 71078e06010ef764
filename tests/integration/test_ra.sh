#!/bin/bash
# Router Advertisements from bootfarmd (ra:), checked with rdisc6 field by
# field: M and O flags, router lifetime, MTU, the prefix with its flags and
# lifetimes, RDNSS and DNSSL (RFC 8106), the server's link-local source and
# MAC; unsolicited RAs keep coming; a burst of Router Solicitations is
# answered by at most one multicast RA per 3 s (RFC 4861 6.2.6); a reload
# changes the next RA; stopping bootfarmd sends a final RA with router
# lifetime 0.
set -euo pipefail
BF_SRCDIR=${BF_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/harness.sh
. "$BF_SRCDIR/tests/lib/harness.sh"

bf_init test_ra
bf_require_tools rdisc6 python3
[[ $SERVER == bootfarmd ]] || bf_skip "Router Advertisements are bootfarmd's"
BF_SERVER_IP6=fd00:99::1/64
ra_conf() {
	BF_CONFIG_EXTRA="ra:
  managed: true
  other: true
  min_interval: 3
  max_interval: 4
  router_lifetime: 1800
  mtu: 1500
  prefixes:
    - prefix: \"fd00:99::/64\"
      autonomous: false
      valid_lifetime: 7200
      preferred_lifetime: 3600
  dns: [ \"$1\" ]
  domains: [ lab.example, boot.example ]"
}
ra_conf fd00:99::53
bf_topo_veth
ip netns exec "$BF_NS_C" sysctl -qw "net.ipv6.conf.$BF_IF_C.disable_ipv6=0"
# The client must not configure itself from our RAs (we only read them).
ip netns exec "$BF_NS_C" sysctl -qw "net.ipv6.conf.$BF_IF_C.accept_ra=0"
bf_server_start
SMAC=$(bf_mac_of "$BF_NS_S" "$BF_IF_S")
bf_wait_for 10 bash -c "ip -n $BF_NS_C -6 addr show dev $BF_IF_C | grep -q 'fe80.*scope link' &&
	! ip -n $BF_NS_C -6 addr show dev $BF_IF_C | grep -q tentative" || bf_die "no link-local"

rdisc() { bf_in_c timeout 10 rdisc6 -1 -r 3 "$BF_IF_C" >"$1" 2>&1 || :; }
field() { grep -E "^ *$2 *:" "$1" | head -n1 | sed -E 's/^[^:]*: *//; s/ +$//'; }

# 1. every field of the answer to an RS
rdisc "$BF_RUN/ra1"
cat "$BF_RUN/ra1"
bf_check_eq "M flag (Stateful address conf.)" "Yes" "$(field "$BF_RUN/ra1" 'Stateful address conf.')"
bf_check_eq "O flag (Stateful other conf.)" "Yes" "$(field "$BF_RUN/ra1" 'Stateful other conf.')"
bf_check "router lifetime 1800" grep -Eq 'Router lifetime +: +1800 ' "$BF_RUN/ra1"
bf_check "hop limit 64" grep -Eq 'Hop limit +: +64 ' "$BF_RUN/ra1"
bf_check "MTU 1500" grep -Eq 'MTU +: +1500 bytes' "$BF_RUN/ra1"
bf_check_eq "prefix" "fd00:99::/64" "$(field "$BF_RUN/ra1" 'Prefix')"
bf_check_eq "prefix on-link" "Yes" "$(field "$BF_RUN/ra1" 'On-link')"
bf_check_eq "prefix not autonomous" "No" "$(field "$BF_RUN/ra1" 'Autonomous address conf.')"
bf_check "prefix valid lifetime 7200" grep -Eq 'Valid time +: +7200 ' "$BF_RUN/ra1"
bf_check "prefix preferred lifetime 3600" grep -Eq 'Pref. time +: +3600 ' "$BF_RUN/ra1"
bf_check_eq "RDNSS" "fd00:99::53" "$(field "$BF_RUN/ra1" 'Recursive DNS server')"
bf_check "RDNSS lifetime 3 x max_interval (12 s)" grep -Eq 'DNS server lifetime +: +12 ' "$BF_RUN/ra1"
bf_check "DNSSL lab.example boot.example" grep -Eq 'DNS search list +: +lab.example boot.example' "$BF_RUN/ra1"
bf_check_eq "source link-layer address is the port's MAC" "${SMAC^^}" \
	"$(field "$BF_RUN/ra1" 'Source link-layer address')"
LL=$(grep -o 'from fe80::[0-9a-f:]*' "$BF_RUN/ra1" | cut -d' ' -f2)
bf_check "sent from the server's EUI-64 link-local address" test -n "$LL"

# 2. unsolicited RAs keep coming (max_interval 4 s)
bf_stats_settle
n0=$(bf_counter ra_tx)
sleep 9
bf_stats_settle
n1=$(bf_counter ra_tx)
bf_log "unsolicited RAs in 9 s: $((n1 - n0))"
bf_check "at least 2 unsolicited RAs in 9 s" test $((n1 - n0)) -ge 2

# 3. an RS burst: at most one multicast RA per 3 s
rs0=$(bf_counter nd_rs_rx)
t0=$SECONDS
bf_in_c python3 - "$BF_IF_C" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 255)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, sys.argv[1].encode())
idx = socket.if_nametoindex(sys.argv[1])
for _ in range(30):                      # RS, code 0, reserved; the kernel sums it
    s.sendto(bytes([133, 0, 0, 0, 0, 0, 0, 0]), ("ff02::2", 0, 0, idx))
    time.sleep(0.03)
PY
bf_stats_settle
rs=$(($(bf_counter nd_rs_rx) - rs0))
ra=$(($(bf_counter ra_tx) - n1))
secs=$((SECONDS - t0))
bf_log "RS burst: $rs solicitations, $ra RAs in about $secs s"
bf_check "the solicitations reached the server" test "$rs" -ge 25
bf_check "RAs stay within 1 per 3 s plus the periodic ones" test "$ra" -le $((secs / 3 + 2))

# 4. a reload changes the next RA
ra_conf fd00:99::54
bf_write_bootfarmd_config "$BF_RUN/bootfarmd.yaml"
kill -HUP "$BF_SERVER_PID"
bf_wait_for 10 bash -c "grep -q 'generation 2' '$BF_SERVER_LOG'" || bf_die "reload not seen"
rdisc "$BF_RUN/ra2"
bf_check_eq "after reload: the new RDNSS" "fd00:99::54" "$(field "$BF_RUN/ra2" 'Recursive DNS server')"

# 5. the final RA: router lifetime 0, caught on the client side
bf_in_c python3 - "$BF_IF_C" >"$BF_RUN/final" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x86dd))
s.bind((sys.argv[1], 0))
s.settimeout(0.5)
end = time.time() + 8
while time.time() < end:
    try:
        f = s.recv(2048)
    except socket.timeout:
        continue
    if len(f) >= 14 + 40 + 16 and f[20] == 58 and f[54] == 134:
        print("RA lifetime", int.from_bytes(f[60:62], "big"), flush=True)
PY
sniff=$!
sleep 1
bf_server_stop
wait "$sniff" || :
bf_check "final RA with router lifetime 0 at stop" grep -q "RA lifetime 0" "$BF_RUN/final"
bf_finish
