#!/bin/bash
# perfdhcp (Kea's DHCP benchmark) as a population of relayed clients: every
# DISCOVER-OFFER and REQUEST-ACK exchange must complete, no lease rejected, no
# address handed out twice, and every ACK durable (the lease store on).
set -euo pipefail
BF_SRCDIR=${BF_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/harness.sh
. "$BF_SRCDIR/tests/lib/harness.sh"

bf_init test_perfdhcp
bf_require_tools perfdhcp
BF_LEASE_STORE=$BF_RUN/leases
bf_topo_veth
bf_client_static_ip "$BF_CLIENT_STATIC_IP"
RATE=${BF_PERFDHCP_RATE:-100}
SECS=${BF_PERFDHCP_SECONDS:-5}
bf_server_start

out=$BF_RUN/perfdhcp.txt
# perfdhcp acts as a relay: giaddr is its address, replies come to port 67.
bf_in_c timeout $((SECS + 30)) perfdhcp -4 -l "$BF_IF_C" -r "$RATE" -R 40 -p "$SECS" -t 1 \
	>"$out" 2>&1 || :
sed -n '/Statistics for: DISCOVER-OFFER/,$p' "$out" | grep -E "Statistics|sent|received|drops|rejected|non unique|avg delay"

# field STAGE NAME: the value of "NAME: value" in the stage's block.
field() { awk -v s="$1" -v n="$2" '/Statistics for:/ { in_s = index($0, s) > 0 }
	in_s && index($0, n ":") == 1 { sub(/^[^:]*: */, ""); print; exit }' "$out"; }
for st in DISCOVER-OFFER REQUEST-ACK; do
	sent=$(field "$st" "sent packets")
	bf_check "$st: exchanges sent (${sent:-none})" test "${sent:-0}" -ge $((RATE * SECS / 2))
	bf_check_eq "$st: every exchange answered" "$sent" "$(field "$st" "received packets")"
	bf_check_eq "$st: no rejected leases" 0 "$(field "$st" "rejected leases")"
	bf_check_eq "$st: no address given twice" 0 "$(field "$st" "non unique addresses")"
done
bf_stats_settle
acks=$(bf_counter dhcp4_ack)
bf_check "server ACKed at least what perfdhcp counted ($acks)" \
	test "$acks" -ge "$(field REQUEST-ACK "received packets")"
bf_check_eq "every ACK written to the lease store" "$acks" "$(bf_counter dhcp4_store_writes)"
bf_check_eq "no reply withheld for a failed commit" 0 "$(bf_counter drop_dhcp4_store_fail)"
bf_server_stop
bf_finish
