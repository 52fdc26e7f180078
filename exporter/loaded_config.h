#pragma once
// The exporter's view of its configuration: the target file's flows for its role, with Veeam
// Agent's export merged in when one is named, and what loading it tells the log.
#include <optional>
#include <string>
#include <vector>

#include "exporter_options.h"
#include "logfmt_logger.h"
#include "reload_plan.h"
#include "vpm/config.h"
#include "vpm/veeam_discovery.h"

namespace vpm::exporter {

// A valid config's flows for the role, with Veeam Agent's export merged in when one is named;
// throws ConfigError, VeeamExportError or std::invalid_argument.
struct LoadedConfig {
  Config config;
  std::vector<FlowSpec> specs;
  std::optional<DiscoveryResult> discovery;
  std::string export_path;  // the export read, empty when none
};

LoadedConfig load_exporter_config(const ExporterOptions& options);

// The export's jobs, for veeam_job_*: none from an exporter probing from another role than
// the agent's, which runs none of their flows.
std::vector<JobNeeds> jobs_to_publish(const LoadedConfig& loaded, const std::string& role);

// What discovery produced (info), its warnings, `jobs:` settings that apply to no job, and
// flow sources this machine cannot send from (warn).
void log_loaded(Logger& log, const LoadedConfig& loaded);

}  // namespace vpm::exporter
