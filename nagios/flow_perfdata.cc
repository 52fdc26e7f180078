#include "flow_perfdata.h"

#include <algorithm>
#include <chrono>
#include <optional>

#include "flow_groups.h"
#include "perfdata.h"
#include "vpm/duration.h"

namespace vpm::nagios {
namespace {

constexpr std::size_t kPerTargetPerfdata = 16;  // a flow's targets with a latency datum each

// 'label'=latency in seconds, with -w/-c, from 0 to the flow's timeout.
std::string latency_datum(std::string label, std::chrono::nanoseconds latency, const FlowResult& r,
                          const ReportOptions& options) {
  PerfDatum datum;
  datum.label = std::move(label);
  datum.value = seconds(latency);
  datum.unit = "s";
  datum.warn = options.warning ? options.warning->text : "";
  datum.crit = options.critical ? options.critical->text : "";
  datum.min = 0;
  datum.max = to_seconds(r.flow->timeout);
  return format_perf_datum(datum);
}

}  // namespace

std::string flow_perfdata(const std::vector<Judged>& judged, const ReportOptions& options,
                          std::size_t budget) {
  // Per flow, in first-seen order: its latency per target, then its failed-port count.
  std::vector<std::string> data;
  for (const FlowGroup& group : group_by_flow(judged)) {
    const std::string name(group.name);
    unsigned failed = 0;
    std::size_t probed = 0;
    std::size_t planned = 0;
    // Past kPerTargetPerfdata targets a flow's latency is one datum, its slowest target's
    // ('<flow>_latency_max'), so the counts of every flow fit and the data stay bounded.
    const bool per_target = group.results.size() <= kPerTargetPerfdata;
    std::optional<std::chrono::nanoseconds> slowest;
    const FlowResult* any = nullptr;
    std::optional<std::chrono::nanoseconds> service_time;  // the flow's slowest, any target
    double service_max = 0;
    for (const Judged* judged_result : group.results) {
      const Judged& j = *judged_result;
      const FlowResult& r = *j.result;
      any = &r;
      failed += r.failed;
      probed += r.ports.size();
      planned += r.ports.size() + r.not_probed;
      if (!per_target && r.latency) slowest = std::max(slowest.value_or(*r.latency), *r.latency);
      if (r.service_time) {
        service_time = std::max(service_time.value_or(*r.service_time), *r.service_time);
        service_max = to_seconds(r.flow->timeout);
      }
      // A target that measured no latency (every port failed) gets no latency datum: the
      // guidelines allow "U", but Icinga 2's perfdata parser rejects it and its metric
      // writers drop the value with a warning on every check. The _failed count says it.
      if (per_target && r.latency) {
        data.push_back(latency_datum(r.flow->name + "@" + r.target, *r.latency, r, options));
      }
      if (j.certificate.days_left) {
        // Days left, whatever the status (check_tcp -D prints none when it alerts). The
        // thresholds are ranges that alert below them: "30:".
        PerfDatum days;
        days.label = r.flow->name + "@" + r.target + "_cert_days";
        days.value = static_cast<double>(*j.certificate.days_left);
        days.warn = std::to_string(options.cert_warning_days) + ":";
        days.crit = std::to_string(options.cert_critical_days) + ":";
        data.push_back(format_perf_datum(days));
      }
    }
    if (slowest && any != nullptr) {
      data.push_back(latency_datum(name + "_latency_max", *slowest, *any, options));
    }
    PerfDatum failed_ports;
    failed_ports.label = name + "_failed";
    failed_ports.value = failed;
    failed_ports.min = 0;
    failed_ports.max = static_cast<double>(probed);
    data.push_back(format_perf_datum(failed_ports));
    PerfDatum probed_ports;  // fewer than planned when the time limit came first
    probed_ports.label = name + "_probed";
    probed_ports.value = static_cast<double>(probed);
    probed_ports.min = 0;
    probed_ports.max = static_cast<double>(planned);
    data.push_back(format_perf_datum(probed_ports));
    if (service_time) {  // a service check's exchange after the connect; none measured: none
      PerfDatum service;
      service.label = name + "_service";
      service.value = seconds(*service_time);
      service.unit = "s";
      service.min = 0;
      service.max = service_max;
      data.push_back(format_perf_datum(service));
    }
  }
  std::string text;
  for (const std::string& datum : data) {
    if (text.size() + datum.size() + 1 > budget) break;  // whole data only, never half of one
    text += (text.empty() ? "" : " ") + datum;
  }
  return text;
}

}  // namespace vpm::nagios
