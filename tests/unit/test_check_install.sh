#!/bin/bash
# tools/check_install.py fails where it must: the real install line less any
# one package a test needs, README and .ci/run disagreeing, a tool with no
# package in the table; and passes on the tree as it is.
set -uo pipefail
TOP=${BF_SRCDIR:-$(dirname "$0")/../..}
CHECK=$TOP/tools/check_install.py
pass=0 fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

out=$(python3 "$CHECK" 2>&1) && ok || bad "the tree: $out"

line=$(grep -o 'apt-get install -y --no-install-recommends [^&]*' "$TOP/README.md" | head -1 |
	sed 's/.*--no-install-recommends //')
# every package that a table row names (the ones a test depends on)
needed=$(python3 -c "
import importlib.util,sys
s=importlib.util.spec_from_file_location('c','$CHECK'); m=importlib.util.module_from_spec(s); s.loader.exec_module(m)
print(' '.join(sorted(set(m.TOOL_PACKAGE.values()) - m.ESSENTIAL)))")
for p in $needed; do
	grep -qw -- "$p" <<<"$line" || continue
	less=$(tr ' ' '\n' <<<"$line" | grep -vx -- "$p" | tr '\n' ' ')
	if out=$(python3 "$CHECK" --line "$less" 2>&1); then
		bad "the line without $p passed"
	elif grep -q "package $p, which the install line does not bring" <<<"$out"; then
		ok
	else
		bad "the line without $p failed for another reason: $out"
	fi
done

t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
mkdir -p "$t/.ci" "$t/tests" "$t/demo"
printf 'x\n    apt-get update && apt-get install -y --no-install-recommends curl socat && demo/run.sh\n' >"$t/README.md"
printf 'apt-get install -y -q --no-install-recommends curl\n' >"$t/.ci/run"
printf '%s curl socat # ping in a comment is not asked for\n' bf_require_tools >"$t/tests/a.sh"
out=$(python3 "$CHECK" --top "$t" 2>&1) && bad "README and .ci/run disagree, passed" ||
	{ grep -q "only in README: socat" <<<"$out" && ok || bad "disagreement not named: $out"; }
printf 'apt-get install -y -q --no-install-recommends curl socat\n' >"$t/.ci/run"
out=$(python3 "$CHECK" --top "$t" 2>&1) && ok || bad "a consistent tree failed: $out"
printf '%s -v %s >/dev/null\n' command frobnicate >"$t/demo/b.sh"
out=$(python3 "$CHECK" --top "$t" 2>&1) && bad "an unknown tool passed" ||
	{ grep -q "demo/b.sh:1: tool 'frobnicate' has no package" <<<"$out" && ok || bad "unknown tool not named: $out"; }

echo "$pass passed, $fail failed"
((fail == 0))
