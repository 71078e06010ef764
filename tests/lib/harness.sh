# shellcheck shell=bash
# Shared helpers for bootfarm's integration and e2e tests. Source it from a
# test script that runs with `set -euo pipefail`.
#
# The server under test is chosen by SERVER:
#   SERVER=bootfarmd (default)  the real daemon, path in BOOTFARMD (meson sets it)
#   SERVER=dnsmasq              a stand-in used to validate the harness itself
# Both get the same logical configuration (addresses, pool, reserved host, boot
# rules, images), generated from the BF_* variables below by bf_server_start.
#
# Network rules: all traffic stays inside network namespaces this file creates
# (named with the test's PID so parallel or leftover runs never collide); the
# host's own interfaces are never touched. Everything created is removed by the
# EXIT trap, on success and on failure alike. Processes are tracked by PID and
# only those are killed.
#
# Environment (all optional):
#   SERVER             bootfarmd | dnsmasq
#   BOOTFARMD          path of the daemon (meson: <builddir>/control/bootfarmd)
#   BF_SRCDIR          source tree (meson sets it)
#   BF_LCORES          EAL -l value (0); BF_IDLE_US: --idle-us (200)
#   BF_EAL_EXTRA       more EAL args; BF_SERVER_ARGS: more bootfarmd args
#   BF_READY_TIMEOUT   seconds to wait for the stats file / sockets (30)
#   BF_STOP_TIMEOUT    seconds between SIGTERM and a verdict of "hung" (15)
#   BF_KEEP=1          keep the run directory (logs, configs, downloads)
#   BF_KEEP_ON_FAIL=1  keep it only when the test failed
#   per test: BF_BIG_MIB (tftp), BF_BAD_REPEAT (malformed), BF_E2E_TIMEOUT,
#   BF_QEMU_MAC, BF_OVMF_CODE, BF_OVMF_VARS (e2e), BF_NBP_DIR (fetch-nbp.sh)
#
# Typical use:
#   . "$BF_SRCDIR/tests/lib/harness.sh"
#   bf_init test_name
#   bf_require_tools ip dhclient
#   bf_topo_veth                       # or bf_topo_bridge for QEMU
#   bf_image_file big.bin /path        # images served by TFTP
#   bf_server_start
#   bf_check "what" command args...    # one PASS/FAIL line per check
#   bf_finish                          # stops the server, prints summary, exits

