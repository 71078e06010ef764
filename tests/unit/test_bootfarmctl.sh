#!/bin/bash
# bootfarmctl against a stand-in for the daemon's control socket
# (tests/lib/fakectl.py, canned replies): for every command, the exact request
# it sends, its human and --json output, and its exit status (ok:false -> 1;
# no socket, bad usage, malformed or late reply -> 2, with nothing sent for a
# usage error). Needs python3 only; no root, no DPDK.
set -euo pipefail
BF_SRCDIR=${BF_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
CTL=${BOOTFARMCTL:-$BF_SRCDIR/build/tools/bootfarmctl}
FAKE=$BF_SRCDIR/tests/lib/fakectl.py
command -v python3 >/dev/null || { echo "SKIP: python3 missing"; exit 77; }
[[ -x $CTL ]] || { echo "bootfarmctl not found at $CTL (set BOOTFARMCTL)" >&2; exit 1; }

T=$(mktemp -d /tmp/test_bootfarmctl.XXXXXX)
chmod 755 "$T" # the permission test runs the client as another user
PIDS=()
cleanup() {
    local p
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    rm -rf "$T"
}
trap cleanup EXIT

FAILS=0 CHECKS=0
pass() { CHECKS=$((CHECKS + 1)); }
fail() {
    CHECKS=$((CHECKS + 1)) FAILS=$((FAILS + 1))
    echo "FAIL $1" >&2
    sed 's/^/    stdout: /' "$T/out" >&2
    sed 's/^/    stderr: /' "$T/err" >&2
}

# serve NAME RESPONSES_JSON [MODE]: a fake daemon on $T/NAME.sock.
serve() {
    printf '%s' "$2" >"$T/$1.json"
    python3 "$FAKE" --socket "$T/$1.sock" --responses "$T/$1.json" \
        --requests "$T/requests" --lifetime 60 --mode "${3:-666}" 2>>"$T/fakectl.log" &
    PIDS+=($!)
    local _
    for _ in $(seq 200); do
        [[ -S $T/$1.sock ]] && return 0
        sleep 0.05
    done
    echo "fakectl did not start:" >&2
    cat "$T/fakectl.log" >&2
    exit 1
}

# ctl SERVER ARGS...: runs bootfarmctl against that server; RC, $T/out, $T/err.
ctl() {
    local sock=$T/$1.sock
    shift
    : >"$T/requests"
    RC=0
    "$CTL" --socket "$sock" "$@" >"$T/out" 2>"$T/err" || RC=$?
}

# what RC: the exit status.
rc_is() {
    if [[ $RC == "$2" ]]; then pass; else fail "$1: exit $RC, want $2"; fi
}

# what JSON: the one request sent, compared as parsed JSON.
req_is() {
    local why
    if why=$(python3 - "$T/requests" "$2" 2>&1 <<'EOF'
import json, sys
lines = open(sys.argv[1], "rb").read().split(b"\n")
if len(lines) != 2 or lines[1] != b"":
    sys.exit("want one request line, got %r" % lines)
got, want = json.loads(lines[0]), json.loads(sys.argv[2])
if got != want or any(type(got[k]) is not type(want[k]) for k in want):
    sys.exit("sent %s, want %s" % (lines[0].decode(), sys.argv[2]))
EOF
    ); then pass; else fail "$1: $why"; fi
}

no_req() {
    if [[ ! -s $T/requests ]]; then pass; else fail "$1: a request was sent: $(cat "$T/requests")"; fi
}

# what TEXT: a line of stdout (or stderr) contains TEXT.
out_has() {
    if grep -qF -- "$2" "$T/out"; then pass; else fail "$1: no '$2' in stdout"; fi
}
err_has() {
    if grep -qF -- "$2" "$T/err"; then pass; else fail "$1: no '$2' in stderr"; fi
}

# what: stdout is exactly what comes on stdin.
out_exact() {
    if diff -u - "$T/out" >"$T/diff"; then pass; else fail "$1: $(cat "$T/diff")"; fi
}

# what JSON: stdout parses to the same JSON.
json_is() {
    if python3 -c 'import json, sys; sys.exit(json.load(open(sys.argv[1])) != json.loads(sys.argv[2]))' \
        "$T/out" "$2" 2>"$T/pyerr"; then pass; else fail "$1: not $2 $(cat "$T/pyerr")"; fi
}

# what PYEXPR: true for d = the JSON on stdout.
json_ok() {
    if python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); sys.exit(0 if eval(sys.argv[2]) else 1)' \
        "$T/out" "$2" 2>"$T/pyerr"; then pass; else fail "$1: not true: $2 $(cat "$T/pyerr")"; fi
}

