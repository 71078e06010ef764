#!/bin/bash
# Hot reload under load: stage + switch cycles through bootfarmctl while TFTP
# transfers and DHCP exchanges run, and what every client got checked.
#   - TFTP: LOOPS client loops (spread over client addresses) download
#     boot.bin again and again; A serves version 1, B version 2 of it. Every
#     download must succeed and be byte-identical to v1 or v2 (a transfer that
#     crossed a switch keeps the image it started with; a mix matches neither).
#   - DHCP: a raw client population does DORA in waves (tests/lib/dhcp4load.py);
#     A answers lease 600 / file boot.bin, B lease 1234 / file bootb.bin. No
#     reply may carry another pair (built from two snapshots), and no ACK may
#     differ from its OFFER (an exchange keeps its snapshot across a switch).
#   - CYCLES stage+switch cycles alternate A and B as fast as bootfarmctl goes.
#
# usage: bench/reload_under_load.sh [CYCLES] [LOOPS] [DHCP_CLIENTS] [IMAGE_KIB]   (root)
# Output: bench/results/reload_under_load.{md,csv} (BF_BENCH_OUT) and a
# summary; exit 1 if any check failed. tests/integration/test_reload_load.sh
# runs it with modest numbers.
set -euo pipefail
BF_SRCDIR=${BF_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
BOOTFARMD=${BOOTFARMD:-$BF_SRCDIR/build/control/bootfarmd}
BOOTFARMCTL=${BOOTFARMCTL:-$(dirname "$BOOTFARMD")/../tools/bootfarmctl}
export BOOTFARMD
# shellcheck source=tests/lib/harness.sh
. "$BF_SRCDIR/tests/lib/harness.sh"

CYCLES=${1:-1000}
LOOPS=${2:-32}
DHCP_CLIENTS=${3:-40}
IMAGE_KIB=${4:-1024}
OUT=${BF_BENCH_OUT:-$BF_SRCDIR/bench/results}
MAX_S=${BF_RELOAD_MAX_S:-900} # every loop below is bounded by this too

bf_init reload_under_load
bf_require_tools curl sha256sum python3
[[ $SERVER == bootfarmd ]] || bf_die "runs bootfarmd (SERVER=bootfarmd)"
[[ -x $BOOTFARMCTL ]] || bf_die "no bootfarmctl at $BOOTFARMCTL"
BF_CONFIG_EXTRA="tftp:
  per_source: 64"
BF_POOL_LAST=10.77.0.250
bf_topo_veth
bf_make_random "$BF_RUN/v1.bin" $((IMAGE_KIB * 1024 + 1))
bf_make_random "$BF_RUN/v2.bin" $((IMAGE_KIB * 1024 + 3))
bf_image_file boot.bin "$BF_RUN/v1.bin"
BF_BOOT_BIOS=boot.bin
bf_server_start
S=$BF_SERVER_IP
SMAC=$(bf_mac_of "$BF_NS_S" "$BF_IF_S")
A=$BF_RUN/a.yaml B=$BF_RUN/b.yaml
cp "$BF_RUN/bootfarmd.yaml" "$A"
sed -e "s|$BF_TFTPROOT/boot.bin|$BF_RUN/v2.bin|" -e "s/lease_time: $BF_LEASE\$/lease_time: 1234/" \
	-e "s/file: boot.bin\$/file: bootb.bin/" "$A" >"$B"
printf '  - name: "bootb.bin"\n    file: "%s"\n' "$BF_RUN/v2.bin" >"$BF_RUN/img.txt"
sed -i "/^images:\$/r $BF_RUN/img.txt" "$B"
H1=$(sha256sum <"$BF_RUN/v1.bin" | cut -c1-64)
H2=$(sha256sum <"$BF_RUN/v2.bin" | cut -c1-64)
ctl() { "$BOOTFARMCTL" --socket "$BF_CTL_SOCK" "$@"; }
ctl stage "$B" >/dev/null || bf_die "B does not stage"
ctl diff | sed 's/^/  A -> B: /'
ctl stage "$A" >/dev/null # back to a staged copy of A, so the loop starts with B

# Client addresses: 8 loops per address (the per-source cap is 64).
NADDR=$(((LOOPS + 7) / 8))
for ((i = 0; i < NADDR; i++)); do
	ip -n "$BF_NS_C" addr add "10.77.0.$((10 + i))/24" dev "$BF_IF_C"
done
STOP=$BF_RUN/stop
tftp_loop() { # N: download until STOP, one line per download
	local n=$1 src=10.77.0.$((10 + $1 % NADDR)) f=$BF_RUN/dl.$1 h end=$((SECONDS + MAX_S))
	while [[ ! -e $STOP ]] && ((SECONDS < end)); do
		if bf_in_c timeout 60 curl -s --interface "$src" --tftp-blksize 1468 -o "$f" \
			"tftp://$S/boot.bin"; then
			h=$(sha256sum <"$f" | cut -c1-64)
			case $h in
			"$H1") echo v1 ;; "$H2") echo v2 ;; *) echo "mismatch $(stat -c %s "$f")" ;;
			esac
		else
			echo "failed $?"
		fi
	done >"$BF_RUN/loop.$n"
}
dhcp_loop() {
	local end=$((SECONDS + MAX_S))
	while [[ ! -e $STOP ]] && ((SECONDS < end)); do
		bf_in_c timeout 120 python3 "$BF_SRCDIR/tests/lib/dhcp4load.py" bind --iface "$BF_IF_C" \
			--server-mac "$SMAC" --count "$DHCP_CLIENTS" --mac-prefix 02:7e:00 --wave 10 \
			--out "$BF_RUN/acks" \
			--pairs "$BF_LEASE:boot.bin,1234:bootb.bin" --max-seconds 60 2>&1 || :
	done >"$BF_RUN/dhcp.out"
}
LOAD_PIDS=()
for ((i = 0; i < LOOPS; i++)); do
	tftp_loop "$i" &
	LOAD_PIDS+=($!)
	bf_track $!
