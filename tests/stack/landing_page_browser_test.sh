#!/usr/bin/env bash
# The exporter's landing page in headless Chromium: a real exporter over real listeners on
# 127.0.0.1 (one open port, one refused); Chromium loads /, the DOM it rendered has the flow
# table with the open flow UP and the refused one DOWN (with its reason), and a screenshot is
# saved to ARTIFACT_DIR/landing_page.png.
# Usage: landing_page_browser_test.sh EXPORTER LISTENER ARTIFACT_DIR
set -euo pipefail
exporter=$1
listener=$2
artifacts=$3
source "$(dirname "$0")/lib.sh"
need chromium chromium
need curl curl

start_listener "$listener"
write_targets "$STACK_TMP/targets.yaml"
port=${FREE_PORTS[0]}
start_exporter "$exporter" "$STACK_TMP/targets.yaml" "$port"
url="http://127.0.0.1:$port/"

browser() {  # browser ARGS...: headless Chromium with a fresh profile, nothing fetched elsewhere
  local profile
  profile=$(mktemp -d "$STACK_TMP/profile.XXXXXX")
  timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --disable-dev-shm-usage --user-data-dir="$profile" "$@" 2>>"$STACK_TMP/chromium.err"
}

browser --dump-dom "$url" >"$STACK_TMP/dom.html" || fail "chromium --dump-dom failed: $(tail -5 "$STACK_TMP/chromium.err")"
grep -q '<title>Veeam Port Exporter</title>' "$STACK_TMP/dom.html" || fail "not the landing page: $(head -c 500 "$STACK_TMP/dom.html")"
grep -q '<th>Flow</th>' "$STACK_TMP/dom.html" || fail "no flow table"
# One table row per flow x target; the DOM puts each on one line.
row() { grep -o "<tr class=\"[a-z]*\"><td>$1</td>.*</tr>" "$STACK_TMP/dom.html" | head -1; }
open_row=$(row agent-to-backup-server)
refused_row=$(row agent-to-repository)
[[ $open_row == '<tr class="up">'* && $open_row == *'<td>UP</td>'* ]] ||
  fail "agent-to-backup-server is not UP: $open_row"
[[ $refused_row == '<tr class="down">'* && $refused_row == *'<td>DOWN</td>'* ]] ||
  fail "agent-to-repository is not DOWN: $refused_row"
[[ $refused_row == *refused* ]] || fail "the refused flow's row does not say refused: $refused_row"
rows=$(grep -o '<tr class="\(up\|down\)"><td>[a-z]' "$STACK_TMP/dom.html" | wc -l)
[ "$rows" = 3 ] || fail "expected 3 flow x target rows, found $rows"
# The flows table (a row per flow, each linking to its rows) comes first, failing flows on top.
summary=$(grep -o '<tr class="\(up\|down\)"><td><a href="?flow=[a-z-]*">' "$STACK_TMP/dom.html")
[ "$(wc -l <<<"$summary")" = 3 ] || fail "expected 3 rows in the flows table: $summary"
[[ $(head -1 <<<"$summary") == '<tr class="down">'* ]] || fail "a failing flow is not first: $summary"
# The server-side filter: only the failing rows.
browser --dump-dom "$url?show=down" >"$STACK_TMP/down.html" || fail "chromium --dump-dom ?show=down failed"
down_rows=$(grep -o '<tr class="\(up\|down\)"><td>[a-z]' "$STACK_TMP/down.html" | sort | uniq -c)
[ "$(grep -c . <<<"$down_rows")" = 1 ] && [[ $down_rows == *'"down"'* ]] ||
  fail "?show=down shows other rows than the failing ones: $down_rows"

mkdir -p "$artifacts"
rm -f "$artifacts/landing_page.png"
(cd "$STACK_TMP" && browser --screenshot="$artifacts/landing_page.png" --window-size=1280,900 \
  --hide-scrollbars "$url") || fail "chromium --screenshot failed: $(tail -5 "$STACK_TMP/chromium.err")"
[ -s "$artifacts/landing_page.png" ] || fail "no screenshot"
[ "$(head -c 8 "$artifacts/landing_page.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] ||
  fail "the screenshot is not a PNG"
echo "screenshot: $artifacts/landing_page.png ($(stat -c %s "$artifacts/landing_page.png") bytes)"
echo PASS
