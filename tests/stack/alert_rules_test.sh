#!/usr/bin/env bash
# packaging/prometheus: promtool check rules and the unit test of every alert.
# Usage: alert_rules_test.sh SOURCE_DIR
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need promtool prometheus
cd "$1/packaging/prometheus"
promtool check rules veeam-port-monitor.rules.yml
promtool test rules veeam-port-monitor.rules.test.yml
# Every alert of the rule file has at least one test that expects it to fire.
for alert in $(sed -n 's/^ *- alert: *//p' veeam-port-monitor.rules.yml); do
  grep -q "alertname: $alert\$" veeam-port-monitor.rules.test.yml || fail "no unit test for $alert"
  awk -v a="$alert" '$0 ~ "alertname: " a "$" {f = 1; next} f && /alertname:/ {f = 0}
    f && /exp_labels:/ {found = 1} END {exit !found}' veeam-port-monitor.rules.test.yml ||
    fail "no test expects $alert to fire"
done
echo PASS
