#!/bin/bash
# Prometheus metrics (control.metrics): GET /metrics is valid text format 0.0.4
# to promtool (no lint problem either), every counter of bf_counters.def
# appears exactly once, and after a real dhclient DORA and a tftp-hpa download
# the DHCP, TFTP, gauge and histogram series say so. 404 for other paths, 405
# for other methods, HEAD and keep-alive work, a reload shows generation 2.
set -euo pipefail
BF_SRCDIR=${BF_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/harness.sh
. "$BF_SRCDIR/tests/lib/harness.sh"

bf_init test_metrics
[[ $SERVER == bootfarmd ]] || bf_skip "the metrics endpoint is bootfarmd's"
bf_require_tools dhclient tftp curl promtool cmp ss sysctl

# The endpoint lives in S's own network stack (its loopback), not on the port.
METRICS_ADDR=127.0.0.1:19310
URL=http://$METRICS_ADDR/metrics
BF_METRICS=$METRICS_ADDR	# the harness writes it as control.metrics
DEF=$BF_SRCDIR/shared/bf_counters.def

bf_topo_veth
bf_make_random "$BF_TFTPROOT/nbp.bin" $((256 * 1024 + 77))
bf_image_file nbp.bin "$BF_TFTPROOT/nbp.bin"
bf_server_start

in_s() { ip netns exec "$BF_NS_S" "$@"; }
# scrape OUT: the exposition into OUT; prints "HTTP_CODE CONTENT_TYPE".
scrape() { in_s curl -sS -m 10 -o "$1" -w '%{http_code} %{content_type}' "$URL"; }
# metric FILE SERIES: the value of one series (exact name and labels), or "none".
metric() { awk -v s="$2" '$1 == s { v = $2; f = 1 } END { print f ? v : "none" }' "$1"; }
# ge A B: A is a number >= B.
ge() { [[ $1 =~ ^[0-9]+(\.[0-9]+)?$ ]] && awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; }
check_ge() {
	if ge "$3" "$2"; then bf_pass "$1 ($3 >= $2)"; else bf_fail "$1: expected >= $2, got '$3'"; fi
}

# promtool_clean FILE LABEL: parses, exit 0, and not one line of output
# (lint problems are printed one per line, and count as failures here).
promtool_clean() {
	local rc=0 out
	out=$(promtool check metrics <"$1" 2>&1) || rc=$?
	if [[ $rc -eq 0 && -z $out ]]; then
		bf_pass "$2: promtool check metrics: exit 0, no problems"
	else
		bf_fail "$2: promtool check metrics: exit $rc"
		sed 's/^/  promtool: /' <<<"$out" | head -n 20
	fi
}

# ---- the endpoint before any client -----------------------------------------
M0=$BF_RUN/metrics.0
bf_check "endpoint listening on $METRICS_ADDR" bf_wait_for 10 \
	bash -c "ip netns exec $BF_NS_S ss -Hltn 'sport = :${METRICS_ADDR##*:}' | grep -q ."
st=$(scrape "$M0" || true)
bf_check_eq "GET /metrics: status and Content-Type" \
	"200 text/plain; version=0.0.4; charset=utf-8" "$st"
promtool_clean "$M0" "at start"

# Every counter exactly once: as many counter samples as BF_CTR lines in the
# .def list, and the drops family has one series per drop_ counter. The
# per-port breakdown of the drop_port_* counters is counted on its own.
counter_samples() {
	awk '$1 == "#" && $2 == "TYPE" && $4 == "counter" && $3 != "bootfarm_port_lost_frames_total" { c[$3] = 1; next }
	     $1 !~ /^#/ { n = $1; sub(/\{.*/, "", n); if (n in c) k++ }
	     END { print k + 0 }' "$1"
}
bf_check_eq "every counter of bf_counters.def exposed exactly once" \
	"$(grep -c '^BF_CTR(' "$DEF")" "$(counter_samples "$M0")"
bf_check_eq "bootfarm_drops_total: one series per drop_ counter" \
	"$(grep -c '^BF_CTR(drop_' "$DEF")" "$(grep -c '^bootfarm_drops_total{reason="' "$M0")"
bf_check_eq "bootfarm_port_lost_frames_total: four reasons for port 0, at 0" \
	"rx_errors 0 rx_missed 0 rx_nombuf 0 tx_errors 0" \
	"$(sed -n 's/^bootfarm_port_lost_frames_total{port="0",reason="\([a-z_]*\)"} \([0-9]*\)$/\1 \2/p' "$M0" | sort | paste -sd' ')"
bf_check_eq "no family declared twice" "" "$(awk '$2 == "TYPE" { print $3 }' "$M0" | sort | uniq -d)"
bf_check_eq "counters all end in _total" "" \
	"$(awk '$2 == "TYPE" && $4 == "counter" && $3 !~ /_total$/ { print $3 }' "$M0")"
bf_check_eq "bootfarm_workers" 1 "$(metric "$M0" bootfarm_workers)"
bf_check_eq "bootfarm_config_generation at start" 1 "$(metric "$M0" bootfarm_config_generation)"
bf_check_eq "bootfarm_dhcp4_leases before any client" 0 "$(metric "$M0" bootfarm_dhcp4_leases)"

# ---- one real boot: dhclient DORA, then tftp-hpa fetches the image ----------
DH=$BF_RUN/dh
bf_dhclient_start "$DH" "$BF_IF_C"
bf_wait_for 30 bf_dh_bound "$DH" || bf_die "dhclient got no lease within 30 s"
ip=$(bf_dh_env "$DH" BOUND new_ip_address)
bf_pass "dhclient bound to $ip"
ip -n "$BF_NS_C" addr add "$ip/$BF_PREFIX" dev "$BF_IF_C"
rc=0
timeout 60 ip netns exec "$BF_NS_C" tftp -4 "$BF_SERVER_IP" -m binary \
	-c get nbp.bin "$BF_RUN/nbp.dl" >"$BF_RUN/tftp.log" 2>&1 || rc=$?
if [[ $rc -eq 0 ]] && cmp -s "$BF_TFTPROOT/nbp.bin" "$BF_RUN/nbp.dl"; then
	bf_pass "tftp-hpa: nbp.bin byte-identical"
else
	bf_fail "tftp-hpa: nbp.bin (exit $rc)"
	sed 's/^/  tftp: /' "$BF_RUN/tftp.log"
fi

# The last ACK may reach the server just after tftp-hpa exits.
M1=$BF_RUN/metrics.1
completed() {
	scrape "$M1" >/dev/null &&
		ge "$(metric "$M1" 'bootfarm_tftp_transfers_total{result="completed"}')" 1
}
bf_check "transfer counted as completed" bf_wait_for 10 completed
st=$(scrape "$M1" || true)
bf_check_eq "GET /metrics after the boot: status" 200 "${st%% *}"
promtool_clean "$M1" "after a boot"

size=$(stat -c %s "$BF_TFTPROOT/nbp.bin")
for t in discover offer request ack; do
	check_ge "DHCPv4 $t" 1 "$(metric "$M1" "bootfarm_dhcp4_messages_total{type=\"$t\"}")"
done
bf_check_eq "DHCPv4 nak" 0 "$(metric "$M1" 'bootfarm_dhcp4_messages_total{type="nak"}')"
check_ge "bootfarm_dhcp4_leases" 1 "$(metric "$M1" bootfarm_dhcp4_leases)"
bf_check_eq "bootfarm_dhcp6_leases" 0 "$(metric "$M1" bootfarm_dhcp6_leases)"
check_ge "bootfarm_tftp_read_requests_total" 1 "$(metric "$M1" bootfarm_tftp_read_requests_total)"
check_ge "bootfarm_tftp_packets_sent_total{type=\"data\"}" $((size / 512 + 1)) \
	"$(metric "$M1" 'bootfarm_tftp_packets_sent_total{type="data"}')"
check_ge "bootfarm_tftp_data_bytes_total" "$size" "$(metric "$M1" bootfarm_tftp_data_bytes_total)"
check_ge "bootfarm_tftp_acks_received_total" $((size / 512 + 1)) \
	"$(metric "$M1" bootfarm_tftp_acks_received_total)"
bf_check_eq "bootfarm_tftp_requests_refused_total{reason=\"not_found\"}" 0 \
	"$(metric "$M1" 'bootfarm_tftp_requests_refused_total{reason="not_found"}')"
bf_check_eq "bootfarm_tftp_sessions{worker=\"0\"}: none left" 0 \
	"$(metric "$M1" 'bootfarm_tftp_sessions{worker="0"}')"
check_ge "bootfarm_rx_frames_total" 4 "$(metric "$M1" bootfarm_rx_frames_total)"
# The drops family is there (a clean boot drops nothing in particular).
check_ge "bootfarm_drops_total{reason=\"udp_csum\"} present" 0 \
	"$(metric "$M1" 'bootfarm_drops_total{reason="udp_csum"}')"
# Histograms: the series exist, cumulative, _count equal to the +Inf bucket;
# the DORA and the transfer were timed (no DHCPv6 client ran).
for s in dhcp4:1 dhcp6:0 nbp:1; do
	min=${s#*:} s=${s%:*}
	n=$(metric "$M1" "bootfarm_boot_stage_seconds_count{stage=\"$s\"}")
	check_ge "bootfarm_boot_stage_seconds_count{stage=\"$s\"}" "$min" "$n"
	bf_check_eq "stage $s: +Inf bucket equals _count" "$n" \
		"$(metric "$M1" "bootfarm_boot_stage_seconds_bucket{stage=\"$s\",le=\"+Inf\"}")"
	bf_check_eq "stage $s: 16 buckets, non-decreasing" "16 ok" "$(awk -v p="bootfarm_boot_stage_seconds_bucket{stage=\"$s\"," '
		index($1, p) == 1 { n++; if ($2 < last) bad = 1; last = $2 }
		END { print n, bad ? "decreasing" : "ok" }' "$M1")"
done
# The same numbers as the stats file (nothing happens between the two reads).
bf_stats_settle || :
bf_check_eq "dhcp4 ack agrees with the stats file" "$(bf_counter dhcp4_ack)" \
	"$(metric "$M1" 'bootfarm_dhcp4_messages_total{type="ack"}')"
bf_check_eq "tftp_data_bytes agrees with the stats file" "$(bf_counter tftp_data_bytes)" \
	"$(metric "$M1" bootfarm_tftp_data_bytes_total)"
bf_dhclient_release "$DH" "$BF_IF_C" || :

# ---- HTTP behaviour ---------------------------------------------------------
code() { in_s curl -s -m 10 -o /dev/null -w '%{http_code}' "$@"; }
bf_check_eq "GET /other: 404" 404 "$(code "http://$METRICS_ADDR/other")"
bf_check_eq "GET /: 404" 404 "$(code "http://$METRICS_ADDR/")"
bf_check_eq "GET /metrics/x: 404" 404 "$(code "$URL/x")"
bf_check_eq "POST /metrics: 405" 405 "$(code -X POST --data x "$URL")"
bf_check_eq "DELETE /metrics: 405" 405 "$(code -X DELETE "$URL")"
allow=$(in_s curl -s -m 10 -o /dev/null -D - -X PUT --data x "$URL" | tr -d '\r' |
	sed -n 's/^[Aa]llow: //p')
bf_check_eq "405 names the allowed methods" "GET, HEAD" "$allow"
bf_check_eq "GET /metrics?x=1: 200 (query ignored)" 200 "$(code "$URL?x=1")"
head=$(in_s curl -s -m 10 -I "$URL" | tr -d '\r')
bf_check_eq "HEAD /metrics: status" "HTTP/1.1 200 OK" "$(head -n1 <<<"$head")"
bf_check_eq "HEAD /metrics: Content-Type" "text/plain; version=0.0.4; charset=utf-8" \
	"$(sed -n 's/^[Cc]ontent-[Tt]ype: //p' <<<"$head")"
check_ge "HEAD /metrics: Content-Length of the body" 1000 \
	"$(sed -n 's/^[Cc]ontent-[Ll]ength: //p' <<<"$head")"
bf_check_eq "keep-alive: two scrapes, one connection" "1 0" \
	"$(in_s curl -s -m 10 -o /dev/null -o /dev/null -w '%{num_connects} ' "$URL" "$URL" | xargs)"

# ---- a reload publishes generation 2; the endpoint keeps serving ------------
kill -HUP "$BF_SERVER_PID"
M2=$BF_RUN/metrics.2
gen2() { scrape "$M2" >/dev/null && [[ $(metric "$M2" bootfarm_config_generation) == 2 ]]; }
bf_check "bootfarm_config_generation 2 after SIGHUP" bf_wait_for 10 gen2
promtool_clean "$M2" "after a reload"

bf_finish