# ---------------------------------------------------------------- settings --
SERVER=${SERVER:-bootfarmd}
BF_SRCDIR=${BF_SRCDIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
BOOTFARMD=${BOOTFARMD:-$BF_SRCDIR/build/control/bootfarmd}

# The logical configuration every test shares (tests may override before
# bf_server_start). One /24 with a pool, one reserved host, three boot rules.
BF_SERVER_IP=${BF_SERVER_IP:-10.77.0.1}
BF_PREFIX=${BF_PREFIX:-24}
BF_NET=${BF_NET:-10.77.0.0}
BF_NETMASK=${BF_NETMASK:-255.255.255.0}
BF_POOL_FIRST=${BF_POOL_FIRST:-10.77.0.100}
BF_POOL_LAST=${BF_POOL_LAST:-10.77.0.150}
BF_FIXED_MAC=${BF_FIXED_MAC:-02:00:00:00:77:05}
BF_FIXED_IP=${BF_FIXED_IP:-10.77.0.5}
BF_FIXED_NAME=${BF_FIXED_NAME:-fixed1}
BF_DOMAIN=${BF_DOMAIN:-test.bootfarm}
BF_LEASE=${BF_LEASE:-600}
BF_CLIENT_STATIC_IP=${BF_CLIENT_STATIC_IP:-10.77.0.50}
# A subnet reached only through relays (giaddr / link selection), no interface on it.
BF_RELAY_NET=${BF_RELAY_NET:-10.88.0.0}
BF_RELAY_ROUTER=${BF_RELAY_ROUTER:-10.88.0.1}
BF_RELAY_POOL=${BF_RELAY_POOL:-10.88.0.100-10.88.0.120}
# Reservations by client identifier (option 61) and by PXE UUID (option 97).
BF_CID_HOST=${BF_CID_HOST:-01:02:bf:00:00:61}
BF_CID_IP=${BF_CID_IP:-10.77.0.6}
BF_UUID_HOST=${BF_UUID_HOST:-00112233445566778899aabbccddeeff}
BF_UUID_IP=${BF_UUID_IP:-10.77.0.7}
BF_DHCP4_EXTRA=${BF_DHCP4_EXTRA:-}	# more dhcp4: keys ("  limits: ..." lines)
BF_LEASE_STORE=${BF_LEASE_STORE:-}	# bootfarmd dhcp4.lease_store (LMDB dir); empty: none
# The exception path: the kernel interface bootfarmd creates in S for port 0
# (empty: none), and the built-in HTTP server's listen list (YAML flow items).
BF_KERNEL_IF=${BF_KERNEL_IF:-}
BF_SERVER_IP6=${BF_SERVER_IP6:-}	# interfaces[0].ipv6 (ADDR/PREFIX); empty: none
BF_HTTP_LISTEN=${BF_HTTP_LISTEN:-}
BF_HTTP_EXTRA=${BF_HTTP_EXTRA:-}	# more http: keys ("  per_source: 8" lines)
# Boot rules, first match wins: UEFI HTTP Boot (arch 16 with option 60
# "HTTPClient...": a URL, no image), iPXE clients, then UEFI x64 (arch 7, 9),
# then everything else (BIOS).
BF_BOOT_HTTP=${BF_BOOT_HTTP:-}		# empty: http://$BF_SERVER_IP/boot/ipxe.efi (bf_boot_http)
BF_BOOT_IPXE=${BF_BOOT_IPXE:-boot.ipxe}
BF_BOOT_EFI=${BF_BOOT_EFI:-ipxe.efi}
BF_BOOT_BIOS=${BF_BOOT_BIOS:-undionly.kpxe}

# bootfarmd runtime knobs. Single lcore and idle sleeping by default: the test
# machine has two cores and QEMU under TCG needs them.
BF_LCORES=${BF_LCORES:-0}
BF_IDLE_US=${BF_IDLE_US:-200}
BF_EAL_EXTRA=${BF_EAL_EXTRA:-}		# more EAL args, space separated
BF_VDEV_EXTRA=${BF_VDEV_EXTRA:-}	# appended to the af_packet vdev, e.g. ",qpairs=2"
BF_SERVER_ARGS=${BF_SERVER_ARGS:-}	# more bootfarmd args, space separated
BF_READY_TIMEOUT=${BF_READY_TIMEOUT:-30}
BF_STOP_TIMEOUT=${BF_STOP_TIMEOUT:-15}
BF_KEEP=${BF_KEEP:-0}			# 1: keep the run directory for inspection

# ------------------------------------------------------------------- state --
BF_TEST=""
BF_RUN=""		# per-run scratch directory
BF_TFTPROOT=""		# images as files (dnsmasq serves it; reference for cmp)
BF_SUFFIX=""		# unique per run, keeps interface names <= 15 chars
BF_NS_S="" BF_NS_C=""	# namespaces: server side, client side
BF_IF_S="" BF_IF_C=""	# veth ends: in S (server attaches), in C
BF_BR="" BF_TAP=""	# bridge and tap in C (QEMU topology only)
BF_SERVER_PID=""
BF_SERVER_LOG=""
BF_STATS=""
BF_SERVER_STOPPED=0
BF_PASSED=0
BF_FAILED=0
BF_PIDS=()		# every background process we started
BF_NSES=()		# every namespace we created
BF_IMAGES=()		# "NAME|file|PATH" or "NAME|inline|PATH" (PATH holds the content)

# ---------------------------------------------------------------- reporting --
bf_log() { printf '%s [%s] %s\n' "$(date +%T)" "${BF_TEST:-harness}" "$*"; }

bf_pass() {
	BF_PASSED=$((BF_PASSED + 1))
	printf 'PASS: %s\n' "$*"
}

bf_fail() {
	BF_FAILED=$((BF_FAILED + 1))
	printf 'FAIL: %s\n' "$*"
}

# Abort the test: something the remaining checks depend on went wrong.
bf_die() {
	bf_fail "$*"
	bf_log "aborting: $*"
	exit 1
}

# meson treats exit 77 as "skipped"; used only for "not root" and "a tool is
# missing", so a broken environment never looks like a passing test.
bf_skip() {
	# CI installs everything: there a skip would hide a broken set-up, so it fails.
	if [[ ${BF_NO_SKIP:-0} == 1 ]]; then
		echo "FAIL: ${BF_TEST:-test}: would skip ($*) but BF_NO_SKIP=1"
		exit 1
	fi
	echo "SKIP: ${BF_TEST:-test}: $*"
	exit 77
}

# bf_check DESC CMD [ARGS...]: run CMD, one PASS/FAIL line; never aborts.
bf_check() {
	local desc=$1
	shift
	if "$@"; then
		bf_pass "$desc"
	else
		bf_fail "$desc"
	fi
}

# bf_check_eq DESC EXPECTED ACTUAL
bf_check_eq() {
	if [[ "$2" == "$3" ]]; then
		bf_pass "$1 ($3)"
	else
		bf_fail "$1: expected '$2', got '$3'"
	fi
}

# ----------------------------------------------------------------- lifecycle --
bf_require_root() {
	[[ $(id -u) -eq 0 ]] || bf_skip "needs root (network namespaces, raw sockets)"
}

# bf_require_tools TOOL...: skip (77) naming the first missing tool.
bf_require_tools() {
	local t
	for t in "$@"; do
		command -v "$t" >/dev/null 2>&1 || bf_skip "required tool '$t' not found"
	done
}

# Check what the chosen server needs, skipping when it is not there.
bf_require_server() {
	case $SERVER in
	bootfarmd)
		[[ -x $BOOTFARMD ]] || bf_skip "bootfarmd not built ($BOOTFARMD); set BOOTFARMD or SERVER=dnsmasq"
		;;
	dnsmasq)
		bf_require_tools dnsmasq
		;;
	*)
		echo "unknown SERVER='$SERVER' (bootfarmd or dnsmasq)" >&2
		exit 2
		;;
	esac
}

# bf_init NAME: scratch directory, unique names, cleanup trap.
bf_init() {
	BF_TEST=$1
	bf_require_root
	bf_require_tools ip timeout awk
	bf_require_server
	# PID of this test script: unique among running tests; 7 digits max keeps
	# "bfs" + suffix well under IFNAMSIZ-1 = 15.
	BF_SUFFIX=$$
	BF_RUN=$(mktemp -d "/tmp/bf-$BF_TEST.XXXXXX")
	# dnsmasq serves only world-readable files and may look at the path.
	chmod 755 "$BF_RUN"
	BF_TFTPROOT=$BF_RUN/tftp
	mkdir -p "$BF_TFTPROOT"
	chmod 755 "$BF_TFTPROOT"
	BF_SERVER_LOG=$BF_RUN/server.log
	BF_STATS=$BF_RUN/stats
	BF_CTL_SOCK=$BF_RUN/bootfarm.sock
	trap bf_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	bf_reap_stale
	bf_log "SERVER=$SERVER run dir $BF_RUN"
}

