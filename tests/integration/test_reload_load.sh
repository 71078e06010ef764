#!/bin/bash
# Hot reload under load with modest numbers (the benchmark's own checks):
# 200 stage+switch cycles through bootfarmctl while 8 TFTP loops and a DHCP
# population run; every download byte-identical to one version, no failure,
# no DHCP reply from a mix of snapshots, no ACK unlike its OFFER.
# bench/reload_under_load.sh with large numbers is the benchmark.
set -euo pipefail
BF_SRCDIR=${BF_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
[[ ${SERVER:-bootfarmd} == bootfarmd ]] || { echo "SKIP: bootfarmd's slots"; exit 77; }
BF_BENCH_OUT=$(mktemp -d /tmp/bf-reload-load.XXXXXX)
export BF_BENCH_OUT BF_RELOAD_MAX_S=240
trap 'rm -rf "$BF_BENCH_OUT"' EXIT
bash "$BF_SRCDIR/bench/reload_under_load.sh" 200 8 20 256
