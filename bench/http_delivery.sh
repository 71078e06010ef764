#!/bin/bash
# Large-file delivery to many concurrent clients, three ways in one run, all
# from the same server namespace through the same DPDK port:
#   bootfarm-http  bootfarmd's built-in HTTP server (control plane, through
#                  the exception path), serving the image from hugepage memory
#   nginx-http     nginx (sendfile, one worker) on the same host, bound to the
#                  same kernel interface (so it crosses the same exception path)
#   bootfarm-tftp  bootfarmd's data-path TFTP, blksize 1468, windowsize 16 (atftp)
# Every client's download is checked (size, and sha256 for a sample).
#
# usage: bench/http_delivery.sh [CLIENTS] [SIZE_MIB] [ROUNDS]   (root)
# Output: bench/results/http_delivery.{md,csv,png} and the table on stdout.
# Needs, besides the project's packages: nginx-light gnuplot-nox (optional: plot).
set -euo pipefail
BF_SRCDIR=${BF_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
BOOTFARMD=${BOOTFARMD:-$BF_SRCDIR/build/control/bootfarmd}
export BOOTFARMD
# shellcheck source=tests/lib/harness.sh
. "$BF_SRCDIR/tests/lib/harness.sh"

CLIENTS=${1:-16}
SIZE_MIB=${2:-64}
ROUNDS=${3:-3}
OUT=${BF_BENCH_OUT:-$BF_SRCDIR/bench/results}
mkdir -p "$OUT"

bf_init bench_http
bf_require_tools nginx curl atftp sha256sum
[[ $SERVER == bootfarmd ]] || bf_die "runs bootfarmd (SERVER=bootfarmd)"
BF_KERNEL_IF=bfk$BF_SUFFIX
BF_IDLE_US=${BF_IDLE_US:-0}	# a benchmark polls
BF_CONFIG_EXTRA="http:
  listen: [ \"$BF_SERVER_IP:80\" ]
  max_connections: 4096
tftp:
  max_window: 64
  per_source: 256"
S=$BF_SERVER_IP

bf_log "initrd: $SIZE_MIB MiB of random bytes, $CLIENTS concurrent clients, $ROUNDS rounds each"
bf_make_random "$BF_RUN/initrd.img" $((SIZE_MIB << 20))
bf_image_file initrd.img "$BF_RUN/initrd.img"
want_sum=$(sha256sum <"$BF_RUN/initrd.img" | cut -d' ' -f1)
bf_topo_veth
bf_server_start
bf_client_static_ip

# nginx on the same host, same address, port 8080, same file.
mkdir -p "$BF_RUN/nginx"
cat >"$BF_RUN/nginx/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $BF_RUN/nginx/nginx.pid;
error_log $BF_RUN/nginx/error.log;
events { worker_connections 4096; }
http {
	access_log off;
	sendfile on;
	tcp_nopush on;
	keepalive_timeout 30;
	client_body_temp_path $BF_RUN/nginx;
	proxy_temp_path $BF_RUN/nginx;
	fastcgi_temp_path $BF_RUN/nginx;
	uwsgi_temp_path $BF_RUN/nginx;
	scgi_temp_path $BF_RUN/nginx;
	server { listen $S:8080; root $BF_TFTPROOT; }
}
EOF
ip netns exec "$BF_NS_S" nginx -c "$BF_RUN/nginx/nginx.conf" &
NGINX_PID=$!
bf_track "$NGINX_PID"
bf_wait_for 10 bash -c "ip netns exec $BF_NS_S ss -ltn | grep -q '$S:8080 '" ||
	bf_die "nginx did not listen"

# CPU seconds (user+system) of a process and its children so far.
cpu_s() {
	local pids p t=0
	pids=$(pgrep -P "$1" 2>/dev/null || :)
	for p in "$1" $pids; do
		[[ -r /proc/$p/stat ]] || continue
		t=$((t + $(awk '{print $14 + $15}' "/proc/$p/stat")))
	done
	echo "scale=3; $t / $(getconf CLK_TCK)" | bc
}

# One client download; prints "seconds bytes".
client() {
	local kind=$1 i=$2 f=$BF_RUN/c/$2
	case $kind in
	bootfarm-http) bf_in_c curl -s -o "$f" -w '%{time_total} %{size_download}\n' "http://$S/initrd.img" ;;
	nginx-http) bf_in_c curl -s -o "$f" -w '%{time_total} %{size_download}\n' "http://$S:8080/initrd.img" ;;
	bootfarm-tftp)
		local t0 t1
		t0=$(date +%s.%N)
		bf_in_c atftp --option "blksize 1468" --option "windowsize 16" --get -r initrd.img \
			-l "$f" "$S" >/dev/null 2>&1 || :
		t1=$(date +%s.%N)
		echo "$(echo "$t1 - $t0" | bc) $(stat -c %s "$f" 2>/dev/null || echo 0)"
		;;
	esac
	# keep the disk quiet: check a sample, then drop the copy
	if ((i % 4 == 0)); then
		[[ $(sha256sum <"$f" | cut -d' ' -f1) == "$want_sum" ]] || echo "CORRUPT $kind $i" >&2
	fi
	rm -f "$f"
}

