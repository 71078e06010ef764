#!/bin/bash
# A/B configuration slots through bootfarmctl, as an operator uses them, with
# real clients (dhclient, tftp-hpa, curl) and the raw DHCP prober:
#  1. the socket is root's only; slots shows A active, B empty;
#  2. a broken file is refused with file:line:column and nothing changes;
#  3. stage B: diff names the changed image, rule and lease time;
#  4. canary by MAC list: that machine gets B's DHCP answer and B's bytes,
#     `where` shows its funnel; canary clear: A again;
#  5. canary by share: the machine is in or out exactly as the MAC hash says
#     (the same hash in the lease manager and in the workers);
#  6. canary by host group (group: in B's reservations);
#  7. a relayed client (frames from the relay's MAC) reads the slot its DHCP
#     answer came from: the address pin;
#  8. epoch pinning: a DISCOVER answered from A, a switch, then the REQUEST:
#     the ACK is still A's (lease time and boot file), the next DISCOVER B's;
#  9. switch / rollback / switch again; sessions, images, leases, release;
# 10. automatic rollback: a canary whose clients fail is cleared by itself;
# 11. telemetry /bootfarm/slots;
# 12. control.group: the group may connect, others may not.
set -euo pipefail
BF_SRCDIR=${BF_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/harness.sh
. "$BF_SRCDIR/tests/lib/harness.sh"

bf_init test_slots
bf_require_tools tftp curl cmp dhclient python3
[[ $SERVER == bootfarmd ]] || bf_skip "configuration slots are bootfarmd's"
BOOTFARMCTL=${BOOTFARMCTL:-$(dirname "$BOOTFARMD")/../tools/bootfarmctl}
[[ -x $BOOTFARMCTL ]] || bf_die "no bootfarmctl at $BOOTFARMCTL"

bf_topo_veth
bf_client_static_ip "$BF_CLIENT_STATIC_IP"
bf_make_random "$BF_RUN/a.bin" $((512 * 1024 + 7))
bf_make_random "$BF_RUN/b.bin" $((512 * 1024 + 9))
mkdir -p "$BF_RUN/a" "$BF_RUN/b"
cp "$BF_RUN/a.bin" "$BF_RUN/a/boot.bin"
cp "$BF_RUN/b.bin" "$BF_RUN/b/boot.bin"
BF_BOOT_BIOS=boot.bin
bf_image_file boot.bin "$BF_RUN/a/boot.bin"
bf_server_start
S=$BF_SERVER_IP
SMAC=$(bf_mac_of "$BF_NS_S" "$BF_IF_S")
CMAC=$(bf_mac_of "$BF_NS_C" "$BF_IF_C")
A=$BF_RUN/bootfarmd.yaml
PROBE=$BF_SRCDIR/tests/lib/dhcp4probe.py
# shellcheck source=tests/lib/probe.sh
. "$BF_SRCDIR/tests/lib/probe.sh"

ctl() { "$BOOTFARMCTL" --socket "$BF_CTL_SOCK" "$@"; }
# j EXPR: a Python expression over d, the JSON data on stdin
j() { python3 -c 'import json,sys; d=json.load(sys.stdin); v=eval(sys.argv[1]); print(str(v).lower() if isinstance(v,bool) else v)' "$1"; }
get() { (cd "$BF_RUN" && bf_in_c timeout 60 tftp "$S" -m binary -c get boot.bin "$1") || :; }
got() { # got LABEL WANT: a fresh download is byte-identical to WANT
	rm -f "$BF_RUN/got.bin"
	get got.bin
	bf_check "$1" cmp -s "$BF_RUN/got.bin" "$2"
}
set_mac() {
	ip -n "$BF_NS_C" link set dev "$BF_IF_C" down
	ip -n "$BF_NS_C" link set dev "$BF_IF_C" address "$1"
	ip -n "$BF_NS_C" link set dev "$BF_IF_C" up
	CMAC=$1
}
# dh NAME: one dhclient run; its BOUND environment in $BF_RUN/NAME
dh() {
	bf_dhclient_start "$BF_RUN/$1" "$BF_IF_C"
	bf_wait_for 30 bf_dh_bound "$BF_RUN/$1" || bf_fail "$1: dhclient got no lease"
	bf_kill_pid "$BF_DH_PID"
}

# B: other bytes for boot.bin, another lease time, a new rule, a host group
sed -e "s|$BF_TFTPROOT/boot.bin|$BF_RUN/b/boot.bin|" -e "s/lease_time: $BF_LEASE/lease_time: 1234/" \
	-e "s/^\(  *\)mac: $BF_FIXED_MAC\$/&\n\1group: rack7/" "$A" >"$BF_RUN/b.yaml"
printf '  - name: arm64\n    arch: [11]\n    file: boot.bin\n' >"$BF_RUN/rule.txt"
sed -i "/^boot:\$/r $BF_RUN/rule.txt" "$BF_RUN/b.yaml"
grep -q "group: rack7" "$BF_RUN/b.yaml" || bf_die "could not put a group in B"

# ---- 1
bf_check_eq "1: the socket is root's only (0600)" 600 "$(stat -c %a "$BF_CTL_SOCK")"
out=$(runuser -u nobody -- "$BOOTFARMCTL" --socket "$BF_CTL_SOCK" slots 2>&1) && rc=0 || rc=$?
bf_check_eq "1: another user cannot connect (exit 2: $out)" 2 "$rc"
bf_check_eq "1: slot A active" A "$(ctl --json slots | j 'd["active"]')"
bf_check_eq "1: slot B empty" empty "$(ctl --json slots | j 'd["slots"][1]["state"]')"

# ---- 2
cp "$BF_RUN/b.yaml" "$BF_RUN/bad.yaml"
printf 'tftp:\n  retries: 500\n' >>"$BF_RUN/bad.yaml"
line=$(wc -l <"$BF_RUN/bad.yaml")
out=$(ctl stage "$BF_RUN/bad.yaml" 2>&1) && rc=0 || rc=$?
bf_check_eq "2: stage of a broken file fails" 1 "$rc"
bf_check "2: ... naming file:line:column ($out)" grep -q "$BF_RUN/bad.yaml:$line:[0-9]*:" <<<"$out"
bf_check_eq "2: slot B still empty" empty "$(ctl --json slots | j 'd["slots"][1]["state"]')"
got "2: clients still get A's bytes" "$BF_RUN/a.bin"

# ---- 3
out=$(ctl stage "$BF_RUN/b.yaml")
bf_check "3: stage B ($out)" grep -q "slot B" <<<"$out"
bf_check_eq "3: slot B staged" staged "$(ctl --json slots | j 'd["slots"][1]["state"]')"
diff_out=$(ctl diff)
printf '%s\n' "$diff_out" | sed 's/^/  diff: /'
bf_check "3: diff: boot.bin changed (digest)" grep -Eq "image boot.bin: .*digest" <<<"$diff_out"
bf_check "3: diff: rule arm64 added" grep -q "+ rule arm64" <<<"$diff_out"
bf_check "3: diff: lease time" grep -q "lease_time $BF_LEASE -> 1234" <<<"$diff_out"
bf_check "3: diff: host group" grep -q "group - -> rack7" <<<"$diff_out"
got "3: staging changes nothing for clients" "$BF_RUN/a.bin"

# ---- 4
ctl canary macs "$CMAC" >/dev/null
bf_check_eq "4: canary on for slot B" "true B" "$(ctl --json slots | j 'd["canary"]["on"] and "true " + d["canary"]["slot"]')"
dh dh4
bf_check_eq "4: the canary machine's DHCP answer is B's (lease 1234)" 1234 \
	"$(bf_dh_env "$BF_RUN/dh4" BOUND new_dhcp_lease_time)"
got "4: ... and its TFTP bytes are B's" "$BF_RUN/b.bin"
w=$(ctl --json where "$CMAC")
bf_check_eq "4: where: slot B" B "$(j 'd["slot"]' <<<"$w")"
bf_check_eq "4: where: REQUEST -> ACK" "REQUEST ACK" "$(j 'd["dhcp"]["last_msg"]+" "+d["dhcp"]["last_reply"]' <<<"$w")"
bf_check_eq "4: where: boot file and rule" "boot.bin bios" "$(j 'd["dhcp"]["boot_file"]+" "+d["dhcp"]["rule"]' <<<"$w")"
bf_check_eq "4: where: TFTP done, every byte" "boot.bin done $(stat -c %s "$BF_RUN/b.bin")" \
	"$(j 'd["tftp"]["file"]+" "+d["tftp"]["state"]+" "+str(d["tftp"]["sent"])' <<<"$w")"
ctl where "$CMAC" | sed 's/^/  where: /'
set_mac "$(bf_random_mac)"
got "4: another machine still gets A's bytes" "$BF_RUN/a.bin"
ctl canary clear >/dev/null
set_mac "$(bf_mac_of "$BF_NS_C" "$BF_IF_C")"
bf_check_eq "4: canary cleared" false "$(ctl --json slots | j 'd["canary"]["on"]')"

# ---- 5: the share, against the hash computed here
pos() { python3 - "$1" <<-'EOF'
	import sys
	b = bytes(int(x, 16) for x in sys.argv[1].split(":"))
	h, M = 0xcbf29ce484222325, (1 << 64) - 1
	for c in b:
	    h = ((h ^ c) * 0x100000001b3) & M
	for m in (0xff51afd7ed558ccd, 0xc4ceb9fe1a85ec53):
	    h ^= h >> 33
	    h = (h * m) & M
	h ^= h >> 33
	print(h % 1000000)
	EOF
}
P=$(pos "$CMAC")
bf_log "5: $CMAC sits at $P ppm"
above=$(python3 -c "print(min(100.0, ($P + 1) / 10000 + 0.0001))")
ctl canary share "$above" >/dev/null
got "5: share ${above}% takes this machine: B's bytes" "$BF_RUN/b.bin"
if ((P >= 10000)); then
	below=$(python3 -c "print(max(0.0001, ($P - 5000) / 10000))")
	ctl canary share "$below" >/dev/null
	got "5: share ${below}% leaves it out: A's bytes" "$BF_RUN/a.bin"
fi
ctl canary clear >/dev/null

# ---- 6: a host group (defined in B)
ctl canary group rack7 >/dev/null
set_mac "$BF_FIXED_MAC"
got "6: the group's machine gets B's bytes" "$BF_RUN/b.bin"
set_mac "$(bf_random_mac)"
got "6: a machine outside it gets A's" "$BF_RUN/a.bin"
out=$(ctl canary group nosuchgroup 2>&1) && rc=0 || rc=$?
bf_check "6: an unknown group is refused ($out)" test "$rc" = 1
ctl canary clear >/dev/null

# ---- 7: a relayed client: the DHCP chaddr is not the frame's MAC
X=$(bf_random_mac)
ctl canary macs "$X" >/dev/null
probe rdisc --type discover --xid 0x5107 --chaddr "$X" --giaddr "$BF_RELAY_ROUTER" \
	--src-ip "$BF_CLIENT_STATIC_IP" --src-port 67 --dst-ip "$S" --dst-mac "$SMAC"
Y=$(df rdisc yiaddr)
probe rreq --type request --xid 0x5108 --chaddr "$X" --giaddr "$BF_RELAY_ROUTER" \
	--src-ip "$BF_CLIENT_STATIC_IP" --src-port 67 --dst-ip "$S" --dst-mac "$SMAC" \
	--requested-ip "$Y" --server-id "$S"
bf_check_eq "7: relayed ACK for $Y carries B's lease time" 1234 "$(opt_u32 rreq 51)"
ip -n "$BF_NS_C" addr add "$Y/32" dev "$BF_IF_C"
rm -f "$BF_RUN/relayed.bin"
bf_in_c timeout 60 curl -s --interface "$Y" -o "$BF_RUN/relayed.bin" "tftp://$S/boot.bin" || :
bf_check "7: the relayed client (relay's MAC) reads B's bytes by its pinned address" \
	cmp -s "$BF_RUN/relayed.bin" "$BF_RUN/b.bin"
ip -n "$BF_NS_C" addr del "$Y/32" dev "$BF_IF_C"
ctl canary clear >/dev/null

# ---- 8: epoch pinning
set_mac "$(bf_random_mac)"
probe d1 --type discover --xid 0x5201 --prl 1,3,51,67
bf_check_eq "8: OFFER from A (lease $BF_LEASE)" "$BF_LEASE" "$(opt_u32 d1 51)"
Z=$(df d1 yiaddr)
ctl switch >/dev/null
bf_check_eq "8: B active" B "$(ctl --json slots | j 'd["active"]')"
probe r1 --type request --xid 0x5202 --requested-ip "$Z" --server-id "$S" --prl 1,3,51,67
bf_check_eq "8: the REQUEST of A's exchange is ACKed from A (lease $BF_LEASE)" "$BF_LEASE" \
	"$(opt_u32 r1 51)"
bf_check_eq "8: ... the ACK" ACK "$(rq r1 "d.get('msg_type')")"
probe d2 --type discover --xid 0x5203 --prl 1,3,51,67
bf_check_eq "8: the next DISCOVER is answered from B (lease 1234)" 1234 "$(opt_u32 d2 51)"
got "8: after the switch everyone gets B's bytes" "$BF_RUN/b.bin"

# ---- 9
out=$(ctl switch 2>&1) && rc=0 || rc=$?
bf_check "9: a second switch is refused: nothing staged ($out)" test "$rc" = 1
ctl rollback >/dev/null
bf_check_eq "9: rollback: A active" A "$(ctl --json slots | j 'd["active"]')"
bf_check_eq "9: ... B is staged again" staged "$(ctl --json slots | j 'd["slots"][1]["state"]')"
got "9: after the rollback A's bytes" "$BF_RUN/a.bin"
ctl switch >/dev/null
got "9: switch rolls forward: B's bytes" "$BF_RUN/b.bin"
imgs=$(ctl --json images)
bf_check_eq "9: images: boot.bin in both slots with two digests" 2 \
	"$(j 'len({i["digest"] for i in d["images"] if i["name"]=="boot.bin"})' <<<"$imgs")"
leases=$(ctl --json leases)
bf_check "9: leases lists the canary client's address" \
	test "$(j "len([l for l in d['leases'] if l['address']=='$(bf_dh_env "$BF_RUN/dh4" BOUND new_ip_address)'])" <<<"$leases")" = 1
bf_check_eq "9: release --ip frees it" 1 \
	"$(ctl --json release --ip "$(bf_dh_env "$BF_RUN/dh4" BOUND new_ip_address)" | j 'd["released"]')"
# a transfer in progress is listed
bf_in_c timeout 60 python3 "$BF_SRCDIR/tests/lib/pausetftp.py" "$S" boot.bin "$BF_RUN/p.bin" \
	--pause-after 4 --paused-file "$BF_RUN/paused" --go-file "$BF_RUN/go" &
pt=$!
bf_track "$pt"
bf_wait_for 15 test -e "$BF_RUN/paused" || bf_fail "9: the pausing client got no blocks"
sess=$(ctl --json sessions)
bf_check_eq "9: sessions: one transfer of boot.bin from slot B" "1 boot.bin B" \
	"$(j 'str(d["total"])+" "+d["sessions"][0]["file"]+" "+d["sessions"][0]["slot"]' <<<"$sess")"
touch "$BF_RUN/go"
wait "$pt" || :

# ---- 10: automatic rollback: the canary's machine asks B for a file B lacks
ctl rollback >/dev/null
set_mac "$(bf_random_mac)"
ctl canary macs "$CMAC" --auto-rollback 0.2:3 >/dev/null
for i in 1 2 3 4; do
	(cd "$BF_RUN" && bf_in_c timeout 10 tftp "$S" -m binary -c get missing.bin m.bin) >/dev/null 2>&1 || :
done
bf_wait_for 10 bash -c "'$BOOTFARMCTL' --socket '$BF_CTL_SOCK' --json slots | grep -q '\"on\": *false'" ||
	bf_fail "10: the failing canary was not rolled back"
bf_check "10: logged as an automatic rollback" grep -q "canary: automatic rollback: slot B error rate" "$BF_SERVER_LOG"
bf_check_eq "10: A still active" A "$(ctl --json slots | j 'd["active"]')"

# ---- 11
if command -v dpdk-telemetry.py >/dev/null; then
	tel=$(printf '/bootfarm/slots\n' | timeout 10 dpdk-telemetry.py -f "bf$BF_SUFFIX" 2>&1) || :
	bf_check_eq "11: telemetry /bootfarm/slots: A active, B staged" "A staged" \
		"$(python3 -c 'import json,sys
for l in sys.stdin:
    l = l.strip()
    if l.startswith("{"):
        s = json.loads(l)["/bootfarm/slots"]
        print(s["active"], s["B"]["state"])' <<<"$tel")"
fi

# ---- 12: control.group: the socket is root:GROUP 0660, the group's members get in
bf_server_stop
BF_CTL_GROUP=nogroup
bf_server_start
bf_check_eq "12: socket root:nogroup 0660" "root nogroup 660" "$(stat -c '%U %G %a' "$BF_CTL_SOCK")"
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$BOOTFARMCTL" --socket "$BF_CTL_SOCK" \
	--json slots 2>&1) && rc=0 || rc=$?
bf_check_eq "12: a member of the group may use bootfarmctl ($out)" "0 A" "$rc $(j 'd["active"]' <<<"$out" 2>/dev/null)"
out=$(setpriv --reuid=65534 --regid=1 --clear-groups "$BOOTFARMCTL" --socket "$BF_CTL_SOCK" \
	slots 2>&1) && rc=0 || rc=$?
bf_check_eq "12: a user outside it may not ($out)" 2 "$rc"
bf_finish
