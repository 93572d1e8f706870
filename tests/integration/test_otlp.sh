#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# OTLP/HTTP export to a receiver that decodes each request with the OTLP
# .proto files (otlp_receiver.py, otlp_check.py): spans of curl's requests
# to nginx, the agent's metrics and its events as logs. Then a receiver
# that answers 503 for a while: nothing within the queue's bound is lost,
# and with a queue of one batch what did not fit is counted.
. "$(dirname "$0")/lib.sh"
RECV=tests/integration/otlp_receiver.py
CHECK=tests/integration/otlp_check.py
# One copy for every build (plain and ASan): npm pack is a network fetch.
PROTOS=${OTLP_PROTOS:-build/otlp-protos}

require_collector l7
command -v nginx >/dev/null || { t_fail "nginx is not installed (make deps)"; exit 1; }
$PY -c 'import google.protobuf' 2>/dev/null || { t_fail "python3-protobuf is not installed (make deps)"; exit 1; }
scripts/otlp-protos.sh "$PROTOS" >"$T/protos.log" 2>&1 ||
	{ t_fail "cannot compile the OTLP protos: $(cat "$T/protos.log")"; exit 1; }

# The agent's exit status (non-zero under ASan on a leak) and its log.
stop_agent_checked() { # what
	stop_agent
	if [ "$AGENT_RC" = 0 ] && ! grep -qE 'runtime error|Sanitizer' "$T/agent.err"; then
		t_ok "$1: agent exited cleanly"
	else
		t_fail "$1: agent exit status $AGENT_RC: $(grep -E 'runtime error|Sanitizer|error' "$T/agent.err" | head -5)"
	fi
}

RPID=
start_receiver() { # OUT [--fail-for S]
	rm -f "$T/rport"
	$PY $RECV "$PROTOS/py" "$T/rport" "$@" 2>"$T/receiver.err" &
	RPID=$!
	for _ in $(seq 100); do [ -s "$T/rport" ] && break; sleep 0.05; done
	RPORT=$(cat "$T/rport")
}
stop_receiver() { [ -n "$RPID" ] && kill "$RPID" 2>/dev/null && wait "$RPID" 2>/dev/null; RPID=; }

NPORT=$(free_port)
mkdir -p "$T/www"
printf 'hello from nginx\n' >"$T/www/small.txt"
start_nginx "	server { listen 127.0.0.1:$NPORT; root $T/www; }" || { t_fail "nginx did not start"; exit 1; }
trap 'stop_nginx; stop_receiver; finish; exit $?' EXIT
U=http://127.0.0.1:$NPORT

# ---- everything, to a receiver that takes it ----
start_receiver "$T/got.jsonl"
HDRSECRET=sondeHDRsecret
start_agent -C proc,l7 --events '' --otlp-endpoint "http://127.0.0.1:$RPORT" --otlp-flush-ms 200 \
	--otlp-metrics-interval 1 --otlp-headers "x-sonde-tenant=t%201,authorization=Bearer%20$HDRSECRET" ||
	{ t_fail "agent did not start"; exit 1; }
grep -q "otlp: sending traces,metrics,logs" "$T/agent.err" && t_ok "exporter started" ||
	t_fail "no exporter: $(cat "$T/agent.err")"
N=6
TRACE=4bf92f3577b34da6a3ce929d0e0e4736 PARENT=00f067aa0ba902b7 SECRET=sondeOTLPsecretToken
# The header from a file: on curl's command line it would be in its exec event.
printf 'Authorization: Bearer %s\n' "$SECRET" >"$T/auth"
for i in $(seq $((N - 1))); do
	curl -s -o /dev/null -H @"$T/auth" "$U/small.txt" || t_fail "curl $i"