# ---- canned replies
DATA_STATS='{"counters":{"dhcp4_rx":1234,"drop_short":0,"tftp_rrq":56},"gauges":{"leases_bound":40,"tftp_sessions":3}}'
DATA_LEASES='{"leases":[
 {"family":4,"address":"10.0.0.5","mac":"52:54:00:aa:bb:01","state":"bound","expires_in":3600,"hostname":"n1","slot":"A"},
 {"family":6,"address":"fd00::5","plen":128,"duid":"000300015254","iaid":1,"type":"na","state":"bound","expires_in":7000,"slot":"A"},
 {"family":6,"address":"fd00:1::","plen":56,"duid":"000300015254","type":"pd","state":"bound"},
 {"family":4,"address":"10.0.0.6","hostname":"evil\u001b[2J","state":"offered"}]}'
DATA_SESSIONS='{"total":3,"sessions":[{"worker":1,"client":"10.0.0.5:2000","file":"ipxe.efi","sent":614400,"size":1228800,"blksize":1468,"window":16,"generation":3,"slot":"A","age_ms":1500}]}'
DATA_IMAGES='{"images":[{"slot":"A","name":"ipxe.efi","size":850528,"digest":"0123456789abcdef","refs":2},{"slot":"B","name":"boot.ipxe","size":300,"digest":"fedcba9876543210","refs":0}]}'
DATA_CANARY='{"on":true,"slot":"B","share":10.0,"group":"rack12","macs":["52:54:00:00:00:01","52:54:00:00:00:02"],"auto_rollback":{"max_error_rate":0.05,"min_samples":20}}'
DATA_SLOTS='{"active":"A","slots":[
 {"name":"A","state":"active","generation":3,"file":"/etc/bootfarm/a.yaml","loaded":"2026-11-22T10:00:00Z","images":3,"subnets":1,"hosts":4,"rules":2},
 {"name":"B","state":"empty"}],
 "canary":'$DATA_CANARY',
 "health":{"A":{"dhcp_acks":10,"dhcp_naks":0,"tftp_done":9,"tftp_aborted":1,"error_rate":0.1}}}'
DATA_DIFF='{"from":"A","to":"B","changes":[
 {"kind":"image","op":"changed","name":"ipxe.efi","detail":"size 100 -> 120, digest a1.. -> b2.."},
 {"kind":"host","op":"added","name":"n7"},
 {"kind":"rule","op":"removed","name":"bios","detail":"arch 0"}]}'
DATA_WHERE='{"mac":"52:54:00:12:34:56","slot":"A",
 "dhcp":{"family":4,"last_msg":"REQUEST","last_reply":"ACK","ago_s":12,"address":"10.0.0.5","boot_file":"ipxe.efi","rule":"efi","reason":"arch 7 matched rule efi"},
 "tftp":{"file":"ipxe.efi","sent":100,"size":200,"state":"in progress"}}'

ok() { printf '{"ok":true,"data":%s}' "$1"; }
serve main "{
 \"stats\": $(ok "$DATA_STATS"),
 \"leases\": $(ok "$DATA_LEASES"),
 \"release\": $(ok '{"released":2}'),
 \"sessions\": $(ok "$DATA_SESSIONS"),
 \"images\": $(ok "$DATA_IMAGES"),
 \"slots\": $(ok "$DATA_SLOTS"),
 \"stage\": $(ok '{"slot":"B","generation":5}'),
 \"switch\": $(ok '{"active":"B","generation":5}'),
 \"rollback\": $(ok '{"active":"A","generation":3}'),
 \"diff\": $(ok "$DATA_DIFF"),
 \"canary\": $(ok "$DATA_CANARY"),
 \"where\": $(ok "$DATA_WHERE")}"
