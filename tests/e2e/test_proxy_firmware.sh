#!/bin/bash
# Real firmware through ProxyDHCP: dnsmasq on the same segment hands out the
# addresses (and nothing about booting); bootfarmd runs with dhcp4.proxy and
# sends only boot data. Then:
#  1. QEMU BIOS + iPXE ROM: address from dnsmasq, boot data from bootfarmd's
#     ProxyDHCP offer, boot.ipxe over TFTP, and the per-machine file the
#     running script asks for;
#  2. OVMF UEFI PXEv4: the same for EDK2, which downloads ipxe.efi from the
#     proxy's offer; ipxe.efi runs, DHCPs again, and chains its own file.
# bootfarmd must make no lease: every address comes from dnsmasq.
set -euo pipefail
BF_SRCDIR=${BF_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/harness.sh
. "$BF_SRCDIR/tests/lib/harness.sh"

bf_init test_proxy_firmware
bf_require_tools qemu-system-x86_64 dnsmasq apt-get dpkg-deb
[[ $SERVER == bootfarmd ]] || bf_skip "bootfarmd is the proxy here; dnsmasq the address server"
OVMF_CODE=${BF_OVMF_CODE:-/usr/share/OVMF/OVMF_CODE_4M.fd}
OVMF_VARS=${BF_OVMF_VARS:-/usr/share/OVMF/OVMF_VARS_4M.fd}
[[ -r $OVMF_CODE && -r $OVMF_VARS ]] || bf_skip "OVMF firmware missing (apt-get install ovmf)"
TIMEOUT=${BF_E2E_TIMEOUT:-150}
MAC_BIOS=52:54:00:12:34:58
MAC_UEFI=52:54:00:12:34:59

bf_firmware_images "$MAC_BIOS" "$MAC_UEFI"
# Behind a proxy, iPXE's own ${next-server} is the address server's (from its
# ACK); the boot server's is in the proxydhcp settings block.
# shellcheck disable=SC2016 # ${...} are iPXE settings, not shell.
bf_image_inline "$BF_BOOT_IPXE" '#!ipxe
chain tftp://${proxydhcp/next-server}/stage2-${mac:hexhyp}
'
bf_topo_bridge

# The address server: dnsmasq on the bridge, DHCP only (no DNS, no PXE, no TFTP).
ip -n "$BF_NS_C" addr add 10.77.0.2/24 dev "$BF_BR"
dlog=$BF_RUN/dnsmasq.log
ip netns exec "$BF_NS_C" dnsmasq --keep-in-foreground --port=0 --bind-interfaces \
	--interface="$BF_BR" --dhcp-range=10.77.0.160,10.77.0.190,255.255.255.0,10m \
	--dhcp-leasefile="$BF_RUN/dnsmasq.leases" --pid-file="$BF_RUN/dnsmasq.pid" \
	--log-dhcp --log-facility=- >"$dlog" 2>&1 &
bf_track $!
BF_PROXY=1 bf_server_start

# boot NAME MAC QEMU-ARGS...: boot until bootfarmd sent stage2-<mac>.
boot() {
	local name=$1 mac=$2 rc=0 start=$SECONDS
	shift 2
	bf_qemu_start "$BF_RUN/qemu-$name.log" "$@" \
		-netdev "tap,id=n0,ifname=$BF_TAP,script=no,downscript=no" -monitor none
	# shellcheck disable=SC2317 # called through bf_wait_for
	done_() {
		bf_log_tftp_sent "$(bf_stage2_name "$mac")" && return 0
		kill -0 "$BF_QEMU_PID" 2>/dev/null || return "$BF_ABORT"
		bf_server_alive || return "$BF_ABORT"
		return 1
	}
	bf_wait_for "$TIMEOUT" done_ || rc=$?
	bf_qemu_stop
	local ack
	ack=$(grep -Eio "DHCPACK\([^)]*\) [0-9.]+ $mac" "$dlog" | awk '{print $2}' | tail -1)
	bf_check "$name: dnsmasq gave the address (${ack:-none})" test -n "$ack"
	bf_check "$name: bootfarmd sent a ProxyDHCP offer" \
		grep -Eiq "dhcp4: PROXY OFFER 0.0.0.0 to $mac" "$BF_SERVER_LOG"
	# (Both firmwares take the boot file straight from the proxy offer, which
	# says "use the boot file"; the port-4011 path is checked on the wire in
	# tests/integration/test_pxe_proxy.sh.)
	if [[ $rc -eq 0 ]]; then
		bf_pass "$name: the NBP ran and fetched $(bf_stage2_name "$mac") ($((SECONDS - start)) s)"
	else
		bf_fail "$name: no stage 2 within $TIMEOUT s"
		tail -n 20 "$dlog"
	fi
}

boot bios "$MAC_BIOS" -accel tcg -m 256 -display none -boot n \
	-device "virtio-net-pci,netdev=n0,mac=$MAC_BIOS"
bf_check "bios: the iPXE script came from bootfarmd over TFTP" bf_log_tftp_sent "$BF_BOOT_IPXE"

vars=$BF_RUN/OVMF_VARS.fd
cp "$OVMF_VARS" "$vars"
boot uefi "$MAC_UEFI" -accel tcg -m 512 -display none -machine q35 \
	-drive "if=pflash,format=raw,readonly=on,file=$OVMF_CODE" \
	-drive "if=pflash,format=raw,file=$vars" -boot n \
	-device "virtio-net-pci,netdev=n0,mac=$MAC_UEFI,romfile=" -serial "file:$BF_RUN/serial.log"
bf_check "uefi: EDK2 downloaded ipxe.efi from bootfarmd" bf_log_tftp_sent ipxe.efi
bf_check "uefi: OVMF reports the NBP download" \
	grep -q "NBP file downloaded successfully" "$BF_RUN/serial.log"

bf_stats_settle
bf_check_eq "bootfarmd made no lease and sent no address ACK (leases, ACKs)" 0,0 \
	"$(bf_counter dhcp4_leases_bound),$(bf_counter dhcp4_ack)"
bf_server_log_summary 40
bf_server_stop
bf_finish
