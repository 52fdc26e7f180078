#!/usr/bin/env bash
# Scale-out on Prometheus (issue 16): 20 exporters, one per vantage point, on 127.0.1.1 to
# 127.0.1.20 at port 9867 (given explicitly); a real Prometheus finds them through the file_sd
# list that `check_veeam_ports --print-prometheus-sd` makes from the same target file, and must
# see all of them up with every flow; a second real Prometheus federating from the first
# (/federate, honor_labels) must see every instance and flow too.
# The shipped dashboard's panels, narrowed to each instance in turn, return data for all 20.
# Usage: scale_out_test.sh CHECK EXPORTER LISTENER SOURCE_DIR
set -euo pipefail
check=$1
exporter=$2
listener=$3
dashboard=$4/dashboards/grafana/veeam-ports.json
source "$(dirname "$0")/lib.sh"

need prometheus prometheus
need jq jq
need curl curl

exporters=20
exporter_port=9867
start_listener "$listener"
site_port=${FREE_PORTS[0]}
global_port=${FREE_PORTS[1]}

hosts=$(seq -s ', ' -f '127.0.1.%g' 1 "$exporters")
cat >"$STACK_TMP/targets.yaml" <<YAML
defaults: {timeout: 1s, interval: 1s}
roles:
  agent: {hosts: [$hosts]}
  backup_server: {hosts: [127.0.0.1]}
  web_console: {hosts: [127.0.1.1]}
flows:
  - {name: agent-to-backup-server, from: agent, to: backup_server, ports: [$OPEN_PORT]}
  # A service check for the dashboard's service panels: the first exporter's landing page.
  - {name: agent-to-web-console, from: agent, to: web_console, ports: [$exporter_port],
     check: http, interval: 5s}
  - {name: agent-to-repository, from: agent, to: backup_server, ports: [$REFUSED_PORT, ${FREE_PORTS[2]}],
     severity: warning}
YAML

"$check" --config "$STACK_TMP/targets.yaml" --role agent --print-prometheus-sd \
  --exporter-port "$exporter_port" >"$STACK_TMP/agents.json" || fail "--print-prometheus-sd failed"
[ "$(jq '.[0].targets | length' "$STACK_TMP/agents.json")" = "$exporters" ] ||
  fail "file_sd lists $(jq '.[0].targets | length' "$STACK_TMP/agents.json") targets, not $exporters"
jq -e '.[0].labels.role == "agent"' "$STACK_TMP/agents.json" >/dev/null || fail "no role label"

# One exporter per vantage point: each agent's own exporter, on its own address.
for k in $(seq 1 "$exporters"); do
  address=127.0.1.$k
  "$exporter" --config.file="$STACK_TMP/targets.yaml" --role=agent \
    --web.listen-address="$address:$exporter_port" \
    >"$STACK_TMP/exporter$k.out" 2>"$STACK_TMP/exporter$k.err" &
  track_pid $!
done
for k in $(seq 1 "$exporters"); do
  wait_for 30 curl -fsS "http://127.0.1.$k:$exporter_port/-/ready" ||
    fail "exporter $k not ready: $(cat "$STACK_TMP/exporter$k.err")"
done

start_prometheus() {  # start_prometheus NAME PORT: with $STACK_TMP/NAME.yml
  prometheus --config.file="$STACK_TMP/$1.yml" --storage.tsdb.path="$STACK_TMP/$1-tsdb" \
    --web.listen-address="127.0.0.1:$2" >"$STACK_TMP/$1.log" 2>&1 &
  track_pid $!
}
cat >"$STACK_TMP/site.yml" <<YAML
global: {scrape_interval: 1s, evaluation_interval: 1s}
scrape_configs:
  - job_name: veeam_ports
    file_sd_configs:
      - files: ['$STACK_TMP/agents.json']
        refresh_interval: 5s
YAML
cat >"$STACK_TMP/global.yml" <<YAML
global: {scrape_interval: 1s, evaluation_interval: 1s}
scrape_configs:
  - job_name: federate
    honor_labels: true
    metrics_path: /federate
    params:
      'match[]': ['{job="veeam_ports"}']
    static_configs:
      - targets: ['127.0.0.1:$site_port']
        labels: {site: test}
