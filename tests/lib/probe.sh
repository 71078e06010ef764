# shellcheck shell=bash
# Helpers for tests that talk DHCPv4 through tests/lib/dhcp4probe.py, sourced
# after the harness. The caller sets PROBE (the prober's path) and SMAC (the
# server's MAC) and has a topology (BF_NS_C, BF_IF_C) and a run dir (BF_RUN).

# probe NAME ARGS...: send one message from C; the replies (JSON lines) go to
# $BF_RUN/NAME.json. The probe itself failing makes every later check moot.
# It listens BF_PROBE_LISTEN_MS (1.5 s; a later --listen-ms wins): on a loaded
# two-core machine a reply has been seen to take longer than 1 s.
probe() {
	local name=$1 rc=0
	shift
	timeout 30 ip netns exec "$BF_NS_C" python3 "$PROBE" --iface "$BF_IF_C" \
		--server-mac "$SMAC" --listen-ms "${BF_PROBE_LISTEN_MS:-1500}" "$@" \
		>"$BF_RUN/$name.json" 2>"$BF_RUN/$name.err" || rc=$?
	sed "s/^/  [$name] /" "$BF_RUN/$name.err"
	[[ $rc -eq 0 ]] || bf_die "dhcp4probe.py ($name) failed (exit $rc)"
}

# rq NAME EXPR: a Python expression over r (NAME's replies, a list of dicts)
# and d (the first reply's DHCP message, {} if none). Prints the value
# (lists comma separated, booleans true/false, None as nothing); an error
# prints "no reply" or "ERROR: ..." so the check using it fails readably
# instead of aborting the script.
rq() {
	python3 - "$BF_RUN/$1.json" "$2" <<-'EOF'
	import json, sys
	r = [json.loads(x) for x in open(sys.argv[1]) if x.strip()]
	d = r[0]["dhcp"] if r else {}
	o = d.get("options", {})
	try:
	    v = eval(sys.argv[2])
	except Exception as e:
	    v = "ERROR: %s: %s" % (type(e).__name__, e) if r else "no reply"
	if isinstance(v, bool):
	    v = "true" if v else "false"
	elif v is None:
	    v = ""
	elif isinstance(v, (list, tuple)):
	    v = ",".join(str(x) for x in v)
	print(v)
	EOF
}

nreplies() { rq "$1" 'len(r)'; }
# Field of the first reply: f NAME eth_dst | ip_src | sport ...; df: in the DHCP message.
f() { rq "$1" "r[0]['$2'] if r else 'no reply'"; }
df() { rq "$1" "d['$2'] if r else 'no reply'"; }
# Option CODE of the first reply as hex ("" when absent).
opt() { rq "$1" "o.get('$2', '')"; }
# ... as a 32-bit number
opt_u32() { rq "$1" "int(o['$2'], 16) if len(o.get('$2', '')) == 8 else 'absent or not 4 bytes'"; }
hexs() { printf '%s' "$1" | od -An -tx1 | tr -d ' \n'; }
hexip() {
	local IFS=.
	# shellcheck disable=SC2086
	printf '%02x%02x%02x%02x' $1
}

# The reply is exactly one message of the given type.
one_reply() {
	bf_check_eq "$2: exactly one reply" 1 "$(nreplies "$1")"
	bf_check_eq "$2: message type (53)" "$3" "$(df "$1" msg_type)"
}

# A reply that must not come: listen, then count.
no_reply() {
	bf_check_eq "$2: no reply" 0 "$(nreplies "$1")"
}

# Fresh locally administered MACs for clients that must not share state.
new_mac() { bf_random_mac; }

counter() { bf_counter "$1"; }
