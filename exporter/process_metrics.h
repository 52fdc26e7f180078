#pragma once
// The process_* metrics a Go exporter shows (prometheus-cpp has none), from sample_process()
// (platform.h): /proc/self on Linux, the process's own counters on Windows.
#include <prometheus/metric_family.h>

#include <optional>
#include <string_view>
#include <vector>

namespace vpm::exporter {

struct ProcessStats {
  double cpu_seconds = 0;         // user + system
  double start_time_seconds = 0;  // Unix time
  double virtual_memory_bytes = 0;
  double resident_memory_bytes = 0;
};

// Parses /proc/self/stat. `boot_time` is /proc/stat's btime (Unix seconds). nullopt if garbled.
std::optional<ProcessStats> parse_proc_stat(std::string_view stat, double ticks_per_second,
                                            double page_size, double boot_time);

// process_cpu_seconds_total, process_open_fds, process_max_fds, process_virtual_memory_bytes,
// process_resident_memory_bytes, process_start_time_seconds. What cannot be read is left out.
std::vector<prometheus::MetricFamily> process_families();

}  // namespace vpm::exporter
