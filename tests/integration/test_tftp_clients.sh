#!/bin/bash
# Three independent TFTP clients fetch images and must get them byte for byte:
# tftp-hpa (plain RFC 1350), atftp (blksize, windowsize, tsize), curl
# (blksize). A 40 MiB image at 512-byte blocks forces the block number past
# 65535. Missing names, path traversal, absolute paths and writes are refused.
set -euo pipefail
BF_SRCDIR=${BF_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/harness.sh
. "$BF_SRCDIR/tests/lib/harness.sh"

bf_init test_tftp_clients
bf_require_tools tftp atftp curl cmp ss sysctl

BIG_MIB=${BF_BIG_MIB:-40}
bf_topo_veth
bf_client_static_ip "$BF_CLIENT_STATIC_IP"

# Images: sizes chosen for edge cases, content random so a wrong block order
# or a repeated block cannot go unnoticed.
bf_make_random "$BF_TFTPROOT/small.bin" 100003		# ends in a short block
bf_make_random "$BF_TFTPROOT/exact.bin" $((512 * 200))	# needs a final empty DATA
bf_make_random "$BF_TFTPROOT/mid.bin" $((3 * 1024 * 1024 + 77))
bf_make_random "$BF_TFTPROOT/big.bin" $((BIG_MIB * 1024 * 1024))
for f in small.bin exact.bin mid.bin big.bin; do
	bf_image_file "$f" "$BF_TFTPROOT/$f"
done
bf_server_start

DL=$BF_RUN/dl
mkdir -p "$DL"
S=$BF_SERVER_IP

# same NAME OUT: OUT is byte-identical to image NAME.
same() { cmp -s "$BF_TFTPROOT/$1" "$2"; }

# get_check DESC NAME OUT TIMEOUT CMD...: run a client, then require exit 0,
# identical bytes, and the server's "sent" record for NAME.
get_check() {
	local desc=$1 name=$2 out=$3 t=$4 rc=0 start=$SECONDS
	shift 4
	rm -f "$out"
	timeout "$t" ip netns exec "$BF_NS_C" "$@" >"$out.log" 2>&1 || rc=$?
	if [[ $rc -eq 0 ]] && same "$name" "$out"; then
		bf_pass "$desc: $name byte-identical ($(stat -c %s "$out") bytes, $((SECONDS - start)) s)"
	else
		bf_fail "$desc: $name (exit $rc, $(stat -c %s "$out" 2>/dev/null || echo no) bytes)"
		tail -n 5 "$out.log" | sed 's/^/  client: /'
	fi
}

# tftp-hpa: plain RFC 1350, 512-byte blocks, no options.
for f in small.bin exact.bin mid.bin; do
	get_check "tftp-hpa get" "$f" "$DL/hpa-$f" 120 \
		tftp -4 "$S" -m binary -c get "$f" "$DL/hpa-$f"
done
# atftp: RFC 2348 blksize + RFC 7440 windowsize.
get_check "atftp blksize 1468 windowsize 16" mid.bin "$DL/atftp-win-mid.bin" 120 \
	atftp --get -r mid.bin -l "$DL/atftp-win-mid.bin" \
	--option "blksize 1468" --option "windowsize 16" "$S"
# atftp: RFC 2349 tsize 0 asks the server for the size in its OACK; --trace
# shows the OACK so the announced size can be checked.
get_check "atftp blksize 1468 tsize 0" small.bin "$DL/atftp-tsize-small.bin" 120 \
	atftp --trace --get -r small.bin -l "$DL/atftp-tsize-small.bin" \
	--option "blksize 1468" --option "tsize 0" "$S"
tsize=$(grep -m1 '^received OACK' "$DL/atftp-tsize-small.bin.log" | grep -o 'tsize: [0-9]*' | awk '{print $2}' || true)
bf_check_eq "atftp: tsize in OACK" "$(stat -c %s "$BF_TFTPROOT/small.bin")" "${tsize:-none}"
# curl: its own TFTP implementation, blksize option.
for f in small.bin mid.bin; do
	get_check "curl --tftp-blksize 1468" "$f" "$DL/curl-$f" 120 \
		curl -sS --tftp-blksize 1468 -o "$DL/curl-$f" "tftp://$S/$f"
done
# Block number rollover: 40 MiB / 512 = 81920 blocks > 65535.
get_check "atftp blksize 512, $BIG_MIB MiB ($((BIG_MIB * 2048)) blocks)" big.bin "$DL/big.bin" 200 \
	atftp --get -r big.bin -l "$DL/big.bin" --option "blksize 512" "$S"
bf_check "server recorded the completed transfer of big.bin" bf_log_tftp_sent big.bin

# ---- refusals: the client must see an error, never data -------------------
# refused DESC OUT CMD...: nonzero exit, and no bytes of a real file arrived.
refused() {
	local desc=$1 out=$2 rc=0
	shift 2
	rm -f "$out"
	timeout 60 ip netns exec "$BF_NS_C" "$@" >"$out.log" 2>&1 || rc=$?
	if [[ $rc -ne 0 && ! -s $out ]]; then
		bf_pass "$desc: refused (exit $rc: $(grep -i -m1 -e error -e denied -e 'not found' "$out.log" || tail -n1 "$out.log"))"
	else
		bf_fail "$desc: not refused (exit $rc, $(stat -c %s "$out" 2>/dev/null || echo 0) bytes)"
		tail -n 3 "$out.log" | sed 's/^/  client: /'
	fi
}

# curl exit 68 is CURLE_TFTP_NOTFOUND: the server said "file not found".
rc=0
timeout 60 ip netns exec "$BF_NS_C" curl -sS -o "$DL/missing" "tftp://$S/no-such-image" \
	>"$DL/missing.log" 2>&1 || rc=$?
bf_check_eq "curl: missing name -> TFTP file not found (curl exit 68)" 68 "$rc"
refused "atftp: missing name" "$DL/missing-atftp" \
	atftp --get -r no-such-image -l "$DL/missing-atftp" "$S"
# tftp-hpa prints the server's ERROR; it exits 0 on error in this version
# when used with -c, so judge its message.
timeout 60 ip netns exec "$BF_NS_C" tftp -4 "$S" -m binary -c get no-such-image "$DL/missing-hpa" \
	>"$DL/missing-hpa.log" 2>&1 || true
bf_check "tftp-hpa: missing name -> 'Error code 1' ($(head -n1 "$DL/missing-hpa.log"))" \
	grep -qi 'error code 1' "$DL/missing-hpa.log"

# Path traversal and absolute paths: whatever the root, never /etc/passwd.
refused "atftp: ../../etc/passwd" "$DL/trav1" atftp --get -r ../../etc/passwd -l "$DL/trav1" "$S"
refused "curl: ../../etc/passwd" "$DL/trav2" curl -sS --path-as-is -o "$DL/trav2" "tftp://$S/../../etc/passwd"
refused "atftp: small.bin/../../../etc/passwd" "$DL/trav3" \
	atftp --get -r small.bin/../../../etc/passwd -l "$DL/trav3" "$S"
refused "atftp: /etc/passwd" "$DL/abs" atftp --get -r /etc/passwd -l "$DL/abs" "$S"

# WRQ: a read-only server refuses writes, and nothing appears afterwards.
echo "should never be stored" >"$DL/upload.txt"
refused "atftp: put (WRQ)" "$DL/none" atftp --put -l "$DL/upload.txt" -r upload.txt "$S"
timeout 60 ip netns exec "$BF_NS_C" tftp -4 "$S" -m binary -c put "$DL/upload.txt" upload2.txt \
	>"$DL/put-hpa.log" 2>&1 || true
bf_check "tftp-hpa: put (WRQ) -> error ($(head -n1 "$DL/put-hpa.log"))" \
	grep -qi 'error code' "$DL/put-hpa.log"
rc=0
timeout 60 ip netns exec "$BF_NS_C" curl -sS -o "$DL/after-put" "tftp://$S/upload.txt" \
	>"$DL/after-put.log" 2>&1 || rc=$?
bf_check_eq "uploaded name is not served afterwards (curl exit 68)" 68 "$rc"

# Still serving after all that.
get_check "tftp-hpa get after refusals" small.bin "$DL/final-small.bin" 60 \
	tftp -4 "$S" -m binary -c get small.bin "$DL/final-small.bin"
if [[ $SERVER == bootfarmd ]]; then
	bf_stats_settle || true
	echo "counters (tftp_*):"
	grep '^tftp_' "$BF_STATS" | sed 's/^/  /' || true
	bf_check "counter tftp_not_found >= 2" test "$(bf_counter tftp_not_found)" -ge 2
	bf_check "counter tftp_wrq_refused >= 2" test "$(bf_counter tftp_wrq_refused)" -ge 2
fi

# ---- clients that repeat themselves (bootfarmd) ----------------------------
# probe DESC ARGS...: tests/lib/tftprepeat.py in the client namespace; each of
# its lines is a check.
probe() {
	local desc=$1 rc=0 line
	shift
	timeout 120 ip netns exec "$BF_NS_C" python3 "$BF_SRCDIR/tests/lib/tftprepeat.py" "$@" \
		>"$DL/repeat.out" 2>&1 || rc=$?
	while IFS= read -r line; do
		case $line in
		ok:*) bf_pass "$desc: ${line#ok: }" ;;
		FAIL:*) bf_fail "$desc: ${line#FAIL: }" ;;
		*) echo "  $line" ;;
		esac
	done <"$DL/repeat.out"
	bf_check_eq "$desc: prober exit status" 0 "$rc"
}
if [[ $SERVER == bootfarmd ]]; then
	dup0=$(bf_counter tftp_rrq_dup) sup0=$(bf_counter tftp_superseded)
	# An RRQ sent twice (its OACK was slow or lost) is one transfer, not two
	# that each hold a session and a port until the spare one times out.
	probe "RRQ twice" dup "$S" small.bin "$BF_TFTPROOT/small.bin"
	# A client that asks for another file from the same port has left the old one.
	probe "RRQ for another file mid-transfer" supersede "$S" mid.bin small.bin "$BF_TFTPROOT/small.bin"
	bf_stats_settle || true
	bf_check "counter tftp_rrq_dup counts both repeats ($dup0 -> $(bf_counter tftp_rrq_dup))" \
		test "$(bf_counter tftp_rrq_dup)" -ge $((dup0 + 2))
	bf_check_eq "counter tftp_superseded" $((sup0 + 1)) "$(bf_counter tftp_superseded)"
	bf_check "no transfer timed out (the repeats left no orphan)" test "$(bf_counter tftp_timeout_abort)" -eq 0
	# No ERROR loops (CVE-2024-2169) and no ERROR flood to one source.
	una0=$(bf_counter tftp_error_unanswered) lim0=$(bf_counter tftp_unknown_tid_limited)
	probe "ERRORs and stray packets" errors "$S" 40001
	bf_stats_settle || true
	bf_check_eq "counter tftp_error_unanswered (the ERRORs to 40001 and 69)" $((una0 + 2)) \
		"$(bf_counter tftp_error_unanswered)"
	bf_check_eq "counter tftp_unknown_tid_limited (19 of the 20 ACKs)" $((lim0 + 19)) \
		"$(bf_counter tftp_unknown_tid_limited)"
	# A request from a source that never acknowledges (perhaps spoofed) gets its
	# answer and 2 retransmissions (1 s apart), then nothing (8 s: the old 5
	# retransmissions would show).
	emb0=$(bf_counter tftp_embryo_timeout) tmo0=$(bf_counter tftp_timeout_abort)
	probe "never acknowledged" noack "$S" small.bin 8
	bf_stats_settle || true
	bf_check_eq "counter tftp_embryo_timeout (the three requests dropped silently)" $((emb0 + 3)) \
		"$(bf_counter tftp_embryo_timeout)"
	bf_check_eq "counter tftp_timeout_abort unchanged (no log line for them)" "$tmo0" \
		"$(bf_counter tftp_timeout_abort)"
	# A full session table drops requests unanswered: an ERROR would end a PXE
	# ROM's boot, while silence makes it ask again, when a session may be free.
	# (also at log level NOTICE: no line per transfer, as dnsmasq's quiet-tftp)
	bf_server_stop
	BF_CONFIG_EXTRA=$'tftp:\n  max_sessions: 2'
	BF_EAL_EXTRA="$BF_EAL_EXTRA --log-level=bootfarm:notice"
	bf_server_start
	probe "session table full (2 per worker)" full "$S" mid.bin 6
	bf_stats_settle || true
	bf_check "counter tftp_session_full ($(bf_counter tftp_session_full))" \
		test "$(bf_counter tftp_session_full)" -ge 2
	bf_check_eq "log level notice: no 'tftp: RRQ' line for $(bf_counter tftp_rrq) requests" 0 \
		"$(grep -c 'tftp: RRQ' "$BF_SERVER_LOG" || :)"

	# A flood of requests that are never acknowledged, from 120 spoofed
	# addresses, fills at most a quarter of each worker's 64 sessions: each
	# new one evicts the oldest such, never a transfer, so tftp-hpa fetching a
	# file meanwhile gets it (before, the flood held the whole table).
	bf_server_stop
	BF_CONFIG_EXTRA=$'tftp:\n  max_sessions: 64'
	bf_server_start
	ev0=$(bf_counter tftp_embryo_evicted)
	timeout 20 ip netns exec "$BF_NS_C" python3 "$BF_SRCDIR/tests/lib/tftpflood.py" \
		"$S" mid.bin 10.77.0.160 120 24000 12 >"$DL/flood.out" 2>&1 &
	flood=$!
	bf_track "$flood"
	sleep 2 # the table is in its steady state: the flood's sessions only go by eviction
	get_check "tftp-hpa get during the flood" small.bin "$DL/flood-small.bin" 8 \
		tftp -4 "$S" -m binary -c get small.bin "$DL/flood-small.bin"
	bf_check "the flood was still running when the transfer ended" kill -0 "$flood"
	wait "$flood" || :
	echo "  flood: $(cat "$DL/flood.out")"
	bf_stats_settle || true
	ev=$(($(bf_counter tftp_embryo_evicted) - ev0))
	bf_check "counter tftp_embryo_evicted: $ev sessions evicted for newer requests" test "$ev" -ge 1000
fi

bf_finish
