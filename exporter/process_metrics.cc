#include "process_metrics.h"

#include <charconv>
#include <string>

#include "metric_family_builders.h"
#include "platform.h"

namespace vpm::exporter {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

MetricFamily gauge(std::string name, std::string help, double value,
                   MetricType type = MetricType::Gauge) {
  MetricFamily f = family(std::move(name), std::move(help), type);
  if (type == MetricType::Counter) {
    add_counter(f, {}, value);
  } else {
    add_gauge(f, {}, value);
  }
  return f;
}

}  // namespace

std::optional<ProcessStats> parse_proc_stat(std::string_view stat, double ticks_per_second,
                                            double page_size, double boot_time) {
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses; fields count after the
  // last ')'. Field 3 (state) is the first after it; utime is 14, stime 15, starttime 22,
  // vsize 23, rss 24.
  const std::size_t close = stat.rfind(')');
  if (close == std::string_view::npos || ticks_per_second <= 0) return std::nullopt;
  std::string_view rest = stat.substr(close + 1);
  std::vector<std::string_view> fields;
  while (!rest.empty()) {
    const std::size_t start = rest.find_first_not_of(" \n");
    if (start == std::string_view::npos) break;
    rest.remove_prefix(start);
    const std::size_t end = rest.find_first_of(" \n");
    fields.push_back(rest.substr(0, end));
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end);
  }
  auto field = [&](std::size_t number) -> std::optional<double> {
    const std::size_t index = number - 3;
    if (index >= fields.size()) return std::nullopt;
    unsigned long long value = 0;
    const std::string_view text = fields[index];
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return static_cast<double>(value);
  };
  const auto utime = field(14), stime = field(15), start = field(22), vsize = field(23),
             rss = field(24);
  if (!utime || !stime || !start || !vsize || !rss) return std::nullopt;
  ProcessStats stats;
  stats.cpu_seconds = (*utime + *stime) / ticks_per_second;
  stats.start_time_seconds = boot_time + *start / ticks_per_second;
  stats.virtual_memory_bytes = *vsize;
  stats.resident_memory_bytes = *rss * page_size;
  return stats;
}

std::vector<MetricFamily> process_families() {
  std::vector<MetricFamily> out;
  const ProcessSample sample = sample_process();
  if (sample.cpu_seconds) {
    out.push_back(gauge("process_cpu_seconds_total",
                        "Total user and system CPU time spent in seconds.", *sample.cpu_seconds,
                        MetricType::Counter));
  }
  if (sample.resident_memory_bytes) {
    out.push_back(gauge("process_resident_memory_bytes", "Resident memory size in bytes.",
                        *sample.resident_memory_bytes));
  }
  if (sample.virtual_memory_bytes) {
    out.push_back(gauge("process_virtual_memory_bytes", "Virtual memory size in bytes.",
                        *sample.virtual_memory_bytes));
  }
  if (sample.start_time_seconds) {
    out.push_back(gauge("process_start_time_seconds",
                        "Start time of the process since unix epoch in seconds.",
                        *sample.start_time_seconds));
  }
  if (sample.open_fds) {
    out.push_back(gauge("process_open_fds", "Number of open file descriptors.", *sample.open_fds));
  }
  if (sample.max_fds) {
    out.push_back(
        gauge("process_max_fds", "Maximum number of open file descriptors.", *sample.max_fds));
  }
  return out;
}

}  // namespace vpm::exporter
