#!/bin/bash
# Real firmware: QEMU (TCG) q35 + OVMF, UEFI PXE over IPv6. PXEv4 is switched
# off through fw_cfg, so EDK2 goes straight to PXEv6: RS -> RA (M and O set,
# prefix not autonomous) -> Solicit -> Advertise -> Request -> Reply, whose
# bootfile-url (the efi rule, client arch 7) is tftp://[fd00:99::1]/grubnetx64.efi.
# OVMF downloads Debian's signed grubnetx64.efi over TFTP/IPv6 (tsize probe,
# ERROR 8, then the real transfer) and starts it. The running GRUB asks the
# same server for grub/x86_64-efi/*.lst (not found is fine) and grub/grub.cfg
# over IPv6: only the running NBP asks for that, and the config's echo shows
# on serial.
set -euo pipefail
BF_SRCDIR=${BF_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/harness.sh
. "$BF_SRCDIR/tests/lib/harness.sh"

bf_init test_ovmf_pxe6
bf_require_tools qemu-system-x86_64 apt-get dpkg-deb ss sysctl
[[ $SERVER == bootfarmd ]] || bf_skip "the harness configures RA and DHCPv6 for bootfarmd only"
[[ -r ${BF_OVMF_CODE:-/usr/share/OVMF/OVMF_CODE_4M.fd} && -r ${BF_OVMF_VARS:-/usr/share/OVMF/OVMF_VARS_4M.fd} ]] || bf_skip "OVMF firmware missing (apt-get install ovmf)"

MAC=${BF_QEMU_MAC:-52:54:00:12:34:5b}
TIMEOUT=${BF_E2E_TIMEOUT:-400}
bf_ipv6_boot_config
SERVER6=${BF_SERVER_IP6%/*}
BF_BOOT_EFI=grubnetx64.efi
GRUB_CFG=grub/grub.cfg
MARKER="bootfarm grub.cfg loaded over IPv6"

# the efi rule's boot file is GRUB; the other rules get placeholders
bf_nbp_fetch
bf_image_file "$BF_BOOT_EFI" "$(bf_nbp grubnetx64.efi)"
# sleep keeps GRUB from falling through to its menu or a reboot loop.
bf_image_inline "$GRUB_CFG" "set timeout=0
echo \"$MARKER\"
sleep 60
"
bf_topo_bridge
bf_server_start

serial=$BF_RUN/serial.log
start=$SECONDS
bf_ovmf_start "$serial" -fw_cfg name=opt/org.tianocore/IPv4PXESupport,string=n

# shellcheck disable=SC2317 # called through bf_wait_for
grub_cfg_done() {
	grep -Fq "tftp: sent $GRUB_CFG to [fd00:99::" "$BF_SERVER_LOG" && return 0
	# Every boot option failed (PXEv6, then HTTP Boot v4/v6): OVMF started
	# its shell, nothing more will come.
	if grep -aq 'UEFI Interactive Shell' "$serial"; then
		echo "OVMF gave up on every boot option (EFI shell reached)"
		return "$BF_ABORT"
	fi
	bf_qemu_guard
}
rc=0
bf_wait_for "$TIMEOUT" grub_cfg_done || rc=$?
elapsed=$((SECONDS - start))

clean=$BF_RUN/serial.txt
bf_serial_text "$serial" "$clean"
echo "relevant serial.log lines:"
grep -E -i 'PXE|Station IP|NBP|DHCP|tftp|grub|bootfarm|error' "$clean" | sed 's/^/  /' | head -n 30 || true

bf_check "OVMF: PXE over IPv6 started" grep -q 'Start PXE over IPv6' "$clean"
# OVMF prints the address uncompressed (FD00:99:0:0:0:0:0:1B4): normalise it.
st=$(grep -o 'Station IP address is [0-9A-Fa-f:]*' "$clean" | tail -n1 | awk '{print $5}')
st=$(python3 -c 'import ipaddress, sys; print(ipaddress.ip_address(sys.argv[1]))' "$st" \
	2>/dev/null || :)
bf_check "OVMF: its station address ($st) is the one bootfarmd's DHCPv6 Reply gave" \
	grep -q "dhcp6: REPLY $st to" "$BF_SERVER_LOG"
bf_check "OVMF: NBP filename is $BF_BOOT_EFI" \
	grep -Eqi "NBP filename is .*${BF_BOOT_EFI//./\\.}" "$clean"
bf_check "OVMF: NBP file downloaded successfully" grep -q 'NBP file downloaded successfully' "$clean"
bf_check "server: DHCPv6 Advertise/Reply with an address from fd00:99::/64" \
	grep -Eiq 'dhcp6: (REPLY|ADVERTISE) fd00:99::' "$BF_SERVER_LOG"
bf_check "server: DHCPv6 bootfile-url tftp://[$SERVER6]/$BF_BOOT_EFI" \
	grep -Eq "tftp://\[${SERVER6}\]/${BF_BOOT_EFI//./\\.}" "$BF_SERVER_LOG"
bf_check "server sent $BF_BOOT_EFI over TFTP/IPv6" \
	grep -Fq "tftp: sent $BF_BOOT_EFI to [fd00:99::" "$BF_SERVER_LOG"
if [[ $rc -eq 0 ]]; then
	bf_pass "server sent $GRUB_CFG over TFTP/IPv6: GRUB ran (${elapsed} s after QEMU start)"
	# GRUB writes to the EFI console, which OVMF mirrors to serial.
	bf_check "serial: grub.cfg ran (its echo)" bf_wait_for 20 \
		bash -c "sed 's/\x1b\[[0-9;?]*[A-Za-z]//g' '$serial' | grep -q '$MARKER'"
else
	bf_fail "no completed TFTP/IPv6 transfer of $GRUB_CFG (waited ${elapsed} s of ${TIMEOUT} s)"
fi
echo "server log (RA/DHCPv6/TFTP):"
grep -E 'ra: |dhcp6: |tftp: ' "$BF_SERVER_LOG" | sed 's/^/  /' | head -n 40 || :
bf_check "qemu still running (no crash or reset loop)" kill -0 "$BF_QEMU_PID"
bf_qemu_stop
bf_finish