# Namespaces of earlier runs that were SIGKILLed (no trap ran): ours by name
# (bfS<pid>, bfC<pid>), and the test process that made them is gone.
bf_reap_stale() {
	local ns pid
	for ns in $(ip netns list 2>/dev/null | awk '{print $1}'); do
		[[ $ns =~ ^bf[SC]([0-9]+)$ ]] || continue
		pid=${BASH_REMATCH[1]}
		if ! kill -0 "$pid" 2>/dev/null; then
			bf_log "removing stale namespace $ns of a killed run"
			ip netns del "$ns" 2>/dev/null || true
		fi
	done
}

# Track a background process so cleanup can kill it (by PID only).
bf_track() { BF_PIDS+=("$1"); }

# Kill PID (TERM, then KILL after a grace period) if it is still ours and alive.
bf_kill_pid() {
	local pid=$1 i
	kill -0 "$pid" 2>/dev/null || return 0
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < 50; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

bf_cleanup() {
	local rc=$? pid ns
	trap - EXIT
	set +e
	# A crash or an abort before bf_finish: show what the server said.
	if [[ $rc -ne 0 && ${BF_LOG_SHOWN:-0} -eq 0 && -n $BF_SERVER_LOG && -s $BF_SERVER_LOG ]]; then
		echo "---- last 40 lines of $SERVER log ($BF_SERVER_LOG) ----"
		tail -n 40 "$BF_SERVER_LOG"
		echo "----"
	fi
	if [[ -n $BF_SERVER_PID ]] && [[ $BF_SERVER_STOPPED -eq 0 ]]; then
		bf_kill_pid "$BF_SERVER_PID"
	fi
	for pid in "${BF_PIDS[@]}"; do
		bf_kill_pid "$pid"
	done
	# Deleting a namespace destroys the veth/tap/bridge inside it; a veth
	# pair goes away when either end's namespace does.
	for ns in "${BF_NSES[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	if [[ -n $BF_RUN && -d $BF_RUN ]]; then
		if [[ $BF_KEEP == 1 || ($rc -ne 0 && -n ${BF_KEEP_ON_FAIL:-}) ]]; then
			echo "kept run directory $BF_RUN"
		else
			rm -rf "$BF_RUN"
		fi
	fi
	exit "$rc"
}

# bf_finish: stop the server (a check of its own), print the summary line and
# exit nonzero if any check failed.
bf_finish() {
	if [[ -n $BF_SERVER_PID && $BF_SERVER_STOPPED -eq 0 ]]; then
		bf_server_stop
	fi
	if [[ $BF_PASSED -eq 0 && $BF_FAILED -eq 0 ]]; then
		bf_fail "no check ran"
	fi
	if [[ $BF_FAILED -ne 0 && -s $BF_SERVER_LOG ]]; then
		BF_LOG_SHOWN=1
		echo "---- last 40 lines of $SERVER log ----"
		tail -n 40 "$BF_SERVER_LOG"
		echo "----"
	fi
	echo "$BF_TEST: $BF_PASSED passed, $BF_FAILED failed"
	[[ $BF_FAILED -eq 0 ]] || exit 1
	exit 0
}

# ------------------------------------------------------------------- waiting --
# bf_wait_for TIMEOUT_S CMD [ARGS...]: poll CMD every 0.2 s until it succeeds
# (0) or the time is up (1). CMD returning BF_ABORT (99) stops the wait at
# once (returns 99): "this can no longer happen" (QEMU died, ...).
# Runs in the calling shell and sleeps via `wait`, so a SIGTERM/SIGINT (meson
# timeout, Ctrl-C) is handled immediately and the cleanup trap runs.
BF_ABORT=99
bf_wait_for() {
	local timeout=$1 deadline st
	shift
	deadline=$((SECONDS + timeout))
	while :; do
		st=0
		"$@" || st=$?
		[[ $st -eq 0 || $st -eq $BF_ABORT ]] && return "$st"
		((SECONDS < deadline)) || return 1
		sleep 0.2 &
		wait $! || true
	done
}

# ------------------------------------------------------------------ topology --
bf_ns_add() {
	ip netns add "$1"
	BF_NSES+=("$1")
	ip -n "$1" link set lo up
}

# Keep a namespace's kernel quiet on an interface: no IPv6 (no RS, ND, MLD).
bf_no_ipv6() {
	ip netns exec "$1" sysctl -qw "net.ipv6.conf.$2.disable_ipv6=1"
}

# Server namespace S, client namespace C, one veth pair between them, created
# directly inside the namespaces so nothing ever appears in the host's.
#   S end (BF_IF_S): bootfarmd attaches with af_packet; no address, no IPv6,
#                    so the S kernel never answers (dnsmasq mode: gets the IP).
#   C end (BF_IF_C): the client's interface, no address (tests add one).
bf_topo_veth() {
	BF_NS_S=bfS$BF_SUFFIX
	BF_NS_C=bfC$BF_SUFFIX
	BF_IF_S=bfs$BF_SUFFIX
	BF_IF_C=bfc$BF_SUFFIX
	bf_ns_add "$BF_NS_S"
	bf_ns_add "$BF_NS_C"
	ip link add "$BF_IF_S" netns "$BF_NS_S" type veth peer name "$BF_IF_C" netns "$BF_NS_C"
	bf_no_ipv6 "$BF_NS_S" "$BF_IF_S"
	bf_no_ipv6 "$BF_NS_C" "$BF_IF_C"
	# With tx checksum offload a veth hands AF_PACKET readers UDP frames whose
	# checksum the kernel never filled in (a real NIC always does). The client
	# end computes full checksums, so the server checks real ones.
	ip netns exec "$BF_NS_C" ethtool -K "$BF_IF_C" tx off >/dev/null
	ip -n "$BF_NS_S" link set "$BF_IF_S" up
	ip -n "$BF_NS_C" link set "$BF_IF_C" up
	bf_log "topology: $BF_NS_S/$BF_IF_S <-> $BF_NS_C/$BF_IF_C"
}

# As bf_topo_veth, plus in C a bridge joining the veth end and a tap for QEMU
# (run qemu with `ip netns exec $BF_NS_C` so it opens the tap there).
bf_topo_bridge() {
	bf_topo_veth
	BF_BR=bfb$BF_SUFFIX
	BF_TAP=bft$BF_SUFFIX
	# No STP and no forwarding delay: firmware DHCPs right after link-up.
	ip -n "$BF_NS_C" link add "$BF_BR" type bridge stp_state 0 forward_delay 0
	ip -n "$BF_NS_C" tuntap add dev "$BF_TAP" mode tap
	bf_no_ipv6 "$BF_NS_C" "$BF_BR"
	bf_no_ipv6 "$BF_NS_C" "$BF_TAP"
	ip -n "$BF_NS_C" link set "$BF_IF_C" master "$BF_BR"
	ip -n "$BF_NS_C" link set "$BF_TAP" master "$BF_BR"
	ip -n "$BF_NS_C" link set "$BF_BR" up
	ip -n "$BF_NS_C" link set "$BF_TAP" up
	bf_log "bridge $BF_BR in $BF_NS_C: $BF_IF_C + tap $BF_TAP"
}

bf_mac_of() { ip -n "$1" -br link show dev "$2" | awk '{print $3}'; }

# A random locally administered unicast MAC.
bf_random_mac() {
	local b
	b=$(od -An -N5 -tx1 /dev/urandom | tr -s ' ' ':')
	echo "02${b}"
}

# Give the client veth a fixed address (TFTP tests, malformed-frame source).
bf_client_static_ip() {
	ip -n "$BF_NS_C" addr add "${1:-$BF_CLIENT_STATIC_IP}/$BF_PREFIX" dev "$BF_IF_C"
}

# Run a command in the client namespace.
bf_in_c() { ip netns exec "$BF_NS_C" "$@"; }

# -------------------------------------------------------------------- images --
# bf_image_file NAME SRC: serve the file SRC as NAME (copied into the TFTP
# root so both servers and cmp see the same bytes).
bf_image_file() {
	local name=$1 src=$2 dst=$BF_TFTPROOT/$1
	mkdir -p "$(dirname "$dst")"
	if [[ $src != "$dst" ]]; then
		cp -- "$src" "$dst"
	fi
	chmod 644 "$dst"
	BF_IMAGES+=("$name|file|$dst")
}

# bf_image_inline NAME CONTENT: an image given inline in the bootfarmd config
# (`content:`); also written to the TFTP root for dnsmasq and for comparison.
bf_image_inline() {
	local name=$1 dst=$BF_TFTPROOT/$1
	mkdir -p "$(dirname "$dst")"
	printf '%s' "$2" >"$dst"
	chmod 644 "$dst"
	BF_IMAGES+=("$name|inline|$dst")
}

# bf_make_random FILE BYTES: incompressible test data.
bf_make_random() {
	head -c "$2" /dev/urandom >"$1"
}

# The iPXE script every test serves as the iPXE boot file: it makes a running
# iPXE fetch a second, per-machine file, which proves the NBP ran.
bf_default_boot_ipxe() {
	# shellcheck disable=SC2016 # ${...} are iPXE settings, not shell.
	bf_image_inline "$BF_BOOT_IPXE" '#!ipxe
chain tftp://${next-server}/stage2-${mac:hexhyp}
'
}

# ---------------------------------------------------------------- configs --
# The HTTP Boot rule's URL, from BF_SERVER_IP as it is when the config is written.
bf_boot_http() { echo "${BF_BOOT_HTTP:-http://$BF_SERVER_IP/boot/ipxe.efi}"; }

# IPv6 boot network of the firmware tests: the server at fd00:99::1/64,
# managed and other-config RAs with the prefix on-link but not for SLAAC (a
# firmware's address can only come from DHCPv6), and a DHCPv6 pool.
bf_ipv6_boot_config() {
	BF_SERVER_IP6=fd00:99::1/64
	BF_CONFIG_EXTRA="${BF_CONFIG_EXTRA:+$BF_CONFIG_EXTRA
}ra:
  managed: true
  other: true
  min_interval: 3
  max_interval: 10
  prefixes:
    - prefix: \"fd00:99::/64\"
      autonomous: false
dhcp6:
  subnets:
    - prefix: \"fd00:99::/64\"
      pools: [ \"fd00:99::100-fd00:99::1ff\" ]
      dns: [ \"fd00:99::1\" ]"
}

# The efi rule's DHCPv6 bootfile parameters (BF_BOOT_EFI_PARAMS: YAML flow items).
bf_efi_params() {
	[[ -z ${BF_BOOT_EFI_PARAMS:-} ]] || echo "    params: [ $BF_BOOT_EFI_PARAMS ]"
}

bf_write_bootfarmd_config() {
	local f=$1 e name kind path
	{
		cat <<-EOF
		interfaces:
		  - port: 0
		    ipv4: $BF_SERVER_IP/$BF_PREFIX
		EOF
		if [[ -n ${BF_KERNEL_IF:-} ]]; then
			echo "    kernel: $BF_KERNEL_IF"
		fi
		if [[ -n ${BF_SERVER_IP6:-} ]]; then
			echo "    ipv6: [ \"$BF_SERVER_IP6\" ]"
		fi
		if [[ -n ${BF_HTTP_LISTEN:-} ]]; then
			printf 'http:\n  listen: [ %s ]\n' "$BF_HTTP_LISTEN"
			# more http: keys, each line indented by two spaces
			[[ -z ${BF_HTTP_EXTRA:-} ]] || printf '%s\n' "$BF_HTTP_EXTRA"
		fi
		# Each test's own control socket; metrics only when a test asks.
		printf 'control:\n  socket: "%s"\n  metrics: "%s"\n' "$BF_CTL_SOCK" "${BF_METRICS:-off}"
		if [[ -n ${BF_CTL_GROUP:-} ]]; then
			echo "  group: $BF_CTL_GROUP"
		fi
		cat <<-EOF
		dhcp4:
		  lease_time: $BF_LEASE
		EOF
		if [[ -n $BF_LEASE_STORE ]]; then
			echo "  lease_store: \"$BF_LEASE_STORE\""
		fi
		if [[ ${BF_PROXY:-0} == 1 ]]; then
			echo "  proxy: true"
		fi
		# more dhcp4: keys, each line indented by two spaces
		[[ -z ${BF_DHCP4_EXTRA:-} ]] || printf '%s\n' "$BF_DHCP4_EXTRA"
		cat <<-EOF
		  subnets:
		    - subnet: $BF_NET/$BF_PREFIX
		      pools: [ "$BF_POOL_FIRST-$BF_POOL_LAST" ]
		      routers: [ $BF_SERVER_IP ]
		      dns: [ $BF_SERVER_IP ]
		      domain: $BF_DOMAIN
		      hosts:
		        - name: $BF_FIXED_NAME
		          mac: $BF_FIXED_MAC
		          address: $BF_FIXED_IP
		        - name: byclientid
		          client_id: "$BF_CID_HOST"
		          address: $BF_CID_IP
		        - name: byuuid
		          uuid: "$BF_UUID_HOST"
		          address: $BF_UUID_IP
		    - subnet: $BF_RELAY_NET/24
		      pools: [ "$BF_RELAY_POOL" ]
		      routers: [ $BF_RELAY_ROUTER ]
		boot:
		  - name: http
		    arch: [16]
		    vendor_class: HTTPClient
		    file: "$(bf_boot_http)"
		  - name: ipxe
		    ipxe: true
		    file: $BF_BOOT_IPXE
		  - name: efi
		    arch: [7, 9]
		    file: $BF_BOOT_EFI
		$(bf_efi_params)
		  - name: bios
		    file: $BF_BOOT_BIOS
		EOF
		if ((${#BF_IMAGES[@]})); then
			echo "images:"
			for e in "${BF_IMAGES[@]}"; do
				IFS='|' read -r name kind path <<<"$e"
				echo "  - name: \"$name\""
				if [[ $kind == file ]]; then
					echo "    file: \"$path\""
				else
					echo "    content: |"
					sed 's/^/      /' "$path"
				fi
			done
		fi
		# More top-level YAML a test needs (e.g. a pxe: menu).
		if [[ -n ${BF_CONFIG_EXTRA:-} ]]; then
			printf '%s\n' "$BF_CONFIG_EXTRA"
		fi
	} >"$f"
}

# The same logical configuration for dnsmasq (harness validation only).
bf_write_dnsmasq_config() {
	cat >"$1" <<-EOF
	# generated by tests/lib/harness.sh: stand-in for bootfarmd
	port=0
	interface=$BF_IF_S
	bind-interfaces
	user=root
	pid-file=
	leasefile-ro
	log-facility=-
	log-dhcp
	dhcp-authoritative
	no-ping
	dhcp-range=$BF_POOL_FIRST,$BF_POOL_LAST,$BF_NETMASK,$BF_LEASE
	dhcp-host=$BF_FIXED_MAC,$BF_FIXED_IP,$BF_FIXED_NAME
	dhcp-option=option:router,$BF_SERVER_IP
	dhcp-option=option:dns-server,$BF_SERVER_IP
	dhcp-option=option:domain-name,$BF_DOMAIN
	# boot rules: UEFI HTTP Boot (arch 16 and vendor class HTTPClient: a URL,
	# "HTTPClient" echoed in 60) first, then iPXE (option 175 or user class
	# "iPXE"), then UEFI x64; each dhcp-boot excludes the rules before it
	dhcp-vendorclass=set:httpclient,HTTPClient
	dhcp-match=set:arch16,option:client-arch,16
	tag-if=set:http,tag:httpclient,tag:arch16
	dhcp-option-force=tag:http,option:vendor-class,HTTPClient
	dhcp-match=set:ipxe,175
	dhcp-userclass=set:ipxe,iPXE
	dhcp-match=set:efi64,option:client-arch,7
	dhcp-match=set:efi64,option:client-arch,9
	dhcp-boot=tag:http,$(bf_boot_http)
	dhcp-boot=tag:!http,tag:ipxe,$BF_BOOT_IPXE,,$BF_SERVER_IP
	dhcp-boot=tag:!http,tag:!ipxe,tag:efi64,$BF_BOOT_EFI,,$BF_SERVER_IP
	dhcp-boot=tag:!http,tag:!ipxe,tag:!efi64,$BF_BOOT_BIOS,,$BF_SERVER_IP
	enable-tftp
	tftp-root=$BF_TFTPROOT
	EOF
}

# ------------------------------------------------------------------- server --
bf_server_alive() { [[ -n $BF_SERVER_PID ]] && kill -0 "$BF_SERVER_PID" 2>/dev/null; }

bf_udp_listening() {
	ip netns exec "$BF_NS_S" ss -Hlun "sport = :$1" 2>/dev/null | grep -q .
}

bf_dnsmasq_ready() { bf_udp_listening 67 && bf_udp_listening 69; }

# Ready means: bootfarmd wrote its stats file; dnsmasq listens on 67 and 69.
# Fails fast when the server died during start-up.
bf_server_ready() {
	bf_server_alive || return 2
	case $SERVER in
	bootfarmd) [[ -s $BF_STATS ]] ;;
	dnsmasq) bf_dnsmasq_ready ;;
	esac
}

bf_have_image() {
	local e
	for e in "${BF_IMAGES[@]}"; do
		[[ ${e%%|*} == "$1" ]] && return 0
	done
	return 1
}

# Every boot file the rules name must exist as an image (a server may refuse a
# config that names a missing one): the iPXE script by default, small
# placeholders for the rest unless the test provided the real NBP.
bf_default_images() {
	local f
	# a URL boot file (http://...) is served by whatever the URL names
	[[ $BF_BOOT_IPXE == *://* ]] || bf_have_image "$BF_BOOT_IPXE" || bf_default_boot_ipxe
	for f in "$BF_BOOT_EFI" "$BF_BOOT_BIOS"; do
		if ! bf_have_image "$f"; then
			bf_make_random "$BF_RUN/placeholder" 4096
			bf_image_file "$f" "$BF_RUN/placeholder"
		fi
	done
}

# bf_server_start: write the config for SERVER and start it in S.
bf_server_start() {
	local cfg deadline st
	bf_default_images
	case $SERVER in
	bootfarmd)
		if [[ -n $BF_KERNEL_IF ]]; then
			# af_packet reads the veth while S's kernel still owns it: once the
			# exception tap gives that stack the server address, it would also
			# answer what arrives on the veth (weak host model). Strict reverse
			# path filtering drops it there (the clients' routes point at the
			# tap), and no ARP on the veth; AF_PACKET still sees every frame.
			ip netns exec "$BF_NS_S" sysctl -qw net.ipv4.conf.all.rp_filter=1 \
				"net.ipv4.conf.$BF_IF_S.rp_filter=1"
			ip -n "$BF_NS_S" link set "$BF_IF_S" arp off
		fi
		cfg=$BF_RUN/bootfarmd.yaml
		bf_write_bootfarmd_config "$cfg"
		rm -f "$BF_STATS"
		# shellcheck disable=SC2086 # BF_*_EXTRA/ARGS are word lists.
		ip netns exec "$BF_NS_S" "$BOOTFARMD" --config "$cfg" \
			--stats-file "$BF_STATS" --idle-us "$BF_IDLE_US" $BF_SERVER_ARGS \
			--no-huge --no-pci --file-prefix "bf$BF_SUFFIX" -l "$BF_LCORES" \
			--vdev "net_af_packet0,iface=$BF_IF_S$BF_VDEV_EXTRA" $BF_EAL_EXTRA \
			>"$BF_SERVER_LOG" 2>&1 &
		BF_SERVER_PID=$!
		;;
	dnsmasq)
		# dnsmasq is an ordinary kernel-socket server: it needs the IP.
		ip -n "$BF_NS_S" addr add "$BF_SERVER_IP/$BF_PREFIX" dev "$BF_IF_S"
		cfg=$BF_RUN/dnsmasq.conf
		bf_write_dnsmasq_config "$cfg"
		ip netns exec "$BF_NS_S" dnsmasq --conf-file="$cfg" --keep-in-foreground \
			>"$BF_SERVER_LOG" 2>&1 &
		BF_SERVER_PID=$!
		;;
	esac
	BF_SERVER_STOPPED=0
	bf_log "started $SERVER pid $BF_SERVER_PID, config $cfg"
	deadline=$((SECONDS + BF_READY_TIMEOUT))
	while :; do
		st=0
		bf_server_ready || st=$?
		[[ $st -eq 0 ]] && break
		if [[ $st -eq 2 ]]; then
			BF_SERVER_STOPPED=1
			wait "$BF_SERVER_PID" 2>/dev/null && st=0 || st=$?
			bf_die "$SERVER exited during start-up (status $st)"
		fi
		((SECONDS < deadline)) || bf_die "$SERVER not ready after ${BF_READY_TIMEOUT}s"
		sleep 0.2
	done
	bf_pass "$SERVER started and ready"
}

# Sanitizer reports mean a memory error even if the process survived.
bf_log_has_sanitizer_report() {
	grep -Eq 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|UndefinedBehaviorSanitizer' \
		"$BF_SERVER_LOG"
}

# bf_server_stop: SIGTERM, wait, and check it ended cleanly (a check of its
# own: a crash or sanitizer report fails the test).
bf_server_stop() {
	local rc=0 i
	[[ -n $BF_SERVER_PID && $BF_SERVER_STOPPED -eq 0 ]] || return 0
	if ! bf_server_alive; then
		wait "$BF_SERVER_PID" 2>/dev/null || rc=$?
		BF_SERVER_STOPPED=1
		bf_fail "$SERVER was already dead before stop (exit status $rc)"
		return 0
	fi
	kill -TERM "$BF_SERVER_PID"
	for ((i = 0; i < BF_STOP_TIMEOUT * 10; i++)); do
		bf_server_alive || break
		sleep 0.1
	done
	if bf_server_alive; then
		kill -KILL "$BF_SERVER_PID" 2>/dev/null || true
		wait "$BF_SERVER_PID" 2>/dev/null || true
		BF_SERVER_STOPPED=1
		bf_fail "$SERVER did not stop within ${BF_STOP_TIMEOUT}s of SIGTERM (killed)"
		return 0
	fi
	wait "$BF_SERVER_PID" 2>/dev/null || rc=$?
	BF_SERVER_STOPPED=1
	# 0 is the contract; 143 (died of our own SIGTERM) is tolerated, any other
	# status (>= 128: a signal such as SEGV/ABRT) is a crash.
	if [[ $rc -ne 0 && $rc -ne 143 ]]; then
		bf_fail "$SERVER exit status $rc after SIGTERM (crash?)"
	elif bf_log_has_sanitizer_report; then
		bf_fail "$SERVER log has a sanitizer report"
		grep -E -m5 -A5 'ERROR: |runtime error:' "$BF_SERVER_LOG" || true
	else
		bf_pass "$SERVER stopped cleanly on SIGTERM (exit $rc)"
	fi
}

# --------------------------------------------------------- server evidence --
# The TFTP server completed sending NAME (bootfarmd: "tftp: sent NAME to ...";
# dnsmasq: "sent /root/NAME to ...").
bf_log_tftp_sent() {
	case $SERVER in
	bootfarmd) grep -Fq "tftp: sent $1 to " "$BF_SERVER_LOG" ;;
	dnsmasq) grep -Fq "sent $BF_TFTPROOT/$1 to " "$BF_SERVER_LOG" ;;
	esac
}

# The server logged an ACK of address IP (to MAC, when given).
bf_log_dhcp_ack() {
	local ip=$1 mac=${2:-}
	case $SERVER in
	bootfarmd) grep -Eiq "dhcp4: ACK $ip to ${mac:-[0-9a-f:]+}" "$BF_SERVER_LOG" ;;
	dnsmasq) grep -Eiq "DHCPACK\([^)]*\) $ip ${mac:-[0-9a-f:]+}" "$BF_SERVER_LOG" ;;
	esac
}

