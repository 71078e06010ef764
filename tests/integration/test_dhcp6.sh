#!/bin/bash
# The DHCPv6 server (RFC 8415) of bootfarmd, answered from the data path on
# interfaces[0].ipv6 (the server veth keeps IPv6 disabled):
#  1. ISC dhclient -6, stateful: Solicit/Advertise/Request/Reply; the lease it
#     writes has a pool address, the DNS server and search list, the server's
#     DUID-LL and the configured lifetimes and T1/T2.
#  2. dhclient -6 -S, stateless: Information-request -> Reply.
#  3. crafted messages (tests/lib/dhcp6probe.py): Advertise with preference,
#     Rapid Commit, bootfile-url by the boot rules (PXE arch 7, iPXE, UEFI
#     HTTP Boot), Request/Renew/Rebind, another server's id, Release,
#     Decline, Confirm (Success / NotOnLink), Information-request, a relay
#     agent (Relay-forward -> Relay-reply with the interface-id echoed, and a
#     link outside every subnet), and malformed messages that must go
#     unanswered (counted in drop_dhcp6_malformed).
set -euo pipefail
BF_SRCDIR=${BF_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/harness.sh
. "$BF_SRCDIR/tests/lib/harness.sh"

bf_init test_dhcp6
bf_require_tools python3 dhclient ethtool
[[ $SERVER == bootfarmd ]] || bf_skip "DHCPv6 in the data path is bootfarmd's"

PROBE=$BF_SRCDIR/tests/lib/dhcp6probe.py
S6=fd00:99::1
RELAY6=fd00:99::50
BF_SERVER_IP6=$S6/64
BF_CONFIG_EXTRA='dhcp6:
  subnets:
    - prefix: "fd00:99::/64"
      pools: [ "fd00:99::100-fd00:99::1ff" ]
      dns: [ "fd00:99::1" ]
      domains: [ lab.example ]
      hosts:
        - { name: byduid6, duid: "00:02:00:00:01:37:62:66:36:31", address: "fd00:99::61" }
        - { name: bymac6, mac: "02:bf:00:00:00:62", address: "fd00:99::62" }
        - { name: byrelaymac6, mac: "02:bf:00:00:00:63", address: "fd00:99::63" }
        - { name: byduidll6, mac: "02:bf:00:00:00:64", address: "fd00:99::64" }'
# DHCPv6 bootfile parameters on the efi rule (option 60, RFC 5970 3.2)
BF_BOOT_EFI_PARAMS='"console=ttyS0", "ip=dhcp6"'
# The configuration's defaults (config/conf_dhcp6.c): valid 7200, preferred 3600,
# T1 = preferred/2, T2 = preferred*4/5, preference 255, info refresh 86400.
PREF=3600 VALID=7200 T1=1800 T2=2880

# Durable bindings: the DHCPv6 leases share the DHCPv4 LMDB store (section 12).
BF_LEASE_STORE=$BF_RUN/leases
mkdir -p "$BF_LEASE_STORE"
bf_topo_veth
ip netns exec "$BF_NS_C" sysctl -qw "net.ipv6.conf.$BF_IF_C.disable_ipv6=0"
bf_server_start
SMAC=$(bf_mac_of "$BF_NS_S" "$BF_IF_S")
SDUID=00030001${SMAC//:/}
bf_log "server MAC $SMAC, expected server DUID-LL $SDUID"

# The client's link-local must be usable (DAD done) before anything is sent from it.
# shellcheck disable=SC2317 # called through bf_wait_for
c_ll_ready() {
	local a
	a=$(ip -n "$BF_NS_C" -6 addr show dev "$BF_IF_C" scope link)
	[[ $a == *fe80::* && $a != *tentative* ]]
}
bf_wait_for 10 c_ll_ready || bf_die "the client's link-local address stays tentative"

# ------------------------------------------------------------- helpers --
# p6 NAME ARGS...: one message from C through dhcp6probe.py; the decoded
# replies go to $BF_RUN/NAME.out.
p6() {
	local name=$1 rc=0
	shift
	timeout 30 ip netns exec "$BF_NS_C" python3 "$PROBE" --iface "$BF_IF_C" \
		--listen-ms "${BF_PROBE_LISTEN_MS:-1500}" "$@" \
		>"$BF_RUN/$name.out" 2>"$BF_RUN/$name.err" || rc=$?
	sed "s/^/  [$name] /" "$BF_RUN/$name.err"
	[[ $rc -eq 0 ]] || bf_die "dhcp6probe.py ($name) failed (exit $rc)"
}
# has NAME ERE: a line of NAME's replies matches.
# shellcheck disable=SC2317 # called through bf_check
has() { grep -Eq -- "$2" "$BF_RUN/$1.out"; }
# shellcheck disable=SC2317 # called through bf_check
hasnt() { ! has "$@"; }
# val NAME KEY: the rest of the first line that starts with "KEY ".
val() { awk -v k="$2" '$1 == k { sub("^[^ ]+ ", ""); print; exit }' "$BF_RUN/$1.out"; }
# addr NAME: the first IAADDR.
addr() { awk '$1 == "iaaddr" { print $2; exit }' "$BF_RUN/$1.out"; }
nreplies() { grep -c '^end$' "$BF_RUN/$1.out" || :; }
no_reply() { bf_check_eq "$2: no answer" 0 "$(nreplies "$1")"; }
# One reply of message type TYPE (2 Advertise, 7 Reply).
one_reply() {
	bf_check_eq "$2: one answer" 1 "$(nreplies "$1")"
	bf_check_eq "$2: message type" "$3" "$(val "$1" type | awk '{print $1}')"
}
# shellcheck disable=SC2317 # called through bf_check
in_pool() {
	python3 - "$1" <<-'EOF'
	import ipaddress, sys
	try:
	    a = ipaddress.IPv6Address(sys.argv[1])
	except ValueError:
	    sys.exit(1)
	sys.exit(0 if ipaddress.IPv6Address("fd00:99::100") <= a <= ipaddress.IPv6Address("fd00:99::1ff") else 1)
	EOF
}
ctr() { bf_counter "$1"; }
settle() { bf_stats_settle || bf_log "stats file not rewritten twice within 5 s"; }
# The usual checks of a reply that hands out an address.
addr_checks() {
	local n=$1 what=$2 a
	a=$(addr "$n")
	bf_check "$what: address ${a:-none} in fd00:99::100-1ff" in_pool "$a"
	bf_check_eq "$what: lifetimes" "pref $PREF valid $VALID" "$(val "$n" iaaddr | cut -d' ' -f2-)"
	bf_check_eq "$what: IA_NA T1/T2" "t1 $T1 t2 $T2" "$(val "$n" ia_na | cut -d' ' -f3-)"
	bf_check_eq "$what: server id is our DUID-LL" "$SDUID" "$(val "$n" server_id)"
}
duid() { printf '00030001020000bf%04x' "$1"; }

# -------------------------------------------- 1. dhclient -6, stateful --
bf_log "1. dhclient -6 (stateful)"
DH=$BF_RUN/dh6
mkdir -p "$DH"
cat >"$DH/dhclient.conf" <<-EOF
request dhcp6.name-servers, dhcp6.domain-search;
timeout 20;
EOF
timeout 60 ip netns exec "$BF_NS_C" dhclient -6 -d -v -1 -cf "$DH/dhclient.conf" \
	-sf /bin/true -lf "$DH/leases" -pf "$DH/pid" "$BF_IF_C" >"$DH/log" 2>&1 &
DH_PID=$!
bf_track "$DH_PID"
# shellcheck disable=SC2317 # called through bf_wait_for
leased() { grep -q iaaddr "$DH/leases" 2>/dev/null; }
bf_check "1: dhclient -6 wrote a lease with an iaaddr" bf_wait_for 30 leased
bf_kill_pid "$DH_PID"
sed 's/^/  [dhclient -6] /' "$DH/log" | grep -E 'XMT|RCV|Solicit|Advertise|Request|Reply|Bound|status' || :
L6=$(awk '/iaaddr/ { print $2; exit }' "$DH/leases" 2>/dev/null || :)
bf_check "1: leased address ${L6:-none} in fd00:99::100-1ff" in_pool "$L6"
# lease option value: option dhcp6.NAME VALUE;
lopt() { sed -n "s/^ *option dhcp6\.$1 \(.*\);$/\1/p" "$DH/leases" | tail -n1; }
bf_check_eq "1: name-servers" "$S6" "$(lopt name-servers)"
bf_check_eq "1: domain-search" '"lab.example."' "$(lopt domain-search)"
# dhclient prints the DUID as colon-separated hex bytes without leading zeros.
sid=$(for b in $(lopt server-id | tr ':' ' '); do printf '%02x' "0x$b"; done)
bf_check_eq "1: server-id is DUID-LL type 3 of the server port (00:03:00:01:$SMAC)" "$SDUID" "$sid"
lnum() { awk -v k="$1" '$1 == k { sub(";", "", $2); print $2; exit }' "$DH/leases"; }
bf_check_eq "1: preferred-life" "$PREF" "$(lnum preferred-life)"
bf_check_eq "1: max-life" "$VALID" "$(lnum max-life)"
bf_check_eq "1: renew (T1)" "$T1" "$(lnum renew)"
bf_check_eq "1: rebind (T2)" "$T2" "$(lnum rebind)"
bf_check "1: the server logged the REPLY of $L6" \
	grep -Eq "dhcp6: REPLY $L6 to [0-9a-f]+ for REQUEST" "$BF_SERVER_LOG"

# ------------------------------------------- 2. dhclient -6 -S, stateless --
bf_log "2. dhclient -6 -S (stateless)"
DS=$BF_RUN/dh6s
mkdir -p "$DS"
timeout 60 ip netns exec "$BF_NS_C" dhclient -6 -S -d -v -1 -cf "$DH/dhclient.conf" \
	-sf /bin/true -lf "$DS/leases" -pf "$DS/pid" "$BF_IF_C" >"$DS/log" 2>&1 &
DS_PID=$!
bf_track "$DS_PID"
# shellcheck disable=SC2317 # called through bf_wait_for
inforeq_logged() { grep -Eq 'dhcp6: REPLY - to [0-9a-f]+ for INFORMATION-REQUEST' "$BF_SERVER_LOG"; }
# shellcheck disable=SC2317 # called through bf_wait_for
dh_got_reply() { grep -q 'RCV: Reply message' "$DS/log"; }
bf_check "2: server log: dhcp6: REPLY - to ... for INFORMATION-REQUEST" bf_wait_for 20 inforeq_logged
bf_check "2: dhclient -S received the Reply" bf_wait_for 10 dh_got_reply
bf_kill_pid "$DS_PID"
sed 's/^/  [dhclient -6 -S] /' "$DS/log" | grep -E 'XMT|RCV' || :

# --------------------------------------------- 3. Solicit -> Advertise --
bf_log "3. Solicit without Rapid Commit -> Advertise"
settle
adv0=$(ctr dhcp6_advertise) rep0=$(ctr dhcp6_reply)
D1=$(duid 1)
p6 sol1 --type solicit --xid 0x0bf001 --duid "$D1" --iaid 1 --oro 23,24
one_reply sol1 "3 Solicit" 2
bf_check_eq "3: preference" 255 "$(val sol1 preference)"
addr_checks sol1 "3 Advertise"
A1=$(addr sol1)
bf_check_eq "3: client id echoed" "$D1" "$(val sol1 client_id)"
bf_check "3: no rapid_commit in an Advertise" hasnt sol1 '^rapid_commit$'
bf_check_eq "3: dns" "$S6" "$(val sol1 dns)"
bf_check_eq "3: domains" lab.example "$(val sol1 domains)"
bf_check "3: reply from the server's link-local, source port 547" has sol1 '^from fe80::[0-9a-f:]+ port 547$'

bf_log "3b. Solicit with Rapid Commit -> Reply"
D2=$(duid 2)
p6 sol2 --type solicit --xid 0x0bf002 --duid "$D2" --iaid 7 --rapid-commit --oro 23,24
one_reply sol2 "3b Rapid Commit Solicit" 7
bf_check "3b: rapid_commit option in the Reply" has sol2 '^rapid_commit$'
bf_check "3b: no preference option in a Reply" hasnt sol2 '^preference '
addr_checks sol2 "3b Reply"
bf_check "3b: a plain client (no arch, no ORO 59) gets no bootfile_url" hasnt sol2 '^bootfile_url'
settle
bf_check_eq "3: dhcp6_advertise counted the Advertise" $((adv0 + 1)) "$(ctr dhcp6_advertise)"
bf_check_eq "3b: dhcp6_reply counted the Reply" $((rep0 + 1)) "$(ctr dhcp6_reply)"

# ------------------------------------------------------ 4. boot rules --
bf_log "4. network boot: bootfile-url by the boot rules"
PXE7=PXEClient:Arch:00007:UNDI:003016
p6 pxe7 --xid 0x0bf010 --duid "$(duid 16)" --iaid 1 --rapid-commit --oro 59,60,23 \
	--arch 7 --vendor-class "$PXE7"
one_reply pxe7 "4 PXE arch 7 Solicit" 7
bf_check_eq "4: arch 7 -> the EFI image over TFTP" "tftp://[$S6]/$BF_BOOT_EFI" "$(val pxe7 bootfile_url)"
bf_check "4: ... no HTTPClient echo for PXEClient" hasnt pxe7 '^vendor_class'
bf_check_eq "4: ... with the rule's bootfile parameters" "console=ttyS0 | ip=dhcp6" \
	"$(val pxe7 bootfile_param)"
p6 ipxe --xid 0x0bf011 --duid "$(duid 17)" --iaid 1 --rapid-commit --oro 59,60,23 \
	--arch 7 --vendor-class "$PXE7" --user-class-ipxe
one_reply ipxe "4 iPXE Solicit" 7
bf_check_eq "4: iPXE -> the iPXE script" "tftp://[$S6]/$BF_BOOT_IPXE" "$(val ipxe bootfile_url)"
p6 http16 --xid 0x0bf012 --duid "$(duid 18)" --iaid 1 --rapid-commit --oro 59,60,16 \
	--arch 16 --vendor-class HTTPClient:Arch:00016:UNDI:003001
one_reply http16 "4 UEFI HTTP Boot Solicit" 7
bf_check_eq "4: arch 16 + HTTPClient -> the URL as is" "http://$BF_SERVER_IP/boot/ipxe.efi" \
	"$(val http16 bootfile_url)"
bf_check_eq "4: vendor class 343 HTTPClient echoed" "343 HTTPClient" "$(val http16 vendor_class)"
bf_check "4: the server logged the efi rule" grep -q "boot tftp://\[$S6\]/$BF_BOOT_EFI (rule efi)" "$BF_SERVER_LOG"

# ------------------------------------------ 5. Request, Renew, Rebind --
bf_log "5. Request / Renew / Rebind of the advertised $A1"
p6 req1 --type request --xid 0x0bf020 --duid "$D1" --iaid 1 --server-id "$SDUID" --ia-addr "$A1"
one_reply req1 "5 Request" 7
bf_check_eq "5: Request -> the advertised address" "$A1" "$(addr req1)"
addr_checks req1 "5 Request"
bf_check "5: no status other than Success" hasnt req1 '^(ia_)?status [1-9]'
p6 ren1 --type renew --xid 0x0bf021 --duid "$D1" --iaid 1 --server-id "$SDUID" --ia-addr "$A1"
one_reply ren1 "5 Renew" 7
bf_check_eq "5: Renew -> the same address" "$A1" "$(addr ren1)"
bf_check_eq "5: Renew lifetimes" "pref $PREF valid $VALID" "$(val ren1 iaaddr | cut -d' ' -f2-)"
p6 reb1 --type rebind --xid 0x0bf022 --duid "$D1" --iaid 1 --ia-addr "$A1"
one_reply reb1 "5 Rebind (no server id)" 7
bf_check_eq "5: Rebind -> the same address" "$A1" "$(addr reb1)"

bf_log "5b. Request with another server's id"
settle
ign0=$(ctr dhcp6_ignored)
p6 reqx --type request --xid 0x0bf023 --duid "$D1" --iaid 1 --server-id 000300010200deadbeef \
	--ia-addr "$A1"
no_reply reqx "5b Request for another server"
settle
bf_check "5b: dhcp6_ignored grew ($ign0 -> $(ctr dhcp6_ignored))" test "$(ctr dhcp6_ignored)" -gt "$ign0"

# ------------------------------------------------------------ 6. Release --
bf_log "6. Release of $A1"
settle
n0=$(ctr dhcp6_leases)
p6 rel1 --type release --xid 0x0bf030 --duid "$D1" --iaid 1 --server-id "$SDUID" --ia-addr "$A1"
one_reply rel1 "6 Release" 7
bf_check "6: status 0 (Success)" has rel1 '^status 0( |$)'
bf_check "6: no address in the Reply to a Release" hasnt rel1 '^iaaddr '
settle
bf_check_eq "6: dhcp6_leases dropped by one" $((n0 - 1)) "$(ctr dhcp6_leases)"
p6 sol1b --type solicit --xid 0x0bf031 --duid "$D1" --iaid 1 --rapid-commit
one_reply sol1b "6 Solicit after the Release" 7
bf_check "6: the released client gets an address again ($(addr sol1b))" in_pool "$(addr sol1b)"
bf_log "6: after the Release $D1 got $(addr sol1b) (had $A1)"

# ------------------------------------------------------------ 7. Decline --
bf_log "7. Decline"
D3=$(duid 3)
p6 sol3 --type solicit --xid 0x0bf040 --duid "$D3" --iaid 3 --rapid-commit
one_reply sol3 "7 Solicit" 7
A3=$(addr sol3)
bf_check "7: got $A3" in_pool "$A3"
p6 dec3 --type decline --xid 0x0bf041 --duid "$D3" --iaid 3 --server-id "$SDUID" --ia-addr "$A3"
one_reply dec3 "7 Decline" 7
bf_check "7: status 0 (Success)" has dec3 '^status 0( |$)'
p6 sol3b --type solicit --xid 0x0bf042 --duid "$D3" --iaid 3 --rapid-commit
one_reply sol3b "7 Solicit after the Decline" 7
A3B=$(addr sol3b)
bf_check "7: an address again ($A3B)" in_pool "$A3B"
bf_check "7: not the declined $A3" test "$A3B" != "$A3"
# The declined address rests with nobody: a second Decline and Solicit cycle
# from the same client must not get either declined address.
p6 dec3b --type decline --xid 0x0bf043 --duid "$D3" --iaid 3 --server-id "$SDUID" --ia-addr "$A3B"
one_reply dec3b "7 second Decline" 7
p6 sol3c --type solicit --xid 0x0bf044 --duid "$D3" --iaid 3 --rapid-commit
one_reply sol3c "7 Solicit after the second Decline" 7
A3C=$(addr sol3c)
bf_check "7: neither declined address ($A3C)" test "$A3C" != "$A3" -a "$A3C" != "$A3B" -a -n "$A3C"
bf_check "7: server alive after the Declines" bf_server_alive

# ------------------------------------------------------------ 8. Confirm --
bf_log "8. Confirm"
D4=$(duid 4)
p6 conf1 --type confirm --xid 0x0bf050 --duid "$D4" --iaid 4 --ia-addr fd00:99::123
one_reply conf1 "8 Confirm on-link" 7
bf_check "8: fd00:99::123 -> status 0 (Success)" has conf1 '^status 0( |$)'
p6 conf2 --type confirm --xid 0x0bf051 --duid "$D4" --iaid 4 --ia-addr fd00:aa::5
one_reply conf2 "8 Confirm off-link" 7
bf_check "8: fd00:aa::5 -> status 4 (NotOnLink)" has conf2 '^status 4( |$)'
bf_check "8: no address in a Confirm's Reply" hasnt conf2 '^iaaddr '

# ------------------------------------------------ 9. Information-request --
bf_log "9. Information-request"
p6 inf --type info-request --xid 0x0bf060 --duid "$(duid 5)" --oro 23,24,32
one_reply inf "9 Information-request" 7
bf_check_eq "9: dns" "$S6" "$(val inf dns)"
bf_check_eq "9: domains" lab.example "$(val inf domains)"
bf_check_eq "9: info_refresh" 86400 "$(val inf info_refresh)"
bf_check "9: no IA" hasnt inf '^ia_'
bf_check_eq "9: server id" "$SDUID" "$(val inf server_id)"

# -------------------------------------------------------------- 10. relay --
bf_log "10. relay agent at $RELAY6"
ip -n "$BF_NS_C" -6 addr add "$RELAY6/64" dev "$BF_IF_C" nodad
settle
ign0=$(ctr dhcp6_ignored)
p6 rly --relay-src "$RELAY6" --dst "$S6" --link "$RELAY6" --peer fe80::5 --interface-id port7 \
	--type solicit --xid 0x0bf070 --duid "$(duid 6)" --iaid 6 --rapid-commit
one_reply rly "10 relayed Solicit" 7
bf_check_eq "10: Relay-reply from the server to the relay's port 547" "from $S6 port 547" \
	"$(head -n1 "$BF_RUN/rly.out")"
bf_check_eq "10: Relay-reply header and interface-id echoed" \
	"hops 0 link $RELAY6 peer fe80::5 interface_id port7" "$(val rly relay_repl)"
addr_checks rly "10 relayed Reply"
bf_check "10: rapid_commit in the relayed Reply" has rly '^rapid_commit$'
bf_check "10: the server logged it as relayed" grep -Eq 'dhcp6: REPLY fd00:99::[0-9a-f]+ to [0-9a-f]+ for SOLICIT via relay' "$BF_SERVER_LOG"
p6 rlyx --relay-src "$RELAY6" --dst "$S6" --link fd00:bb::1 --peer fe80::5 --interface-id port7 \
	--type solicit --xid 0x0bf071 --duid "$(duid 7)" --iaid 7 --rapid-commit
no_reply rlyx "10 Relay-forward from a link outside every subnet (fd00:bb::1)"
settle
bf_check "10: dhcp6_ignored grew ($ign0 -> $(ctr dhcp6_ignored))" test "$(ctr dhcp6_ignored)" -gt "$ign0"

# ---------------------------------------------------------- 11. malformed --
bf_log "11. malformed messages"
settle
mal0=$(ctr drop_dhcp6_malformed)
p6 bad1 --type solicit --xid 0x0bf080 --no-client-id --iaid 1 --rapid-commit
no_reply bad1 "11 Solicit without a client id"
p6 bad2 --type solicit --xid 0x0bf081 --duid "$(duid 8)" --iaid 1 --truncate-option
no_reply bad2 "11 Solicit with a truncated option"
p6 bad3 --relay-src "$RELAY6" --dst "$S6" --link "$RELAY6" --relay-depth 33 \
	--type solicit --xid 0x0bf082 --duid "$(duid 9)" --iaid 1 --rapid-commit
no_reply bad3 "11 33-deep relay chain"
settle
bf_check_eq "11: drop_dhcp6_malformed grew by 3" $((mal0 + 3)) "$(ctr drop_dhcp6_malformed)"
# The same chain 32 deep is the most a server accepts: answered.
p6 deep32 --relay-src "$RELAY6" --dst "$S6" --link "$RELAY6" --relay-depth 32 \
	--type solicit --xid 0x0bf083 --duid "$(duid 10)" --iaid 1 --rapid-commit
one_reply deep32 "11 32-deep relay chain (the limit)" 7
bf_check_eq "11: ... with 32 Relay-reply layers" 32 "$(grep -c '^relay_repl ' "$BF_RUN/deep32.out")"

# ------------------------------------------------------- 12. durability --
# kill -9, then a restart on the same store: the bindings come back. Addresses
# are hash-placed per DUID+IAID, so "same address again" proves nothing here;
# the declined addresses do: without the store the client would get $A3 back.
bf_log "12. kill -9 and restart on the same store"
settle
before=$(ctr dhcp6_leases)
kill -KILL "$BF_SERVER_PID"
wait "$BF_SERVER_PID" 2>/dev/null || :
BF_SERVER_STOPPED=1
bf_server_start
bf_check "12: the restart restored DHCPv6 bindings" \
	grep -Eq 'leases: restored [1-9][0-9]* DHCPv6 bindings' "$BF_SERVER_LOG"
restored=$(sed -n 's/.*leases: restored \([0-9]*\) DHCPv6 bindings.*/\1/p' "$BF_SERVER_LOG" | tail -n1)
bf_log "12: $before leases before the kill (with advertised ones), $restored restored"
bf_check "12: no more restored than there were" test "${restored:-0}" -le "$before"
p6 sol3d --type solicit --xid 0x0bf090 --duid "$D3" --iaid 3 --rapid-commit
one_reply sol3d "12 Solicit after the restart" 7
A3D=$(addr sol3d)
bf_check_eq "12: the client keeps its binding across the kill ($A3C)" "$A3C" "$A3D"
p6 dec3d --type decline --xid 0x0bf091 --duid "$D3" --iaid 3 --server-id "$SDUID" --ia-addr "$A3D"
one_reply dec3d "12 Decline after the restart" 7
kill -KILL "$BF_SERVER_PID"
wait "$BF_SERVER_PID" 2>/dev/null || :
BF_SERVER_STOPPED=1
bf_server_start
p6 sol3e --type solicit --xid 0x0bf092 --duid "$D3" --iaid 3 --rapid-commit
one_reply sol3e "12 Solicit after a second restart" 7
A3E=$(addr sol3e)
bf_check "12: none of the three declined addresses after restarts ($A3E)" \
	test -n "$A3E" -a "$A3E" != "$A3" -a "$A3E" != "$A3B" -a "$A3E" != "$A3D"

# ------------------------------------------------------ 13. reservations --
bf_log "13. reservations by DUID and by MAC"
p6 res1 --type solicit --xid 0x0bf0a0 --duid 0002000001376266 --iaid 1 --rapid-commit
one_reply res1 "13 a DUID-EN client with no reservation" 7
bf_check "13: ... gets a pool address" in_pool "$(addr res1)"
p6 res2 --type solicit --xid 0x0bf0a1 --duid 00020000013762663631 --iaid 1 --rapid-commit
bf_check_eq "13: reserved by DUID" fd00:99::61 "$(addr res2)"
# DUID-EN carries no MAC: option 79 from the client, or from its relay, does.
p6 res3 --type solicit --xid 0x0bf0a2 --duid 00020000013762663632 --iaid 1 --rapid-commit \
	--lladdr 02:bf:00:00:00:62
bf_check_eq "13: reserved by MAC (client's option 79)" fd00:99::62 "$(addr res3)"
p6 res4 --relay-src "$RELAY6" --dst "$S6" --link "$RELAY6" --relay-lladdr 02:bf:00:00:00:63 \
	--type solicit --xid 0x0bf0a3 --duid 00020000013762663633 --iaid 1 --rapid-commit
bf_check_eq "13: reserved by MAC (relay's option 79)" fd00:99::63 "$(addr res4)"
# A DUID-LL holds the MAC itself.
p6 res5 --type solicit --xid 0x0bf0a4 --duid 0003000102bf00000064 --iaid 7 --rapid-commit
bf_check_eq "13: reserved by MAC (from a DUID-LL)" fd00:99::64 "$(addr res5)"
# A second machine claiming a reservation already bound elsewhere gets a pool address.
p6 res6 --type solicit --xid 0x0bf0a5 --duid 0003000102bf00000062 --iaid 7 --rapid-commit
bf_check "13: a reservation held by another binding is not handed out twice" \
	in_pool "$(addr res6)"
bf_check "13: the log names the reservation" grep -q 'dhcp6: REPLY fd00:99::61 to .* host byduid6' \
	"$BF_SERVER_LOG"

# ------------------------------------------- 14. A/B: exchanges are pinned --
# An Advertise from slot A, a switch to B (other lifetimes), then the
# Request: the Reply is still A's; the next Solicit gets B's. bootfarmctl
# drives the slots (test_slots.sh covers them for DHCPv4 and TFTP).
bf_log "14. a Solicit..Reply exchange keeps its configuration across a switch"
CTL=$(dirname "$BOOTFARMD")/../tools/bootfarmctl
sed 's/^dhcp6:$/dhcp6:\n  preferred_lifetime: 1000\n  valid_lifetime: 2000/' \
	"$BF_RUN/bootfarmd.yaml" >"$BF_RUN/b6.yaml"
grep -q "preferred_lifetime: 1000" "$BF_RUN/b6.yaml" || bf_die "14: could not write B"
D9=00020000013762663939
p6 pin1 --type solicit --xid 0x0bf0b0 --duid "$D9" --iaid 9
one_reply pin1 "14 Solicit while A is active" 2
A9=$(addr pin1)
bf_check_eq "14: Advertise with A's lifetimes" "pref $PREF valid $VALID" "$(val pin1 iaaddr | cut -d' ' -f2-)"
"$CTL" --socket "$BF_CTL_SOCK" stage "$BF_RUN/b6.yaml" >/dev/null
"$CTL" --socket "$BF_CTL_SOCK" switch >/dev/null
p6 pin2 --type request --xid 0x0bf0b1 --duid "$D9" --iaid 9 --server-id "$SDUID" --ia-addr "$A9"
one_reply pin2 "14 Request after the switch" 7
bf_check_eq "14: the Reply keeps A's lifetimes (its exchange began on A)" \
	"$A9 pref $PREF valid $VALID" "$(val pin2 iaaddr)"
p6 pin3 --type solicit --xid 0x0bf0b2 --duid 00020000013762664040 --iaid 9
bf_check_eq "14: a new Solicit gets B's lifetimes" "pref 1000 valid 2000" \
	"$(val pin3 iaaddr | cut -d' ' -f2-)"

# ------------------------------------------------------------------ end --
bf_check "server alive at the end" bf_server_alive
grep -E 'dhcp6: ' "$BF_SERVER_LOG" | sed 's/^/  /' | head -n 60
bf_finish
