# Sourced by bench/fleet_bench.sh and bench/load_test.sh: the 1,000-agent fleet of issue 16.
# A backup server probes the three incoming flows of every agent (the restore ports, 2500-3300
# and 49152-65535 sampled 8 each: 21 ports a host, 21,000 probes a run) on 1,000 loopback
# addresses 127.0.0.1 to 127.0.3.232 (nothing listens there but what the system runs: mostly
# refused).

# The first run's sample is the first 8 ports of each range (vpm/plan.h): nmap gets the same.
fleet_restore_ports=135,445,6160,6162,3260
fleet_nmap_ports=$fleet_restore_ports,2500-2507,49152-49159

# fleet_hosts FILE: 127.0.0.1-255, 127.0.1.0-255, 127.0.2.0-255, 127.0.3.0-232, one a line.
fleet_hosts() {
  python3 - > "$1" <<'PY'
for i in range(1, 1001):
    print(f"127.0.{i // 256}.{i % 256}")
PY
}

# fleet_config HOSTS_FILE OUT_YAML [INTERVAL=1h] [PROBE_THREADS]: the targets file, role
# backup_server; without PROBE_THREADS the default number of probing threads.
fleet_config() {
  local hosts threads=""
  hosts=$(paste -sd, "$1" | sed 's/,/, /g')
  [ -n "${4:-}" ] && threads=", probe_threads: $4"
  cat > "$2" <<YAML
defaults: {timeout: 2s, interval: ${3:-1h}, concurrency: 512, per_target_concurrency: 64$threads}
roles:
  backup_server: {hosts: [127.0.0.1]}
  agent: {hosts: [$hosts]}
flows:
  - {name: backup-server-to-agent-restore, from: backup_server, to: agent,
     ports: [$fleet_restore_ports], expect: open}
  - {name: backup-server-to-agent-data, from: backup_server, to: agent,
     ports: ["2500-3300"], expect: reachable, sample: 8}
  - {name: backup-server-to-agent-rpc-dynamic, from: backup_server, to: agent,
     ports: ["49152-65535"], expect: reachable, sample: 8}
YAML
}