# The server handled a DHCPRELEASE (from MAC). bootfarmd has no log line for it
# in its contract: the dhcp4_release counter says it.
bf_server_saw_release() {
	case $SERVER in
	bootfarmd) bf_stats_settle && (($(bf_counter dhcp4_release) >= ${2:-1})) ;;
	dnsmasq) grep -Eq "DHCPRELEASE\([^)]*\) [0-9.]+ $1" "$BF_SERVER_LOG" ;;
	esac
}

# The DHCP and TFTP lines of the server log (what a reader wants to see).
bf_server_log_summary() {
	case $SERVER in
	bootfarmd) grep -E 'dhcp4: |tftp: ' "$BF_SERVER_LOG" ;;
	dnsmasq) grep -E 'DHCP[A-Z]+\(|dnsmasq-tftp' "$BF_SERVER_LOG" ;;
	esac | sed 's/^/  /' | head -n "${1:-40}"
}

bf_wait_tftp_sent() { bf_wait_for "$2" bf_log_tftp_sent "$1"; }

# ------------------------------------------------------------------ counters --
# Only bootfarmd has counters (stats file "name value" lines, rewritten
# atomically every 500 ms). Missing counters read as 0.
bf_counter() {
	awk -v n="$1" '$1 == n { v = $2 } END { print v + 0 }' "$BF_STATS" 2>/dev/null || echo 0
}

