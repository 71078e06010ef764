#!/bin/bash
# DHCP starvation (many spoofed MACs taking a pool) held to each origin's
# share by dhcp4.limits: 30 new clients on one port with leases_per_port 10
# get exactly 10 leases, the rest no answer (counted); those 10 renew freely
# and a reserved host is served; behind a relay, leases_per_circuit 2 holds
# one option 82 circuit to 2 while another circuit of the same relay is
# served; after a reload, new_per_second meters a burst.
set -euo pipefail
BF_SRCDIR=${BF_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/harness.sh
. "$BF_SRCDIR/tests/lib/harness.sh"

bf_init test_dhcp_limits
bf_require_tools python3
[[ $SERVER == bootfarmd ]] || bf_skip "dhcp4.limits are bootfarmd's"
BF_DHCP4_EXTRA="  limits:
    leases_per_port: 10
    leases_per_circuit: 2"
bf_topo_veth
bf_server_start
SMAC=$(bf_mac_of "$BF_NS_S" "$BF_IF_S")
S=$BF_SERVER_IP
PROBE=$BF_SRCDIR/tests/lib/dhcp4probe.py
BF_PROBE_LISTEN_MS=3000 # a loaded 2-core machine: an answer, not a deadline, is tested
LOAD=$BF_SRCDIR/tests/lib/dhcp4load.py
# shellcheck source=tests/lib/probe.sh
. "$BF_SRCDIR/tests/lib/probe.sh"
load() { bf_in_c timeout 120 python3 "$LOAD" "$@" --iface "$BF_IF_C" --server-mac "$SMAC" \
	--timeout-ms 1500 --max-seconds 90 || :; }

bf_log "1. 30 new clients on the port, leases_per_port 10"
load bind --count 30 --mac-prefix 02:5c:01 --wave 30 --out "$BF_RUN/acked" | tail -1
bf_check_eq "exactly 10 got a lease" 10 "$(wc -l <"$BF_RUN/acked")"
bf_stats_settle || true
bf_check "the others were refused and counted ($(bf_counter drop_dhcp4_limit_leases))" \
	test "$(bf_counter drop_dhcp4_limit_leases)" -ge 20
bf_check "the log says why" grep -q "dhcp4: port: no new lease for .* (lease limit reached: 10 leases held)" \
	"$BF_SERVER_LOG"
out=$(load verify --in "$BF_RUN/acked" | tail -1)
echo "$out"
bf_check "the 10 with leases renew them (INIT-REBOOT ACKed)" grep -q "ok=10 " <<<"$out"
probe fixed --type discover --chaddr "$BF_FIXED_MAC" --prl 1,3
one_reply fixed "a reserved host, whatever the limit" OFFER
bf_check_eq "with its reserved address" "$BF_FIXED_IP" "$(df fixed yiaddr)"

bf_log "2. behind a relay: leases_per_circuit 2 for one option 82 circuit"
RELAY=$BF_RELAY_ROUTER
relayed() { # relayed NAME MAC CIRCUIT_HEX
	probe "$1" --type discover --chaddr "$2" --giaddr "$RELAY" --hops 1 \
		--relay-info "01$(printf '%02x' $((${#3} / 2)))$3" --src-ip "$RELAY" --src-port 67 \
		--dst-ip "$S" --dst-mac "$SMAC" --prl 1,3
}
relayed ca1 02:5c:02:00:00:01 706f727431 # "port1"
relayed ca2 02:5c:02:00:00:02 706f727431
relayed ca3 02:5c:02:00:00:03 706f727431
relayed cb1 02:5c:02:00:00:04 706f727432 # "port2"
one_reply ca1 "circuit port1, first client" OFFER
one_reply ca2 "circuit port1, second client" OFFER
no_reply ca3 "circuit port1, third client"
one_reply cb1 "circuit port2 of the same relay" OFFER

bf_log "3. reload: no lease cap, new_per_second 5; a burst of 30 new clients"
BF_DHCP4_EXTRA="  limits:
    new_per_second: 5"
bf_write_bootfarmd_config "$BF_RUN/bootfarmd.yaml"
kill -HUP "$BF_SERVER_PID"
gen2() { grep -q "published as generation 2" "$BF_SERVER_LOG"; }
bf_check "reloaded" bf_wait_for 15 gen2
r0=$(bf_counter drop_dhcp4_limit_rate)
t0=$SECONDS
load bind --count 30 --mac-prefix 02:5c:03 --wave 30 --out "$BF_RUN/acked3" | tail -1
n=$(wc -l <"$BF_RUN/acked3")
el=$((SECONDS - t0 + 1))
bf_stats_settle || true
bf_check "a burst is metered: $n of 30 in ${el} s (5 at once, then 5 a second)" \
	test "$n" -ge 5 -a "$n" -le $((5 + 5 * el))
bf_check "and counted ($(($(bf_counter drop_dhcp4_limit_rate) - r0)))" \
	test "$(($(bf_counter drop_dhcp4_limit_rate) - r0))" -ge 10
bf_finish
