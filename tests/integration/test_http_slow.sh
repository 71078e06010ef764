#!/bin/bash
# The HTTP image server (exception path) under slow clients: connections that
# send their request headers a byte at a time ("slowloris") must not keep a
# normal client from being served. A client address holds at most
# http.per_source connections (the rest refused at accept, counted); request
# headers not complete within http.header_timeout are cut (counted), however
# slowly they trickle; and 1,100 slow connections from 70 addresses leave
# enough slots (the default 1024 of before was the whole server).
set -euo pipefail
BF_SRCDIR=${BF_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
# shellcheck source=tests/lib/harness.sh
. "$BF_SRCDIR/tests/lib/harness.sh"

bf_init test_http_slow
bf_require_tools curl cmp python3
[[ $SERVER == bootfarmd ]] || bf_skip "the HTTP server is bootfarmd's"
BF_KERNEL_IF=bfk$BF_SUFFIX
S=$BF_SERVER_IP
PER_SOURCE=16
HDR_S=3
bf_make_random "$BF_RUN/img" $((256 << 10))
bf_image_file img.bin "$BF_RUN/img"
BF_HTTP_LISTEN="\"$S:80\""
BF_HTTP_EXTRA="  per_source: $PER_SOURCE
  header_timeout: $HDR_S"
bf_topo_veth
bf_client_static_ip "$BF_CLIENT_STATIC_IP"
# 70 more client addresses for the slow connections; .50 stays the normal one
SRC=()
for i in $(seq 160 229); do
	ip -n "$BF_NS_C" addr add "10.77.0.$i/24" dev "$BF_IF_C"
	SRC+=("10.77.0.$i")
done
bf_server_start
SLOW=$BF_SRCDIR/tests/lib/slowloris.py
field() { sed -n "s/.*$1=\([-0-9.]*\).*/\1/p" "$2"; }

# normal GET from the normal address; prints "CODE SECONDS"
normal_get() {
	rm -f "$BF_RUN/got"
	bf_in_c curl -s --interface "$BF_CLIENT_STATIC_IP" --max-time 10 -o "$BF_RUN/got" \
		-w '%{http_code} %{time_total}\n' "http://$S/img.bin" || echo "000 10"
}

bf_log "1. 300 slow connections from one address: only $PER_SOURCE get a slot"
bf_in_c timeout 60 python3 "$SLOW" --server "$S" --sources "${SRC[0]}" --per-source 300 \
	--seconds 2 --byte-every 0.5 >"$BF_RUN/slow1" &
slow_pid=$!
sleep 1
r=$(normal_get)
bf_check_eq "a normal GET meanwhile: 200" 200 "${r% *}"
bf_check "byte-identical" cmp -s "$BF_RUN/got" "$BF_RUN/img"
wait "$slow_pid"
cat "$BF_RUN/slow1"
bf_check "the source's connections over $PER_SOURCE were refused at once ($(field refused "$BF_RUN/slow1"))" \
	test "$(field refused "$BF_RUN/slow1")" -ge $((300 - PER_SOURCE))
bf_check "at most $PER_SOURCE were kept" test "$(field open_at_end "$BF_RUN/slow1")" -le $PER_SOURCE
bf_stats_settle || true
bf_check "http_refused_source counted them ($(bf_counter http_refused_source))" \
	test "$(bf_counter http_refused_source)" -ge $((300 - PER_SOURCE))
sleep $((HDR_S + 1)) # the kept ones are cut by the header deadline; let them go

bf_log "2. 1,100 slow connections from 70 addresses ($((PER_SOURCE - 1)) or 16 each), each still sending"
cut0=$(bf_counter http_header_timeout)
bf_in_c timeout 60 python3 "$SLOW" --server "$S" --sources "$(IFS=,; echo "${SRC[*]:1:69}")" \
	--per-source 16 --seconds $((HDR_S + 5)) --byte-every 0.5 >"$BF_RUN/slow2" &
slow_pid=$!
sleep 2
r=$(normal_get)
bf_check_eq "a normal GET while 1,100 header-trickling connections are open: 200" 200 "${r% *}"
bf_check "answered in under 5 s (${r#* } s)" awk -v t="${r#* }" 'BEGIN { exit !(t < 5) }'
bf_check "byte-identical" cmp -s "$BF_RUN/got" "$BF_RUN/img"
wait "$slow_pid"
cat "$BF_RUN/slow2"
opened=$(field opened "$BF_RUN/slow2")
bf_check "1,100 or more connected ($opened)" test "$opened" -ge 1100
bf_check_eq "none refused (16 per address is the limit)" 0 "$(field refused "$BF_RUN/slow2")"
bf_check_eq "every one was cut by the server although it kept sending" 0 \
	"$(field open_at_end "$BF_RUN/slow2")"
first=$(field first_close_s "$BF_RUN/slow2")
last=$(field last_close_s "$BF_RUN/slow2")
bf_check "cut after the header deadline, not before ($first s .. $last s, deadline $HDR_S s)" \
	awk -v f="$first" -v l="$last" -v d="$HDR_S" 'BEGIN { exit !(f >= d - 0.5 && l <= d + 3) }'
bf_stats_settle || true
cut=$(($(bf_counter http_header_timeout) - cut0))
bf_check "http_header_timeout counted them ($cut)" test "$cut" -ge 1100

bf_log "3. afterwards: served as usual, keep-alive still works"
r=$(normal_get)
bf_check_eq "GET after the storm: 200" 200 "${r% *}"
n=$(bf_in_c curl -s --interface "$BF_CLIENT_STATIC_IP" --max-time 10 -o /dev/null -o /dev/null \
	-w '%{num_connects} ' "http://$S/img.bin" "http://$S/img.bin" || :)
bf_check_eq "keep-alive: two requests, one connection (connects per request)" "1 0" "${n% }"
bf_finish
