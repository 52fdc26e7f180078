#include "check_app.h"

#include <exception>
#include <stdexcept>
#include <string>
#include <utility>

#include "check_options.h"
#include "check_report.h"
#include "firewall_rules.h"
#include "vpm/config.h"
#include "vpm/plan.h"
#include "vpm/probe_runner.h"
#include "vpm/trace_failures.h"

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
};

std::vector<FlowPlan> plan_all(const Config& config, const std::vector<const Flow*>& flows) {
  std::vector<FlowPlan> plans;
  plans.reserve(flows.size());
  for (const Flow* flow : flows) {
    plans.push_back(plan_flow(config, *flow, run_number_from_clock(*flow)));
  }
  return plans;
}

// One flow "adhoc" from role "local" to role "target", as -H, -p, --udp and --expect describe.
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
  flow.severity = Severity::kCritical;
  flow.timeout = config.defaults.timeout;
  config.flows.push_back(std::move(flow));
  const unsigned concurrency = options.concurrency.value_or(kAdhocConcurrency);
  return {plan_all(config, {&config.flows.front()}), {concurrency, concurrency}};
}

// Throws ConfigError (file:line:col) or std::invalid_argument (unknown role): both UNKNOWN.
Run config_run(const CheckOptions& options) {
  Config config = load_config_file(options.config_path);
  if (options.timeout) {
    for (Flow& flow : config.flows) flow.timeout = *options.timeout;
  }
  const std::vector<const Flow*> flows = select_flows(config, options.role);
  if (flows.empty()) {
    // An empty run would print OK while checking nothing.
    throw std::invalid_argument(options.role.empty()
                                    ? "no enabled flows in " + config.source
                                    : "no enabled flows from role \"" + options.role + "\"");
  }
  Limits limits{config.defaults.concurrency, config.defaults.per_target_concurrency};
  if (options.concurrency) limits = {*options.concurrency, *options.concurrency};
  return {plan_all(config, flows), limits};
}

Report check(const CheckOptions& options) {
  Run run = options.config_path.empty() ? adhoc_run(options) : config_run(options);
  std::vector<FlowResult> results = run_flows(std::move(run.plans), run.limits);
  if (options.trace) {
    TraceLimits trace_limits;
    trace_limits.caps = run.limits;
    trace_failures(results, trace_limits);
  }
  ReportOptions report_options;
  report_options.warning = options.warning;
  report_options.critical = options.critical;
  report_options.verbosity = options.verbosity;
  report_options.cert_warning_days = options.cert_warning_days;
  report_options.cert_critical_days = options.cert_critical_days;
  return make_report(results, report_options);
}

}  // namespace

int run_check(const std::vector<std::string_view>& args, std::ostream& out) {
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
    if (options.firewall_format) {
      const Config config = load_config_file(options.config_path);
      out << format_firewall_rules(select_firewall_rules(config, options.role),
                                   *options.firewall_format)
          << std::flush;
      return static_cast<int>(Status::kOk);
    }
    report = check(options);
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
