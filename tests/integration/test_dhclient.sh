#!/bin/bash
# ISC dhclient against the server: a reserved host and a pool client each get
# a full lease (address, mask, router, DNS, domain, boot file, next server),
# can then ping the server (ARP + ICMP echo answered by it), and release.
set -euo pipefail
BF_SRCDIR=${BF_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/harness.sh
. "$BF_SRCDIR/tests/lib/harness.sh"

bf_init test_dhclient
bf_require_tools dhclient ping ss sysctl
[[ $SERVER != bootfarmd ]] || bf_require_tools dpdk-telemetry.py

bf_topo_veth
bf_server_start

# run_client LABEL MAC EXPECT: one DORA + checks + ping + release.
# EXPECT is "fixed" (the reserved address) or "pool".
run_client() {
	local label=$1 mac=$2 expect=$3 dir=$BF_RUN/dh-$1 ip rc=0
	bf_log "client $label: MAC $mac"
	ip -n "$BF_NS_C" link set dev "$BF_IF_C" down
	ip -n "$BF_NS_C" link set dev "$BF_IF_C" address "$mac"
	ip -n "$BF_NS_C" link set dev "$BF_IF_C" up

	bf_dhclient_start "$dir" "$BF_IF_C"
	if ! bf_wait_for 30 bf_dh_bound "$dir"; then
		bf_fail "$label: dhclient got no lease within 30 s"
		sed 's/^/  dhclient: /' "$dir/dhclient.log"
		bf_kill_pid "$BF_DH_PID"
		return 0
	fi
	bf_pass "$label: dhclient bound ($(grep -m1 -o 'bound to .*' "$dir/dhclient.log" || true))"

	ip=$(bf_dh_env "$dir" BOUND new_ip_address)
	if [[ $expect == fixed ]]; then
		bf_check_eq "$label: reserved address" "$BF_FIXED_IP" "$ip"
		bf_check_eq "$label: host name (option 12)" "$BF_FIXED_NAME" \
			"$(bf_dh_env "$dir" BOUND new_host_name)"
	else
		bf_check "$label: address $ip in pool $BF_POOL_FIRST-$BF_POOL_LAST" bf_ip_in_pool "$ip"
	fi
	bf_check_eq "$label: subnet mask" "$BF_NETMASK" "$(bf_dh_env "$dir" BOUND new_subnet_mask)"
	bf_check_eq "$label: router (option 3)" "$BF_SERVER_IP" "$(bf_dh_env "$dir" BOUND new_routers)"
	bf_check_eq "$label: DNS (option 6)" "$BF_SERVER_IP" \
		"$(bf_dh_env "$dir" BOUND new_domain_name_servers)"
	bf_check_eq "$label: domain (option 15)" "$BF_DOMAIN" "$(bf_dh_env "$dir" BOUND new_domain_name)"
	bf_check_eq "$label: server id (option 54)" "$BF_SERVER_IP" \
		"$(bf_dh_env "$dir" BOUND new_dhcp_server_identifier)"
	bf_check_eq "$label: lease time (option 51)" "$BF_LEASE" \
		"$(bf_dh_env "$dir" BOUND new_dhcp_lease_time)"
	# dhclient is neither iPXE nor UEFI: the catch-all (BIOS) rule applies.
	bf_check_eq "$label: boot file (file/option 67)" "$BF_BOOT_BIOS" \
		"$(bf_dh_env "$dir" BOUND new_filename)"
	bf_check_eq "$label: next server (siaddr)" "$BF_SERVER_IP" \
		"$(bf_dh_env "$dir" BOUND new_next_server)"
	bf_check "$label: server logged the ACK of $ip to $mac" bf_log_dhcp_ack "$ip" "$mac"

	# Use the lease: the server must answer ARP for its address and ICMP echo.
	ip -n "$BF_NS_C" addr add "$ip/$BF_PREFIX" dev "$BF_IF_C"
	ip -n "$BF_NS_C" neigh flush dev "$BF_IF_C"
	if bf_in_c ping -c 3 -i 0.3 -W 2 -I "$BF_IF_C" "$BF_SERVER_IP" >"$dir/ping.log" 2>&1; then
		bf_pass "$label: ping $BF_SERVER_IP ($(grep -o '[0-9]* received' "$dir/ping.log"))"
	else
		bf_fail "$label: ping $BF_SERVER_IP"
		sed 's/^/  ping: /' "$dir/ping.log"
	fi
	# The ARP reply must carry the MAC of the server's port (the S veth).
	bf_check_eq "$label: ARP learned the server port's MAC" "$(bf_mac_of "$BF_NS_S" "$BF_IF_S")" \
		"$(ip -n "$BF_NS_C" neigh show "$BF_SERVER_IP" dev "$BF_IF_C" | awk '{print $3}')"

	# Release: dhclient -r sends DHCPRELEASE and stops the running dhclient.
	bf_dhclient_release "$dir" "$BF_IF_C" || rc=$?
	bf_check_eq "$label: dhclient -r exit status" 0 "$rc"
	bf_check "$label: running dhclient stopped by -r" bf_wait_for 10 \
		bash -c "! kill -0 $BF_DH_PID 2>/dev/null"
	bf_check "$label: server saw the RELEASE" bf_wait_for 5 bf_server_saw_release "$mac" "$RELEASES_EXPECTED"
	ip -n "$BF_NS_C" addr flush dev "$BF_IF_C"
}

RELEASES_EXPECTED=1
run_client reserved "$BF_FIXED_MAC" fixed
RELEASES_EXPECTED=2
run_client random "$(bf_random_mac)" pool

# DPDK telemetry (/bootfarm/...) agrees with what the clients did.
if [[ $SERVER == bootfarmd ]]; then
	tel=$(printf '/bootfarm/stats\n/bootfarm/leases\n/bootfarm/config\n' |
		timeout 10 dpdk-telemetry.py -f "bf$BF_SUFFIX" 2>&1) || :
	telv() { python3 -c 'import json,sys
for l in sys.stdin:
    l = l.strip()
    if l.startswith("{"):
        for k, v in json.loads(l).items():
            if k == sys.argv[1]:
                print(v[sys.argv[2]])' "$1" "$2" <<<"$tel"; }
	bf_check_eq "telemetry /bootfarm/stats: two ACKs" 2 "$(telv /bootfarm/stats dhcp4_ack)"
	bf_check_eq "telemetry /bootfarm/stats: two RELEASEs" 2 "$(telv /bootfarm/stats dhcp4_release)"
	bf_check_eq "telemetry /bootfarm/leases: none bound after the releases" 0 \
		"$(telv /bootfarm/leases dhcp4_bound)"
	bf_check_eq "telemetry /bootfarm/config: generation" 1 "$(telv /bootfarm/config generation)"
fi

bf_finish
