#!/bin/bash
# Instructions per TFTP DATA packet on a bootfarm worker, counted by valgrind
# (callgrind): a figure that does not move with the load on this shared machine.
# Counted: dp_worker_handle (the ACK's parse, session lookup and the window of
# DATA it releases: mbufs, header template, checksum, zero-copy attach),
# dp_tx_flush (the burst to the port) and rte_pktmbuf_free_bulk (sent mbufs
# coming back, as a NIC's tx completions). Not counted: the poll loop's empty
# iterations. Runs bfstorm-inproc (mode a) with a few clients under valgrind,
# with timeouts long enough that valgrind's slowness never looks like loss.
#
# usage: bench/instr_per_packet.sh [CLIENTS] [IMAGE_KIB] [WINDOW]
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
BIN=${BFSTORM_INPROC:-$SRC/build/bench/inproc/bfstorm-inproc}
CLIENTS=${1:-4}
KIB=${2:-8192}
WINDOW=${3:-32}
command -v valgrind >/dev/null || { echo "instr_per_packet: needs valgrind" >&2; exit 1; }
TMP=$(mktemp -d /tmp/bf-instr.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
echo "callgrind: $CLIENTS clients x $KIB KiB, window $WINDOW (a minute or two)" >&2
valgrind --tool=callgrind --callgrind-out-file="$TMP/cg.out" \
	--toggle-collect=dp_worker_handle --toggle-collect=dp_tx_flush \
	--toggle-collect=rte_pktmbuf_free_bulk \
	"$BIN" --clients "$CLIENTS" --image-kib "$KIB" --window "$WINDOW" --max-seconds 900 \
	--timeout-ms 30000 \
	>"$TMP/run.json" 2>"$TMP/valgrind.log" || true # the count stands even if a client gave up
ir=$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$TMP/valgrind.log")
pkts=$(grep -o '"server_data_pkts":[0-9]*' "$TMP/run.json" | cut -d: -f2)
booted=$(grep -o '"booted":[0-9]*' "$TMP/run.json" | cut -d: -f2)
[[ -n $ir && -n $pkts && $pkts -gt 0 ]] || { cat "$TMP/valgrind.log" >&2; exit 1; }
echo "clients=$CLIENTS booted=$booted image_kib=$KIB window=$WINDOW data_pkts=$pkts instructions=$ir"
# A run where clients gave up (valgrind is slow; a loaded machine makes it slower)
# counts mostly retransmission timers: no figure then.
[[ $booted == "$CLIENTS" ]] || { echo "instr_per_packet: only $booted of $CLIENTS clients booted; run it on a quieter machine" >&2; exit 1; }
awk -v i="$ir" -v p="$pkts" 'BEGIN { printf "instructions per DATA packet: %.1f\n", i / p }'
