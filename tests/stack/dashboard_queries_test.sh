#!/usr/bin/env bash
# The Grafana dashboard against a real Prometheus scraping a real exporter on 127.0.0.1:
# every PromQL query of every panel (and of the template variables), with the variables
# substituted, must be valid through /api/v1/query, and every panel but the TLS one must return
# data (the test's flows have no TLS check). Also checks the dashboard's import conventions, and
# the example scrape config with promtool.
# Usage: dashboard_queries_test.sh EXPORTER LISTENER SOURCE_DIR
set -euo pipefail
exporter=$1
listener=$2
source_dir=$3
dashboard=$source_dir/dashboards/grafana/veeam-ports.json
source "$(dirname "$0")/lib.sh"

need prometheus prometheus
need promtool prometheus
need jq jq
need curl curl

# --- import conventions: Grafana 10+, fixed uid, no hard-coded data source ---
jq -e '.uid == "veeam-ports" and .schemaVersion >= 38' "$dashboard" >/dev/null ||
  fail "dashboard needs uid veeam-ports and schemaVersion >= 38"
bad=$(jq -r '[.. | objects | select(has("datasource")) | .datasource
              | select(type == "object" and .type == "prometheus" and .uid != "${datasource}")] | length' "$dashboard")
[ "$bad" = 0 ] || fail "$bad data source references are not \${datasource}"
for v in datasource job instance from to target; do
  jq -e --arg v "$v" '.templating.list | any(.name == $v)' "$dashboard" >/dev/null ||
    fail "template variable $v missing"
done
ids=$(jq '[.panels[].id] | length' "$dashboard")
unique=$(jq '[.panels[].id] | unique | length' "$dashboard")
[ "$ids" = "$unique" ] || fail "panel ids are not unique"

# --- the example scrape config, with its rule file pointed at the shipped one ---
sed "s|/etc/prometheus/rules/veeam-port-monitor.rules.yml|$source_dir/packaging/prometheus/veeam-port-monitor.rules.yml|" \
  "$source_dir/packaging/prometheus/prometheus.yml" >"$STACK_TMP/example.yml"
promtool check config "$STACK_TMP/example.yml" >"$STACK_TMP/check.out" 2>&1 ||
  fail "promtool check config packaging/prometheus/prometheus.yml: $(cat "$STACK_TMP/check.out")"

# --- a real exporter over real listeners, scraped every second ---
start_listener "$listener"
write_targets "$STACK_TMP/targets.yaml"
exporter_port=${FREE_PORTS[0]}
prometheus_port=${FREE_PORTS[1]}
# A flow with a service check, for the service panels: the exporter's own landing page answers
# the http check.
cat >>"$STACK_TMP/targets.yaml" <<YAML
  - name: agent-to-web-console
    from: agent
    to: backup_server
    ports: [$exporter_port]
    expect: open
    check: http
    severity: warning
YAML
# A Veeam Agent export with two jobs, for the jobs row: the repository job needs the refused
# flow (NOT READY) and starts every day 5 minutes from now on this machine's clock, so its
# pre-flight runs at once (inside the default 30-minute lead) and fails; the local-disk job
# needs no flow of this file (NOT READY too: nothing proves its path) and is started manually.
starts_at=$(date -d '+5 min' +%H:%M)
cat >"$STACK_TMP/agent.xml" <<XML
<?xml version="1.0" encoding="UTF-8"?>
<ExecutionResult ExitCode='0' Version='6.1.0.349'>
  <Data>
    <JobInfo ConfigId='00000000-0000-4000-8000-000000000001' JobName='Nightly to VBR'>
      <TargetInfo Type='3' ServerName='127.0.0.1' RemoteRepositoryName='Default Backup Repository'/>
      <ScheduleInfo RunManually='False'><DailyInfo Kind='0' Time='$starts_at'/></ScheduleInfo>
    </JobInfo>
    <JobInfo ConfigId='00000000-0000-4000-8000-000000000002' JobName='Local'>
      <TargetInfo Type='1' DriveName='D:' RelativePath='VeeamBackup'/>
    </JobInfo>
  </Data>
