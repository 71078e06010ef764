#!/bin/bash
# Configuration reload (SIGHUP) as an operator relies on it:
#  1. an image is replaced on disk and the file reloaded while a client is
#     downloading it: the running transfer finishes with the bytes it started
#     with (the old image lives while a session reads it), a new download gets
#     the new bytes;
#  2. a changed boot rule is what the next DHCP client is told;
#  3. a broken file is refused by `bootfarmd --check` and by SIGHUP with
#     file:line:column, and the running configuration keeps serving.
set -euo pipefail
BF_SRCDIR=${BF_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/harness.sh
. "$BF_SRCDIR/tests/lib/harness.sh"

bf_init test_reload
bf_require_tools tftp cmp dhclient python3
[[ $SERVER == bootfarmd ]] || bf_skip "configuration reload is bootfarmd's"

bf_topo_veth
bf_client_static_ip "$BF_CLIENT_STATIC_IP"
bf_make_random "$BF_RUN/v1.bin" $((4 * 1024 * 1024 + 123))
bf_make_random "$BF_RUN/v2.bin" $((4 * 1024 * 1024 + 123))
cp "$BF_RUN/v1.bin" "$BF_TFTPROOT/boot.bin"
bf_image_file boot.bin "$BF_TFTPROOT/boot.bin"
bf_server_start
CFG=$BF_RUN/bootfarmd.yaml
S=$BF_SERVER_IP

generation() { bf_stats_settle && bf_counter config_generation; }
log_has() { grep -Eq "$1" "$BF_SERVER_LOG"; }

bf_check_eq "first configuration is generation 1" 1 "$(generation)"

# ---- 1. reload under a running transfer
# The client stops after 8 blocks until the reload is done: no race.
PAUSED=$BF_RUN/paused GO=$BF_RUN/go
bf_in_c timeout 120 python3 "$BF_SRCDIR/tests/lib/pausetftp.py" "$S" boot.bin \
	"$BF_RUN/during.bin" --pause-after 8 --paused-file "$PAUSED" --go-file "$GO" &
dl=$!
bf_track "$dl"
bf_wait_for 15 test -e "$PAUSED" || bf_fail "the pausing client never got 8 blocks"
# A new file (new inode, new mtime) under the same path: the reload loads it.
cp "$BF_RUN/v2.bin" "$BF_TFTPROOT/boot.bin.new"
mv "$BF_TFTPROOT/boot.bin.new" "$BF_TFTPROOT/boot.bin"
kill -HUP "$BF_SERVER_PID"
bf_wait_for 10 log_has "published as generation 2" || bf_fail "no generation 2 after SIGHUP"
touch "$GO"
rc=0
wait "$dl" || rc=$?
bf_check_eq "download across the reload exits 0" 0 "$rc"
bf_check "download across the reload is byte-identical to the version it started with" \
	cmp -s "$BF_RUN/during.bin" "$BF_RUN/v1.bin"
(cd "$BF_RUN" && bf_in_c timeout 120 tftp "$S" -m binary -c get boot.bin after.bin) || :
bf_check "a new download gets the new image" cmp -s "$BF_RUN/after.bin" "$BF_RUN/v2.bin"

# ---- 2. a changed boot rule reaches the next client
sed -i "s/file: $BF_BOOT_BIOS\$/file: boot.bin/" "$CFG"
kill -HUP "$BF_SERVER_PID"
bf_wait_for 10 log_has "published as generation 3" || bf_fail "no generation 3 after SIGHUP"
ip -n "$BF_NS_C" addr flush dev "$BF_IF_C"
bf_dhclient_start "$BF_RUN/dh1" "$BF_IF_C"
bf_wait_for 30 bf_dh_bound "$BF_RUN/dh1" || bf_fail "dhclient got no lease"
bf_check_eq "DHCP gives the boot file of the new rule" boot.bin \
	"$(bf_dh_env "$BF_RUN/dh1" BOUND new_filename)"
bf_kill_pid "$BF_DH_PID"

# ---- 3. a broken file is refused, with its position, and nothing changes
cp "$CFG" "$BF_RUN/good.yaml"
printf 'tftp:\n  retries: 5\n  bogus_key: 1\n' >>"$CFG"
line=$(($(wc -l <"$CFG")))
out=$("$BOOTFARMD" --check "$CFG" 2>&1) && rc=0 || rc=$?
bf_check_eq "bootfarmd --check refuses the broken file" 1 "$rc"
bf_check "--check names file:line:column ($out)" \
	grep -Fq "$CFG:$line:3: unexpected key 'bogus_key'" <<<"$out"
good_out=$("$BOOTFARMD" --check "$BF_RUN/good.yaml" 2>&1) && rc=0 || rc=$?
bf_check_eq "bootfarmd --check accepts the good file ($good_out)" 0 "$rc"
kill -HUP "$BF_SERVER_PID"
bf_wait_for 10 log_has "config rejected, keeping generation 3: .*:$line:3: unexpected key" ||
	bf_fail "SIGHUP with a broken file: no rejection naming $CFG:$line:3"
bf_check_eq "generation still 3" 3 "$(generation)"
bf_dhclient_start "$BF_RUN/dh2" "$BF_IF_C"
bf_wait_for 30 bf_dh_bound "$BF_RUN/dh2" || bf_fail "dhclient got no lease after the bad reload"
bf_check_eq "still serving the running configuration's boot file" boot.bin \
	"$(bf_dh_env "$BF_RUN/dh2" BOUND new_filename)"
bf_kill_pid "$BF_DH_PID"

bf_server_log_summary
bf_server_stop
bf_finish