done
curl -s -o /dev/null -H "traceparent: 00-$TRACE-$PARENT-01" "$U/small.txt" || t_fail "curl traceparent"
curl -s -o /dev/null "$U/missing" || t_fail "curl 404"
cp /bin/true "$T/sonde-otlp-probe" && "$T/sonde-otlp-probe" a1 b2
sleep 2	# a metrics export after the requests, and the batches out
scrape || t_fail "scrape"
sent=$(metric 'sonde_otlp_items_total{signal="traces",outcome="sent"}')
[ "$sent" != absent ] && [ "$sent" -ge $((2 * N + 2)) ] && t_ok "sonde_otlp_items_total{traces,sent} = $sent" ||
	t_fail "sonde_otlp_items_total{traces,sent} = $sent, want >= $((2 * N + 2))"
curl -sf "http://127.0.0.1:$PORT/api/status" | $PY -c '
import json, sys
o = json.load(sys.stdin)["otlp"]
assert o["sent"]["traces"] > 0 and o["queued"] == 0 and o["last_error"] == "", o
print(o)' >"$T/status" 2>&1 && t_ok "status shows the exporter: $(cut -c1-120 "$T/status")" ||
	t_fail "status: $(cat "$T/status")"
"$SONDE" status --listen "127.0.0.1:$PORT" >"$T/status.txt" 2>&1
grep -q "^otlp: http://127.0.0.1:$RPORT (traces,metrics,logs): 0/256 batches queued" "$T/status.txt" &&
	t_ok "sonde status: $(grep '^otlp:' "$T/status.txt")" || t_fail "sonde status: $(cat "$T/status.txt")"
stop_agent_checked "all signals"
stop_receiver
relay $PY $CHECK full "$T/got.jsonl" "$NPORT" "$N" "$TRACE" "$PARENT" "$SECRET" sonde-otlp-probe
# otlp.headers: on every request, decoded; the value in no log or status.
if $PY -c '
import json, sys
reqs = [json.loads(l) for l in open(sys.argv[1])]
h = [{k.lower(): v for k, v in r["headers"].items()} for r in reqs]
assert h and all(x.get("x-sonde-tenant") == "t 1" and x.get("authorization") == "Bearer " + sys.argv[2]
                 for x in h), h[:1]' "$T/got.jsonl" "$HDRSECRET" 2>"$T/hdr.err"; then
	t_ok "otlp.headers sent with every request"
else
	t_fail "otlp.headers: $(tail -2 "$T/hdr.err")"
fi
curl -s "http://127.0.0.1:$PORT/api/status" "http://127.0.0.1:$PORT/api/status.txt" >"$T/status.all"
grep -q "$HDRSECRET" "$T/agent.err" "$T/agent.out" "$T/status.all" &&
	t_fail "an otlp.headers value in the agent's log or status" || t_ok "otlp.headers values in no log or status"

# ---- a receiver that answers 503 for 4 s ----
# Only nginx's side is traced (--comm): the spans made are the requests made.
M=30
start_receiver "$T/got503.jsonl" --fail-for 4
start_agent -C l7 --comm nginx --events '' --otlp-endpoint "127.0.0.1:$RPORT" --otlp-signals traces \
	--otlp-flush-ms 100 --otlp-batch-events 5 || { t_fail "agent did not start"; exit 1; }
for i in $(seq $M); do curl -s -o /dev/null "$U/small.txt"; sleep 0.05; done
for _ in $(seq 100); do
	got=$($PY $CHECK count "$T/got503.jsonl" "$NPORT" /small.txt)
	[ "$got" -ge $M ] && break
	sleep 0.1
done
scrape || t_fail "scrape"
n503=$(grep -c '"status": 503' "$T/got503.jsonl")
retries=$(metric 'sonde_otlp_retries_total{signal="traces"}')
[ "$got" = $M ] && [ "$n503" -gt 0 ] && [ "$retries" -ge "$n503" ] &&
	t_ok "after $n503 answers of 503 ($retries retries), all $M spans arrived, once each" ||
	t_fail "503 then 200: $got of $M spans, $n503 answers of 503, $retries retries"
v=$(metric 'sonde_otlp_requests_total{signal="traces",status="503"}')
[ "$v" = "$n503" ] && t_ok "sonde_otlp_requests_total{status=503} = $v" || t_fail "requests{503} = $v, want $n503"
v=$(metric 'sonde_otlp_items_total{signal="traces",outcome="dropped_queue_full"}')
[ "$v" = 0 ] && t_ok "nothing dropped within the queue's bound" || t_fail "dropped_queue_full = $v"
stop_agent_checked "503 then 200"
stop_receiver

