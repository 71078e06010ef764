#!/bin/bash
# Malformed frames (tests/lib/badframes.py) at the server, then proof that it
# survived them: still running, completes a DHCP exchange and a TFTP transfer.
# bootfarmd mode also asserts: no reply at all to frames that must be dropped,
# and the drop_* counters grew by at least the number of such frames.
set -euo pipefail
BF_SRCDIR=${BF_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/harness.sh
. "$BF_SRCDIR/tests/lib/harness.sh"

bf_init test_malformed
bf_require_tools python3 dhclient tftp cmp ss sysctl

REPEAT=${BF_BAD_REPEAT:-3}
BAD=$BF_SRCDIR/tests/lib/badframes.py

bf_topo_veth
bf_client_static_ip "$BF_CLIENT_STATIC_IP"
bf_make_random "$BF_TFTPROOT/small.bin" 70001
bf_image_file small.bin "$BF_TFTPROOT/small.bin"
bf_server_start

SMAC=$(bf_mac_of "$BF_NS_S" "$BF_IF_S")
before=$BF_RUN/stats.before
bf_stats_settle || true
bf_stats_snapshot "$before"

# badframes CLASS LOG: send one class of frames from C; prints its output.
badframes() {
	local rc=0
	timeout 150 ip netns exec "$BF_NS_C" python3 "$BAD" --iface "$BF_IF_C" \
		--dst-mac "$SMAC" --src-ip "$BF_CLIENT_STATIC_IP" --dst-ip "$BF_SERVER_IP" \
		--tftp-name small.bin --repeat "$REPEAT" --class "$1" --listen-ms 1500 \
		>"$2" 2>&1 || rc=$?
	sed 's/^/  badframes: /' "$2"
	[[ $rc -eq 0 ]] || bf_die "badframes.py --class $1 failed (exit $rc)"
}
field() { sed -n "s/^BADFRAMES .*$1=\([0-9]*\).*/\1/p" "$2"; }

# Phase 1: only frames a correct server must drop. Nothing may come back.
bf_log "phase 1: frames that must be dropped (x$REPEAT)"
badframes must "$BF_RUN/bad-must.log"
must=$(field must_drop "$BF_RUN/bad-must.log")
replies=$(field replies "$BF_RUN/bad-must.log")
bf_check "server alive after $must must-drop frames" bf_server_alive
if [[ $SERVER == bootfarmd ]]; then
	bf_check_eq "no reply to frames that must be dropped" 0 "$replies"
	bf_stats_settle || true
	echo "drop counters changed by phase 1:"
	bf_stats_diff "$before" drop_
	delta=$(($(bf_drop_sum) - $(awk '$1 ~ /^drop_/ { s += $2 } END { print s + 0 }' "$before")))
	bf_check "sum of drop_* grew by $delta >= $must (frames that must be dropped)" \
		test "$delta" -ge "$must"
else
	# dnsmasq's kernel answers some of them (e.g. the DISCOVER from a
	# multicast MAC): informational only.
	bf_log "dnsmasq mode: $replies replies to must-drop frames (not asserted)"
fi

# Phase 2: everything, including frames the server may answer.
bf_log "phase 2: all frames (x$REPEAT)"
bf_stats_snapshot "$BF_RUN/stats.mid"
badframes all "$BF_RUN/bad-all.log"
# Transfers started by the odd-option requests time out on the server side;
# give it a moment to work through them before judging liveness.
sleep 2
bf_check "server alive after all frames" bf_server_alive

if [[ $SERVER == bootfarmd ]]; then
	bf_stats_settle || true
	echo "all counters changed by both phases:"
	bf_stats_diff "$before"
fi

# Still serving: a full DHCP exchange with a fresh client ...
dir=$BF_RUN/dh
bf_dhclient_start "$dir" "$BF_IF_C"
if bf_wait_for 30 bf_dh_bound "$dir"; then
	ip=$(bf_dh_env "$dir" BOUND new_ip_address)
	bf_check "DHCP after bad frames: bound to $ip (in pool)" bf_ip_in_pool "$ip"
	bf_check_eq "DHCP after bad frames: boot file" "$BF_BOOT_BIOS" "$(bf_dh_env "$dir" BOUND new_filename)"
else
	bf_fail "DHCP after bad frames: no lease within 30 s"
	sed 's/^/  dhclient: /' "$dir/dhclient.log"
fi
bf_kill_pid "$BF_DH_PID"

# ... and a TFTP transfer, byte for byte.
rc=0
timeout 60 ip netns exec "$BF_NS_C" tftp -4 "$BF_SERVER_IP" -m binary -c get small.bin \
	"$BF_RUN/small.out" >"$BF_RUN/tftp.log" 2>&1 || rc=$?
bf_check "TFTP after bad frames: small.bin byte-identical (exit $rc)" \
	cmp -s "$BF_TFTPROOT/small.bin" "$BF_RUN/small.out"
bf_check "server alive at the end" bf_server_alive

bf_finish