bf_drop_sum() {
	awk '$1 ~ /^drop_/ { s += $2 } END { print s + 0 }' "$BF_STATS" 2>/dev/null || echo 0
}

# Wait until the stats file has been rewritten twice, so it reflects
# everything that happened before the call.
bf_stats_settle() {
	[[ $SERVER == bootfarmd ]] || return 0
	local m0 m1 n=0 deadline=$((SECONDS + 5))
	# atomic rewrite = rename: a new inode and mtime each time
	m0=$(stat -c '%i %y' "$BF_STATS" 2>/dev/null)
	while ((n < 2 && SECONDS < deadline)); do
		sleep 0.1
		m1=$(stat -c '%i %y' "$BF_STATS" 2>/dev/null)
		if [[ $m1 != "$m0" ]]; then
			n=$((n + 1))
			m0=$m1
		fi
	done
	((n >= 2))
}

# Copy of the stats file now (for before/after comparisons).
bf_stats_snapshot() { cp "$BF_STATS" "$1" 2>/dev/null || : >"$1"; }

# bf_stats_diff BEFORE [PREFIX]: "name before after delta" of every counter
# that changed (optionally only those starting with PREFIX).
bf_stats_diff() {
	awk -v p="${2:-}" '
		NR == FNR { b[$1] = $2; next }
		index($1, p) == 1 && $2 != b[$1] { printf "  %-28s %12d %12d %+10d\n", $1, b[$1], $2, $2 - b[$1] }
	' "$1" "$BF_STATS"
}

