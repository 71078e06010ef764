#!/bin/bash
# BF_HTTP_FAMILY=6: HTTP Boot over IPv6 instead. HTTP Boot over IPv4 still
# comes first and gets a URL it cannot use ([fd00:99::1]); then RS/RA (M/O),
# DHCPv6 with the http rule's bootfile-url and "HTTPClient" echoed in option
# 16, and ipxe.efi over HTTP/IPv6; the rest as over IPv4.
#
# Real firmware: QEMU (TCG) q35 + OVMF, UEFI HTTP Boot over IPv4. OVMF's
# PXE boot options are switched off through fw_cfg, so the firmware goes
# straight to HTTP Boot: it DHCPs with vendor class "HTTPClient" and arch 16,
# bootfarmd's http rule answers with a URL (and "HTTPClient" in option 60),
# OVMF downloads ipxe.efi from bootfarmd's built-in HTTP server (through the
# exception path) and starts it. The running ipxe.efi DHCPs as iPXE, gets an
# http:// script URL from the ipxe rule, and chains stage2-<mac> over HTTP:
# only the running NBP asks for that, and its echo shows on serial.
set -euo pipefail
BF_SRCDIR=${BF_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/harness.sh
. "$BF_SRCDIR/tests/lib/harness.sh"

FAM=${BF_HTTP_FAMILY:-4}
bf_init "test_ovmf_http$FAM"
bf_require_tools qemu-system-x86_64 apt-get dpkg-deb ss sysctl
[[ $SERVER == bootfarmd ]] || bf_skip "the HTTP server and exception path are bootfarmd's"
[[ -r ${BF_OVMF_CODE:-/usr/share/OVMF/OVMF_CODE_4M.fd} && -r ${BF_OVMF_VARS:-/usr/share/OVMF/OVMF_VARS_4M.fd} ]] || bf_skip "OVMF firmware missing (apt-get install ovmf)"

MAC=${BF_QEMU_MAC:-52:54:00:12:34:5$([[ $FAM == 6 ]] && echo c || echo a)}
STAGE2=$(bf_stage2_name "$MAC")
TIMEOUT=${BF_E2E_TIMEOUT:-400}
BF_KERNEL_IF=bfk$BF_SUFFIX
BF_HTTP_LISTEN="\"$BF_SERVER_IP:80\""
BF_BOOT_HTTP="http://$BF_SERVER_IP/boot/ipxe.efi"
if [[ $FAM == 6 ]]; then
	bf_ipv6_boot_config
	BF_HTTP_LISTEN="\"$BF_SERVER_IP:80\", \"[fd00:99::1]:80\""
	BF_BOOT_HTTP="http://[fd00:99::1]/boot/ipxe.efi"
fi
BF_BOOT_IPXE="http://$BF_SERVER_IP/boot-http.ipxe"

bf_firmware_images "$MAC"
bf_image_file boot/ipxe.efi "$(bf_nbp ipxe.efi)"
# shellcheck disable=SC2016 # ${...} are iPXE's
bf_image_inline boot-http.ipxe '#!ipxe
chain http://${next-server}/stage2-${mac:hexhyp}
'
bf_topo_bridge
bf_server_start

serial=$BF_RUN/serial.log
start=$SECONDS
bf_ovmf_start "$serial" \
	-fw_cfg name=opt/org.tianocore/IPv4PXESupport,string=n \
	-fw_cfg name=opt/org.tianocore/IPv6PXESupport,string=n

# shellcheck disable=SC2317 # called through bf_wait_for
stage2_done() {
	grep -Eq "http: GET $STAGE2 200" "$BF_SERVER_LOG" && return 0
	bf_qemu_guard
}
rc=0
bf_wait_for "$TIMEOUT" stage2_done || rc=$?
elapsed=$((SECONDS - start))

clean=$BF_RUN/serial.txt
bf_serial_text "$serial" "$clean"
echo "relevant serial.log lines:"
grep -E -i 'HTTP|Station IP|URI|File Size|Download|iPXE|stage2|error' "$clean" |
	grep -v 'Downloading\.\.\.[0-9]' | sed 's/^/  /' | head -n 30 || true
grep -o 'Downloading\.\.\.[0-9]*%' "$clean" | tail -n 1 | sed 's/^/  /' || true

bf_check "OVMF: HTTP Boot over IPv$FAM started" grep -q "Start HTTP Boot over IPv$FAM" "$clean"
bf_check "OVMF: the boot URI is bootfarmd's" grep -Fq "URI: $BF_BOOT_HTTP" "$clean"
if [[ $FAM == 6 ]]; then
	bf_check "OVMF: its IPv6 station address came from DHCPv6" \
		grep -Eq 'Station IPv6 address is FD00:99:' "$clean"
	bf_check "server: DHCPv6 Reply with the HTTP URL" grep -Eq \
		"dhcp6: REPLY fd00:99::[0-9a-f]+ to .* boot http://\\[fd00:99::1\\]/boot/ipxe.efi \\(rule http\\)" \
		"$BF_SERVER_LOG"
	from='\[fd00:99::'
else
	bf_check "server ACKed an address to $MAC" bf_log_dhcp_ack '[0-9.]+' "$MAC"
	from='10\.77\.0\.'
fi
bf_check "OVMF downloaded boot/ipxe.efi over HTTP/IPv$FAM" \
	grep -Eq "http: GET boot/ipxe.efi 200 [0-9]+ bytes $from" "$BF_SERVER_LOG"
bf_check "the running ipxe.efi fetched its script over HTTP" \
	grep -Eq 'http: GET boot-http.ipxe 200' "$BF_SERVER_LOG"
if [[ $rc -eq 0 ]]; then
	bf_pass "ipxe.efi ran and chained $STAGE2 over HTTP (${elapsed} s after QEMU start)"
	bf_check "serial: stage 2 script ran (its echo)" bf_wait_for 20 \
		bash -c "sed 's/\x1b\[[0-9;?]*[A-Za-z]//g' '$serial' | grep -q 'bootfarm stage2 reached'"
else
	bf_fail "no HTTP download of $STAGE2 within ${TIMEOUT} s"
fi
echo "server log (DHCP/HTTP):"
grep -E 'dhcp4: (OFFER|ACK)|http: ' "$BF_SERVER_LOG" | head -n 20 || :
bf_qemu_stop
bf_finish
