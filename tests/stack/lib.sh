# Shared by the tests of tests/stack (sourced). Exit code 77 is a skip (SKIP_RETURN_CODE).
# Every address is 127.0.0.1.

skip() {
  echo "SKIP: $*"
  exit 77
}

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# need TOOL PACKAGE: skip the test with the package to install when TOOL is missing, or when
# the package is there but not configured (a postinst that failed, e.g. inside a chroot).
need() {
  command -v "$1" >/dev/null 2>&1 || [ -x "$1" ] || skip "$1 missing: apt-get install $2"
  dpkg-query -W -f='${Status}' "$2" 2>/dev/null | grep -q 'install ok installed' ||
    skip "package $2 is not fully installed (dpkg --configure -a says why)"
}

# A fresh temporary directory, removed on exit with every process registered by track_pid.
STACK_TMP=$(mktemp -d "${TMPDIR:-/tmp}/vpm-stack.XXXXXX")
STACK_PIDS=()
track_pid() { STACK_PIDS+=("$1"); }
stack_cleanup() {
  local pid
  for pid in "${STACK_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${STACK_PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  if [ -n "${STACK_KEEP:-}" ]; then
    echo "kept $STACK_TMP"
  else
    rm -rf "$STACK_TMP"
  fi
}
trap stack_cleanup EXIT

# wait_for SECONDS COMMAND...: run COMMAND every 0.2 s until it succeeds; 1 on timeout.
wait_for() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.2
  done
}

# start_listener LISTENER_BIN: sets OPEN_PORT, REFUSED_PORT, FREE_PORTS (array).
start_listener() {
  "$1" 3 >"$STACK_TMP/listener.out" &
  track_pid $!
  wait_for 10 test -s "$STACK_TMP/listener.out" || fail "vpm_stack_listener printed no ports"
  local ports
  read -r -a ports <"$STACK_TMP/listener.out"
  OPEN_PORT=${ports[0]}
  REFUSED_PORT=${ports[1]}
  FREE_PORTS=("${ports[@]:2}")
}

# write_targets FILE: a target file with an open, a refused and a two-port flow on 127.0.0.1.
write_targets() {
  cat >"$1" <<YAML
defaults: {timeout: 1s, interval: 1s}
roles:
  agent: {hosts: [127.0.0.1]}
  backup_server: {hosts: [127.0.0.1]}
  backup_repository: {hosts: [127.0.0.1]}
flows:
  - name: agent-to-backup-server
    from: agent
    to: backup_server
    ports: [$OPEN_PORT]
    expect: open
    severity: critical
  - name: agent-to-repository
    from: agent
    to: backup_repository
    ports: [$REFUSED_PORT]
    expect: open
    severity: warning
  - name: agent-components-data
    from: agent
    to: backup_server
    ports: [$OPEN_PORT, $REFUSED_PORT]
    expect: reachable
    severity: critical
YAML
}

# start_exporter EXPORTER_BIN TARGETS PORT [FLAG...]: starts it on 127.0.0.1:PORT with the extra
# flags, waits until ready.
start_exporter() {
  "$1" --config.file="$2" --role=agent --web.listen-address="127.0.0.1:$3" "${@:4}" \
    >"$STACK_TMP/exporter.out" 2>"$STACK_TMP/exporter.err" &
  track_pid $!
  wait_for 20 curl -fsS "http://127.0.0.1:$3/-/ready" ||
    fail "exporter not ready on 127.0.0.1:$3: $(cat "$STACK_TMP/exporter.err")"
}

# icinga2_in DIR: makes DIR's data, cache, log, run, spool and plugins folders and sets
# ICINGA2_DEFINES (an array of -D options) so icinga2 keeps everything in DIR and runs as the
# current user: no system directory or running daemon is touched.
icinga2_in() {
  mkdir -p "$1"/{data,cache,log,run,spool,plugins}
  local user group
  user=$(id -un)
  group=$(id -gn)
  ICINGA2_DEFINES=(
    -DConfigDir="$1" -DDataDir="$1/data" -DCacheDir="$1/cache" -DLogDir="$1/log"
    -DInitRunDir="$1/run" -DSpoolDir="$1/spool" -DRunAsUser="$user" -DRunAsGroup="$group"
  )
  export ICINGA2_USER=$user ICINGA2_GROUP=$group
}

# icinga2_validate DIR SERVICES: `icinga2 daemon -C` on DIR/icinga2.conf (after icinga2_in DIR)
# must pass without a warning and count SERVICES services.
icinga2_validate() {
  if ! /usr/sbin/icinga2 daemon -C -c "$1/icinga2.conf" "${ICINGA2_DEFINES[@]}" >"$1/validate.out" 2>&1; then
    cat "$1/validate.out"
    fail "icinga2 daemon -C rejected the configuration"
  fi
  grep -E 'CheckCommand|Service|Finished validating' "$1/validate.out"
  grep -q "$2 Services" "$1/validate.out" || { cat "$1/validate.out"; fail "expected $2 services"; }
  if grep -qi 'warning/' "$1/validate.out"; then
    cat "$1/validate.out"
    fail "icinga2 warned"
  fi
}