# The same commands answered otherwise: refusals, empty data, sparse data.
serve other '{
 "stats": {"ok":false,"error":"statistics are resting"},
 "stage": {"ok":false,"error":"/etc/bootfarm/b.yaml:12:5: unknown key \"imgaes\""},
 "release": {"ok":false},
 "leases": {"ok":true,"data":{"leases":[]}},
 "diff": {"ok":true,"data":{"from":"A","to":"B","changes":[]}},
 "canary": {"ok":true,"data":{"on":false}},
 "sessions": {"ok":true},
 "where": {"ok":true,"data":{"mac":"52:54:00:12:34:56","seen":false}},
 "images": "this is not json\n",
 "slots": "{\"ok\":true,\"data\":{}",
 "switch": "@stall"}'
# Variants a daemon may send: DHCPv6 with no reply yet, a TFTP error code,
# tftp_failed for tftp_aborted, a rollback's result text, a v6 lease with a MAC.
serve alt '{
 "where": {"ok":true,"data":{"mac":"52:54:00:12:34:56","seen":true,"slot":"B",
   "dhcp":{"family":6,"last_msg":"SOLICIT","ago_s":4000,"rule":"none","reason":"no boot rule matched"},
   "tftp":{"file":"boot.ipxe","sent":0,"state":"aborted","error":1},
   "last_error":"tftp: boot.ipxe: client sent ERROR 1"}},
 "slots": {"ok":true,"data":{"active":"A","slots":[],"health":{"B":{"dhcp_acks":1,"dhcp_naks":0,"tftp_done":0,"tftp_failed":3,"error_rate":0.75}}}},
 "rollback": {"ok":true,"data":{"active":"A","generation":3,"result":"canary error rate 75% over 4 samples"}},
 "leases": {"ok":true,"data":{"leases":[{"family":6,"address":"fd00::9","mac":"52:54:00:aa:bb:09","duid":"00010001aabb","state":"bound"}]}}}'
# A lease list of megabytes: the client's buffer must grow past its first 64 KiB.
python3 - "$T/big.json" <<'EOF'
import json, sys
leases = [{"family": 4, "address": "10.%d.%d.%d" % (i >> 16, (i >> 8) & 255, i & 255),
           "mac": "52:54:00:%02x:%02x:%02x" % (i >> 16, (i >> 8) & 255, i & 255),
           "state": "bound", "expires_in": i, "hostname": "node-%06d" % i, "slot": "A"}
          for i in range(30000)]
json.dump({"leases": {"ok": True, "data": {"leases": leases}}}, open(sys.argv[1], "w"))
EOF
serve big "$(cat "$T/big.json")"

# ---- 1. stats
ctl main stats
rc_is stats 0
req_is stats '{"cmd":"stats"}'
out_exact stats <<'EOF'
leases_bound   40
tftp_sessions  3

dhcp4_rx       1234
tftp_rrq       56
EOF
ctl main stats --all
out_has "stats --all" "drop_short     0"
ctl main --json stats
rc_is "stats --json" 0
json_is "stats --json" "$DATA_STATS"
ctl main stats --bogus
rc_is "stats --bogus" 2
no_req "stats --bogus"

# ---- 2. leases
ctl main leases
rc_is leases 0
req_is leases '{"cmd":"leases"}'
out_has leases "ADDRESS"
out_has leases "MAC/DUID"
out_has leases "HOSTNAME"
if grep -Eq '^10\.0\.0\.5 +52:54:00:aa:bb:01 +bound +1 h 0 min +n1 +A$' "$T/out"; then pass; else fail "leases: v4 row"; fi
if grep -Eq '^fd00::5 +000300015254 +bound +1 h 56 min +- +A$' "$T/out"; then pass; else fail "leases: v6 row"; fi
out_has "leases: prefix length" "fd00:1::/56"
out_has "leases: control characters neutralised" "evil?[2J"
if ! grep -q $'\e' "$T/out"; then pass; else fail "leases: an escape reached the terminal"; fi
ctl main leases --mac 52-54-00-AA-BB-01
req_is "leases --mac" '{"cmd":"leases","mac":"52:54:00:aa:bb:01"}'
ctl main leases --ip=FD00:0:0::0005
req_is "leases --ip" '{"cmd":"leases","ip":"fd00::5"}'
ctl main leases --ip 10.0.0.5
req_is "leases --ip v4" '{"cmd":"leases","ip":"10.0.0.5"}'
ctl main leases --duid 00:03:00:01:52:54:00:AA:BB:01
req_is "leases --duid" '{"cmd":"leases","duid":"00030001525400aabb01"}'
ctl main --json leases
json_is "leases --json" "$DATA_LEASES"
for bad in "--mac 52:54:00:aa:bb" "--mac 52:54:00:aa:bb:zz" "--ip 10.0.0.256" "--duid 0x12" \
    "--duid 123" "--mac 52:54:00:aa:bb:01 --ip 10.0.0.5" "--mac" "--foo 1"; do
    # shellcheck disable=SC2086 # split on purpose
    ctl main leases $bad
    rc_is "leases $bad" 2
    no_req "leases $bad"