# -------------------------------------------------------------- DHCP client --
# The dhclient-script stand-in: dumps the environment dhclient gives it (the
# lease as the client understood it) to env.REASON and touches nothing.
bf_dhclient_script() {
	local dir=$1
	cat >"$dir/dhclient-script" <<-EOF
	#!/bin/sh
	env | sort >"$dir/env.\$reason.tmp" && mv "$dir/env.\$reason.tmp" "$dir/env.\$reason"
	echo "\$reason" >>"$dir/reasons"
	exit 0
	EOF
	chmod 755 "$dir/dhclient-script"
	# Ask for the options a boot client cares about, independent of the
	# host's /etc/dhcp/dhclient.conf.
	cat >"$dir/dhclient.conf" <<-EOF
	request subnet-mask, broadcast-address, routers, domain-name,
		domain-name-servers, host-name;
	timeout 20;
	EOF
}

# Value of VAR in the env dump for REASON, e.g. bf_dh_env DIR BOUND new_ip_address.
bf_dh_env() { sed -n "s/^$3=//p" "$1/env.$2" 2>/dev/null | head -n1; }

# bf_dhclient_start DIR IFACE: run dhclient in C in the foreground mode (-d)
# as a tracked background job bounded by `timeout`; sets BF_DH_PID.
bf_dhclient_start() {
	local dir=$1 ifc=$2
	mkdir -p "$dir"
	bf_dhclient_script "$dir"
	timeout 60 ip netns exec "$BF_NS_C" dhclient -4 -d -v -1 \
		-cf "$dir/dhclient.conf" -sf "$dir/dhclient-script" \
		-lf "$dir/leases" -pf "$dir/pid" "$ifc" >"$dir/dhclient.log" 2>&1 &
	BF_DH_PID=$!
	bf_track "$BF_DH_PID"
}

