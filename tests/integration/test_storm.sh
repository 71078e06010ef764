#!/bin/bash
# The boot-storm generator (bench/storm/bfstorm) against bootfarmd on a veth:
#   1. 200 simulated PXE clients at once, DORA then TFTP of the boot file the
#      ACK names (blksize 1468, windowsize 8), 1 % of the frames each way
#      dropped: every client must boot, the sizes must match tsize, and the
#      server's counters must agree (200 ACKs, 200 transfers done).
#   2. static addresses (no DHCP), the server's MAC found by ARP, the NBP and
#      two follow-up files (kernel, initrd), window 1 and 16, ramped starts.
#   3. IPv6: 100 clients (BF_STORM_CLIENTS6) at once do DHCPv6 Solicit /
#      Advertise / Request / Reply (client architecture 7: the efi boot rule's
#      tftp://[fd00:99::1]/nbp6.efi), then TFTP over IPv6 (windowsize 8), 1 %
#      loss each way: every client boots with the exact bytes, and the
#      server's dhcp6_advertise, dhcp6_reply and tftp_done counters agree.
set -euo pipefail
BF_SRCDIR=${BF_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/harness.sh
. "$BF_SRCDIR/tests/lib/harness.sh"
BFSTORM=${BFSTORM:-$(dirname "$BOOTFARMD")/../bench/storm/bfstorm}
N=${BF_STORM_CLIENTS:-200}
N6=${BF_STORM_CLIENTS6:-100}

bf_init storm
bf_require_tools ethtool
[[ $SERVER == bootfarmd ]] || bf_skip "counts bootfarmd's counters (SERVER=bootfarmd)"
[[ -x $BFSTORM ]] || bf_skip "bfstorm not built ($BFSTORM)"
# a /16: the pool holds every client
BF_NET=10.77.0.0 BF_PREFIX=16 BF_NETMASK=255.255.0.0
BF_POOL_FIRST=10.77.1.1 BF_POOL_LAST=10.77.250.254
# IPv6 for section 3: the data path's address and a DHCPv6 pool that holds every client
BF_SERVER_IP6=fd00:99::1/64
BF_BOOT_EFI=nbp6.efi
BF_CONFIG_EXTRA="tftp:
  max_sessions: 8192
  per_source: 11
  max_window: 64
dhcp6:
  subnets:
    - prefix: \"fd00:99::/64\"
      pools: [ \"fd00:99::1:0-fd00:99::1:ffff\" ]"
bf_topo_veth
bf_make_random "$BF_RUN/nbp.bin" $((96 * 1024 + 7))
bf_make_random "$BF_RUN/vmlinuz" $((300 * 1024))
bf_make_random "$BF_RUN/initrd" $((1468 * 65 + 1))
bf_make_random "$BF_RUN/nbp6.efi" $((64 * 1024 + 13))
bf_image_file nbp.bin "$BF_RUN/nbp.bin"
bf_image_file vmlinuz "$BF_RUN/vmlinuz"
bf_image_file initrd "$BF_RUN/initrd"
bf_image_file nbp6.efi "$BF_RUN/nbp6.efi"
BF_BOOT_BIOS=nbp.bin
bf_server_start

json() { sed -n "s/.*\"$2\":\([^,}]*\).*/\1/p" "$1"; }

# 1. DHCP + the boot file from the ACK, 1 % loss each way.
bf_log "$N clients: DORA + TFTP nbp.bin, windowsize 8, 1 % loss"
rc=0
bf_in_c timeout 150 "$BFSTORM" --iface "$BF_IF_C" --clients "$N" --window 8 --loss 0.01 \
	--timeout-ms 500 --retries 8 --max-seconds 120 --json --progress --seed 7 \
	--series "$BF_RUN/series.csv" >"$BF_RUN/r1.json" || rc=$?
cat "$BF_RUN/r1.json"
bf_check_eq "bfstorm exit status (every client booted)" 0 "$rc"
bf_check_eq "booted" "$N" "$(json "$BF_RUN/r1.json" booted)"
bf_check_eq "failed" 0 "$(json "$BF_RUN/r1.json" failed)"
bf_check_eq "DHCP exchanges done" "$N" "$(json "$BF_RUN/r1.json" dhcp_done)"
bf_check_eq "no transfer shorter or longer than tsize" 0 "$(json "$BF_RUN/r1.json" size_mismatch)"
bf_check "loss was injected (rx and tx)" \
	test "$(json "$BF_RUN/r1.json" lost_rx)" -gt 0 -a "$(json "$BF_RUN/r1.json" lost_tx)" -gt 0
bf_check "the losses were repaired by retransmissions" test "$(json "$BF_RUN/r1.json" client_retx)" -gt 0
bf_check_eq "every block delivered once per client" $((N * (96 * 1024 + 7))) "$(json "$BF_RUN/r1.json" data_bytes)"
bf_check "time series written" test "$(wc -l <"$BF_RUN/series.csv")" -gt 2
bf_stats_settle || true
bf_check "server ACKed every client ($(bf_counter dhcp4_ack) ACKs)" test "$(bf_counter dhcp4_ack)" -ge "$N"
bf_check "server finished every transfer ($(bf_counter tftp_done) done)" test "$(bf_counter tftp_done)" -ge "$N"
bf_check "server saw no malformed TFTP" test "$(bf_counter drop_tftp_malformed)" -eq 0

# 2. static addresses, ARP for the server, NBP + kernel + initrd, ramped.
H=$((N / 2))
for w in 1 16; do
	bf_log "$H static clients, window $w: nbp.bin + vmlinuz + initrd, 2 s ramp"
	rc=0
	bf_in_c timeout 150 "$BFSTORM" --iface "$BF_IF_C" --clients "$H" --no-dhcp \
		--ip-base "10.77.$((200 + w)).1" --server "$BF_SERVER_IP" --file nbp.bin --file vmlinuz --file initrd \
		--window "$w" --ramp 2 --loss 0.01 --timeout-ms 500 --retries 8 --max-seconds 120 \
		--json --mac-base "02:5c:00:00:$w:00" --seed "$w" >"$BF_RUN/r2.json" || rc=$?
	cp "$BF_RUN/r2.json" "$BF_RUN/r2-w$w.json"
	cat "$BF_RUN/r2.json"
	bf_check_eq "static, window $w: every client booted" "0 $H" "$rc $(json "$BF_RUN/r2.json" booted)"
	bf_check_eq "static, window $w: three files each" "$((H * 3))" "$(json "$BF_RUN/r2.json" files_done)"
	bf_check_eq "static, window $w: bytes" $((H * (96 * 1024 + 7 + 300 * 1024 + 1468 * 65 + 1))) \
		"$(json "$BF_RUN/r2.json" data_bytes)"
done

# 3. IPv6: DHCPv6 + the bootfile URL's file over TFTP/IPv6, 1 % loss each way.
bf_stats_settle || true
adv0=$(bf_counter dhcp6_advertise) rep0=$(bf_counter dhcp6_reply) done0=$(bf_counter tftp_done)
bf_log "$N6 IPv6 clients: DHCPv6 + TFTP/IPv6 nbp6.efi (from the bootfile URL), windowsize 8, 1 % loss"
rc=0
bf_in_c timeout 100 "$BFSTORM" --iface "$BF_IF_C" --v6 --clients "$N6" --window 8 --loss 0.01 \
	--timeout-ms 500 --retries 8 --max-seconds 80 --json --progress --seed 6 \
	--mac-base 02:5d:00:00:00:00 >"$BF_RUN/r3.json" || rc=$?
cat "$BF_RUN/r3.json"
bf_check_eq "IPv6: bfstorm exit status (every client booted)" 0 "$rc"
bf_check_eq "IPv6: booted" "$N6" "$(json "$BF_RUN/r3.json" booted)"
bf_check_eq "IPv6: failed" 0 "$(json "$BF_RUN/r3.json" failed)"
bf_check_eq "IPv6: DHCPv6 Replies accepted" "$N6" "$(json "$BF_RUN/r3.json" dhcp_done)"
bf_check_eq "IPv6: every byte of nbp6.efi once per client" $((N6 * (64 * 1024 + 13))) \
	"$(json "$BF_RUN/r3.json" data_bytes)"
bf_check_eq "IPv6: no transfer shorter or longer than tsize" 0 "$(json "$BF_RUN/r3.json" size_mismatch)"
bf_check "IPv6: loss was injected (rx and tx)" \
	test "$(json "$BF_RUN/r3.json" lost_rx)" -gt 0 -a "$(json "$BF_RUN/r3.json" lost_tx)" -gt 0
bf_check_eq "IPv6: no malformed frame from the server" 0 "$(json "$BF_RUN/r3.json" rx_malformed)"
bf_stats_settle || true
adv=$(($(bf_counter dhcp6_advertise) - adv0)) rep=$(($(bf_counter dhcp6_reply) - rep0))
done6=$(($(bf_counter tftp_done) - done0))
bf_check "IPv6: server advertised to every client ($adv Advertises)" test "$adv" -ge "$N6"
bf_check "IPv6: server replied to every client ($rep Replies)" test "$rep" -ge "$N6"
# each client's Request was answered; a client sends it again only when one of them was lost
bf_check "IPv6: Replies within the Requests the clients sent again ($rep for $N6 clients)" \
	test "$rep" -le $((N6 + $(json "$BF_RUN/r3.json" dhcp_retx)))
bf_check "IPv6: server finished every transfer ($done6 done)" test "$done6" -ge "$N6"
bf_check "IPv6: server saw no malformed TFTP or DHCPv6" \
	test "$(bf_counter drop_tftp_malformed)" -eq 0 -a "$(bf_counter drop_dhcp6_malformed)" -eq 0
bf_check "IPv6: the server logged a Reply with the URL" \
	grep -Eq 'dhcp6: REPLY fd00:99::1:[0-9a-f]+ to 00030001025d[0-9a-f]+ for REQUEST boot tftp://\[fd00:99::1\]/nbp6.efi' \
	"$BF_SERVER_LOG"
bf_finish
