#!/bin/bash
# PXE 2.1 on the wire, with a raw prober:
#  A. ProxyDHCP (dhcp4.proxy: true): PXE DISCOVERs get boot data without an
#     address (yiaddr 0, PXEClient, option 43, boot file); plain clients and
#     address REQUESTs get nothing; the REQUEST to port 4011 that EDK2 and
#     iPXE send after a proxy offer gets an ACK with the boot file.
#  B. A boot menu (pxe:): the OFFER carries discovery control, this server as
#     boot server of every item type, the menu and the prompt, byte for byte;
#     Boot Server Discovery (option 43 sub-option 71, to 4011 or broadcast)
#     gets the item's boot file with the item echoed; an unserved type or a
#     local-boot item gets silence.
set -euo pipefail
BF_SRCDIR=${BF_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/harness.sh
. "$BF_SRCDIR/tests/lib/harness.sh"

bf_init test_pxe_proxy
bf_require_tools python3
[[ $SERVER == bootfarmd ]] || bf_skip "checks bootfarmd's ProxyDHCP and menu bytes"
PROBE=$BF_SRCDIR/tests/lib/dhcp4probe.py
# shellcheck source=tests/lib/probe.sh
. "$BF_SRCDIR/tests/lib/probe.sh"
PXE_BIOS=(--vendor-class "PXEClient:Arch:00000:UNDI:002001" --arch 0)
PXE_EFI=(--vendor-class "PXEClient:Arch:00007:UNDI:003016" --arch 7)
S=$BF_SERVER_IP
SHEX=$(hexip "$S")

bf_topo_veth
SMAC=$(bf_mac_of "$BF_NS_S" "$BF_IF_S")

# ----------------------------------------------------------- A. ProxyDHCP --
BF_PROXY=1 bf_server_start

probe pd --type discover --xid 0x0bf0a001 --chaddr "$(new_mac)" --flags-broadcast \
	"${PXE_BIOS[@]}" --uuid 00112233445566778899aabbccddee01
one_reply pd "A proxy: PXE DISCOVER" OFFER
bf_check_eq "A proxy OFFER: no address (yiaddr)" 0.0.0.0 "$(df pd yiaddr)"
bf_check_eq "A proxy OFFER: siaddr is the boot server" "$S" "$(df pd siaddr)"
bf_check_eq "A proxy OFFER: boot file" "$BF_BOOT_BIOS" "$(df pd file)"
bf_check_eq "A proxy OFFER: option 60 PXEClient" "$(hexs PXEClient)" "$(opt pd 60)"
bf_check_eq "A proxy OFFER: option 54 server id" "$SHEX" "$(opt pd 54)"
bf_check_eq "A proxy OFFER: option 43 says boot the file" 060108ff "$(opt pd 43)"
bf_check_eq "A proxy OFFER: UUID echoed" 0000112233445566778899aabbccddee01 "$(opt pd 97)"
bf_check_eq "A proxy OFFER: no lease time, mask or router" ",," \
	"$(opt pd 51),$(opt pd 1),$(opt pd 3)"

probe pn --type discover --xid 0x0bf0a002 --chaddr "$(new_mac)" --flags-broadcast \
	--listen-ms 600
no_reply pn "A proxy: DISCOVER from a plain (non-PXE) client"

M=$(new_mac)
probe pr --type request --xid 0x0bf0a003 --chaddr "$M" --flags-broadcast "${PXE_EFI[@]}" \
	--server-id 10.77.0.9 --requested-ip 10.77.0.60 --listen-ms 600
no_reply pr "A proxy: the address REQUEST to the other server"

probe p4 --type request --xid 0x0bf0a004 --chaddr "$M" "${PXE_EFI[@]}" \
	--ciaddr 10.77.0.60 --src-ip 10.77.0.60 --dst-ip "$S" --dst-mac "$SMAC" \
	--src-port 4011 --dst-port 4011
one_reply p4 "A proxy: REQUEST to port 4011" ACK
bf_check_eq "A 4011 ACK: unicast to the client" 10.77.0.60 "$(f p4 ip_dst)"
bf_check_eq "A 4011 ACK: from port 4011 to the client's port" 4011,4011 \
	"$(f p4 sport),$(f p4 dport)"
bf_check_eq "A 4011 ACK: no address" 0.0.0.0 "$(df p4 yiaddr)"
bf_check_eq "A 4011 ACK: EFI boot file by architecture" "$BF_BOOT_EFI" "$(df p4 file)"
bf_check_eq "A 4011 ACK: option 60 PXEClient" "$(hexs PXEClient)" "$(opt p4 60)"
bf_stats_settle
bf_check_eq "A counters: one proxy offer" 1 "$(counter dhcp4_proxy_offer)"
bf_check_eq "A counters: one boot ACK" 1 "$(counter dhcp4_boot_ack)"
bf_check_eq "A counters: no lease made" 0 "$(counter dhcp4_leases_bound)"
bf_server_stop

# --------------------------------------------- B. menu + Boot Server Discovery --
BF_CONFIG_EXTRA='pxe:
  prompt: "Press F8 for the boot menu"
  timeout: 5
  multicast_discovery: 224.0.1.2
  menu:
    - {type: 0, text: "Local boot"}
    - {type: 32769, text: "Install", file: '"$BF_BOOT_BIOS"'}
    - {type: 32770, text: "Rescue", file: '"$BF_BOOT_EFI"'}' bf_server_start

# Option 43 as PXE 2.1 lays it out: 6 discovery control (no broadcast, listed
# servers only; multicast allowed), 7 the multicast discovery address, 8 boot
# servers (type, count, IPs), 9 menu, 10 prompt, END.
menu43=$(python3 - "$S" <<'EOF'
import socket, struct, sys
ip = socket.inet_aton(sys.argv[1])
def so(c, v):
    return bytes([c, len(v)]) + v
servers = b"".join(struct.pack("!HB", t, 1) + ip for t in (32769, 32770))
items = b"".join(struct.pack("!HB", t, len(x)) + x
                 for t, x in ((0, b"Local boot"), (32769, b"Install"), (32770, b"Rescue")))
print((so(6, b"\x05") + so(7, socket.inet_aton("224.0.1.2")) + so(8, servers) + so(9, items)
       + so(10, b"\x05" + b"Press F8 for the boot menu") + b"\xff").hex())
EOF
)
M=$(new_mac)
probe md --type discover --xid 0x0bf0b001 --chaddr "$M" --flags-broadcast "${PXE_BIOS[@]}"
one_reply md "B menu: PXE DISCOVER" OFFER
bf_check "B menu OFFER: an address from the pool ($(df md yiaddr))" \
	bf_ip_in_pool "$(df md yiaddr)"
bf_check_eq "B menu OFFER: option 43, byte for byte" "$menu43" "$(opt md 43)"
CI=$(df md yiaddr)

# Boot Server Discovery: 43 carrying 71 (type 32769 = 0x8001, layer 0).
probe b1 --type request --xid 0x0bf0b002 --chaddr "$M" "${PXE_BIOS[@]}" --ciaddr "$CI" \
	--src-ip "$CI" --dst-ip "$S" --dst-mac "$SMAC" --src-port 4011 --dst-port 4011 \
	--opt 43:470480010000ff
one_reply b1 "B discovery of type 32769 to 4011" ACK
bf_check_eq "B discovery ACK: the item's boot file" "$BF_BOOT_BIOS" "$(df b1 file)"
bf_check_eq "B discovery ACK: the boot item echoed (71)" 470480010000ff "$(opt b1 43)"
bf_check_eq "B discovery ACK: no address" 0.0.0.0 "$(df b1 yiaddr)"
bf_check_eq "B discovery ACK: siaddr" "$S" "$(df b1 siaddr)"

probe b2 --type request --xid 0x0bf0b003 --chaddr "$M" "${PXE_BIOS[@]}" --ciaddr "$CI" \
	--flags-broadcast --opt 43:470480020000ff
one_reply b2 "B discovery of type 32770, broadcast to port 67" ACK
bf_check_eq "B discovery ACK (broadcast request): boot file" "$BF_BOOT_EFI" "$(df b2 file)"
bf_check_eq "B discovery ACK (broadcast request): to the client's address" "$CI" "$(f b2 ip_dst)"

# Multicast discovery: the request goes to 224.0.1.2 (01:00:5e:00:01:02), port 4011.
probe bm --type request --xid 0x0bf0b006 --chaddr "$M" "${PXE_BIOS[@]}" --ciaddr "$CI" \
	--src-ip "$CI" --dst-ip 224.0.1.2 --dst-mac 01:00:5e:00:01:02 --src-port 4011 \
	--dst-port 4011 --opt 43:470480020000ff
one_reply bm "B multicast discovery of type 32770" ACK
bf_check_eq "B multicast discovery ACK: boot file" "$BF_BOOT_EFI" "$(df bm file)"
bf_check_eq "B multicast discovery ACK: unicast back to the client" "$CI" "$(f bm ip_dst)"

probe b3 --type request --xid 0x0bf0b004 --chaddr "$M" "${PXE_BIOS[@]}" --ciaddr "$CI" \
	--src-ip "$CI" --dst-ip "$S" --dst-mac "$SMAC" --src-port 4011 --dst-port 4011 \
	--opt 43:470499990000ff --listen-ms 600
no_reply b3 "B discovery of a type nobody serves here"
probe b4 --type request --xid 0x0bf0b005 --chaddr "$M" "${PXE_BIOS[@]}" --ciaddr "$CI" \
	--src-ip "$CI" --dst-ip "$S" --dst-mac "$SMAC" --src-port 4011 --dst-port 4011 \
	--opt 43:470400000000ff --listen-ms 600
no_reply b4 "B discovery of type 0 (local boot)"
bf_server_stop
bf_finish
