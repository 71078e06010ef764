#!/bin/bash
# The bootfarm demo: no NIC and no hugepages needed.
#
# bootfarmd runs on a DPDK net_af_packet port attached to a veth inside a
# private network namespace (--no-huge, one lcore). Then, on the other end:
#   1. dhclient gets an address, router, DNS and a boot file;
#   2. tftp-hpa downloads that boot file and it is compared byte for byte;
#   3. real firmware: QEMU (TCG) BIOS with its iPXE ROM netboots from
#      bootfarmd, runs the iPXE script it was given, and the script fetches a
#      second, per-machine file that only a running NBP asks for.
# What happened is printed from the server's own log and counters. Everything
# it creates (namespaces, veth, bridge, tap, processes) is removed at exit.
#
# usage: demo/run.sh [--quick]   (--quick: skip the QEMU firmware boot)
set -euo pipefail
BF_SRCDIR=$(cd "$(dirname "$0")/.." && pwd)
export BOOTFARMD=${BOOTFARMD:-$BF_SRCDIR/build/control/bootfarmd}
QUICK=0
[[ ${1:-} == --quick ]] && QUICK=1
[[ -x $BOOTFARMD ]] || { echo "build first: meson setup build && ninja -C build"; exit 1; }
# shellcheck source=tests/lib/harness.sh
. "$BF_SRCDIR/tests/lib/harness.sh"

bf_init demo
bf_require_tools dhclient tftp ethtool
MAC=52:54:00:be:ef:01
STAGE2=hello-${MAC//:/-}

# A plain PXE ROM would get undionly.kpxe (rule "bios"); any iPXE gets this
# script (rule "ipxe"), which proves it ran by fetching a per-machine file.
# shellcheck disable=SC2016 # ${...} are iPXE settings, not shell.
bf_image_inline "$BF_BOOT_IPXE" '#!ipxe
echo bootfarm demo: ${mac} got ${ip} from ${next-server}
chain tftp://${next-server}/hello-${mac:hexhyp}
'
bf_image_inline "$STAGE2" '#!ipxe
echo Hello from bootfarm: this machine booted.
shell
'
bf_make_random "$BF_RUN/undionly.kpxe" 70000
bf_image_file "$BF_BOOT_BIOS" "$BF_RUN/undionly.kpxe"
bf_image_file "$BF_BOOT_EFI" "$BF_RUN/undionly.kpxe"
# With QEMU the client veth is a bridge port: the Linux client uses the bridge.
if ((QUICK)); then
	bf_topo_veth
	CIF=$BF_IF_C
else
	bf_topo_bridge
	CIF=$BF_BR
fi
bf_server_start

echo
echo "== 1. dhclient asks for an address"
bf_dhclient_start "$BF_RUN/dh" "$CIF"
bf_wait_for 30 bf_dh_bound "$BF_RUN/dh" || bf_die "dhclient got no lease"
ip_addr=$(bf_dh_env "$BF_RUN/dh" BOUND new_ip_address)
boot=$(bf_dh_env "$BF_RUN/dh" BOUND new_filename)
echo "   address $ip_addr, router $(bf_dh_env "$BF_RUN/dh" BOUND new_routers)," \
	"DNS $(bf_dh_env "$BF_RUN/dh" BOUND new_domain_name_servers), boot file '$boot'" \
	"from $(bf_dh_env "$BF_RUN/dh" BOUND new_next_server)"

echo "== 2. tftp-hpa downloads the boot file"
ip -n "$BF_NS_C" addr add "$ip_addr/$BF_PREFIX" dev "$CIF"
(cd "$BF_RUN" && bf_in_c timeout 30 tftp "$BF_SERVER_IP" -m binary -c get "$boot" got.bin)
cmp "$BF_RUN/got.bin" "$BF_RUN/undionly.kpxe" && echo "   $boot: $(stat -c %s "$BF_RUN/got.bin") bytes, byte-identical"
ip -n "$BF_NS_C" addr flush dev "$CIF"

if ((!QUICK)); then
	echo "== 3. real firmware: QEMU BIOS + iPXE ROM netboots (TCG, about 20 s)"
	bf_qemu_start "$BF_RUN/qemu.log" -accel tcg -m 256 -display none -boot n \
		-netdev "tap,id=n0,ifname=$BF_TAP,script=no,downscript=no" \
		-device "virtio-net-pci,netdev=n0,mac=$MAC" -monitor none
	if bf_wait_for 180 bf_log_tftp_sent "$STAGE2"; then
		echo "   the firmware ran the boot script: it fetched $STAGE2"
	else
		echo "   no boot within 180 s"
	fi
fi

CTL=$(dirname "$BOOTFARMD")/../tools/bootfarmctl
if [[ -x $CTL ]]; then
	echo "== bootfarmctl where: each machine's boot funnel, from the running daemon"
	for m in "$(bf_mac_of "$BF_NS_C" "$CIF")" $( ((QUICK)) || echo "$MAC"); do
		"$CTL" --socket "$BF_CTL_SOCK" where "$m" | sed 's/^/   /'
	done
fi

echo
echo "== what bootfarmd logged"
grep -E "dhcp4:|tftp:" "$BF_SERVER_LOG" | sed 's/^/   /'
echo "== its counters (non-zero)"
sleep 1
grep -vE " 0$" "$BF_STATS" | column -t | sed 's/^/   /'
bf_server_stop
