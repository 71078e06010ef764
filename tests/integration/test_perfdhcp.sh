#!/bin/bash
# perfdhcp (Kea's DHCP benchmark) as a population of relayed clients: every
# DISCOVER-OFFER and REQUEST-ACK exchange must complete, no lease rejected, no
# address handed out twice, and every ACK durable (the lease store on). Every
# OFFER and ACK the server counts is on the client's wire (a sniffer there) and
# counted by perfdhcp: a reply bootfarm loses, before or after counting it,
# fails the test.
set -euo pipefail
BF_SRCDIR=${BF_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/harness.sh
. "$BF_SRCDIR/tests/lib/harness.sh"

bf_init test_perfdhcp
bf_require_tools perfdhcp python3
BF_LEASE_STORE=$BF_RUN/leases
bf_topo_veth
bf_client_static_ip "$BF_CLIENT_STATIC_IP"
RATE=${BF_PERFDHCP_RATE:-100}
SECS=${BF_PERFDHCP_SECONDS:-5}
N=$((RATE * SECS))
WAIT=${BF_PERFDHCP_WAIT:-10}	# seconds a reply may take and still count
bf_server_start

# Every DHCP message on the client's veth: what the server really sent,
# whatever perfdhcp made of it.
sniff=$BF_RUN/sniff.txt
ip netns exec "$BF_NS_C" python3 "$BF_SRCDIR/tests/lib/dhcp4sniff.py" --iface "$BF_IF_C" \
	--out "$sniff" &
sniff_pid=$!
bf_track "$sniff_pid"
bf_wait_for 5 test -e "$sniff" || bf_die "dhcp4sniff.py did not start"

out=$BF_RUN/perfdhcp.txt
# perfdhcp acts as a relay: giaddr is its address, replies come to port 67.
# N exchanges at RATE/s (-n for both stages), then no new one but replies still
# received and OFFERs still answered until all are complete or WAIT s passed
# (-W); a reply counts up to WAIT s late (-d). With -p and no -W perfdhcp quit
# the moment its period ended and counted a reply still in flight (an OFFER, or
# an ACK behind its lease commit: ms) as lost, though it arrived.
bf_in_c timeout $((SECS + WAIT + 30)) perfdhcp -4 -l "$BF_IF_C" -r "$RATE" -R 40 \
	-n "$N" -n "$N" -W $((WAIT * 1000000)) -d "$WAIT" -d "$WAIT" -t 1 >"$out" 2>&1 || :
sed -n '/Statistics for: DISCOVER-OFFER/,$p' "$out" |
	grep -E "Statistics|sent|received|drops|orphans|rejected|non unique|avg delay|max delay"

# field STAGE NAME: the value of "NAME: value" in the stage's block.
field() { awk -v s="$1" -v n="$2" '/Statistics for:/ { in_s = index($0, s) > 0 }
	in_s && index($0, n ":") == 1 { sub(/^[^:]*: */, ""); print; exit }' "$out"; }
for st in DISCOVER-OFFER REQUEST-ACK; do
	sent=$(field "$st" "sent packets")
	bf_check "$st: exchanges sent (${sent:-none})" test "${sent:-0}" -ge "$N"
	bf_check_eq "$st: every exchange answered" "$sent" "$(field "$st" "received packets")"
	bf_check_eq "$st: no rejected leases" 0 "$(field "$st" "rejected leases")"
	bf_check_eq "$st: no address given twice" 0 "$(field "$st" "non unique addresses")"
done
bf_stats_settle
kill -TERM "$sniff_pid"
wait "$sniff_pid" || :
# wire TYPE: how many TYPE messages came in on the client's veth.
wire() { awk -v t="$1" '$2 == "in" && $4 == t { n++ } END { print n + 0 }' "$sniff"; }
bf_check_eq "the sniffer saw every frame (kernel drops)" "kernel_drops 0" \
	"$(sed -n 's/^# .*\(kernel_drops [0-9]*\)$/\1/p' "$sniff")"
acks=$(bf_counter dhcp4_ack)
bf_check_eq "every DISCOVER perfdhcp sent reached the server" \
	"$(field DISCOVER-OFFER "sent packets")" "$(bf_counter dhcp4_discover)"
bf_check_eq "every OFFER the server counted is on the wire" "$(bf_counter dhcp4_offer)" "$(wire OFFER)"
bf_check_eq "every ACK the server counted is on the wire" "$acks" "$(wire ACK)"
bf_check_eq "perfdhcp counted every OFFER on the wire" "$(wire OFFER)" \
	"$(field DISCOVER-OFFER "received packets")"
bf_check_eq "perfdhcp counted every ACK on the wire" "$(wire ACK)" \
	"$(field REQUEST-ACK "received packets")"
bf_check_eq "every ACK written to the lease store" "$acks" "$(bf_counter dhcp4_store_writes)"
bf_check_eq "no reply withheld for a failed commit" 0 "$(bf_counter drop_dhcp4_store_fail)"
bf_server_stop
bf_finish
