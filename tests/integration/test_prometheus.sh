#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# A real Prometheus server scrapes the agent; PromQL returns the workload's count.
. "$(dirname "$0")/lib.sh"

command -v prometheus >/dev/null || { t_skip "prometheus not installed (scripts/deps.sh installs it)"; exit 0; }
# Every call timed: the quantile below must not depend on a latency window.
start_agent --syscalls-latency-sample 1 || { t_fail "agent start"; exit 1; }
PPORT=$(free_port)
cat >"$T/prom.yml" <<YAML
global: { scrape_interval: 1s }
scrape_configs:
  - job_name: sonde
    static_configs: [ { targets: ["127.0.0.1:$PORT"] } ]
YAML
prometheus --config.file="$T/prom.yml" --storage.tsdb.path="$T/tsdb" \
	--web.listen-address="127.0.0.1:$PPORT" >"$T/prom.log" 2>&1 &
PROM=$!
trap 'kill $PROM 2>/dev/null; wait $PROM 2>/dev/null; finish; exit $?' EXIT
"$LOAD" getppid 7777
q='sum(sonde_syscalls_total{syscall="getppid",comm="sonde-sysload"})'
val=
for _ in $(seq 60); do
	val=$(curl -sf --get "http://127.0.0.1:$PPORT/api/v1/query" --data-urlencode "query=$q" |
		$PY -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "")' 2>/dev/null)
	[ -n "$val" ] && break
	sleep 0.5
done
[ "$val" = 7777 ] && t_ok "PromQL $q = $val" || t_fail "PromQL $q = '$val' (want 7777); $(tail -3 "$T/prom.log")"
up=$(curl -sf --get "http://127.0.0.1:$PPORT/api/v1/query" --data-urlencode 'query=up{job="sonde"}' |
	$PY -c 'import json,sys; print(json.load(sys.stdin)["data"]["result"][0]["value"][1])' 2>/dev/null)
[ "$up" = 1 ] && t_ok "target up" || t_fail "target up = '$up'"
h=$(curl -sf --get "http://127.0.0.1:$PPORT/api/v1/query" \
	--data-urlencode 'query=histogram_quantile(0.5, sum by (le) (sonde_syscall_duration_seconds_bucket{syscall="getppid"}))' |
	$PY -c 'import json,sys; print(json.load(sys.stdin)["data"]["result"][0]["value"][1])' 2>/dev/null)
awk -v h="$h" 'BEGIN { exit !(h > 0 && h < 0.01) }' && t_ok "histogram_quantile(0.5) of getppid = ${h}s" ||
	t_fail "histogram_quantile(0.5) of getppid = '$h'"
