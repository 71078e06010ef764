#!/bin/bash
# DHCPv4 on the wire: crafted messages (tests/lib/dhcp4probe.py, raw frames
# from the client veth, which has no address) and byte-level checks of the
# replies: RFC 2131 4.1 addressing (broadcast / unicast to chaddr / to the
# relay / to ciaddr), PXE options (43, 60, 97), boot rules by architecture and
# iPXE user class, UEFI HTTP Boot (a URL, 60 = HTTPClient, no 43),
# reservations, REQUEST -> ACK / NAK, RFC 3046 relay
# information echo, INFORM, RELEASE (counters), maximum message size and
# malformed messages that must go unanswered.
set -euo pipefail
BF_SRCDIR=${BF_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/harness.sh
. "$BF_SRCDIR/tests/lib/harness.sh"

bf_init test_dhcp4_wire
bf_require_tools python3 ethtool

PROBE=$BF_SRCDIR/tests/lib/dhcp4probe.py
S=$BF_SERVER_IP
BCAST_MAC=ff:ff:ff:ff:ff:ff
PXE_PRL=1,3,6,15,43,60,66,67,97
UUID=6a1f00e2b5c74d0e9a33c0ffee0b0071

bf_topo_veth
bf_server_start
SMAC=$(bf_mac_of "$BF_NS_S" "$BF_IF_S")
CMAC=$(bf_mac_of "$BF_NS_C" "$BF_IF_C")
bf_log "server MAC $SMAC, probe (client veth) MAC $CMAC"

# ------------------------------------------------------------- helpers --
# shellcheck source=tests/lib/probe.sh
. "$BF_SRCDIR/tests/lib/probe.sh"

# ------------------------------------------------- 1. PXE DISCOVER, broadcast --
bf_log "1. PXE BIOS DISCOVER with the broadcast flag"
M1=$(new_mac)
probe d1 --type discover --xid 0x0bf00001 --chaddr "$M1" --flags-broadcast \
	--arch 0 --vendor-class PXEClient:Arch:00000:UNDI:002001 --uuid "$UUID" \
	--prl "$PXE_PRL"
one_reply d1 "1 PXE DISCOVER" OFFER
bf_check_eq "1: eth dst broadcast" "$BCAST_MAC" "$(f d1 eth_dst)"
bf_check_eq "1: eth src is the server port" "$SMAC" "$(f d1 eth_src)"
bf_check_eq "1: IP dst 255.255.255.255" 255.255.255.255 "$(f d1 ip_dst)"
bf_check_eq "1: IP src is the server" "$S" "$(f d1 ip_src)"
bf_check_eq "1: UDP sport" 67 "$(f d1 sport)"
bf_check_eq "1: UDP dport" 68 "$(f d1 dport)"
bf_check_eq "1: op BOOTREPLY" 2 "$(df d1 op)"
bf_check_eq "1: chaddr echoed" "$M1" "$(df d1 chaddr)"
bf_check_eq "1: flags echoed (broadcast)" 32768 "$(df d1 flags)"
Y1=$(df d1 yiaddr)
bf_check "1: yiaddr $Y1 in pool $BF_POOL_FIRST-$BF_POOL_LAST" bf_ip_in_pool "$Y1"
bf_check_eq "1: siaddr (next server)" "$S" "$(df d1 siaddr)"
bf_check_eq "1: file (BIOS rule)" "$BF_BOOT_BIOS" "$(df d1 file)"
bf_check_eq "1: option 54 server id" "$(hexip "$S")" "$(opt d1 54)"
bf_check_eq "1: option 60 echoes the class" "$(hexs PXEClient)" "$(opt d1 60)"
bf_check_eq "1: option 97 = type 0 + the client's UUID" "00$UUID" "$(opt d1 97)"
# PXE 2.1: vendor option 6 (discovery control) = 8 (use the boot file), END.
bf_check_eq "1: option 43 = 06 01 08 ff" 060108ff "$(opt d1 43)"
bf_check_eq "1: option 1 subnet mask" "$(hexip "$BF_NETMASK")" "$(opt d1 1)"
lease=$(opt_u32 d1 51)
bf_check_eq "1: option 51 lease time" "$BF_LEASE" "$lease"
if [[ $lease =~ ^[0-9]+$ ]]; then
	bf_check_eq "1: option 58 T1 = lease/2" $((lease / 2)) "$(opt_u32 d1 58)"
	bf_check_eq "1: option 59 T2 = lease*7/8" $((lease * 7 / 8)) "$(opt_u32 d1 59)"
else
	bf_fail "1: options 58/59: no usable option 51 to compare with"
fi
# 53 first, 54 second, then the requested options that are present in the
# order the client asked for them (the rest may follow in any order).
order=$(rq d1 "d['option_order']")
bf_check_eq "1: option order: 53, 54, then PRL order ($order)" true "$(rq d1 "(lambda w: d['option_order'][:len(w)] == w)(
[53, 54] + [c for c in [$PXE_PRL] if str(c) in o and c not in (53, 54)])")"

# ------------------------------------------- 2. DISCOVER, no broadcast flag --
bf_log "2. DISCOVER without the broadcast flag: unicast OFFER"
M2=$(new_mac)
probe d2 --type discover --xid 0x0bf00002 --chaddr "$M2" --prl 1,3,6
one_reply d2 "2 unicast DISCOVER" OFFER
Y2=$(df d2 yiaddr)
bf_check "2: yiaddr $Y2 in pool" bf_ip_in_pool "$Y2"
bf_check_eq "2: eth dst = chaddr" "$M2" "$(f d2 eth_dst)"
bf_check_eq "2: IP dst = yiaddr" "$Y2" "$(f d2 ip_dst)"
bf_check_eq "2: UDP dport" 68 "$(f d2 dport)"

# ------------------------------------------------------- 3. boot rules --
bf_log "3. boot rules: UEFI x64, then iPXE on UEFI"
probe d3efi --type discover --xid 0x0bf00003 --chaddr "$(new_mac)" --flags-broadcast \
	--arch 7 --vendor-class PXEClient:Arch:00007:UNDI:003016 --prl "$PXE_PRL"
one_reply d3efi "3 arch 7 DISCOVER" OFFER
bf_check_eq "3: arch 7 (EFI x64) gets the EFI file" "$BF_BOOT_EFI" "$(df d3efi file)"
probe d3ipxe --type discover --xid 0x0bf00004 --chaddr "$(new_mac)" --flags-broadcast \
	--arch 7 --vendor-class PXEClient:Arch:00007:UNDI:003016 --user-class-ipxe \
	--prl "$PXE_PRL"
one_reply d3ipxe "3 iPXE arch 7 DISCOVER" OFFER
bf_check_eq "3: iPXE (user class) on arch 7 gets the iPXE script (no loop)" \
	"$BF_BOOT_IPXE" "$(df d3ipxe file)"

# ------------------------------------------------------- 4. reservation --
bf_log "4. reserved host $BF_FIXED_MAC"
probe d4 --type discover --xid 0x0bf00005 --chaddr "$BF_FIXED_MAC" --src-mac "$BF_FIXED_MAC" \
	--flags-broadcast --prl 1,3,6,12,15
one_reply d4 "4 reserved DISCOVER" OFFER
bf_check_eq "4: reserved address" "$BF_FIXED_IP" "$(df d4 yiaddr)"
bf_check_eq "4: option 12 host name" "$(hexs "$BF_FIXED_NAME")" "$(opt d4 12)"

# Reservations by client identifier (61) and by PXE UUID (97), whatever the MAC.
probe d4cid --type discover --xid 0x0bf00015 --chaddr "$(new_mac)" --flags-broadcast \
	--client-id "${BF_CID_HOST//:/}"
one_reply d4cid "4 DISCOVER with a reserved client identifier" OFFER
bf_check_eq "4: client-id reservation address" "$BF_CID_IP" "$(df d4cid yiaddr)"
bf_check_eq "4: client-id reservation host name" "$(hexs byclientid)" "$(opt d4cid 12)"
probe d4uuid --type discover --xid 0x0bf00016 --chaddr "$(new_mac)" --flags-broadcast \
	--arch 7 --vendor-class "PXEClient:Arch:00007:UNDI:003016" --uuid "$BF_UUID_HOST"
one_reply d4uuid "4 PXE DISCOVER with a reserved UUID" OFFER
bf_check_eq "4: UUID reservation address" "$BF_UUID_IP" "$(df d4uuid yiaddr)"
bf_check_eq "4: UUID reservation host name" "$(hexs byuuid)" "$(opt d4uuid 12)"

# ---------------------------------------- 5. DISCOVER, REQUEST -> ACK, NAK --
bf_log "5. full exchange, then INIT-REBOOT on the wrong network"
M5=$(new_mac)
probe d5 --type discover --xid 0x0bf00006 --chaddr "$M5" --flags-broadcast --prl 1,3,6
one_reply d5 "5 DISCOVER" OFFER
Y5=$(df d5 yiaddr)
bf_check "5: offered $Y5 in pool" bf_ip_in_pool "$Y5"
probe r5 --type request --xid 0x0bf00006 --chaddr "$M5" --flags-broadcast \
	--server-id "$S" --requested-ip "$Y5" --prl 1,3,6
one_reply r5 "5 REQUEST (SELECTING)" ACK
bf_check_eq "5: ACK yiaddr = the offered address" "$Y5" "$(df r5 yiaddr)"
bf_check_eq "5: ACK option 51" "$BF_LEASE" "$(opt_u32 r5 51)"
bf_check_eq "5: ACK broadcast (flag set)" 255.255.255.255 "$(f r5 ip_dst)"
# INIT-REBOOT: no server id, requested IP, ciaddr 0, no broadcast flag.
probe n5 --type request --xid 0x0bf00007 --chaddr "$M5" --requested-ip 10.99.0.7
one_reply n5 "5 REQUEST for 10.99.0.7 (INIT-REBOOT)" NAK
bf_check_eq "5: NAK eth dst broadcast" "$BCAST_MAC" "$(f n5 eth_dst)"
bf_check_eq "5: NAK IP dst 255.255.255.255" 255.255.255.255 "$(f n5 ip_dst)"
bf_check_eq "5: NAK UDP dport" 68 "$(f n5 dport)"
bf_check_eq "5: NAK yiaddr 0" 0.0.0.0 "$(df n5 yiaddr)"
bf_check_eq "5: NAK option 54 server id" "$(hexip "$S")" "$(opt n5 54)"
bf_check_eq "5: NAK has no lease time (51)" "" "$(opt n5 51)"
# RFC 2131 4.3.2: INIT-REBOOT from a client the server has no record of, for a
# free address of our pool: silence (the address may be another server's).
probe u5 --type request --xid 0x0bf00017 --chaddr "$(new_mac)" --flags-broadcast \
	--requested-ip 10.77.0.140 --listen-ms 800
no_reply u5 "5 INIT-REBOOT from an unknown client for a free address"

# ------------------------------------------------------------- 6. relay --
bf_log "6. through a relay agent (giaddr 10.77.0.2), and option 82 from a plain client"
RELAY=10.77.0.2
RINFO=010461626364
M6=$(new_mac)
probe d6 --type discover --xid 0x0bf00008 --chaddr "$M6" --giaddr "$RELAY" --hops 1 \
	--relay-info "$RINFO" --src-ip "$RELAY" --src-port 67 --dst-ip "$S" --dst-mac "$SMAC" \
	--prl 1,3,6
one_reply d6 "6 relayed DISCOVER" OFFER
bf_check_eq "6: OFFER to the relay's IP" "$RELAY" "$(f d6 ip_dst)"
bf_check_eq "6: OFFER to the relay's port 67" 67 "$(f d6 dport)"
bf_check_eq "6: OFFER UDP sport" 67 "$(f d6 sport)"
bf_check_eq "6: eth dst = the relay's (probe's) MAC" "$CMAC" "$(f d6 eth_dst)"
bf_check_eq "6: giaddr kept" "$RELAY" "$(df d6 giaddr)"
bf_check "6: yiaddr $(df d6 yiaddr) in pool" bf_ip_in_pool "$(df d6 yiaddr)"
bf_check_eq "6: option 82 echoed byte-identical" "$RINFO" "$(opt d6 82)"
# Several subnets behind relays: the relay's giaddr picks the subnet, and so
# does link selection (option 118) when the relay sits elsewhere.
probe d6b --type discover --xid 0x0bf00018 --chaddr "$(new_mac)" --giaddr 10.88.0.1 --hops 1 \
	--src-ip 10.88.0.1 --src-port 67 --dst-ip "$S" --dst-mac "$SMAC"
one_reply d6b "6 DISCOVER relayed from the second subnet" OFFER
Y6B=$(df d6b yiaddr)
bf_check "6: address from the second subnet's pool ($Y6B)" \
	bash -c "[[ $Y6B == 10.88.0.1[0-2][0-9] ]]"
bf_check_eq "6: that subnet's router" 0a580001 "$(opt d6b 3)"
bf_check_eq "6: reply to that relay" 10.88.0.1 "$(f d6b ip_dst)"
probe d6s --type discover --xid 0x0bf00019 --chaddr "$(new_mac)" --giaddr "$RELAY" --hops 1 \
	--src-ip "$RELAY" --src-port 67 --dst-ip "$S" --dst-mac "$SMAC" --opt 118:0a580000
one_reply d6s "6 DISCOVER with link selection (118) for the second subnet" OFFER
Y6S=$(df d6s yiaddr)
bf_check "6: option 118 picks the second subnet ($Y6S)" bash -c "[[ $Y6S == 10.88.0.1[0-2][0-9] ]]"
bf_check_eq "6: ... and the reply still goes to the relay in giaddr" "$RELAY" "$(f d6s ip_dst)"

probe d6plain --type discover --xid 0x0bf00009 --chaddr "$(new_mac)" --flags-broadcast \
	--relay-info "$RINFO" --prl 1,3,6
one_reply d6plain "6 plain DISCOVER carrying option 82" OFFER
bf_check_eq "6: no option 82 in the reply to a plain client" false "$(rq d6plain "'82' in o")"

# ------------------------------------------------------------ 7. INFORM --
bf_log "7. INFORM from a configured client"
probe i7 --type inform --xid 0x0bf0000a --ciaddr 10.77.0.77 --src-ip 10.77.0.77 \
	--dst-ip "$S" --dst-mac "$SMAC" --prl 1,3,6,15
one_reply i7 "7 INFORM" ACK
bf_check_eq "7: ACK to ciaddr" 10.77.0.77 "$(f i7 ip_dst)"
bf_check_eq "7: ACK unicast to the sender's MAC" "$CMAC" "$(f i7 eth_dst)"
bf_check_eq "7: ACK UDP dport" 68 "$(f i7 dport)"
bf_check_eq "7: yiaddr 0" 0.0.0.0 "$(df i7 yiaddr)"
bf_check_eq "7: no lease time (51)" false "$(rq i7 "'51' in o")"
bf_check_eq "7: option 1 still given" "$(hexip "$BF_NETMASK")" "$(opt i7 1)"

# ----------------------------------------------------------- 8. RELEASE --
bf_log "8. RELEASE of $Y5, then one for an address the client does not hold"
bf_stats_settle || true
rel0=$(counter dhcp4_release)
for0=$(counter drop_dhcp4_release_foreign)
probe rel8 --type release --xid 0x0bf0000b --chaddr "$M5" --ciaddr "$Y5" --server-id "$S" \
	--src-ip "$Y5" --dst-ip "$S" --dst-mac "$SMAC" --listen-ms 500
no_reply rel8 "8 RELEASE"
bf_stats_settle || true
bf_check_eq "8: dhcp4_release counted the RELEASE" $((rel0 + 1)) "$(counter dhcp4_release)"
bf_check_eq "8: ... and it was not foreign" "$for0" "$(counter drop_dhcp4_release_foreign)"
# A RELEASE naming an address someone else holds (the OFFER of step 2).
probe frel8 --type release --xid 0x0bf0000c --chaddr "$(new_mac)" --ciaddr "$Y2" \
	--server-id "$S" --src-ip "$Y2" --dst-ip "$S" --dst-mac "$SMAC" --listen-ms 500
no_reply frel8 "8 foreign RELEASE"
bf_stats_settle || true
bf_check_eq "8: drop_dhcp4_release_foreign counted the foreign RELEASE" $((for0 + 1)) \
	"$(counter drop_dhcp4_release_foreign)"
# The released address is free again: a new client asking for it gets it.
probe d8 --type discover --xid 0x0bf0000d --chaddr "$(new_mac)" --flags-broadcast \
	--requested-ip "$Y5"
one_reply d8 "8 DISCOVER asking for the released address" OFFER
bf_check_eq "8: released address offered to a new client" "$Y5" "$(df d8 yiaddr)"

# ------------------------------------------------ 9. maximum message size --
bf_log "9. option 57 = 576 with a long parameter request list"
LONG_PRL=$(seq -s, 1 254)
probe m9 --type discover --xid 0x0bf0000e --chaddr "$(new_mac)" --flags-broadcast \
	--arch 0 --vendor-class PXEClient:Arch:00000:UNDI:002001 --uuid "$UUID" \
	--max-size 576 --prl "$LONG_PRL"
one_reply m9 "9 DISCOVER, max size 576" OFFER
bf_check "9: reply UDP payload $(f m9 udp_payload_len) <= 576" \
	test "$(f m9 udp_payload_len)" -le 576
# Relayed, with a 240-byte option 82 (legal: up to 255): with the other
# options the reply would exceed 576, so something has to overflow (52) or be
# left out, but never option 82: RFC 3046 2.2, a server that supports it
# SHALL echo it in all replies (the relay needs it to forward the reply, and
# 53 + 54 + a 255-byte 82 always fit in 576). The long PRL lists 82 after
# 1..81 on purpose: the client's order must not make the echo optional.
BIG82=02ee$(printf 'ab%.0s' $(seq 238))
probe m9r --type discover --xid 0x0bf0000f --chaddr "$(new_mac)" --giaddr "$RELAY" --hops 1 \
	--relay-info "$BIG82" --src-ip "$RELAY" --src-port 67 --dst-ip "$S" --dst-mac "$SMAC" \
	--arch 0 --vendor-class PXEClient:Arch:00000:UNDI:002001 --uuid "$UUID" \
	--max-size 576 --prl "$LONG_PRL"
one_reply m9r "9 relayed DISCOVER with a 240-byte option 82, max size 576" OFFER
bf_log "9: relayed reply: overload $(df m9r overload), option order $(rq m9r "d['option_order']")"
bf_check "9: relayed reply UDP payload $(f m9r udp_payload_len) <= 576" \
	test "$(f m9r udp_payload_len)" -le 576
bf_check_eq "9: relayed reply still starts with 53, 54" 53,54 "$(rq m9r "d['option_order'][:2]")"
bf_check_eq "9: relayed reply options end with END in every area used" \
	true "$(rq m9r "all(v is not False for v in d['end_found'].values())")"
bf_check_eq "9: 240-byte option 82 echoed byte-identical under the size limit (RFC 3046 2.2)" \
	true "$(rq m9r "o.get('82') == '$BIG82'")"

# ---------------------------------------------------------- 10. malformed --
bf_log "10. malformed DISCOVERs must go unanswered"
bf_stats_settle || true
mal0=$(counter drop_dhcp4_malformed)
probe x10end --type discover --xid 0x0bf00010 --chaddr "$(new_mac)" --flags-broadcast \
	--prl 1,3,6 --malform no-end --listen-ms 500
no_reply x10end "10 DISCOVER without END"
probe x10len --type discover --xid 0x0bf00011 --chaddr "$(new_mac)" --flags-broadcast \
	--prl 1,3,6 --malform opt53-len2 --listen-ms 500
no_reply x10len "10 DISCOVER with option 53 of length 2"
bf_stats_settle || true
bf_check_eq "10: drop_dhcp4_malformed counted both" $((mal0 + 2)) "$(counter drop_dhcp4_malformed)"

# ------------------------------------------------------ 11. UEFI HTTP Boot --
# EDK2's HTTP Boot (UEFI 2.5+ 24.7) sends arch 16 (x64 UEFI HTTP) and option
# 60 "HTTPClient:Arch:00016:UNDI:003001"; it takes the boot file as a URL and
# wants "HTTPClient" back in 60. Option 43 is PXE's (PXE 2.1): not for it.
bf_log "11. UEFI HTTP Boot client (arch 16, HTTPClient): the URL rule"
HTTP_URL=$(bf_boot_http)
HTTP_VC=HTTPClient:Arch:00016:UNDI:003001
M11=$(new_mac)
probe h11 --type discover --xid 0x0bf00017 --chaddr "$M11" --flags-broadcast \
	--arch 16 --vendor-class "$HTTP_VC" --prl 1,3,6,43,60,66,67
one_reply h11 "11 HTTPClient arch 16 DISCOVER" OFFER
Y11=$(df h11 yiaddr)
bf_check "11: yiaddr $Y11 in pool" bf_ip_in_pool "$Y11"
bf_check_eq "11: file is the URL (rule http)" "$HTTP_URL" "$(df h11 file)"
bf_check_eq "11: option 67 (requested) is the URL" "$(hexs "$HTTP_URL")" "$(opt h11 67)"
bf_check_eq "11: option 60 = HTTPClient (exactly)" "$(hexs HTTPClient)" "$(opt h11 60)"
bf_check_eq "11: no option 43 (PXE vendor options are for PXEClient only)" false \
	"$(rq h11 "'43' in o")"
# The same client selecting the offer: the ACK says the same.
probe h11r --type request --xid 0x0bf00017 --chaddr "$M11" --flags-broadcast \
	--server-id "$S" --requested-ip "$Y11" --arch 16 --vendor-class "$HTTP_VC" \
	--prl 1,3,6,43,60,66,67
one_reply h11r "11 HTTPClient REQUEST (SELECTING)" ACK
bf_check_eq "11: ACK yiaddr = the offered address" "$Y11" "$(df h11r yiaddr)"
bf_check_eq "11: ACK file is the URL" "$HTTP_URL" "$(df h11r file)"
bf_check_eq "11: ACK option 67 is the URL" "$(hexs "$HTTP_URL")" "$(opt h11r 67)"
bf_check_eq "11: ACK option 60 = HTTPClient" "$(hexs HTTPClient)" "$(opt h11r 60)"
bf_check_eq "11: ACK has no option 43" false "$(rq h11r "'43' in o")"
bf_check "11: server logged the ACK of $Y11 with the URL (rule http)" \
	grep -Eq "dhcp4: ACK $Y11 to $M11 boot $HTTP_URL \(rule http\)" "$BF_SERVER_LOG"
# PXE clients are not caught by the HTTP rule: EFI x64 PXE (arch 7) still gets
# the EFI binary over TFTP, with 60 = PXEClient and option 43; arch 16 with a
# PXEClient class fails the rule's vendor_class and falls through to the rest.
probe h11pxe --type discover --xid 0x0bf00018 --chaddr "$(new_mac)" --flags-broadcast \
	--arch 7 --vendor-class PXEClient:Arch:00007:UNDI:003016 --prl 1,3,6,43,60,66,67
one_reply h11pxe "11 PXEClient arch 7 DISCOVER next to the HTTP rule" OFFER
bf_check_eq "11: PXEClient arch 7 still gets $BF_BOOT_EFI" "$BF_BOOT_EFI" "$(df h11pxe file)"
bf_check_eq "11: ... option 60 = PXEClient" "$(hexs PXEClient)" "$(opt h11pxe 60)"
bf_check_eq "11: ... option 43 = 06 01 08 ff" 060108ff "$(opt h11pxe 43)"
probe h11p16 --type discover --xid 0x0bf00019 --chaddr "$(new_mac)" --flags-broadcast \
	--arch 16 --vendor-class PXEClient:Arch:00016:UNDI:003001 --prl 1,3,6,43,60,66,67
one_reply h11p16 "11 PXEClient arch 16 DISCOVER" OFFER
bf_check_eq "11: arch 16 with a PXEClient class is not the HTTP rule's (-> $BF_BOOT_BIOS)" \
	"$BF_BOOT_BIOS" "$(df h11p16 file)"

# ------------------------------------------------------------ every reply --
bad=$(cat "$BF_RUN"/*.json | python3 -c '
import json, sys
n = bad = 0
for line in sys.stdin:
    if line.strip():
        x = json.loads(line)
        n += 1
        bad += not (x["ip_csum_ok"] and x["udp_csum_ok"])
print("%d/%d" % (bad, n))')
bf_check_eq "every reply has correct IPv4 and UDP checksums (bad/total)" "0/${bad#*/}" "$bad"
bf_check "server alive at the end" bf_server_alive

bf_server_log_summary 60
bf_finish