YAML
start_prometheus site "$site_port"
start_prometheus global "$global_port"

value() {  # value PORT PROMQL: the first result's value, or 0
  curl -sS --max-time 10 "http://127.0.0.1:$1/api/v1/query" --data-urlencode "query=$2" |
    jq -r '.data.result[0].value[1] // 0'
}
all_seen() {  # all_seen PORT: every exporter up (from its own scrape), every flow of each
  [ "$(value "$1" 'count(up{job="veeam_ports",role="agent"} == 1)')" = "$exporters" ] &&
    [ "$(value "$1" 'count(count by (instance) (veeam_flow_up{job="veeam_ports"}))')" = "$exporters" ] &&
    [ "$(value "$1" 'count(veeam_flow_up{job="veeam_ports",flow="agent-to-backup-server"} == 1)')" = "$exporters" ] &&
    [ "$(value "$1" 'count(veeam_flow_up{job="veeam_ports",flow="agent-to-repository"} == 0)')" = "$exporters" ] &&
    [ "$(value "$1" 'count(veeam_flow_service_info{job="veeam_ports",flow="agent-to-web-console",check="http"})')" = "$exporters" ]
}
wait_for 90 all_seen "$site_port" ||
  fail "the site Prometheus does not see all $exporters exporters and their flows:" \
    "up=$(value "$site_port" 'count(up == 1)')" \
    "instances=$(value "$site_port" 'count(count by (instance) (veeam_flow_up))')" \
    "$(tail -3 "$STACK_TMP/site.log")"
echo "ok: the site Prometheus scrapes $exporters exporters found through file_sd, every flow present"

wait_for 90 all_seen "$global_port" ||
  fail "the global Prometheus does not see all $exporters exporters through /federate:" \
    "instances=$(value "$global_port" 'count(count by (instance) (veeam_flow_up))')" \
    "$(tail -3 "$STACK_TMP/global.log")"
# honor_labels kept the exporters' own instance and job, not the site Prometheus's.
[ "$(value "$global_port" 'count(veeam_flow_up{instance="127.0.1.20:9867",site="test"})')" = 3 ] ||
  fail "federated series lost their instance label"
# The dashboard per instance (the panels that may be empty as in dashboard_queries_test.sh, and
# the job panels: these exporters read no Veeam export, so they publish no job).
may_be_empty='TLS certificate days left|Where failing flows stop (traces)|Jobs: ready now|Job readiness over time|Jobs: next run and pre-flight'
empty=0
queries=0
while IFS=$'\t' read -r title expr; do
  grep -qxF "$title" <<<"${may_be_empty//|/$'\n'}" && continue
  for k in $(seq 1 "$exporters"); do
    promql=$(printf '%s' "$expr" | base64 -d |
      sed -e "s/\\\$instance\b/127.0.1.$k:$exporter_port/g" \
        -e 's/\$__rate_interval/1m/g; s/\$__interval/15s/g; s/\$__range/5m/g' \
        -e 's/\$\(job\|from\|to\|target\)\b/.*/g')
    queries=$((queries + 1))
    answer=$(curl -sS --max-time 10 "http://127.0.0.1:$site_port/api/v1/query" --data-urlencode "query=$promql")
    if [ "$(jq '.data.result | length' <<<"$answer")" = 0 ]; then
      echo "NO DATA [$title] for 127.0.1.$k: $promql" >&2
      empty=$((empty + 1))
    fi
  done
done < <(jq -r '.panels[] | select(.type != "row") | .title as $t | .targets[] | [$t, (.expr | @base64)] | @tsv' "$dashboard")
[ "$empty" = 0 ] || fail "$empty of $queries per-instance dashboard queries returned no data"
echo "ok: $queries dashboard queries, each panel per instance, all with data"

echo "PASS: $exporters exporters through file_sd, all flows seen by the site and, federated, the global Prometheus"
