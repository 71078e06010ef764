#!/bin/bash
# Real firmware, real kernel: QEMU (TCG) BIOS with the iPXE ROM of a virtio
# NIC. The ipxe boot rule answers with an http:// URL; iPXE fetches that
# script from bootfarmd's built-in HTTP server (through the exception path),
# and the script loads Debian's kernel and an initrd over HTTP and boots them.
# The kernel's console is the serial port: the initrd's /init prints a line
# with the kernel release and command line, then powers off.
set -euo pipefail
BF_SRCDIR=${BF_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/harness.sh
. "$BF_SRCDIR/tests/lib/harness.sh"

bf_init test_ipxe_http_linux
bf_require_tools qemu-system-x86_64 apt-get dpkg-deb gcc python3 curl
[[ $SERVER == bootfarmd ]] || bf_skip "the HTTP server and exception path are bootfarmd's"
[[ -e /usr/share/qemu/efi-virtio.rom || -e /usr/lib/ipxe/qemu/efi-virtio.rom ]] ||
	bf_skip "virtio-net iPXE ROM missing (apt-get install ipxe-qemu)"

MAC=${BF_QEMU_MAC:-52:54:00:12:34:58}
TIMEOUT=${BF_E2E_TIMEOUT:-240}
BF_KERNEL_IF=bfk$BF_SUFFIX
BF_HTTP_LISTEN="\"$BF_SERVER_IP:80\""
BF_BOOT_IPXE="http://$BF_SERVER_IP/boot-linux.ipxe"

linux=$BF_RUN/linux.list
"$BF_SRCDIR/tests/e2e/fetch-linux.sh" >"$linux" || bf_die "fetch-linux.sh failed"
bf_firmware_images "$MAC"
bf_image_file linux/vmlinuz "$(awk '$1 == "vmlinuz" { print $2 }' "$linux")"
bf_image_file linux/initrd.img "$(awk '$1 == "initrd" { print $2 }' "$linux")"
# shellcheck disable=SC2016 # ${next-server} is iPXE's
bf_image_inline boot-linux.ipxe '#!ipxe
kernel http://${next-server}/linux/vmlinuz console=ttyS0 panic=-1 bootfarm=ok
initrd http://${next-server}/linux/initrd.img
boot
'
bf_topo_bridge
bf_server_start

serial=$BF_RUN/serial.log
: >"$serial"
start=$SECONDS
bf_qemu_start "$BF_RUN/qemu.log" -accel tcg -m 256 -display none -boot n -no-reboot \
	-netdev "tap,id=n0,ifname=$BF_TAP,script=no,downscript=no" \
	-device "virtio-net-pci,netdev=n0,mac=$MAC" -serial "file:$serial" -monitor none

# shellcheck disable=SC2317 # called through bf_wait_for
init_ran() {
	grep -q 'bootfarm-initrd: init running on Linux.*bootfarm=ok' "$serial" && return 0
	bf_qemu_guard
}
rc=0
bf_wait_for "$TIMEOUT" init_ran || rc=$?
elapsed=$((SECONDS - start))

bf_check "server ACKed an address to $MAC" bf_log_dhcp_ack '[0-9.]+' "$MAC"
bf_check "iPXE fetched the script over HTTP" \
	grep -Eq 'http: GET boot-linux.ipxe 200' "$BF_SERVER_LOG"
bf_check "iPXE fetched the kernel over HTTP" grep -Eq 'http: GET linux/vmlinuz 200' "$BF_SERVER_LOG"
bf_check "iPXE fetched the initrd over HTTP" \
	grep -Eq 'http: GET linux/initrd.img 200' "$BF_SERVER_LOG"
if [[ $rc -eq 0 ]]; then
	bf_pass "the kernel booted and ran the initrd's init (${elapsed} s after QEMU start)"
else
	bf_fail "no init line on the serial console within ${TIMEOUT} s"
fi
echo "serial console:"
grep -E 'Linux version|bootfarm-initrd' "$serial" | head -n 5 || :
echo "server log lines for this boot:"
grep -E 'dhcp4: ACK|http: ' "$BF_SERVER_LOG" | head -n 20 || :
bf_qemu_stop
bf_finish
