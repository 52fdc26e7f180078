#include "check_app.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <stdexcept>
#include <string>
#include <unordered_set>
#include <utility>

#include "check_options.h"
#include "check_report.h"
#include "firewall_rules.h"
#include "job_report.h"
#include "prometheus_sd.h"
#include "time_limit.h"
#include "vpm/config.h"
#include "vpm/flow_metrics.h"
#include "vpm/plan.h"
#include "vpm/probe_runner.h"
#include "vpm/quoted.h"
#include "vpm/textfile.h"
#include "vpm/trace_failures.h"
#include "vpm/veeam_discovery.h"

#ifndef VPM_VERSION
#define VPM_VERSION "unknown"
#endif

namespace vpm::nagios {
namespace {

// Enough probes in flight that an ad-hoc sweep of 1,000 filtered ports takes about one timeout.
constexpr unsigned kAdhocConcurrency = 1024;

// What one check run probes: plans made while their Config was alive, and the caps.
struct Run {
  std::vector<FlowPlan> plans;
  Limits limits;
  std::vector<std::string> notes;  // what discovery did, for the long output
  std::vector<JobNeeds> jobs;      // the export's jobs (only --job's), for the long output
};

// Skipped flows of this run's role and warnings always (a flow the file lists is not probed:
// say so); the jobs and roles the export gave from -v on. The jobs, and what they need, only
// for a role that runs them (the agent's): from the backup server they are noise.
std::vector<std::string> discovery_notes(const DiscoveryResult& d, const Config& config,
                                         std::string_view role, int verbosity) {
  std::vector<std::string> notes;
  const std::string from = "[discovery] ";
  if (verbosity > 0) {
    if (role_runs_jobs(role)) {
      for (const std::string& line : d.jobs) notes.push_back(from + "job " + line);
      for (const JobNeeds& n : d.job_needs) notes.push_back(from + "needs " + describe_needs(n));
    }
    for (const std::string& line : d.roles) notes.push_back(from + "role " + line);
    for (const std::string& line : d.ports) notes.push_back(from + "port " + line);
  }
  // A skip note is "<flow>: skipped: ..."; a flow from another role is not this run's.
  std::unordered_set<std::string_view> other_roles_flows;
  for (const Flow& flow : config.flows) {
    if (!role.empty() && flow.from != role) other_roles_flows.insert(flow.name);
  }
  for (const std::string& line : d.skipped) {
    const std::string_view flow = std::string_view(line).substr(0, line.find(':'));
    if (!other_roles_flows.contains(flow)) notes.push_back(from + "flow " + line);
  }
  for (const std::string& line : d.warnings) notes.push_back(from + "warning " + line);
  return notes;
}

// --job: the selected flows that the job needs.
std::vector<const Flow*> flows_of_job(const std::vector<const Flow*>& flows, const JobNeeds& job) {
  std::vector<const Flow*> kept;
  for (const Flow* flow : flows) {
    if (std::find(job.flows.begin(), job.flows.end(), flow->name) != job.flows.end()) {
      kept.push_back(flow);
    }
  }
  return kept;
}

// This run's sample of each flow's ports, or every port with --all-ports.
std::vector<FlowPlan> plan_all(const Config& config, const std::vector<const Flow*>& flows,
                               bool all_ports) {
  std::vector<FlowPlan> plans;
  plans.reserve(flows.size());
  for (const Flow* flow : flows) {
    plans.push_back(plan_flow(config, *flow, run_number_from_clock(*flow)));
    if (all_ports) plans.back().ports = flow->ports.ports();
  }
  return plans;
}

// One flow "adhoc" from role "local" to role "target", as -H, -p, --udp, --expect and
// --source describe.
Run adhoc_run(const CheckOptions& options) {
  Config config;
  config.source = "command line";
  if (options.timeout) config.defaults.timeout = *options.timeout;
  config.roles.push_back({"local", {}, {}});
  config.roles.push_back({"target", options.hosts, {}});
  Flow flow;
  flow.name = "adhoc";
  flow.from = "local";
  flow.to = "target";
  flow.protocol = options.protocol;
  flow.ports = options.ports.value_or(PortSet());
  flow.expect = options.expect;
  flow.source = options.source;
  flow.severity = Severity::kCritical;
  flow.timeout = config.defaults.timeout;
  config.flows.push_back(std::move(flow));
  Limits limits;
  limits.concurrency = limits.per_target_concurrency =
      options.concurrency.value_or(kAdhocConcurrency);
  limits.probe_threads = options.probe_threads.value_or(0);
  return {plan_all(config, {&config.flows.front()}, false), limits, {}, {}};
}

// Throws ConfigError (file:line:col) or std::invalid_argument (unknown role): both UNKNOWN.
Run config_run(const CheckOptions& options) {
  DiscoveredConfig loaded = load_discovered_config(options.config_path, options.veeam_export);
  Config& config = loaded.config;
  if (options.timeout) {
    for (Flow& flow : config.flows) flow.timeout = *options.timeout;
  }
  std::vector<const Flow*> flows = select_flows(config, options.role);
  std::vector<JobNeeds> jobs;
  if (loaded.discovery && role_runs_jobs(options.role)) jobs = loaded.discovery->job_needs;
  if (!options.job.empty()) {
    if (!loaded.discovery) {
      throw std::invalid_argument("--job " + quoted(options.job) + ": no export named: give " +
                                  "--veeam-export FILE or " + config.source +
                                  "'s discover: {veeam_agent_export: FILE}");
    }
    jobs = {require_job(loaded.discovery->job_needs, options.job)};
    flows = flows_of_job(flows, jobs.front());
  }
  if (flows.empty() && !options.job.empty()) {
    throw std::invalid_argument(
        "job " + quoted(options.job) + " needs no enabled flow" +
        (options.role.empty() ? "" : " from role \"" + options.role + "\""));
  }
  if (flows.empty()) {
    // An empty run would print OK while checking nothing.
    throw std::invalid_argument(options.role.empty()
                                    ? "no enabled flows in " + config.source
                                    : "no enabled flows from role \"" + options.role + "\"");
  }
  Limits limits = limits_of(config.defaults);
  if (options.concurrency) {
    limits.concurrency = *options.concurrency;
    limits.per_target_concurrency = *options.concurrency;
  }
  if (options.probe_threads) limits.probe_threads = *options.probe_threads;
  std::vector<std::string> notes;
  if (loaded.discovery)
    notes = discovery_notes(*loaded.discovery, config, options.role, options.verbosity);
  return {plan_all(config, flows, options.all_ports), limits, std::move(notes), std::move(jobs)};
}

// --trace after the probes, when the traces (each about its flow's timeout) still end within
// -T; else a note says they were left out.
void trace_within(std::vector<FlowResult>& results, const Limits& caps,
                  std::chrono::steady_clock::time_point deadline, ReportOptions& report_options) {
  Duration longest{0};
  for (const FlowResult& r : results) longest = std::max(longest, r.flow->timeout);
  const auto needed = longest + kEndBeforeDeadline;
  if (std::chrono::steady_clock::now() + needed > deadline) {
    report_options.notes.push_back("--trace: no port traced: the traces would not end within " +
                                   std::string("the time limit ") +
                                   format_duration(report_options.max_time.value_or(Duration{0})));
    return;
  }
  TraceLimits trace_limits;
  trace_limits.caps = caps;
  trace_failures(results, trace_limits);
}

// `started`: when the process began its work, from which -T counts.
Report check(const CheckOptions& options, std::chrono::steady_clock::time_point started) {
  Run run = options.config_path.empty() ? adhoc_run(options) : config_run(options);
  ReportOptions report_options;
  report_options.max_time = options.max_time;
  const bool caps_from_command_line = options.config_path.empty() || options.concurrency;
  if (auto warning =
          caps_warning(run.plans, run.limits, options.max_time,
                       caps_from_command_line ? "--concurrency" : "per_target_concurrency")) {
    report_options.notes.push_back(std::move(*warning));
  }
  const auto deadline = started + options.max_time;
  std::vector<FlowResult> results = run_flows(std::move(run.plans), run.limits, deadline);
  if (options.trace) trace_within(results, run.limits, deadline, report_options);
  report_options.warning = options.warning;
  report_options.critical = options.critical;
  report_options.verbosity = options.verbosity;
  report_options.cert_warning_days = options.cert_warning_days;
  report_options.cert_critical_days = options.cert_critical_days;
  report_options.discovery_notes = std::move(run.notes);
  for (std::string& line :
       job_lines(run.jobs, results, options.verbosity, std::chrono::system_clock::now())) {
    report_options.notes.push_back(std::move(line));
  }
  if (!options.textfile.empty()) {
    try {
      replace_file_contents(options.textfile, flow_metrics_text(results));
    } catch (const std::exception& e) {
      report_options.output_error = "--textfile " + options.textfile + ": " + e.what();
    }
  }
  return make_report(results, report_options);
}

}  // namespace

int run_check(const std::vector<std::string_view>& args, std::ostream& out) {
  const auto started = std::chrono::steady_clock::now();
  Report report;
  try {
    const CheckOptions options = parse_check_options(args);
    if (options.help) {
      out << check_usage() << std::flush;
      return static_cast<int>(Status::kUnknown);
    }
    if (options.version) {
      out << "check_veeam_ports " << VPM_VERSION << "\n" << std::flush;
      return static_cast<int>(Status::kUnknown);
    }
    if (options.print_discovery) {
      const DiscoveredConfig loaded =
          load_discovered_config(options.config_path, options.veeam_export);
      if (!loaded.discovery) {
        throw std::invalid_argument("no export named: give --veeam-export FILE or " +
                                    loaded.config.source +
                                    "'s discover: {veeam_agent_export: FILE}");
      }
      for (const std::string& line : discovery_lines(*loaded.discovery)) out << line << "\n";
      out << std::flush;
      return static_cast<int>(Status::kOk);
    }
    if (options.print_prometheus_sd) {
      const Config config =
          load_discovered_config(options.config_path, options.veeam_export).config;
      out << format_prometheus_sd(config, options.role, options.exporter_port) << std::flush;
      return static_cast<int>(Status::kOk);
    }
    if (options.firewall_format) {
      const Config config =
          load_discovered_config(options.config_path, options.veeam_export).config;
      out << format_firewall_rules(select_firewall_rules(config, options.role, resolved_addresses),
                                   *options.firewall_format)
          << std::flush;
      return static_cast<int>(Status::kOk);
    }
    report = check(options, started);
  } catch (const std::exception& e) {
    // Usage errors, config errors and unknown roles already say what and where.
    report = unknown_report(e.what());
  } catch (...) {
    report = unknown_report("unexpected error");
  }
  out << report.output << std::flush;
  return static_cast<int>(report.status);
}

}  // namespace vpm::nagios