done
ctl alt leases
if grep -Eq '^fd00::9 +00010001aabb +bound' "$T/out"; then pass; else fail "leases: v6 shows its DUID"; fi
ctl other leases
rc_is "leases (none)" 0
out_exact "leases (none)" <<<"no leases"
ctl big leases
rc_is "leases (30000)" 0
if [[ $(wc -l <"$T/out") == 30001 ]]; then pass; else fail "leases (30000): $(wc -l <"$T/out") lines"; fi
out_has "leases (30000)" "node-029999"
ctl big --json leases
json_ok "leases --json (30000)" 'len(d["leases"]) == 30000 and d["leases"][-1]["hostname"] == "node-029999"'

# ---- 3. release
ctl main release --ip 10.0.0.5
rc_is release 0
req_is release '{"cmd":"release","ip":"10.0.0.5"}'
out_exact release <<<"released 2 lease(s)"
ctl main release
rc_is "release (no selector)" 2
no_req "release (no selector)"
err_has "release (no selector)" "--mac M, --ip A or --duid HEX"
ctl other release --mac 52:54:00:aa:bb:01
rc_is "release refused, no reason" 1
err_has "release refused, no reason" "bootfarmctl: request failed"

# ---- 4. sessions
ctl main sessions
rc_is sessions 0
req_is sessions '{"cmd":"sessions"}'
if grep -Eq '^1 +10\.0\.0\.5:2000 +ipxe\.efi +600\.0 KiB +1\.2 MiB +50% +1468 +16 +A +3 +1\.5 s$' "$T/out"; then
    pass
else
    fail "sessions: row"
fi
out_has sessions "(1 of 3 transfers listed)"
ctl main --json sessions
json_is "sessions --json" "$DATA_SESSIONS"
ctl main sessions extra
rc_is "sessions extra" 2
no_req "sessions extra"
ctl other sessions
rc_is "sessions (no data)" 0
out_exact "sessions (no data)" <<<"no TFTP transfers"

# ---- 5. images
ctl main images
rc_is images 0
req_is images '{"cmd":"images"}'
if grep -Eq '^A +ipxe\.efi +830\.6 KiB +0123456789abcdef +2$' "$T/out"; then pass; else fail "images: row"; fi
if grep -Eq '^B +boot\.ipxe +300 B +fedcba9876543210 +0$' "$T/out"; then pass; else fail "images: small"; fi
ctl main --json images
json_is "images --json" "$DATA_IMAGES"

# ---- 6. slots
ctl main slots
rc_is slots 0
req_is slots '{"cmd":"slots"}'
if grep -Eq '^A +active +3 +3 +1 +4 +2 +2026-11-22T10:00:00Z +/etc/bootfarm/a\.yaml$' "$T/out"; then
    pass
else
    fail "slots: slot A"
fi
if grep -Eq '^B +empty( +-)+$' "$T/out"; then pass; else fail "slots: empty slot B"; fi
out_has slots "canary    on (slot B)"
out_has slots "macs      52:54:00:00:00:01, 52:54:00:00:00:02"
out_has slots "rollback  automatic above 5% errors (at least 20 samples)"
if grep -Eq '^A +10 +0 +9 +1 +10\.0%$' "$T/out"; then pass; else fail "slots: health"; fi
ctl alt slots
if grep -Eq '^B +1 +0 +0 +3 +75\.0%$' "$T/out"; then pass; else fail "slots: health with tftp_failed"; fi
ctl main --json slots
json_is "slots --json" "$DATA_SLOTS"