</ExecutionResult>
XML
chmod 600 "$STACK_TMP/agent.xml"
start_exporter "$exporter" "$STACK_TMP/targets.yaml" "$exporter_port" \
  --veeam.export-file="$STACK_TMP/agent.xml"

cat >"$STACK_TMP/prometheus.yml" <<YAML
global: {scrape_interval: 1s, evaluation_interval: 1s}
rule_files: ['$source_dir/packaging/prometheus/veeam-port-monitor.rules.yml']
scrape_configs:
  - job_name: veeam_ports
    static_configs:
      - targets: ['127.0.0.1:$exporter_port']
YAML
prometheus --config.file="$STACK_TMP/prometheus.yml" --storage.tsdb.path="$STACK_TMP/tsdb" \
  --web.listen-address="127.0.0.1:$prometheus_port" >"$STACK_TMP/prometheus.log" 2>&1 &
track_pid $!
api="http://127.0.0.1:$prometheus_port/api/v1"

query() {  # query PROMQL: the JSON answer of an instant query
  curl -sS --max-time 10 "$api/query" --data-urlencode "query=$1"
}
two_scrapes() {
  [ "$(query 'count_over_time(up{job="veeam_ports"}[1m])' | jq -r '.data.result[0].value[1] // 0')" -ge 2 ] &&
    [ "$(query 'count(veeam_flow_up)' | jq -r '.data.result[0].value[1] // 0')" -ge 3 ]
}
wait_for 60 two_scrapes || fail "Prometheus did not scrape the exporter twice: $(tail -5 "$STACK_TMP/prometheus.log")"
# The rules loaded and evaluate without error.
rules_health=$(curl -sS "$api/rules" | jq -r '[.data.groups[].rules[] | select(.health == "err")] | length')
[ "$rules_health" = 0 ] || fail "alert rules in error: $(curl -sS "$api/rules")"

# Grafana's variables: every multi-value variable as "All" (.*), intervals as Prometheus durations.
substitute() {
  sed -e 's/\$__rate_interval/1m/g; s/\$__interval/15s/g; s/\$__range/5m/g' \
    -e 's/\$\(job\|instance\|from\|to\|target\)\b/.*/g; s/\${\(job\|instance\|from\|to\|target\)[^}]*}/.*/g'
}

# The panels that may legitimately be empty here: no flow of the test has a TLS check, and on
# loopback there is no router for a trace to stop at (the traces' series are tested over a
# namespace chain in tests/exporter/flow_tracer_test.cc).
may_be_empty='TLS certificate days left|Where failing flows stop (traces)'

failures=0
checked=0
while IFS=$'\t' read -r title expr; do
  promql=$(printf '%s' "$expr" | base64 -d | substitute)
  answer=$(query "$promql")
  checked=$((checked + 1))
  if [ "$(jq -r .status <<<"$answer")" != success ]; then
    echo "INVALID [$title]: $promql -> $(jq -r .error <<<"$answer")" >&2
    failures=$((failures + 1))
  elif [ "$(jq '.data.result | length' <<<"$answer")" = 0 ] && ! grep -qxF "$title" <<<"${may_be_empty//|/$'\n'}"; then
    echo "NO DATA [$title]: $promql" >&2
    failures=$((failures + 1))
  else
    echo "ok [$title] $(jq -c '.data.result | length' <<<"$answer") series"
  fi
done < <(jq -r '.panels[] | select(.type != "row") | .title as $t | .targets[] | [$t, (.expr | @base64)] | @tsv' "$dashboard")

# Template variable queries: label_values(METRIC, LABEL) is the series API plus a label.
while IFS=$'\t' read -r name definition; do
  definition=$(printf '%s' "$definition" | base64 -d | substitute)
  [[ $definition =~ ^label_values\((.*),\ *([a-z_]+)\)$ ]] || fail "variable $name: unexpected query $definition"
  selector=${BASH_REMATCH[1]}
  label=${BASH_REMATCH[2]}
  values=$(curl -sS "$api/series" --data-urlencode "match[]=$selector" |
    jq -r --arg l "$label" '[.data[][$l] // empty] | unique | join(",")')
  checked=$((checked + 1))
  if [ -z "$values" ]; then
    echo "NO VALUES [variable $name]: $definition" >&2
    failures=$((failures + 1))
  else
    echo "ok [variable $name] $values"
  fi
