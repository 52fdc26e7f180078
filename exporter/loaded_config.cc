#include "loaded_config.h"

#include <chrono>
#include <string_view>
#include <utility>

#include "vpm/job_schedule.h"
#include "vpm/source_address.h"

namespace vpm::exporter {
namespace {

// Why a job has no veeam_job_next_run_timestamp_seconds: at debug, since a manual job is no
// fault.
void log_no_next_run(Logger& log, const JobNeeds& needs) {
  if (!log.enabled(LogLevel::kDebug)) return;
  std::string reason =
      "its schedule is not known: the export has no ScheduleInfo for it, or one that could not "
      "be read (a warning says why)";
  if (needs.schedule) {
    if (next_run(*needs.schedule, std::chrono::system_clock::now(), SystemTimeZone())) return;
    reason = no_next_run_reason(*needs.schedule);
  }
  log.debug("No next run for the job", {{"backup_job", needs.job}, {"reason", reason}});
}

// What discovery produced, a line each, role by role; warnings at warn.
void log_discovery(Logger& log, const LoadedConfig& loaded) {
  if (!loaded.discovery) return;
  const DiscoveryResult& d = *loaded.discovery;
  const auto lines = [&](std::string_view kind, const std::vector<std::string>& items) {
    for (const std::string& item : items) {
      log.info("Discovered from the Veeam Agent export",
               {{"file", loaded.export_path}, {"kind", kind}, {"detail", item}});
    }
  };
  lines("job", d.jobs);
  for (const JobNeeds& needs : d.job_needs) {
    log.info("Discovered from the Veeam Agent export",
             {{"file", loaded.export_path}, {"kind", "needs"}, {"detail", describe_needs(needs)}});
    log_no_next_run(log, needs);
  }
  lines("role", d.roles);
  lines("port", d.ports);
  lines("flow", d.skipped);
  for (const std::string& warning : d.warnings) {
    log.warn("Veeam Agent export", {{"file", loaded.export_path}, {"warning", warning}});
  }
}

// A flow's source that this machine cannot send from, said when the file is read; the runs
// then report its ports as errors with the same words until the address appears.
void log_unbindable_sources(Logger& log, const LoadedConfig& loaded) {
  for (const FlowSpec& spec : loaded.specs) {
    std::string problem;
    const auto source = parse_source_address(spec.flow->source, &problem);
    if (source) problem = source_bind_problem(*source);
    if (!spec.flow->source.empty() && !problem.empty()) {
      log.warn("Flow source unusable", {{"flow", spec.flow->name}, {"err", problem}});
    }
  }
}

// `jobs:` settings without an export apply to no job: said rather than silently ignored.
void log_unused_job_settings(Logger& log, const LoadedConfig& loaded) {
  if (loaded.discovery) return;  // with an export, job_needs warns about unknown names
  for (const JobSettings& settings : loaded.config.jobs) {
    log.warn("Job settings unused",
             {{"backup_job", settings.name},
              {"warning", settings.where +
                              ": jobs: no Veeam Agent export is read (--veeam.export-file or "
                              "discover.veeam_agent_export), so no job has this name"}});
  }
}
}  // namespace

LoadedConfig load_exporter_config(const ExporterOptions& options) {
  DiscoveredConfig discovered =
      load_discovered_config(options.config_file, options.veeam_export_file);
  LoadedConfig loaded{std::move(discovered.config), {}, std::move(discovered.discovery), {}};
  loaded.specs = flow_specs(loaded.config, options.role);
  loaded.export_path = options.veeam_export_file;
  if (loaded.export_path.empty() && loaded.config.discover) {
    loaded.export_path = loaded.config.discover->veeam_agent_export;
  }
  return loaded;
}

std::vector<JobNeeds> jobs_to_publish(const LoadedConfig& loaded, const std::string& role) {
  if (!loaded.discovery || !role_runs_jobs(role)) return {};
  return loaded.discovery->job_needs;
}

void log_loaded(Logger& log, const LoadedConfig& loaded) {
  log_discovery(log, loaded);
  log_unused_job_settings(log, loaded);
  log_unbindable_sources(log, loaded);
}

}  // namespace vpm::exporter