bf_dh_bound() { [[ -s $1/env.BOUND ]]; }

# bf_dhclient_release DIR IFACE: `dhclient -r` sends DHCPRELEASE and stops
# the dhclient recorded in DIR/pid (the one bf_dhclient_start ran).
bf_dhclient_release() {
	local dir=$1 ifc=$2
	timeout 30 ip netns exec "$BF_NS_C" dhclient -4 -r -v \
		-cf "$dir/dhclient.conf" -sf "$dir/dhclient-script" \
		-lf "$dir/leases" -pf "$dir/pid" "$ifc" >>"$dir/dhclient.log" 2>&1
}

# ip_to_int A.B.C.D
bf_ip2int() {
	local IFS=.
	# shellcheck disable=SC2086
	set -- $1
	echo $((($1 << 24) | ($2 << 16) | ($3 << 8) | $4))
}

bf_ip_in_pool() {
	[[ $1 =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ ]] || return 1
	local a
	a=$(bf_ip2int "$1")
	((a >= $(bf_ip2int "$BF_POOL_FIRST") && a <= $(bf_ip2int "$BF_POOL_LAST")))
}

# -------------------------------------------------------------------- QEMU --
# bf_qemu_start LOG ARGS...: run qemu in C (where the tap is), tracked;
# sets BF_QEMU_PID.
bf_qemu_start() {
	local log=$1
	shift
	ip netns exec "$BF_NS_C" qemu-system-x86_64 "$@" >"$log" 2>&1 &
	BF_QEMU_PID=$!
	bf_track "$BF_QEMU_PID"
	bf_log "qemu pid $BF_QEMU_PID"
}

