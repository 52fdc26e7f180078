#include "check_options.h"

namespace vpm::nagios {

std::string check_usage() {
  return R"(Usage:
  check_veeam_ports --config FILE [--role ROLE] [options]
  check_veeam_ports -H HOST[,HOST...] -p PORTS [--udp] [--expect open|reachable|closed]
                    [--source ADDRESS] [options]

Checks the TCP and UDP flows that Veeam Agent for Windows needs, and reports them in the
Monitoring Plugins format (exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN).

Config mode:
  --config FILE          the target file (roles and flows)
  --role ROLE            check only the enabled flows that start from ROLE (default: all)
  --print-firewall-rules FORMAT
                         print the firewall rules ROLE needs (powershell: New-NetFirewallRule
                         commands; nftables: an nft -f script), probe nothing, exit 0;
                         needs --config and --role
  --print-prometheus-sd [--exporter-port N]
                         print a Prometheus file_sd JSON list of ROLE's hosts, each at its
                         exporter's port (the exporter's default, or N), labelled role=ROLE;
                         probe nothing, exit 0; needs --config and --role
  --veeam-export FILE    Veeam Agent's configuration export (Veeam.Agent.Configurator.exe
                         -export): its jobs' backup server, shared folder and cloud gateways
                         fill the roles backup_server, smb_share and cloud_gateway (the target
                         file's discover: {veeam_agent_export: FILE} does the same; this wins)
  --print-discovery      print what the export gave, job by job and role by role, and the
                         flows it skips; probe nothing, exit 0 (3 when the export is broken)
  --job NAME             check only the flows the export's job NAME needs (one Nagios service
                         per job); an unknown NAME is UNKNOWN, naming the jobs there are.
                         With an export, the long output leads with each job: READY or not
  --all-ports            probe every port of each flow's ranges, whatever its sample: (the
                         exporter's pre-flight as one run, e.g. with --job before the job's
                         start; 16,384 filtered ports take minutes: raise -T/--max-time)

Ad-hoc mode (one flow, severity critical):
  -H, --hostname HOSTS   host names or IP addresses, comma-separated
  -p, --ports LIST       ports and ranges, e.g. 10005,2500-3300
  --udp                  probe UDP instead of TCP
  --expect STATE         open (default), reachable (open or refused) or closed
  --source ADDRESS       bind the probes to ADDRESS, an address of this machine (e.g. the
                         backup network's); a flow's source: in the target file does the same

Options:
  -t, --timeout SECONDS  per-probe timeout, e.g. 0.5 (default 2, or the config's); max 3600
  -T, --max-time SECONDS
                         the whole run's limit (default 50, under the 60 s after which Nagios
                         and Icinga kill a check); probes that could not end by then are not
                         started, and the report names them: UNKNOWN when nothing failed;
                         max 86400
  -w, --warning RANGE    latency in seconds that raises WARNING, e.g. 0.2 or @0:10
  -c, --critical RANGE   latency in seconds that raises CRITICAL
  --concurrency N        probes in flight, overall and per target (ad-hoc default 1024)
  --probe-threads N      threads that make the probes, 1 to 64 (default: the target file's
                         probe_threads, else 2, or 1 on a one-CPU machine)
  --cert-warning-days N
                         WARNING when a TLS certificate (flows with check: tls, or smtp with
                         STARTTLS) has fewer than N days left (default 30)
  --cert-critical-days N
                         CRITICAL when fewer than N days are left (default 7); the days are in
                         the perfdata ('<flow>@<target>_cert_days') whatever the status
  -v, --verbose          a line per failing port range with its reason, and what answered on
                         the passing ports of service checks (repeatable)
  --trace                trace each failing TCP port that is filtered or unreachable to the
                         hop that stops it (at most 16 per run; no privileges needed; Linux
                         5.8+, Windows 10 2004+ / Server 2022+)
  --textfile PATH        also write the run's results to PATH as Prometheus metrics (the
                         exporter's veeam_flow_* families), for node_exporter's or
                         windows_exporter's textfile collector: PATH ends in .prom and is
                         replaced whole; a failure to write it makes the status at least
                         UNKNOWN and the status line says why
  -h, --help             this text (exit 3)
  -V, --version          the version (exit 3)

RANGE is [@]START:END as in the Monitoring Plugins guidelines: "10" alerts outside 0..10,
"10:" below 10, "~:10" above 10, "@10:20" inside 10..20.
)";
}

}  // namespace vpm::nagios