any_alive() {
	local p
	for p in "$@"; do
		kill -0 "$p" 2>/dev/null && return 0
	done
	return 1
}

csv=$OUT/http_delivery.csv
echo "server,round,clients,size_mib,wall_s,gbit_s,p50_s,p99_s,max_s,failed,bootfarmd_cpu_s,nginx_cpu_s" >"$csv"
mkdir -p "$BF_RUN/c"
for kind in bootfarm-http nginx-http bootfarm-tftp; do
	for round in $(seq 1 "$ROUNDS"); do
		b0=$(cpu_s "$BF_SERVER_PID")
		n0=$(cpu_s "$NGINX_PID")
		t0=$(date +%s.%N)
		: >"$BF_RUN/times"
		pids=()
		for i in $(seq 1 "$CLIENTS"); do
			client "$kind" "$i" >>"$BF_RUN/times" 2>>"$BF_RUN/corrupt" &
			pids+=($!)
		done
		# progress while the round runs (bounded by the clients' own timeouts)
		while any_alive "${pids[@]}"; do
			printf '\r  %-14s round %d/%d: %3d/%d clients done' "$kind" "$round" "$ROUNDS" \
				"$(wc -l <"$BF_RUN/times")" "$CLIENTS"
			sleep 0.5
		done
		wait "${pids[@]}" || :
		t1=$(date +%s.%N)
		printf '\r  %-14s round %d/%d: %3d/%d clients done\n' "$kind" "$round" "$ROUNDS" \
			"$(wc -l <"$BF_RUN/times")" "$CLIENTS"
		b1=$(cpu_s "$BF_SERVER_PID")
		n1=$(cpu_s "$NGINX_PID")
		wall=$(echo "$t1 - $t0" | bc)
		want=$((SIZE_MIB << 20))
		ok=$(awk -v w="$want" '$2 == w' "$BF_RUN/times" | wc -l)
		corrupt=$(grep -c "CORRUPT $kind" "$BF_RUN/corrupt" 2>/dev/null) || corrupt=0
		failed=$((CLIENTS - ok + corrupt))
		read -r p50 p99 max < <(sort -n "$BF_RUN/times" | awk '{t[NR] = $1} END {
			i50 = int((NR + 1) * 0.50); i99 = int((NR * 0.99) + 0.999); if (i99 > NR) i99 = NR
			printf "%.3f %.3f %.3f\n", t[i50 < 1 ? 1 : i50], t[i99], t[NR] }')
		gbit=$(echo "scale=3; $ok * $want * 8 / $wall / 1000000000" | bc)
		printf '%s,%d,%d,%d,%.3f,%.3f,%s,%s,%s,%d,%.2f,%.2f\n' "$kind" "$round" "$CLIENTS" \
			"$SIZE_MIB" "$wall" "$gbit" "$p50" "$p99" "$max" "$failed" \
			"$(echo "$b1 - $b0" | bc)" "$(echo "$n1 - $n0" | bc)" >>"$csv"
	done
done

# Median round per server: the table and the plot.
md=$OUT/http_delivery.md
{
	echo "Delivery of a ${SIZE_MIB} MiB file to ${CLIENTS} concurrent clients (median of ${ROUNDS} rounds),"
	echo "$(nproc) cores, $(uname -r), $(date -u +%Y-%m-%d). One bootfarmd worker (af_packet on a veth)."
	echo
	echo "| server | Gbit/s | wall s | p50 s | p99 s | max s | failed | bootfarmd CPU s | nginx CPU s | CPU s per GB |"
	echo "|---|---|---|---|---|---|---|---|---|---|"
	for kind in bootfarm-http nginx-http bootfarm-tftp; do
		grep "^$kind," "$csv" | sort -t, -k6 -n | awk -F, -v n="$ROUNDS" -v c="$CLIENTS" -v m="$SIZE_MIB" \
			'NR == int((n + 1) / 2) { gb = c * m / 1024; cpu = $11 + $12;
			printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %.2f |\n",
			$1, $6, $5, $7, $8, $9, $10, $11, $12, cpu / gb }'
	done
} >"$md"
cat "$md"
if command -v gnuplot >/dev/null; then
	awk -F, 'NR > 1 { print $1 "#" $2, $6 }' "$csv" >"$BF_RUN/plot.dat"
	gnuplot <<EOF
set terminal pngcairo size 900,480 noenhanced
set output "$OUT/http_delivery.png"
set title "${SIZE_MIB} MiB to ${CLIENTS} concurrent clients, per round"
set ylabel "Gbit/s (all clients)"
set style fill solid 0.6
set boxwidth 0.7
set xtics rotate by -30
set yrange [0:*]
plot "$BF_RUN/plot.dat" using 0:2:xtic(1) with boxes notitle
EOF
	bf_log "plot: $OUT/http_delivery.png"
fi
if [[ -s $BF_RUN/corrupt ]]; then
	bf_fail "corrupt downloads: $(cat "$BF_RUN/corrupt")"
else
	bf_pass "every checked download byte-identical"
fi
kill "$NGINX_PID" 2>/dev/null || :
bf_finish
