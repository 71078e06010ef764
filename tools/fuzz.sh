#!/bin/bash
# The fuzz targets under clang's libFuzzer with ASan + UBSan (clang's UBSan
# sees what gcc's misses, e.g. arithmetic on a null pointer).
#
#   tools/fuzz.sh ci [SECONDS]       build build-fuzz/, replay every committed
#                                    corpus, then fuzz each target SECONDS
#                                    (default 10); any crash or sanitizer report
#                                    fails, naming the reproducer (tests/run.sh)
#   tools/fuzz.sh campaign SECONDS   fuzz each target SECONDS and write the
#                                    table bench/results/fuzz_campaign.md (execs,
#                                    execs/s, coverage, findings), one row per
#                                    target per campaign, appended
#
# -timeout=60: one input may take that long before it counts as a hang (the
# first input of fuzz_worker starts DPDK, seconds on a loaded machine).
# New inputs go to a scratch directory, never into tests/fuzz/corpus/: keeping
# one is a deliberate commit (copy it from the path printed).
set -euo pipefail
cd "$(dirname "$0")/.."
MODE=${1:-ci}
SECS=${2:-10}
B=build-fuzz
# FUZZ_TARGETS="nd worker" picks some
# shellcheck disable=SC2206
TARGETS=(${FUZZ_TARGETS:-frame dhcp4 dhcp6 nd pxe tftp http conf template storm worker})

command -v clang >/dev/null || { echo "fuzz: clang not found (apt-get install clang)" >&2; exit 1; }
if [[ ! -f $B/build.ninja ]]; then
	CC=clang meson setup "$B" -Dfuzz=true -Djemalloc=false -Db_lundef=false >/dev/null
fi
ninja -C "$B" $(printf 'tests/fuzz/fuzz_%s ' "${TARGETS[@]}") >/dev/null

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:symbolize=1
export UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1
SCRATCH=$(mktemp -d /tmp/bf-fuzz.XXXXXX)
keep_scratch=0
trap '[[ $keep_scratch == 1 ]] || rm -rf "$SCRATCH"' EXIT

corpora() { # the committed corpus dirs of a target
	echo "tests/fuzz/corpus/$1"
	[[ $1 != worker ]] || echo tests/fuzz/corpus/frame
}

fail=0
n_ok=0
n_fail=0
# run TARGET LABEL ARGS...: one libFuzzer run; on failure name the reproducer
run() {
	local t=$1 label=$2 log="$SCRATCH/$1.$2.log"
	shift 2
	mkdir -p "$SCRATCH/new-$t" "$SCRATCH/art-$t"
	if ! "./$B/tests/fuzz/fuzz_$t" -artifact_prefix="$SCRATCH/art-$t/" "$@" >"$log" 2>&1; then
		fail=1
		n_fail=$((n_fail + 1))
		keep_scratch=1
		echo "FAIL: fuzz_$t ($label)"
		grep -E -m5 'runtime error|ERROR: (Address|Leak)Sanitizer|SUMMARY' "$log" || tail -5 "$log"
		for a in "$SCRATCH/art-$t"/*; do
			[[ -e $a ]] && echo "  reproducer: $a  (./$B/tests/fuzz/fuzz_$t $a)"
		done
		echo "  log: $log"
		return 1
	fi
	n_ok=$((n_ok + 1))
	echo "ok: fuzz_$t ($label) $(grep -Eo 'Done [0-9]+ runs in [0-9]+ second' "$log" | tail -1)"
}

case $MODE in
ci)
	for t in "${TARGETS[@]}"; do
		# shellcheck disable=SC2046
		run "$t" replay -runs=0 $(corpora "$t") || :
	done
	for t in "${TARGETS[@]}"; do
		# shellcheck disable=SC2046
		run "$t" "${SECS}s" -max_total_time="$SECS" -timeout=60 -rss_limit_mb=4096 \
			"$SCRATCH/new-$t" $(corpora "$t") || :
	done
	;;
campaign)
	OUT=bench/results/fuzz_campaign.md
	if [[ ! -s $OUT ]]; then
		cat >"$OUT" <<-'EOF'
		# Fuzzing campaigns (tools/fuzz.sh campaign SECONDS)

		clang libFuzzer with ASan + UBSan, each target for the given time on the
		committed corpus (new inputs kept in a scratch directory). cov/ft:
		libFuzzer's coverage points and features at the end. Execs summed over
		campaigns are the figure the 1e9-per-parser goal counts.

		| date | commit | target | seconds | execs | execs/s | cov | ft | findings |
		|---|---|---|---|---|---|---|---|---|
		EOF
	fi
	rev=$(git rev-parse --short HEAD)
	for t in "${TARGETS[@]}"; do
		found=0
		# shellcheck disable=SC2046
		run "$t" "${SECS}s" -max_total_time="$SECS" -timeout=60 -rss_limit_mb=4096 \
			-print_final_stats=1 "$SCRATCH/new-$t" $(corpora "$t") || found=1
		log="$SCRATCH/$t.${SECS}s.log"
		execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
		last=$( (grep -E '^#[0-9]+' "$log" | grep -E 'cov:' | tail -1) || :)
		cov=$( (grep -Eo 'cov: [0-9]+' <<<"$last" | grep -Eo '[0-9]+') || echo -)
		ft=$( (grep -Eo 'ft: [0-9]+' <<<"$last" | grep -Eo '[0-9]+') || echo -)
		rate=$(( ${execs:-0} / (SECS > 0 ? SECS : 1) ))
		echo "| $(date -u +%F) | $rev | $t | $SECS | ${execs:--} | $rate | $cov | $ft |" \
			"$([[ $found == 1 ]] && echo "crash: see log" || echo none) |" >>"$OUT"
	done
	echo "table: $OUT"
	;;
*)
	echo "usage: tools/fuzz.sh ci [SECONDS] | campaign SECONDS" >&2
	exit 2
	;;
esac
echo "fuzz: $n_ok passed, $n_fail failed"
exit $fail
