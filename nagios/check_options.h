#pragma once
// The command line of check_veeam_ports.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "firewall_rules.h"
#include "nagios_range.h"
#include "vpm/config.h"
#include "vpm/exporter_port.h"
#include "vpm/port_set.h"

namespace vpm::nagios {

// The default -T: under the 60 s after which nagios4 (service_check_timeout) and icinga2 (the
// CheckCommand's timeout) kill a check and show nothing of what it found, with room left for
// the process to start and to write its report.
inline constexpr Duration kDefaultMaxTime{50000};

struct CheckOptions {
  // Config mode: --config FILE [--role R]. Ad-hoc mode: -H HOST[,HOST] -p PORTS.
  std::string config_path;
  std::string role;
  std::string veeam_export;  // --veeam-export FILE: Veeam Agent's export, merged into the config
  // --job NAME: only the flows the export's job NAME needs (vpm/veeam_jobs.h)
  std::string job;
  bool print_discovery = false;  // --print-discovery: what the export gave, role by role; no probes
  std::vector<std::string> hosts;
  std::optional<PortSet> ports;
  Protocol protocol = Protocol::kTcp;  // --udp
  Expectation expect = Expectation::kOpen;
  std::string source;                     // --source ADDRESS: the probes leave from it (ad-hoc)
  std::optional<Duration> timeout;        // -t/--timeout SECONDS: per-probe, overrides the config
  Duration max_time = kDefaultMaxTime;    // -T/--max-time SECONDS: the whole run
  std::optional<NagiosRange> warning;     // -w/--warning: latency in seconds
  std::optional<NagiosRange> critical;    // -c/--critical
  std::optional<unsigned> concurrency;    // --concurrency N: global and per-target cap
  std::optional<unsigned> probe_threads;  // --probe-threads N: over defaults.probe_threads
  int cert_warning_days = 30;             // --cert-warning-days N: fewer days left -> WARNING
  int cert_critical_days = 7;             // --cert-critical-days N: fewer days left -> CRITICAL
  int verbosity = 0;                      // -v, repeatable
  // --print-firewall-rules FORMAT (needs --config and --role): print the role's rules, no probes.
  std::optional<FirewallFormat> firewall_format;
  // --textfile PATH: the run's results as veeam_flow_* metrics for a textfile collector.
  std::string textfile;
  // --print-prometheus-sd (needs --config and --role): file_sd JSON of the role's exporters at
  // --exporter-port (default the exporter's), no probes.
  bool print_prometheus_sd = false;
  std::uint16_t exporter_port = kExporterDefaultPort;
  bool trace = false;  // --trace: where each filtered or unreachable TCP port's path stops
  // --all-ports (config mode): every port of each flow's ranges, whatever its `sample:`; the
  // exporter's pre-flight as a one-shot check (a Nagios service run before the job's start).
  bool all_ports = false;
  bool help = false;
  bool version = false;
};

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;  // message names the flag: "-p/--ports: ..."
};

// args excludes argv[0]. Throws UsageError.
CheckOptions parse_check_options(const std::vector<std::string_view>& args);

std::string check_usage();  // --help text

}  // namespace vpm::nagios