# ---- 7. stage: the path goes absolute; the daemon's file:line:column error is printed bare
mkdir -p "$T/etc/sub"
touch "$T/etc/b.yaml"
cd "$T/etc/sub"
ctl main stage ../b.yaml
rc_is stage 0
req_is stage "{\"cmd\":\"stage\",\"file\":\"$T/etc/b.yaml\"}"
out_exact stage <<<"staged ../b.yaml into slot B (generation 5)"
cd "$T/etc"
ctl main stage missing.yaml
cd "$BF_SRCDIR"
req_is "stage (no such file)" "{\"cmd\":\"stage\",\"file\":\"$T/etc/missing.yaml\"}"
ctl main stage /nowhere/x.yaml
req_is "stage (absolute, no such file)" '{"cmd":"stage","file":"/nowhere/x.yaml"}'
ctl other stage "$T/etc/b.yaml"
rc_is "stage refused" 1
if [[ $(cat "$T/err") == '/etc/bootfarm/b.yaml:12:5: unknown key "imgaes"' ]]; then
    pass
else
    fail "stage refused: error not printed as is"
fi
ctl main stage
rc_is "stage (no file)" 2
no_req "stage (no file)"

# ---- 8. switch, rollback
ctl main switch
rc_is switch 0
req_is switch '{"cmd":"switch"}'
out_exact switch <<<"switched to slot B (generation 5)"
ctl main rollback
req_is rollback '{"cmd":"rollback"}'
out_exact rollback <<<"rolled back to slot A (generation 3)"
ctl alt rollback
out_exact "rollback with a result" <<'EOF'
rolled back to slot A (generation 3)
canary error rate 75% over 4 samples
EOF
ctl main --json rollback
json_is "rollback --json" '{"active": "A", "generation": 3}'

# ---- 9. diff
ctl main diff
rc_is diff 0
req_is diff '{"cmd":"diff"}'
out_exact diff <<'EOF'
slot A -> slot B: 3 change(s)
~ image ipxe.efi: size 100 -> 120, digest a1.. -> b2..
+ host n7
- rule bios: arch 0
EOF
ctl other diff
out_exact "diff (none)" <<<"slot A -> slot B: no differences"

# ---- 10. canary
ctl main canary share 10
rc_is "canary share" 0
req_is "canary share" '{"cmd":"canary","share":10.0}'
out_has "canary share" "share     10%"
ctl main canary share 12.5%
req_is "canary share %" '{"cmd":"canary","share":12.5}'
ctl main canary share 100 --auto-rollback 0.05:20
req_is "canary share + auto-rollback" \
    '{"cmd":"canary","share":100.0,"auto_rollback":{"max_error_rate":0.05,"min_samples":20}}'
ctl main canary group rack12 --auto-rollback=0.1
req_is "canary group + auto-rollback rate only" \
    '{"cmd":"canary","group":"rack12","auto_rollback":{"max_error_rate":0.1}}'
ctl main canary macs 52:54:00:00:00:01,52-54-00-00-00-0A
req_is "canary macs" '{"cmd":"canary","macs":["52:54:00:00:00:01","52:54:00:00:00:0a"]}'
ctl main canary clear
req_is "canary clear" '{"cmd":"canary","clear":true}'
ctl main canary
rc_is canary 0
req_is canary '{"cmd":"canary"}'
out_exact canary <<'EOF'
canary    on (slot B)
share     10%
group     rack12
macs      52:54:00:00:00:01, 52:54:00:00:00:02
rollback  automatic above 5% errors (at least 20 samples)
EOF
ctl main --json canary
json_is "canary --json" "$DATA_CANARY"
ctl other canary
out_exact "canary (off)" <<'EOF'
canary    off
rollback  manual
EOF
for bad in "share 0" "share 101" "share -5" "share abc" "share 10%%" "share nan" "share" \
    "macs 52:54:00:00:00:01,,52:54:00:00:00:02" "macs 52:54:00:00:00:0g" "macs" \
    "share 10 --auto-rollback 1.5" "share 10 --auto-rollback 0.05:0" \
    "share 10 --auto-rollback 0.05:x" "share 10 --auto-rollback 1" "share 10 --auto-rollback :20" "--auto-rollback 0.05" \
    "clear share 10" "share 10 share 20" "bogus 1" "group"; do
    # shellcheck disable=SC2086 # split on purpose
    ctl main canary $bad
    rc_is "canary $bad" 2
    no_req "canary $bad"
done

# ---- 11. where
ctl main where 52-54-00-12-34-56
rc_is where 0
req_is where '{"cmd":"where","mac":"52:54:00:12:34:56"}'
out_exact where <<'EOF'
52:54:00:12:34:56  slot A
  DHCP   REQUEST -> ACK 12 s ago, address 10.0.0.5
  boot   ipxe.efi (rule efi: arch 7 matched rule efi)
  TFTP   ipxe.efi 100/200 bytes (50%), in progress
  error  -
