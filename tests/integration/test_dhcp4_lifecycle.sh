#!/bin/bash
# A lease's life with a real client (ISC dhclient) and, where dhclient cannot
# be steered, the raw prober (tests/lib/dhcp4probe.py), with a 60 s lease and
# the durable store on. Each step is checked from the client's side (dhclient's
# environment dumps, its lease file and log, or the reply on the wire) and from
# the server's (its "dhcp4: ..." log lines and counters).
#  a. bind -> INIT-REBOOT -> RENEW -> REBIND (RFC 2131 4.3.2, 4.4.5): dhclient
#     binds; a second dhclient on the same lease file asks for the same address
#     without a DISCOVER and gets it (reason REBOOT); a REQUEST with ciaddr
#     and no 50/54 unicast to the server (RENEWING), then broadcast
#     (REBINDING), are ACKed unicast to ciaddr: same yiaddr, lease 60, T1 30,
#     T2 52; the same REQUEST from another MAC is NAKed.
#  b. release (4.4.6): `dhclient -r` -> dhcp4_release +1, one bound lease
#     fewer; a fresh dhclient with the same MAC gets an address again.
#  c. decline (4.3.3): the holder DECLINEs its address X -> dhcp4_decline +1,
#     "DECLINE X" logged; X is offered to nobody (a new MAC asking for it,
#     the same MAC with or without asking for it) and an INIT-REBOOT for it is
#     refused while it rests (decline_time).
#  d. NAK (4.3.2): dhclient with a lease of another network (10.99.0.7) asks
#     for it (INIT-REBOOT), gets DHCPNAK (dhcp4_nak +1), starts over in INIT
#     and binds a pool address.
# Runs in about 30 s: the counters file is rewritten every 500 ms and each
# counter check waits for two rewrites.
set -euo pipefail
BF_SRCDIR=${BF_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/harness.sh
. "$BF_SRCDIR/tests/lib/harness.sh"

bf_init test_dhcp4_lifecycle
bf_require_tools dhclient python3 ethtool
[[ $SERVER == bootfarmd ]] || bf_skip "the checks read bootfarmd's log lines and counters"

PROBE=$BF_SRCDIR/tests/lib/dhcp4probe.py
BF_LEASE=60		# the configuration's minimum: T1 30, T2 52
BF_LEASE_STORE=$BF_RUN/leases
mkdir -p "$BF_LEASE_STORE"
WRONG_NET_IP=10.99.0.7
BCAST_MAC=ff:ff:ff:ff:ff:ff

bf_topo_veth
bf_server_start
S=$BF_SERVER_IP
SMAC=$(bf_mac_of "$BF_NS_S" "$BF_IF_S")
bf_log "server MAC $SMAC"

# ------------------------------------------------------------- helpers --
# The client veth takes MAC: dhclient and the prober then act as that client.
set_mac() {
	ip -n "$BF_NS_C" link set dev "$BF_IF_C" down
	ip -n "$BF_NS_C" link set dev "$BF_IF_C" address "$1"
	ip -n "$BF_NS_C" link set dev "$BF_IF_C" up
}

# shellcheck source=tests/lib/probe.sh
. "$BF_SRCDIR/tests/lib/probe.sh"

# Counters after everything sent so far was handled.
settle() { bf_stats_settle || bf_log "stats file not rewritten twice within 5 s"; }
ctr() { bf_counter "$1"; }

# Lines of the server log matching an extended regex.
log_count() { grep -Ec "$1" "$BF_SERVER_LOG" || true; }

# dh_start DIR: dhclient -1 in C on the client veth, lease file DIR/leases
# (kept across runs in the same DIR); the env dumps and the reasons list of
# an earlier run in DIR are removed first.
dh_start() {
	rm -f "$1"/env.* "$1/reasons"
	bf_dhclient_start "$1" "$BF_IF_C"
}

# dh_wait DIR REASON LABEL: wait for dhclient to report REASON; on a timeout
# fail the check and show its log.
dh_wait() {
	if bf_wait_for 25 test -s "$1/env.$2"; then
		bf_pass "$3: dhclient reported $2 ($(grep -m1 -o 'bound to .*' "$1/dhclient.log" || true))"
		return 0
	fi
	bf_fail "$3: dhclient did not report $2 within 25 s (reasons: $(tr '\n' ' ' <"$1/reasons" 2>/dev/null))"
	sed 's/^/  dhclient: /' "$1/dhclient.log"
	return 1
}

# dh_bind STEP DIR: start dhclient in DIR, wait for BOUND, check the address
# is from the pool; the address is left in BOUND_IP.
dh_bind() {
	dh_start "$2"
	dh_wait "$2" BOUND "$1 bind" || bf_die "$1: no lease, nothing later can be checked"
	BOUND_IP=$(bf_dh_env "$2" BOUND new_ip_address)
	bf_check "$1: address $BOUND_IP in pool" bf_ip_in_pool "$BOUND_IP"
}

# dh_stop DIR: stop the running dhclient as a power cut would (SIGKILL): no
# RELEASE, the lease stays bound on the server and in the lease file. Not
# `dhclient -x`: 4.4.3's -x kills the old client, then sends an INIT-REBOOT
# REQUEST of its own before it stops (one more ACK on the server).
# The PID in DIR/pid is killed only when it is the child of the `timeout`
# that bf_dhclient_start ran (ip netns exec execs dhclient).
dh_stop() {
	local pid
	pid=$(cat "$1/pid" 2>/dev/null || true)
	if [[ $pid =~ ^[0-9]+$ ]] &&
		[[ $(awk '/^PPid:/ { print $2 }' "/proc/$pid/status" 2>/dev/null) == "$BF_DH_PID" ]]; then
		kill -KILL "$pid" 2>/dev/null || true
	fi
	bf_wait_for 10 bash -c "! kill -0 $BF_DH_PID 2>/dev/null" || bf_kill_pid "$BF_DH_PID"
}

# ============================================ a. bind, INIT-REBOOT, RENEW, REBIND
bf_log "a. bind, then INIT-REBOOT with the same lease file, then RENEWING and REBINDING"
MA=$(bf_random_mac)
DA=$BF_RUN/dh-a
set_mac "$MA"
settle
ack0=$(ctr dhcp4_ack) disc0=$(ctr dhcp4_discover) bound0=$(ctr dhcp4_leases_bound)
dh_bind a "$DA"
XA=$BOUND_IP
bf_check_eq "a: client: lease time 60" 60 "$(bf_dh_env "$DA" BOUND new_dhcp_lease_time)"
bf_check_eq "a: client: server identifier" "$S" "$(bf_dh_env "$DA" BOUND new_dhcp_server_identifier)"
bf_check "a: client: lease file holds $XA" grep -q "fixed-address $XA;" "$DA/leases"
dh_stop "$DA"
settle
bf_check "a: server logged ACK $XA to $MA lease 60s" \
	grep -Eq "dhcp4: ACK $XA to $MA .* lease 60s" "$BF_SERVER_LOG"
bf_check_eq "a: dhcp4_ack +1" $((ack0 + 1)) "$(ctr dhcp4_ack)"
bf_check_eq "a: dhcp4_discover +1" $((disc0 + 1)) "$(ctr dhcp4_discover)"
bf_check_eq "a: dhcp4_leases_bound +1" $((bound0 + 1)) "$(ctr dhcp4_leases_bound)"

# INIT-REBOOT: the second dhclient has a lease in its file, so it REQUESTs it
# (option 50, no 54, ciaddr 0) without a DISCOVER; reason REBOOT.
ack0=$(ctr dhcp4_ack) disc0=$(ctr dhcp4_discover) req0=$(ctr dhcp4_request)
dh_start "$DA"
if dh_wait "$DA" REBOOT "a INIT-REBOOT"; then
	bf_check_eq "a: client: REBOOT keeps the address" "$XA" "$(bf_dh_env "$DA" REBOOT new_ip_address)"
	bf_check_eq "a: client: lease time 60" 60 "$(bf_dh_env "$DA" REBOOT new_dhcp_lease_time)"
	bf_check_eq "a: client: T1 30" 30 "$(bf_dh_env "$DA" REBOOT new_dhcp_renewal_time)"
	bf_check_eq "a: client: T2 52" 52 "$(bf_dh_env "$DA" REBOOT new_dhcp_rebinding_time)"
fi
bf_check "a: client: it sent DHCPREQUEST for $XA" grep -q "DHCPREQUEST for $XA " "$DA/dhclient.log"
bf_check "a: client: no DHCPDISCOVER in the INIT-REBOOT run" \
	bash -c "! grep -q DHCPDISCOVER '$DA/dhclient.log'"
dh_stop "$DA"
settle
bf_check_eq "a: server: dhcp4_request +1" $((req0 + 1)) "$(ctr dhcp4_request)"
bf_check_eq "a: server: dhcp4_ack +1" $((ack0 + 1)) "$(ctr dhcp4_ack)"
bf_check_eq "a: server: no DISCOVER handled" "$disc0" "$(ctr dhcp4_discover)"
bf_check_eq "a: server: ACK $XA to $MA logged twice now" 2 "$(log_count "dhcp4: ACK $XA to $MA ")"
bf_check_eq "a: server: still one more bound lease than at the start" $((bound0 + 1)) \
	"$(ctr dhcp4_leases_bound)"

# RENEWING: unicast to the server from the bound address, ciaddr set, no
# 50/54; the ACK goes unicast to ciaddr (RFC 2131 4.1, 4.3.2).
# renew_checks NAME LABEL: the ACK of a RENEWING/REBINDING REQUEST.
renew_checks() {
	local n=$1 l=$2
	one_reply "$n" "$l" ACK
	bf_check_eq "$l: yiaddr is the same address" "$XA" "$(df "$n" yiaddr)"
	bf_check_eq "$l: ciaddr echoed" "$XA" "$(df "$n" ciaddr)"
	bf_check_eq "$l: IP dst = ciaddr (unicast)" "$XA" "$(f "$n" ip_dst)"
	bf_check_eq "$l: eth dst = the client's MAC" "$MA" "$(f "$n" eth_dst)"
	bf_check_eq "$l: UDP dport 68" 68 "$(f "$n" dport)"
	bf_check_eq "$l: option 54 server id" "$(hexip "$S")" "$(rq "$n" "o.get('54', '')")"
	bf_check_eq "$l: lease time (51)" 60 "$(opt_u32 "$n" 51)"
	bf_check_eq "$l: T1 (58)" 30 "$(opt_u32 "$n" 58)"
	bf_check_eq "$l: T2 (59)" 52 "$(opt_u32 "$n" 59)"
}
ack0=$(ctr dhcp4_ack)
probe renew --type request --xid 0x1fe00001 --chaddr "$MA" --ciaddr "$XA" --src-ip "$XA" \
	--dst-ip "$S" --dst-mac "$SMAC" --prl 1,3,6,51,54,58,59
renew_checks renew "a RENEWING REQUEST (unicast)"
probe rebind --type request --xid 0x1fe00002 --chaddr "$MA" --ciaddr "$XA" --src-ip "$XA" \
	--dst-ip 255.255.255.255 --dst-mac "$BCAST_MAC" --prl 1,3,6,51,54,58,59
renew_checks rebind "a REBINDING REQUEST (broadcast)"
settle
bf_check_eq "a: server: dhcp4_ack +2 (renew, rebind)" $((ack0 + 2)) "$(ctr dhcp4_ack)"
bf_check_eq "a: server: ACK $XA to $MA logged 4 times now" 4 "$(log_count "dhcp4: ACK $XA to $MA ")"
bf_check_eq "a: server: renewing keeps one lease" $((bound0 + 1)) "$(ctr dhcp4_leases_bound)"
# Another machine "renewing" that address is refused: a NAK, broadcast
# (RFC 2131 4.1), and the holder keeps its lease.
nak0=$(ctr dhcp4_nak)
probe renewx --type request --xid 0x1fe00009 --chaddr "$(bf_random_mac)" --ciaddr "$XA" \
	--src-ip "$XA" --dst-ip "$S" --dst-mac "$SMAC"
one_reply renewx "a RENEWING REQUEST for $XA from another MAC" NAK
bf_check_eq "a: that NAK goes to 255.255.255.255" 255.255.255.255 "$(f renewx ip_dst)"
settle
bf_check_eq "a: server: dhcp4_nak +1" $((nak0 + 1)) "$(ctr dhcp4_nak)"
bf_check_eq "a: server: the holder's lease is still bound" $((bound0 + 1)) "$(ctr dhcp4_leases_bound)"

# ============================================================= b. release
bf_log "b. dhclient -r releases; a fresh dhclient with the same MAC binds again"
MB=$(bf_random_mac)
DB=$BF_RUN/dh-b
set_mac "$MB"
dh_bind b "$DB"
XB=$BOUND_IP
settle
rel0=$(ctr dhcp4_release) for0=$(ctr drop_dhcp4_release_foreign) bound0=$(ctr dhcp4_leases_bound)
# dhclient sends the RELEASE over a UDP socket, unicast from its address to
# the server: the address must be on the interface (the dump script set none).
ip -n "$BF_NS_C" addr add "$XB/$BF_PREFIX" dev "$BF_IF_C"
rc=0
bf_dhclient_release "$DB" "$BF_IF_C" || rc=$?
ip -n "$BF_NS_C" addr flush dev "$BF_IF_C"
bf_check_eq "b: dhclient -r exit status" 0 "$rc"
bf_check "b: the running dhclient stopped" bf_wait_for 10 bash -c "! kill -0 $BF_DH_PID 2>/dev/null"
bf_check "b: client: dhclient sent DHCPRELEASE of $XB" grep -q "DHCPRELEASE of $XB " "$DB/dhclient.log"
bf_check_eq "b: client: script ran with reason RELEASE for its address" "$XB" \
	"$(bf_dh_env "$DB" RELEASE old_ip_address)"
settle
bf_check_eq "b: server: dhcp4_release +1" $((rel0 + 1)) "$(ctr dhcp4_release)"
bf_check_eq "b: server: not counted as foreign" "$for0" "$(ctr drop_dhcp4_release_foreign)"
bf_check_eq "b: server: dhcp4_leases_bound -1" $((bound0 - 1)) "$(ctr dhcp4_leases_bound)"
bf_check "b: server logged RELEASE $XB from $MB" \
	grep -Eq "dhcp4: RELEASE $XB from $MB" "$BF_SERVER_LOG"
# A new lease file: no address to ask for, so DISCOVER from scratch.
DB2=$BF_RUN/dh-b2
dh_start "$DB2"
if dh_wait "$DB2" BOUND "b fresh dhclient after the release"; then
	XB2=$(bf_dh_env "$DB2" BOUND new_ip_address)
	bf_check "b: address $XB2 in pool (the released one may come back)" bf_ip_in_pool "$XB2"
	bf_check "b: client: it started with a DHCPDISCOVER" grep -q DHCPDISCOVER "$DB2/dhclient.log"
	settle
	bf_check "b: server logged ACK $XB2 to $MB" bf_log_dhcp_ack "$XB2" "$MB"
	bf_check_eq "b: server: bound again" "$bound0" "$(ctr dhcp4_leases_bound)"
fi
dh_stop "$DB2"

# ============================================================= c. decline
bf_log "c. the holder of X declines it: X rests, offered to nobody"
MC=$(bf_random_mac)
DC=$BF_RUN/dh-c
set_mac "$MC"
dh_bind c "$DC"
XC=$BOUND_IP
dh_stop "$DC"
settle
dec0=$(ctr dhcp4_decline) for0=$(ctr drop_dhcp4_release_foreign) bound0=$(ctr dhcp4_leases_bound)
# What a client sends when ARP finds X in use (RFC 2131 4.4.1): 50 = X,
# 54 = the server, ciaddr 0, broadcast. No reply is due.
probe decline --type decline --xid 0x1fe00003 --chaddr "$MC" --requested-ip "$XC" \
	--server-id "$S" --listen-ms 500
bf_check_eq "c: DECLINE gets no reply" 0 "$(rq decline 'len(r)')"
settle
bf_check_eq "c: server: dhcp4_decline +1" $((dec0 + 1)) "$(ctr dhcp4_decline)"
bf_check_eq "c: server: not counted as foreign" "$for0" "$(ctr drop_dhcp4_release_foreign)"
bf_check "c: server logged DECLINE $XC from $MC" \
	grep -Eq "dhcp4: DECLINE $XC from $MC" "$BF_SERVER_LOG"
bf_check_eq "c: server: the declined lease is no longer bound" $((bound0 - 1)) \
	"$(ctr dhcp4_leases_bound)"
# A new client asking for X by name (option 50) must get another address.
MC2=$(bf_random_mac)
probe cnew --type discover --xid 0x1fe00004 --chaddr "$MC2" --flags-broadcast --requested-ip "$XC"
one_reply cnew "c DISCOVER from a new MAC asking for $XC" OFFER
YC2=$(df cnew yiaddr)
bf_check "c: new MAC offered $YC2, not the declined $XC" test "$YC2" != "$XC"
bf_check "c: ... and $YC2 is in the pool" bf_ip_in_pool "$YC2"
# The decliner itself starts over in INIT: a different address, whether or
# not it asks for X.
probe csame --type discover --xid 0x1fe00005 --chaddr "$MC" --flags-broadcast
one_reply csame "c DISCOVER from the decliner" OFFER
YC=$(df csame yiaddr)
bf_check "c: the decliner is offered $YC, not $XC" test "$YC" != "$XC"
bf_check "c: ... and $YC is in the pool" bf_ip_in_pool "$YC"
probe csame50 --type discover --xid 0x1fe00006 --chaddr "$MC" --flags-broadcast --requested-ip "$XC"
one_reply csame50 "c DISCOVER from the decliner asking for $XC" OFFER
bf_check "c: the decliner asking for $XC is offered $(df csame50 yiaddr) instead" \
	test "$(df csame50 yiaddr)" != "$XC"
# Nor may anyone take X by INIT-REBOOT while it rests.
nak0=$(ctr dhcp4_nak)
probe creboot --type request --xid 0x1fe00007 --chaddr "$(bf_random_mac)" --requested-ip "$XC"
one_reply creboot "c INIT-REBOOT REQUEST for the declined $XC" NAK
settle
bf_check_eq "c: server: dhcp4_nak +1" $((nak0 + 1)) "$(ctr dhcp4_nak)"

# ================================================================= d. NAK
bf_log "d. dhclient holding a lease of another network: INIT-REBOOT -> NAK -> INIT"
MD=$(bf_random_mac)
DD=$BF_RUN/dh-d
set_mac "$MD"
mkdir -p "$DD"
# A lease as dhclient writes it, for an address of 10.99.0.0/24, far from expiry.
cat >"$DD/leases" <<EOF
lease {
  interface "$BF_IF_C";
  fixed-address $WRONG_NET_IP;
  option subnet-mask 255.255.255.0;
  option routers 10.99.0.1;
  option dhcp-lease-time 600;
  option dhcp-message-type 5;
  option dhcp-server-identifier 10.99.0.1;
  renew 4 2099/01/01 00:00:00;
  rebind 4 2099/01/01 00:00:00;
  expire 4 2099/01/01 00:00:00;
}
EOF
settle
nak0=$(ctr dhcp4_nak) ack0=$(ctr dhcp4_ack)
dh_start "$DD"
dh_wait "$DD" BOUND "d bind after the NAK" || true
bf_check "d: client: it asked for $WRONG_NET_IP (INIT-REBOOT)" \
	grep -q "DHCPREQUEST for $WRONG_NET_IP " "$DD/dhclient.log"
bf_check "d: client: DHCPNAK from $S" grep -q "DHCPNAK from $S" "$DD/dhclient.log"
bf_check_eq "d: client: the NAKed lease dropped (reason EXPIRE)" "$WRONG_NET_IP" \
	"$(bf_dh_env "$DD" EXPIRE old_ip_address)"
bf_check "d: client: then DHCPDISCOVER (back to INIT)" grep -q DHCPDISCOVER "$DD/dhclient.log"
XD=$(bf_dh_env "$DD" BOUND new_ip_address)
bf_check "d: client: bound to $XD from the pool" bf_ip_in_pool "$XD"
dh_stop "$DD"
settle
bf_check_eq "d: server: dhcp4_nak +1" $((nak0 + 1)) "$(ctr dhcp4_nak)"
bf_check "d: server logged NAK $WRONG_NET_IP to $MD (wrong network)" \
	grep -Eq "dhcp4: NAK $WRONG_NET_IP to $MD \(wrong network\)" "$BF_SERVER_LOG"
bf_check_eq "d: server: one ACK (the new address)" $((ack0 + 1)) "$(ctr dhcp4_ack)"
# The same from the prober: the NAK on the wire (broadcast, 54, no 51).
probe dnak --type request --xid 0x1fe00008 --chaddr "$MD" --requested-ip "$WRONG_NET_IP"
one_reply dnak "d INIT-REBOOT REQUEST for $WRONG_NET_IP (prober)" NAK
bf_check_eq "d: NAK to 255.255.255.255" 255.255.255.255 "$(f dnak ip_dst)"
bf_check_eq "d: NAK yiaddr 0" 0.0.0.0 "$(df dnak yiaddr)"
bf_check_eq "d: NAK carries no lease time" false "$(rq dnak "'51' in o")"

bf_check "server alive at the end" bf_server_alive
bf_server_log_summary 60
bf_finish