bf_qemu_stop() {
	[[ -n ${BF_QEMU_PID:-} ]] && bf_kill_pid "$BF_QEMU_PID"
	BF_QEMU_PID=""
}

# NBP paths from fetch-nbp.sh ("NAME PATH" lines): bf_nbp NAME.
# bf_ovmf_start SERIAL [QEMU ARGS...]: q35 + OVMF (a private copy of its
# variables), the virtio NIC on BF_TAP with MAC and no option ROM (EDK2's own
# network stack), serial to SERIAL; extra args go to QEMU.
bf_ovmf_start() {
	local serial=$1 vars=$BF_RUN/OVMF_VARS.fd
	shift
	cp "${BF_OVMF_VARS:-/usr/share/OVMF/OVMF_VARS_4M.fd}" "$vars"
	: >"$serial"
	bf_qemu_start "$BF_RUN/qemu.log" -accel tcg -m 512 -display none -machine q35 \
		-drive "if=pflash,format=raw,readonly=on,file=${BF_OVMF_CODE:-/usr/share/OVMF/OVMF_CODE_4M.fd}" \
		-drive "if=pflash,format=raw,file=$vars" -boot n \
		-netdev "tap,id=n0,ifname=$BF_TAP,script=no,downscript=no" \
		-device "virtio-net-pci,netdev=n0,mac=$MAC,romfile=" \
		-serial "file:$serial" -monitor none "$@"
}

# bf_serial_text SERIAL OUT: firmware serial output without ANSI sequences,
# CRs and blank lines, for matching and printing.
bf_serial_text() {
	sed -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/\r/\n/g' "$1" | grep -v '^[[:space:]]*$' >"$2" || true
}

# A QEMU wait-loop guard: non-zero (BF_ABORT) when QEMU or the server died.
bf_qemu_guard() {
	kill -0 "$BF_QEMU_PID" 2>/dev/null || { echo "qemu exited:"; cat "$BF_RUN/qemu.log"; return "$BF_ABORT"; }
	bf_server_alive || { echo "$SERVER died"; return "$BF_ABORT"; }
	return 1
}

bf_nbp_fetch() {
	BF_NBP_LIST=$BF_RUN/nbp.list
	"$BF_SRCDIR/tests/e2e/fetch-nbp.sh" >"$BF_NBP_LIST" || bf_die "fetch-nbp.sh failed"
}
bf_nbp() { awk -v n="$1" '$1 == n { print $2 }' "$BF_NBP_LIST"; }

# The images a firmware boot needs: the NBPs from Debian's ipxe package, and
# for each MAC given the stage-2 script only a running NBP asks for (it echoes
# "bootfarm stage2 reached", then waits in iPXE's shell: no reboot loop).
bf_stage2_name() { echo "stage2-${1//:/-}"; }
bf_firmware_images() {
	local mac
	bf_nbp_fetch
	bf_image_file undionly.kpxe "$(bf_nbp undionly.kpxe)"
	bf_image_file ipxe.efi "$(bf_nbp ipxe.efi)"
	for mac in "$@"; do
		bf_image_inline "$(bf_stage2_name "$mac")" '#!ipxe
echo bootfarm stage2 reached
shell
'
	done
}
