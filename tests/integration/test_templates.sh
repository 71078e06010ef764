#!/bin/bash
# Per-client boot files from templates: rendered when bootfarmd acknowledges a
# client, with its MAC, address, reservation name, architecture and UUID, and
# served by TFTP like any image (byte-exact). A machine never acknowledged has
# none; a reload clears them until each client's next ACK.
set -euo pipefail
BF_SRCDIR=${BF_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/harness.sh
. "$BF_SRCDIR/tests/lib/harness.sh"

bf_init test_templates
bf_require_tools python3 tftp cmp dhclient
[[ $SERVER == bootfarmd ]] || bf_skip "templates are bootfarmd's"
PROBE=$BF_SRCDIR/tests/lib/dhcp4probe.py
# shellcheck source=tests/lib/probe.sh
. "$BF_SRCDIR/tests/lib/probe.sh"

# shellcheck disable=SC2016 # {...} are bootfarm placeholders
BF_CONFIG_EXTRA='templates:
  - name: "pxelinux.cfg/01-{mac_hyphen}"
    content: |
      DEFAULT linux
      APPEND ip={ip} hostname={hostname} arch={arch} uuid={uuid} server={server}
  - name: "{mac_hex}.ipxe"
    content: "#!ipxe\nchain tftp://{server}/{ip_hex}.cfg\n"'
bf_topo_veth
bf_server_start
SMAC=$(bf_mac_of "$BF_NS_S" "$BF_IF_S")
S=$BF_SERVER_IP

# get NAME OUT: TFTP from the client namespace (it needs an address for that).
get() { (cd "$BF_RUN" && bf_in_c timeout 10 tftp "$S" -m binary -c get "$1" "$2" 2>&1) || :; }

# 1. dhclient with the reserved MAC: fixed address and host name.
ip -n "$BF_NS_C" link set "$BF_IF_C" address "$BF_FIXED_MAC"
bf_dhclient_start "$BF_RUN/dh" "$BF_IF_C"
bf_wait_for 30 bf_dh_bound "$BF_RUN/dh" || bf_die "dhclient got no lease"
bf_kill_pid "$BF_DH_PID"
bf_client_static_ip "$BF_FIXED_IP"
get "pxelinux.cfg/01-${BF_FIXED_MAC//:/-}" "$BF_RUN/p1"
printf 'DEFAULT linux\nAPPEND ip=%s hostname=%s arch= uuid= server=%s\n' \
	"$BF_FIXED_IP" "$BF_FIXED_NAME" "$S" >"$BF_RUN/p1.want"
bf_check "dhclient host: pxelinux.cfg/01-<mac> rendered exactly" cmp "$BF_RUN/p1" "$BF_RUN/p1.want"
get "${BF_FIXED_MAC//:/}.ipxe" "$BF_RUN/i1"
printf '#!ipxe\nchain tftp://%s/%s.cfg\n' "$S" "$(hexip "$BF_FIXED_IP" | tr a-f A-F)" \
	>"$BF_RUN/i1.want"
bf_check "dhclient host: {mac_hex}.ipxe rendered exactly" cmp "$BF_RUN/i1" "$BF_RUN/i1.want"

# 2. a PXE client (arch 7) whose UUID is reserved (the harness's "byuuid"
# host): architecture, UUID and the reservation's name appear.
M=02:bf:7e:00:00:07
UUID=$BF_UUID_HOST
PXE=(--chaddr "$M" --vendor-class "PXEClient:Arch:00007:UNDI:003016" --arch 7 --uuid "$UUID")
probe td --type discover --xid 0x0bf0c001 --flags-broadcast "${PXE[@]}"
Y=$(df td yiaddr)
probe tr --type request --xid 0x0bf0c001 --flags-broadcast "${PXE[@]}" \
	--server-id "$S" --requested-ip "$Y"
one_reply tr "PXE client REQUEST" ACK
get "pxelinux.cfg/01-${M//:/-}" "$BF_RUN/p2"
bf_check_eq "PXE client: the UUID reservation's address" "$BF_UUID_IP" "$Y"
printf 'DEFAULT linux\nAPPEND ip=%s hostname=byuuid arch=7 uuid=%s server=%s\n' "$Y" "$UUID" \
	"$S" >"$BF_RUN/p2.want"
bf_check "PXE client: architecture, UUID and reservation name rendered" \
	cmp "$BF_RUN/p2" "$BF_RUN/p2.want"

# 3. nobody acknowledged this MAC: nothing to serve.
out=$(get "pxelinux.cfg/01-02-bf-00-00-00-99" "$BF_RUN/none")
bf_check "a machine never acknowledged has no file ($out)" grep -q "Error code 1" <<<"$out"
bf_stats_settle
bf_check_eq "counters: 4 files rendered, none failed" 4,0 \
	"$(bf_counter template_rendered),$(bf_counter template_failed)"

# 4. a reload clears them (templates may have changed) until the next ACK.
kill -HUP "$BF_SERVER_PID"
bf_wait_for 10 grep -q "published as generation 2" "$BF_SERVER_LOG" || bf_fail "no reload"
out=$(get "pxelinux.cfg/01-${M//:/-}" "$BF_RUN/p3")
bf_check "after a reload the file is gone until the next ACK ($out)" grep -q "Error code 1" <<<"$out"
probe tr2 --type request --xid 0x0bf0c002 --flags-broadcast "${PXE[@]}" \
	--server-id "$S" --requested-ip "$Y"
get "pxelinux.cfg/01-${M//:/-}" "$BF_RUN/p4"
bf_check "the next ACK renders it again" cmp "$BF_RUN/p4" "$BF_RUN/p2.want"
bf_server_stop
bf_finish
