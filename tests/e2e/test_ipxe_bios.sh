#!/bin/bash
# Real firmware: QEMU (TCG) BIOS with the iPXE option ROM of a virtio NIC
# netboots from the server. iPXE gets boot.ipxe (the ipxe rule), runs it, and
# the script chains tftp://${next-server}/stage2-${mac:hexhyp}: the server
# completing that transfer proves DHCP, TFTP and the boot rules worked and the
# boot script ran. (iPXE prints to VGA only, so the server's log is the
# witness.) undionly.kpxe is served for plain BIOS PXE clients (arch 0); QEMU's
# ROM is already iPXE, so it normally goes straight to boot.ipxe.
set -euo pipefail
BF_SRCDIR=${BF_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/harness.sh
. "$BF_SRCDIR/tests/lib/harness.sh"

bf_init test_ipxe_bios
bf_require_tools qemu-system-x86_64 apt-get dpkg-deb ss sysctl
# QEMU's default ROM for virtio-net-pci comes from the ipxe-qemu package.
[[ -e /usr/share/qemu/efi-virtio.rom || -e /usr/lib/ipxe/qemu/efi-virtio.rom ]] ||
	bf_skip "virtio-net iPXE ROM missing (apt-get install ipxe-qemu)"

MAC=${BF_QEMU_MAC:-52:54:00:12:34:56}
STAGE2=$(bf_stage2_name "$MAC")
TIMEOUT=${BF_E2E_TIMEOUT:-180}

bf_firmware_images "$MAC"
bf_default_boot_ipxe
bf_topo_bridge
bf_server_start

start=$SECONDS
bf_qemu_start "$BF_RUN/qemu.log" -accel tcg -m 256 -display none -boot n \
	-netdev "tap,id=n0,ifname=$BF_TAP,script=no,downscript=no" \
	-device "virtio-net-pci,netdev=n0,mac=$MAC" -monitor none

# Done when the server sent stage 2; give up early if QEMU or the server died.
# shellcheck disable=SC2317 # called through bf_wait_for
stage2_done() {
	bf_log_tftp_sent "$STAGE2" && return 0
	bf_qemu_guard
}
rc=0
bf_wait_for "$TIMEOUT" stage2_done || rc=$?
elapsed=$((SECONDS - start))

bf_check "server ACKed an address to $MAC" bf_log_dhcp_ack '[0-9.]+' "$MAC"
bf_check "server sent $BF_BOOT_IPXE (iPXE rule)" bf_log_tftp_sent "$BF_BOOT_IPXE"
if [[ $rc -eq 0 ]]; then
	bf_pass "server sent $STAGE2: the iPXE script ran (${elapsed} s after QEMU start)"
else
	bf_fail "no completed transfer of $STAGE2 within ${TIMEOUT} s"
fi
bf_log "undionly.kpxe transfers: $(bf_log_tftp_sent undionly.kpxe && echo yes || echo none)"
echo "server log lines for this boot:"
bf_server_log_summary 40
bf_check "qemu still running (no crash or reset loop)" kill -0 "$BF_QEMU_PID"
bf_qemu_stop

bf_finish