# ---- the same with a queue of one batch of one span: drops, counted ----
start_receiver "$T/gottiny.jsonl" --fail-for 3
start_agent -C l7 --comm nginx --events '' --otlp-endpoint "127.0.0.1:$RPORT" --otlp-signals traces \
	--otlp-flush-ms 10 --otlp-batch-events 1 --otlp-queue-batches 1 || { t_fail "agent did not start"; exit 1; }
for i in $(seq $M); do curl -s -o /dev/null "$U/small.txt"; sleep 0.02; done
sleep 4.5	# past the failures and a retry
scrape || t_fail "scrape"
sent=$(metric 'sonde_otlp_items_total{signal="traces",outcome="sent"}')
dropped=$(metric 'sonde_otlp_items_total{signal="traces",outcome="dropped_queue_full"}')
rejected=$(metric 'sonde_otlp_items_total{signal="traces",outcome="rejected"}')
got=$($PY $CHECK count "$T/gottiny.jsonl" "$NPORT" /small.txt)
[ "$dropped" -gt 0 ] && [ $((sent + dropped + rejected)) = $M ] && [ "$got" = "$sent" ] &&
	t_ok "queue of one: $sent sent (and received) + $dropped dropped_queue_full = $M made" ||
	t_fail "queue of one: sent $sent, dropped $dropped, rejected $rejected, received $got, made $M"
stop_agent_checked "queue of one"
stop_receiver

# ---- nothing listening at first: connection errors are retried ----
RPORT=$(free_port)
start_agent -C l7 --comm nginx --events '' --otlp-endpoint "127.0.0.1:$RPORT" --otlp-signals traces \
	--otlp-flush-ms 100 || { t_fail "agent did not start"; exit 1; }
for i in $(seq 5); do curl -s -o /dev/null "$U/small.txt"; done
sleep 1.5
start_receiver "$T/gotlate.jsonl" --port "$RPORT"
for _ in $(seq 100); do
	got=$($PY $CHECK count "$T/gotlate.jsonl" "$NPORT" /small.txt)
	[ "$got" -ge 5 ] && break
	sleep 0.1
done
scrape || t_fail "scrape"
v=$(metric 'sonde_otlp_requests_total{signal="traces",status="error"}')
[ "$got" = 5 ] && [ "$v" != absent ] && [ "$v" -gt 0 ] &&
	t_ok "a receiver that came up late got all 5 spans, after $v connection errors" ||
	t_fail "late receiver: $got of 5 spans, $v connection errors"
grep -q "otlp: cannot reach 127.0.0.1:$RPORT" "$T/agent.err" && t_ok "the connection error is logged" ||
	t_fail "no log of the connection error: $(grep otlp "$T/agent.err")"
stop_agent_checked "late receiver"
stop_receiver

# ---- a receiver that refuses: rejected, counted and logged ----
start_receiver "$T/gotrej.jsonl" --reject
start_agent -C l7 --comm nginx --events '' --otlp-endpoint "127.0.0.1:$RPORT" --otlp-signals traces \
	--otlp-flush-ms 100 || { t_fail "agent did not start"; exit 1; }
for i in $(seq 3); do curl -s -o /dev/null "$U/small.txt"; done
sleep 1
scrape || t_fail "scrape"
v=$(metric 'sonde_otlp_items_total{signal="traces",outcome="rejected"}')
r=$(metric 'sonde_otlp_retries_total{signal="traces"}')
[ "$v" = 3 ] && [ "$r" = 0 ] && t_ok "HTTP 400: 3 spans rejected, not retried" ||
	t_fail "HTTP 400: rejected $v, retries $r"
grep -q "with HTTP 400: sonde test: rejected" "$T/agent.err" && t_ok "the rejection is logged with the answer's start" ||
	t_fail "no log of the rejection: $(grep otlp "$T/agent.err")"
stop_agent_checked "refusing receiver"
stop_receiver
stop_nginx
