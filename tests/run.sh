#!/bin/bash
# Every test tier, as CI runs it (root needed for namespaces and QEMU taps):
#   build/       the normal build: unit, fuzz-corpus replay, integration
#                (network namespaces + real clients), e2e (firmware in QEMU);
#   build-asan/  ASan + UBSan build: unit tests, fuzz-corpus replay, and the
#                integration tests again against the instrumented daemon (the
#                harness fails a test on any sanitizer report in its log);
#   build-fuzz/  clang libFuzzer + ASan + UBSan: every corpus replayed, then
#                each target fuzzed for a few seconds (tools/fuzz.sh ci).
# Extra arguments go to both `meson test` calls (e.g. --suite unit).
set -euo pipefail
cd "$(dirname "$0")/.."

[[ -f build/build.ninja ]] || meson setup build
ninja -C build
meson test -C build --print-errorlogs --num-processes 1 "$@"

# jemalloc stays out of the sanitizer build (see control/meson.build).
[[ -f build-asan/build.ninja ]] ||
	meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false -Djemalloc=false
ninja -C build-asan
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	meson test -C build-asan --print-errorlogs --num-processes 1 --suite unit --suite fuzz \
	--suite integration

# clang libFuzzer + ASan + UBSan (build-fuzz/): replay every corpus, then fuzz
# each target BF_FUZZ_SECONDS (a crash fails, naming the reproducer).
tools/fuzz.sh ci "${BF_FUZZ_SECONDS:-10}"
