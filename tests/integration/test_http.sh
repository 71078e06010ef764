#!/bin/bash
# The built-in HTTP image server, reached by a client in another namespace
# through bootfarmd's DPDK port and exception path: whole images byte-exact,
# HEAD, Range (206, 416), ETag and If-None-Match (304), keep-alive (several
# requests on one connection), 404/405, rendered per-host files, IPv6, and
# 32 concurrent downloads of a 16 MiB image, each byte-identical.
set -euo pipefail
BF_SRCDIR=${BF_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/harness.sh
. "$BF_SRCDIR/tests/lib/harness.sh"

bf_init test_http
bf_require_tools curl cmp sha256sum python3 dhclient
[[ $SERVER == bootfarmd ]] || bf_skip "the HTTP server is bootfarmd's"
BF_KERNEL_IF=bfk$BF_SUFFIX
S=$BF_SERVER_IP
bf_make_random "$BF_RUN/big" $((16 << 20))
bf_image_file big.img "$BF_RUN/big"
bf_make_random "$BF_RUN/small" 1000
bf_image_file dir/small.bin "$BF_RUN/small"
bf_image_inline boot.ipxe '#!ipxe
echo hello
'
# shellcheck disable=SC2016 # {...} are bootfarm placeholders
BF_CONFIG_EXTRA='templates:
  - name: "{mac_hex}.ipxe"
    content: "#!ipxe\nset ip {ip}\n"'
bf_topo_veth
# IPv6 on both sides: the host's stack (tap) holds fd00:77::1.
ip netns exec "$BF_NS_C" sysctl -qw "net.ipv6.conf.$BF_IF_C.disable_ipv6=0"
BF_HTTP_LISTEN="\"$S:80\", \"[fd00:77::1]:8080\""
BF_SERVER_IP6=fd00:77::1/64	# bootfarmd gives it to the tap (the host's stack)
bf_server_start
U=http://$S
get() { bf_in_c curl -s --max-time 30 "$@"; }

# 0. a per-host file rendered from a template at DHCP ACK, served over HTTP
ip -n "$BF_NS_C" link set "$BF_IF_C" address "$BF_FIXED_MAC"
bf_dhclient_start "$BF_RUN/dh" "$BF_IF_C"
bf_wait_for 30 bf_dh_bound "$BF_RUN/dh" || bf_die "dhclient got no lease"
bf_kill_pid "$BF_DH_PID"
bf_client_static_ip "$BF_FIXED_IP"
got=$(get "$U/${BF_FIXED_MAC//:/}.ipxe" || :)
bf_check_eq "rendered {mac_hex}.ipxe over HTTP" "$(printf '#!ipxe\nset ip %s' "$BF_FIXED_IP")" "$got"


# 1. whole images, byte-exact, with the headers a client relies on
get -o "$BF_RUN/big.got" "$U/big.img"
bf_check "GET big.img (16 MiB) byte-identical" cmp "$BF_RUN/big" "$BF_RUN/big.got"
get -o "$BF_RUN/small.got" "$U/dir/small.bin"
bf_check "GET dir/small.bin byte-identical" cmp "$BF_RUN/small" "$BF_RUN/small.got"
get -D "$BF_RUN/h1" -o /dev/null "$U/boot.ipxe"
bf_check "200 with Content-Length 18" grep -qi '^Content-Length: 18' "$BF_RUN/h1"
bf_check "text/plain for .ipxe" grep -qi '^Content-Type: text/plain' "$BF_RUN/h1"
bf_check "Accept-Ranges: bytes" grep -qi '^Accept-Ranges: bytes' "$BF_RUN/h1"
ETAG=$(grep -i '^ETag:' "$BF_RUN/h1" | cut -d' ' -f2 | tr -d '\r')
bf_check "ETag is a quoted 16-hex-digit digest" grep -Eq '^"[0-9a-f]{16}"$' <<<"$ETAG"

# 2. HEAD: the same headers, no body
get -I "$U/big.img" >"$BF_RUN/h2"
bf_check "HEAD 200" grep -q '^HTTP/1.1 200' "$BF_RUN/h2"
bf_check "HEAD Content-Length of the whole image" grep -qi "^Content-Length: $((16 << 20))" "$BF_RUN/h2"

# 3. Range
get -D "$BF_RUN/h3" -o "$BF_RUN/r3" -r 1000-1999 "$U/big.img"
bf_check "Range 1000-1999: 206" grep -q '^HTTP/1.1 206' "$BF_RUN/h3"
bf_check "Content-Range bytes 1000-1999/16777216" \
	grep -qi '^Content-Range: bytes 1000-1999/16777216' "$BF_RUN/h3"
bf_check "the range's bytes are the image's" \
	cmp "$BF_RUN/r3" <(tail -c +1001 "$BF_RUN/big" | head -c 1000)
get -o "$BF_RUN/r4" -r -100 "$U/big.img"
bf_check "suffix range -100: the last 100 bytes" cmp "$BF_RUN/r4" <(tail -c 100 "$BF_RUN/big")
# a resumed download (curl -C) joins up byte-exact
head -c 5000000 "$BF_RUN/big" >"$BF_RUN/resume"
get -C - -o "$BF_RUN/resume" "$U/big.img"
bf_check "resumed download (Range from 5000000) byte-identical" cmp "$BF_RUN/big" "$BF_RUN/resume"
code=$(get -o /dev/null -w '%{http_code}' -r 20000000-20000001 "$U/big.img")
bf_check_eq "range past the end: 416" 416 "$code"

# 4. If-None-Match
code=$(get -o /dev/null -w '%{http_code}' -H "If-None-Match: $ETAG" "$U/boot.ipxe")
bf_check_eq "If-None-Match with the ETag: 304" 304 "$code"
code=$(get -o /dev/null -w '%{http_code}' -H 'If-None-Match: "0000000000000000"' "$U/boot.ipxe")
bf_check_eq "If-None-Match with another ETag: 200" 200 "$code"

# 5. errors
code=$(get -o /dev/null -w '%{http_code}' "$U/no-such-image")
bf_check_eq "unknown name: 404" 404 "$code"
code=$(get -o /dev/null -w '%{http_code}' --path-as-is "$U/../etc/passwd")
bf_check_eq "../ refused: 404" 404 "$code"
code=$(get -o /dev/null -w '%{http_code}' -X POST -d x "$U/boot.ipxe")
bf_check_eq "POST: 405" 405 "$code"
get -D "$BF_RUN/h5" -o /dev/null -X DELETE "$U/boot.ipxe"
bf_check "405 says Allow: GET, HEAD" grep -qi '^Allow: GET, HEAD' "$BF_RUN/h5"

# 6. keep-alive: three requests, one TCP connection
get -v -o /dev/null -o /dev/null -o /dev/null "$U/boot.ipxe" "$U/dir/small.bin" "$U/boot.ipxe" \
	2>"$BF_RUN/v6" || :
bf_check "keep-alive: curl reused the connection" grep -q 'Re-using existing connection' "$BF_RUN/v6"
bf_check "keep-alive: one connection for three requests" \
	test "$(grep -c 'Connected to' "$BF_RUN/v6")" -eq 1

# 8. IPv6 (the host's stack holds fd00:77::1 on the tap)
ip -n "$BF_NS_C" -6 addr add fd00:77::50/64 dev "$BF_IF_C" nodad
get -6 -o "$BF_RUN/v6.got" "http://[fd00:77::1]:8080/dir/small.bin"
bf_check "GET over IPv6 byte-identical" cmp "$BF_RUN/small" "$BF_RUN/v6.got"

# 9. 32 concurrent downloads of the 16 MiB image, each byte-identical
want=$(sha256sum <"$BF_RUN/big" | cut -d' ' -f1)
mkdir -p "$BF_RUN/par"
pids=()
for i in $(seq 1 32); do
	get -o "$BF_RUN/par/$i" "$U/big.img" &
	pids+=($!)
done
wait "${pids[@]}" || :
bad=0
for i in $(seq 1 32); do
	[[ $(sha256sum <"$BF_RUN/par/$i" | cut -d' ' -f1) == "$want" ]] || bad=$((bad + 1))
done
bf_check_eq "32 concurrent 16 MiB downloads, all byte-identical" 0 "$bad"

bf_stats_settle
bf_check "http_requests counted" test "$(bf_counter http_requests)" -ge 45
bf_check "http_4xx counted (404, 405, 416)" test "$(bf_counter http_4xx)" -ge 5
bf_check "http_304 counted" test "$(bf_counter http_304)" -ge 1
bf_finish
