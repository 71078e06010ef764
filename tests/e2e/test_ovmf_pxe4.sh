#!/bin/bash
# Real firmware: QEMU (TCG) q35 + OVMF with its own virtio-net driver and
# EDK2 PXE base code (romfile= keeps iPXE's ROM out). UEFI PXE over IPv4
# asks with client arch 7, gets ipxe.efi (the efi rule), downloads and starts
# it; the running ipxe.efi DHCPs again as iPXE, gets boot.ipxe, and chains
# stage2-<mac>. Two witnesses: OVMF's serial log reports the NBP download, and
# the server completed stage 2, which only the running NBP asks for.
set -euo pipefail
BF_SRCDIR=${BF_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/harness.sh
. "$BF_SRCDIR/tests/lib/harness.sh"

bf_init test_ovmf_pxe4
bf_require_tools qemu-system-x86_64 apt-get dpkg-deb ss sysctl
[[ -r ${BF_OVMF_CODE:-/usr/share/OVMF/OVMF_CODE_4M.fd} && -r ${BF_OVMF_VARS:-/usr/share/OVMF/OVMF_VARS_4M.fd} ]] || bf_skip "OVMF firmware missing (apt-get install ovmf)"

MAC=${BF_QEMU_MAC:-52:54:00:12:34:57}
STAGE2=$(bf_stage2_name "$MAC")
TIMEOUT=${BF_E2E_TIMEOUT:-400}

bf_firmware_images "$MAC"
bf_default_boot_ipxe
bf_topo_bridge
bf_server_start

serial=$BF_RUN/serial.log
start=$SECONDS
bf_ovmf_start "$serial"

# shellcheck disable=SC2317 # called through bf_wait_for
stage2_done() {
	bf_log_tftp_sent "$STAGE2" && return 0
	bf_qemu_guard
}
rc=0
bf_wait_for "$TIMEOUT" stage2_done || rc=$?
elapsed=$((SECONDS - start))

# Serial output has CRs and ANSI sequences; strip them for matching/printing.
clean=$BF_RUN/serial.txt
bf_serial_text "$serial" "$clean"
echo "relevant serial.log lines:"
grep -E -i 'PXE|Station IP|NBP|iPXE|DHCP|stage2|tftp|error' "$clean" | sed 's/^/  /' | head -n 30 || true

bf_check "OVMF: PXE over IPv4 started" grep -q 'Start PXE over IPv4' "$clean"
bf_check "OVMF: NBP file downloaded successfully" grep -q 'NBP file downloaded successfully' "$clean"
bf_check "server ACKed an address to $MAC" bf_log_dhcp_ack '[0-9.]+' "$MAC"
bf_check "server sent $BF_BOOT_EFI (efi rule, arch 7)" bf_log_tftp_sent "$BF_BOOT_EFI"
bf_check "server sent $BF_BOOT_IPXE to the running iPXE (ipxe rule)" bf_log_tftp_sent "$BF_BOOT_IPXE"
if [[ $rc -eq 0 ]]; then
	bf_pass "server sent $STAGE2: ipxe.efi ran and chained (${elapsed} s after QEMU start)"
	# ipxe.efi writes to the EFI console, which OVMF mirrors to serial: the
	# stage 2 script's own echo is the last proof. Give it a moment.
	bf_check "serial: stage 2 script ran (its echo)" bf_wait_for 20 \
		bash -c "sed 's/\x1b\[[0-9;?]*[A-Za-z]//g' '$serial' | grep -q 'bootfarm stage2 reached'"
else
	bf_fail "no completed transfer of $STAGE2 within ${TIMEOUT} s"
fi
# EDK2 identifies itself with a client identifier, the iPXE it loads does not;
# the machine must still keep one address across the two stages.
if [[ $SERVER == bootfarmd ]]; then
	acked=$(grep -Eio "dhcp4: ACK [0-9.]+ to $MAC" "$BF_SERVER_LOG" | awk '{print $3}' | sort -u)
	bf_check_eq "firmware and the iPXE it loaded got the same address" 1 \
		"$(wc -w <<<"$acked")"
fi
echo "server log (DHCP/TFTP):"
bf_server_log_summary 40
bf_check "qemu still running (no crash or reset loop)" kill -0 "$BF_QEMU_PID"
bf_qemu_stop

bf_finish
