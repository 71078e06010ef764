#!/bin/bash
# TFTP over IPv6 from the data path (interfaces[0].ipv6): tftp-hpa, curl and
# atftp fetch byte-identical images from the server's global address, with
# blksize, windowsize and tsize; a 40 MiB image with blksize 512 rolls the
# block number over 65535; missing names get ERROR 1; neighbour discovery for
# the address is the data path's (no exception path here).
set -euo pipefail
BF_SRCDIR=${BF_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/harness.sh
. "$BF_SRCDIR/tests/lib/harness.sh"

bf_init test_tftp6
bf_require_tools tftp atftp curl cmp
[[ $SERVER == bootfarmd ]] || bf_skip "IPv6 in the data path is bootfarmd's"
BF_SERVER_IP6=fd00:99::1/64
S6=fd00:99::1
bf_make_random "$BF_RUN/big" $((40 << 20))
bf_image_file big.img "$BF_RUN/big"
bf_topo_veth
ip netns exec "$BF_NS_C" sysctl -qw "net.ipv6.conf.$BF_IF_C.disable_ipv6=0"
bf_server_start
ip -n "$BF_NS_C" -6 addr add fd00:99::50/64 dev "$BF_IF_C" nodad
cd "$BF_RUN"

bf_in_c timeout 20 tftp -6 "$S6" -m binary -c get "$BF_BOOT_BIOS" k1 || :
bf_check "tftp-hpa -6: $BF_BOOT_BIOS byte-identical" cmp k1 "$BF_TFTPROOT/$BF_BOOT_BIOS"
bf_in_c timeout 120 curl -s -o big512 "tftp://[$S6]/big.img" || :
bf_check "curl over IPv6, 40 MiB at blksize 512 (block number rolls over)" cmp big512 big
bf_check "the server log shows the rollover transfer" \
	grep -q "sent big.img to \[fd00:99::50\]:[0-9]* (41943040 bytes, 81921 blocks, blksize 512" \
	"$BF_SERVER_LOG"
bf_in_c timeout 60 atftp --option "blksize 1468" --option "windowsize 16" --option "tsize 0" \
	--get -r big.img -l big1468 "$S6" >/dev/null 2>&1 || :
bf_check "atftp over IPv6 (windowsize 16) byte-identical" cmp big1468 big
bf_check "blksize 1468 capped to 1448 over IPv6 (1500-byte MTU)" \
	grep -q "RRQ big.img from \[fd00:99::50\]:[0-9]* (octet, blksize 1448, window 16, tsize)" \
	"$BF_SERVER_LOG"
out=$(bf_in_c timeout 20 tftp -6 "$S6" -m binary -c get nosuch k2 2>&1 || :)
bf_check "missing name: ERROR 1 (file not found)" grep -q "Error code 1" <<<"$out"
# No ERROR loops and no ERROR flood over IPv6 either (tests/lib/tftprepeat.py).
rc=0
bf_in_c timeout 60 python3 "$BF_SRCDIR/tests/lib/tftprepeat.py" errors "$S6" 40001 >errors.out 2>&1 || rc=$?
sed 's/^/  /' errors.out
bf_check_eq "IPv6: an ERROR is never answered, stray ACKs get one ERROR 5 a second" 0 "$rc"
bf_stats_settle
bf_check_eq "IPv6: tftp_error_unanswered" 2 "$(bf_counter tftp_error_unanswered)"
bf_check_eq "IPv6: tftp_unknown_tid_limited" 19 "$(bf_counter tftp_unknown_tid_limited)"
bf_check "nd_ns_rx: the client resolved the address through the data path" \
	test "$(bf_counter nd_ns_rx)" -ge 1
bf_check "tftp_done counted the three transfers" test "$(bf_counter tftp_done)" -ge 3
bf_finish