done < <(jq -r '.templating.list[] | select(.type == "query") | [.name, (.definition | @base64)] | @tsv' "$dashboard")

# The state matrix shows the open flow UP and the refused one DOWN.
matrix=$(jq -r '.panels[] | select(.title | startswith("State matrix")) | .targets[0].expr' "$dashboard" | substitute)
answer=$(query "$matrix")
[ "$(jq -r '.data.result[] | select(.metric.flow == "agent-to-backup-server") | .value[1]' <<<"$answer")" = 1 ] ||
  fail "state matrix: agent-to-backup-server is not 1: $answer"
[ "$(jq -r '.data.result[] | select(.metric.flow == "agent-to-repository") | .value[1]' <<<"$answer")" = 0 ] ||
  fail "state matrix: agent-to-repository is not 0: $answer"

# The jobs table: the repository job NOT READY (its repository flow is refused).
jobs=$(jq -r '.panels[] | select(.title == "Jobs: ready now") | .targets[0].expr' "$dashboard" | substitute)
answer=$(query "$jobs")
[ "$(jq -r '.data.result[] | select(.metric.backup_job == "Nightly to VBR" and .metric.target_type == "backup_repository") | .value[1]' <<<"$answer")" = 0 ] ||
  fail "jobs table: Nightly to VBR is not 0 (NOT READY): $answer"

# The next run and pre-flight table: Nightly to VBR starts within 5 minutes, its pre-flight
# (every port of the flows it needs) FAILED on the refused port, and the rule VeeamJobAtRisk
# (pending for its first 2 minutes) says so through the real Prometheus.
column() {  # column REFID JOB: the value of that query of the table for that job
  local expr
  expr=$(jq -r --arg r "$1" '.panels[] | select(.title == "Jobs: next run and pre-flight") | .targets[] | select(.refId == $r) | .expr' "$dashboard" | substitute)
  query "$expr" | jq -r --arg j "$2" '.data.result[] | select(.metric.backup_job == $j) | .value[1]'
}
starts_in=$(column A "Nightly to VBR")
awk -v s="$starts_in" 'BEGIN { exit !(s > 0 && s <= 300) }' ||
  fail "next run table: Nightly to VBR starts in $starts_in s, not within 5 minutes"
[ -z "$(column A Local)" ] || fail "next run table: the manual job Local has a next run"
[ "$(column D "Nightly to VBR")" = 0 ] || fail "next run table: Nightly to VBR's pre-flight is not 0 (FAILED)"
[ "$(column F "Nightly to VBR")" -ge 3 ] || fail "next run table: Nightly to VBR's pre-flight probed fewer than 3 ports"
at_risk() {
  [ "$(query 'ALERTS{alertname="VeeamJobAtRisk",backup_job="Nightly to VBR"}' | jq '.data.result | length')" = 1 ]
}
wait_for 20 at_risk || fail "VeeamJobAtRisk is not pending for Nightly to VBR: $(curl -sS "$api/alerts")"

# The service table: the http check on the exporter's own port answered, with its exchange time.
services=$(jq -r '.panels[] | select(.title == "Service checks: what answered") | .targets[0].expr' "$dashboard" | substitute)
[ "$(query "$services" | jq -r '.data.result[] | select(.metric.flow == "agent-to-web-console") | .metric.check')" = http ] ||
  fail "service table: agent-to-web-console has no http check row: $(query "$services")"

# Concrete variable values narrow the queries instead of breaking them.
narrow=$(jq -r '.panels[] | select(.title == "Latency per flow") | .targets[0].expr' "$dashboard" |
  sed "s/\\\$job/veeam_ports/; s/\\\$instance/127.0.0.1:$exporter_port/; s/\\\$from/agent/; s/\\\$to/backup_server/; s/\\\$target/127.0.0.1/")
[ "$(query "$narrow" | jq '.data.result | length')" -ge 1 ] || fail "latency with concrete variables: no data"

[ "$failures" = 0 ] || fail "$failures of $checked dashboard queries failed"
echo "PASS: $checked dashboard queries valid, data where expected"