done
if ((DHCP_CLIENTS > 0)); then
	dhcp_loop &
	LOAD_PIDS+=($!)
	bf_track $!
fi
sleep 1

bf_log "$CYCLES stage+switch cycles under $LOOPS TFTP loops and $DHCP_CLIENTS DHCP clients"
t0=$(date +%s.%N) fails=0 end=$((SECONDS + MAX_S))
for ((c = 1; c <= CYCLES && SECONDS < end; c++)); do
	if ((c % 2)); then f=$B; else f=$A; fi
	ctl stage "$f" >/dev/null && ctl switch >/dev/null || fails=$((fails + 1))
	if ((c % 50 == 0 || c == CYCLES)); then
		printf '\r  cycle %d/%d (%d failed), %d downloads so far' "$c" "$CYCLES" "$fails" \
			"$(cat "$BF_RUN"/loop.* 2>/dev/null | wc -l)" >&2
	fi
done
done_cycles=$((c - 1))
t1=$(date +%s.%N)
echo >&2
sleep 2 # transfers started before the last switch finish
touch "$STOP"
wait "${LOAD_PIDS[@]}" || : # not the server: it is a child too
bf_stats_settle || :

count() { cat "$BF_RUN"/loop.* | grep -c "^$1" || true; }
V1=$(count v1) V2=$(count v2) MIS=$(count mismatch) FAIL=$(count failed)
# total KEY LINE_PREFIX: the sum of KEY=N over dhcp4load's summary lines
total() {
	awk -v k="$1=" -v p="$2" 'index($0, p) == 1 {
		for (i = 1; i <= NF; i++) if (index($i, k) == 1) s += substr($i, length(k) + 1)
	} END { print s + 0 }' "$BF_RUN/dhcp.out"
}
pairs=$(grep '^DHCPLOAD pairs' "$BF_RUN/dhcp.out" || true)
MIXED=$(total mixed "DHCPLOAD pairs")
DIFFER=$(total offer_ack_differ "DHCPLOAD pairs")
ACKED=$(total acked "DHCPLOAD bind")
PAIRS_SEEN=$(grep -o 'seen=.*' <<<"$pairs" | tr '\n' ' ' || true)
SECS=$(python3 -c "print('%.1f' % ($t1 - $t0))")
RATE=$(python3 -c "print('%.1f' % ($done_cycles / max(0.001, $t1 - $t0)))")
ABORT=$(bf_counter tftp_timeout_abort)
ERRRX=$(bf_counter tftp_error_rx)

mkdir -p "$OUT"
{
	echo "cycles,seconds,cycles_per_s,cycle_failures,downloads_v1,downloads_v2,mismatched,failed,tftp_timeout_aborts,dhcp_acks,dhcp_mixed,dhcp_offer_ack_differ"
	echo "$done_cycles,$SECS,$RATE,$fails,$V1,$V2,$MIS,$FAIL,$ABORT,$ACKED,$MIXED,$DIFFER"
} >"$OUT/reload_under_load.csv"
{
	echo "| stage+switch cycles | seconds | cycles/s | downloads (v1 / v2) | mismatched | failed | DHCP ACKs | mixed replies | ACK unlike its OFFER |"
	echo "|---|---|---|---|---|---|---|---|---|"
	echo "| $done_cycles | $SECS | $RATE | $V1 / $V2 | $MIS | $FAIL | $ACKED | $MIXED | $DIFFER |"
	echo
	echo "$LOOPS TFTP loops over $NADDR addresses, ${IMAGE_KIB} KiB image, $DHCP_CLIENTS DHCP clients; $(nproc) cores, $(date -u +%Y-%m-%d)."
} >"$OUT/reload_under_load.md"
cat "$OUT/reload_under_load.md"
bf_log "DHCP (lease:file) pairs seen: $PAIRS_SEEN"
grep -v "^DHCPLOAD" "$BF_RUN/dhcp.out" | sort | uniq -c | sort -rn | head -5 | sed "s/^/  dhcp4load: /" || :

bf_check_eq "all $CYCLES cycles done" "$CYCLES" "$done_cycles"
bf_check_eq "no stage or switch failed" 0 "$fails"
bf_check "downloads of both versions happened ($V1 v1, $V2 v2)" test "$V1" -gt 0 -a "$V2" -gt 0
bf_check_eq "every download byte-identical to the version it started with" 0 "$MIS"
bf_check_eq "no download failed" 0 "$FAIL"
bf_check_eq "no transfer aborted by the server" 0 "$ABORT"
bf_check_eq "no transfer aborted by a client" 0 "$ERRRX"
if ((DHCP_CLIENTS > 0)); then
	bf_check "DHCP exchanges completed ($ACKED ACKs)" test "$ACKED" -gt 0
	bf_check_eq "no DHCP reply built from a mix of two snapshots" 0 "$MIXED"
	bf_check_eq "no ACK unlike its OFFER (exchanges keep their snapshot)" 0 "$DIFFER"
fi
bf_finish