EOF
ctl main --json where 52:54:00:12:34:56
json_is "where --json" "$DATA_WHERE"
ctl other where 52:54:00:12:34:56
out_exact "where (never seen)" <<'EOF'
52:54:00:12:34:56  not seen
  DHCP   -
  boot   -
  TFTP   -
  error  -
EOF
ctl alt where 52:54:00:12:34:56
out_exact "where (DHCPv6, no reply, TFTP error)" <<'EOF'
52:54:00:12:34:56  slot B
  DHCPv6 SOLICIT -> no reply 1 h 6 min ago
  boot   - (rule none: no boot rule matched)
  TFTP   boot.ipxe 0 bytes, aborted, error: 1
  error  tftp: boot.ipxe: client sent ERROR 1
EOF
for bad in "" "52:54:00:12:34" "52:54:00:12:34:56:78" "52:54:00:12:34:56 x" "5254.0012.3456"; do
    # shellcheck disable=SC2086 # split on purpose
    ctl main where $bad
    rc_is "where '$bad'" 2
    no_req "where '$bad'"
done

# ---- 12. help, version, usage errors
ctl main --help
rc_is --help 0
out_has --help "usage: bootfarmctl"
out_has --help "canary [share P[%]]"
ctl main -h
rc_is -h 0
ctl main --version
rc_is --version 0
out_exact --version <<<"bootfarmctl 0.1"
ctl main frobnicate
rc_is "unknown command" 2
err_has "unknown command" "unknown command 'frobnicate'"
err_has "unknown command" "usage: bootfarmctl"
no_req "unknown command"
ctl main
rc_is "no command" 2
err_has "no command" "usage: bootfarmctl"
ctl main --frob stats
rc_is "unknown option" 2
no_req "unknown option"
ctl main --timeout x stats
rc_is "bad --timeout" 2

# ---- errors from the daemon's side
ctl other stats
rc_is "ok:false" 1
if [[ $(cat "$T/err") == "bootfarmctl: statistics are resting" ]]; then pass; else fail "ok:false: message"; fi
if [[ ! -s $T/out ]]; then pass; else fail "ok:false: something on stdout"; fi
ctl other --json stats
rc_is "ok:false --json" 1
ctl other images
rc_is "malformed reply" 2
err_has "malformed reply" "malformed reply from $T/other.sock"
ctl other slots
rc_is "truncated reply" 2
err_has "truncated reply" "malformed reply"
ctl other --timeout 1 switch
rc_is "no reply in time" 2
err_has "no reply in time" "no answer within 1 s"
ctl nowhere stats
rc_is "no socket" 2
err_has "no socket" "cannot connect to $T/nowhere.sock: No such file or directory"
: >"$T/requests"
RC=0
BOOTFARM_SOCKET=$T/main.sock "$CTL" stats >"$T/out" 2>"$T/err" || RC=$?
rc_is "BOOTFARM_SOCKET" 0
req_is "BOOTFARM_SOCKET" '{"cmd":"stats"}'
RC=0
BOOTFARM_SOCKET=$T/main.sock "$CTL" --socket "$T/nowhere.sock" stats >"$T/out" 2>"$T/err" || RC=$?
rc_is "--socket beats BOOTFARM_SOCKET" 2

# A socket the caller may not open: only meaningful when not root, or as nobody.
serve locked '{}' 600
if [[ $(id -u) != 0 ]]; then
    ctl locked stats
elif command -v setpriv >/dev/null && setpriv --reuid=nobody --regid=nogroup --clear-groups true 2>/dev/null &&
    setpriv --reuid=nobody --regid=nogroup --clear-groups test -x "$CTL"; then
    RC=0
    setpriv --reuid=nobody --regid=nogroup --clear-groups \
        "$CTL" --socket "$T/locked.sock" stats >"$T/out" 2>"$T/err" || RC=$?
else
    echo "note: permission check skipped (root without setpriv, or the binary is not reachable as nobody)"
    RC=skip
fi
if [[ $RC != skip ]]; then
    rc_is "permission denied" 2
    err_has "permission denied" "Permission denied (the control socket is for root and bootfarmd's configured group)"
fi

echo "$CHECKS checks, $FAILS failed"
((FAILS == 0))
