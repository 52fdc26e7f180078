#include "exporter_app.h"

#include <atomic>
// clang-format off
#include <utility>  // before Asio: Boost 1.74 uses std::exchange without including it
// clang-format on
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <functional>
#include <future>
#include <iostream>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "exporter_options.h"
#include "flow_scheduler.h"
#include "http_server.h"
#include "landing_page.h"
#include "loaded_config.h"
#include "logfmt_logger.h"
#include "metric_model.h"
#include "metrics_response.h"
#include "platform.h"
#include "preflight_scheduler.h"
#include "reload_plan.h"
#include "result_store.h"
#include "vpm/config.h"
#include "vpm/probe_runner.h"
#include "vpm/source_address.h"
#include "vpm/veeam_discovery.h"

#ifndef VPM_VERSION
#define VPM_VERSION "unknown"
#endif
#ifndef VPM_REVISION
#define VPM_REVISION "unknown"
#endif

namespace vpm::exporter {
namespace {

using Clock = std::chrono::steady_clock;

// SIGTERM must end the process within a second. civetweb's workers notice a stop only between
// 2 s poll slices of an idle keep-alive connection, so stopping waits this long at most and
// then exits without them: the listening sockets are already closed by then.
constexpr std::chrono::milliseconds kStopBudget{500};

// A scrape may get the flows' samples as they were up to this long ago: see metric_model.h.
// Every reload ends it at once. The gzip of the page is made once per page (gzip_body.h).
constexpr std::chrono::milliseconds kRenderMinInterval{500};
// The page is dropped when no scrape has asked for it this long; its compression is kept for
// the gzip scrapes to come until the store changes (metrics_response.h).
constexpr std::chrono::seconds kIdlePageRelease{1};

// How often the export file is looked at for a change (its size and modification time).
constexpr std::chrono::seconds kExportPollInterval{2};

// What tells that a file changed: its size and modification time; nullopt when it cannot be
// read (a missing file is a change too, and the reload says what is wrong).
struct FileStamp {
  std::uintmax_t size = 0;
  std::filesystem::file_time_type modified{};
  friend bool operator==(const FileStamp&, const FileStamp&) = default;
};

std::optional<FileStamp> stamp_of(const std::string& path) {
  std::error_code ec;
  FileStamp stamp;
  stamp.size = std::filesystem::file_size(path, ec);
  if (ec) return std::nullopt;
  stamp.modified = std::filesystem::last_write_time(path, ec);
  if (ec) return std::nullopt;
  return stamp;
}

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) out += (out.empty() ? "" : ",") + name;
  return out;
}

class Exporter {
 public:
  Exporter(const ExporterOptions& options, Logger& log) : options_(options), log_(log) {}

  int run() {
    LoadedConfig loaded;
    try {
      loaded = load_exporter_config(options_);
    } catch (const std::exception& e) {
      log_.error("Error loading config", {{"file", options_.config_file}, {"err", e.what()}});
      return 1;
    }
    WebConfig web;
    if (!options_.web_config_file.empty()) {
      try {
        web = load_web_config_file(options_.web_config_file);
      } catch (const std::exception& e) {
        log_.error("Error loading web config",
                   {{"file", options_.web_config_file}, {"err", e.what()}});
        return 1;
      }
    }
    limits_ = limits_of(loaded.config.defaults);
    watch(loaded.export_path);

    boost::asio::io_context io;
    // Caught from here on (the handler is attached below): a SIGTERM during start-up still
    // ends in an orderly exit 0.
    StopRequests signals(io);
    ProbeRunner runner(io, limits_);
    ResultStore store;
    store.record_reload(true, std::chrono::system_clock::now());
    store.set_jobs(jobs_to_publish(loaded, options_.role));
    FlowScheduler scheduler(io, runner, store, log_);
    const SystemTimeZone zone;
    PreflightScheduler preflight(io, runner, store, log_, zone, limits_.concurrency);
    preflight_ = &preflight;
    // The first runs' transient memory (every flow started at once) goes back to the system.
    scheduler.on_ready([] { release_free_memory(); });
    // A render allocates as much again as the page while it runs; that goes back at once.
    ExporterCollector collector(
        store, ModelOptions{options_.per_port_limit, VPM_VERSION, VPM_REVISION, kRenderMinInterval,
                            &release_free_memory});
    std::atomic<bool> stopping{false};
    std::atomic<std::size_t> scheduled{0};

    HttpRoutes routes;
    MetricsResponder metrics(collector);
    routes.metrics = [&metrics](bool gzip) { return metrics.body(gzip); };
    routes.ready = [&store] { return store.ready(); };
    routes.landing_page = [&](std::string_view query) {
      LandingInfo info{VPM_VERSION,
                       VPM_REVISION,
                       options_.config_file,
                       options_.role,
                       options_.telemetry_path,
                       scheduled.load(),
                       store.ready(),
                       std::chrono::system_clock::now()};
      return landing_page(*store.snapshot(), info, parse_landing_filter(query));
    };
    routes.reload = [&]() -> ReloadOutcome {
      auto promise = std::make_shared<std::promise<ReloadOutcome>>();
      std::future<ReloadOutcome> answer = promise->get_future();
      boost::asio::post(io, [&, promise] {
        ReloadOutcome outcome = reload(scheduler, store, scheduled, "http");
        collector.invalidate();  // before the answer: a scrape right after sees the change
        promise->set_value(std::move(outcome));
      });
      while (answer.wait_for(std::chrono::milliseconds(50)) != std::future_status::ready) {
        if (stopping.load()) return {false, "shutting down"};
      }
      try {
        return answer.get();
      } catch (const std::future_error&) {
        return {false, "shutting down"};
      }
    };

    std::optional<HttpServer> server;
    try {
      server.emplace(HttpServerOptions{options_.listen_addresses, options_.telemetry_path, web,
                                       options_.max_connections, options_.enable_lifecycle},
                     std::move(routes), log_);
    } catch (const std::exception& e) {
      log_.error("Cannot start the HTTP server", {{"err", e.what()}});
      return 1;
    }
    log_.notice("Starting veeam_port_exporter",
                {{"version", VPM_VERSION},
                 {"revision", VPM_REVISION},
                 {"config", options_.config_file},
                 {"role", options_.role.empty() ? "(all)" : options_.role},
                 {"flows", std::to_string(loaded.specs.size())},
                 {"probe_threads", std::to_string(runner.probe_threads())}});
    for (const std::string& address : server->bound_addresses()) {
      log_.info("Listening on", {{"address", address},
                                 {"tls", server->tls() ? "true" : "false"},
                                 {"basic_auth", web.basic_auth_users.empty() ? "false" : "true"}});
    }
    log_loaded(log_, loaded);
    if (loaded.specs.empty()) {
      log_.warn("No enabled flows for this role: nothing will be probed",
                {{"role", options_.role.empty() ? "(all)" : options_.role}});
    }

    // The flows live on in the scheduler; the parsed file goes, and its memory back to the
    // system, before the first probes start.
    std::vector<FlowSpec> specs = std::move(loaded.specs);
    std::vector<JobNeeds> jobs = jobs_to_publish(loaded, options_.role);
    loaded = LoadedConfig{};
    release_free_memory();
    std::vector<FlowPlan> job_flows = flows_for_jobs(specs, jobs);
    scheduler.apply(std::move(specs));
    preflight.apply(std::move(jobs), std::move(job_flows));
    scheduled = scheduler.flow_count();

    boost::asio::steady_timer idle_page_timer(io);
    std::function<void()> release_idle_page = [&] {
      idle_page_timer.expires_after(kIdlePageRelease);
      idle_page_timer.async_wait([&](const boost::system::error_code& ec) {
        if (ec) return;
        if (collector.release_idle_page(kIdlePageRelease)) release_free_memory();
        release_idle_page();
      });
    };
    release_idle_page();

    // The export changes when the agent's jobs do (Veeam.Agent.Configurator.exe -export run
    // again): read it again then, as a reload would.
    boost::asio::steady_timer export_timer(io);
    std::function<void()> poll_export = [&] {
      export_timer.expires_after(kExportPollInterval);
      export_timer.async_wait([&](const boost::system::error_code& ec) {
        if (ec) return;
        if (!watched_export_.empty() && stamp_of(watched_export_) != watched_stamp_) {
          log_.info("The Veeam Agent export changed, reloading", {{"file", watched_export_}});
          reload(scheduler, store, scheduled, "export_change");
          collector.invalidate();
        }
        poll_export();
      });
    };
    poll_export();

    signals.on(
        [&](std::string_view what) {
          log_.info("Stopping", {{"signal", what}});
          stopping = true;
          io.stop();
        },
        [&] {
          log_.info("Reload requested by SIGHUP");
          reload(scheduler, store, scheduled, "sighup");
          collector.invalidate();
        });

    io.run();

    // Drop the probes (the io_context is no longer run: their pending handlers are destroyed
    // with it, never invoked), then stop accepting and wait for civetweb, briefly.
    stopping = true;
    preflight.stop();
    scheduler.stop();
    std::promise<void> stopped;
    std::future<void> stopped_future = stopped.get_future();
    std::thread stopper([&server, &stopped] {
      server->stop();
      stopped.set_value();
    });
    if (stopped_future.wait_for(kStopBudget) != std::future_status::ready) {
      log_.info(
          "Exiting while the HTTP server is still stopping (its threads finish their poll slices)");
      exit_now(0);  // civetweb's threads would only finish their poll slices
    }
    stopper.join();
    log_.notice("Stopped");
    return 0;
  }

 private:
  // On the io thread. Either applies the new flows or keeps the old ones and says why.
  ReloadOutcome reload(FlowScheduler& scheduler, ResultStore& store,
                       std::atomic<std::size_t>& scheduled, std::string_view trigger) {
    LoadedConfig loaded;
    // Taken before the read: a change while reading is seen at the next poll.
    const std::optional<FileStamp> export_stamp =
        watched_export_.empty() ? std::nullopt : stamp_of(watched_export_);
    try {
      loaded = load_exporter_config(options_);
    } catch (const std::exception& e) {
      // The broken export is not read again until it changes again.
      watched_stamp_ = export_stamp;
      store.record_reload(false, std::chrono::system_clock::now());
      log_.error("Error reloading config, keeping the running flows",
                 {{"file", options_.config_file}, {"trigger", trigger}, {"err", e.what()}});
      return {false, e.what()};
    }
    const Limits limits = limits_of(loaded.config.defaults);
    if (limits.concurrency != limits_.concurrency ||
        limits.per_target_concurrency != limits_.per_target_concurrency ||
        limits.probe_threads != limits_.probe_threads) {
      log_.warn(
          "defaults.concurrency, per_target_concurrency and probe_threads apply at the next "
          "restart",
          {{"file", options_.config_file}});
    }
    if (loaded.export_path == watched_export_) {
      watched_stamp_ = export_stamp;
    } else {
      watch(loaded.export_path);
    }
    log_loaded(log_, loaded);
    std::vector<JobNeeds> jobs = jobs_to_publish(loaded, options_.role);
    store.set_jobs(jobs);
    std::vector<FlowPlan> job_flows = flows_for_jobs(loaded.specs, jobs);
    const ReloadPlan plan = scheduler.apply(std::move(loaded.specs));
    preflight_->apply(std::move(jobs), std::move(job_flows));
    scheduled = scheduler.flow_count();
    store.record_reload(true, std::chrono::system_clock::now());
    const std::string flows = std::to_string(scheduler.flow_count());
    log_.notice("Reloaded config", {{"file", options_.config_file},
                                    {"trigger", trigger},
                                    {"flows", flows},
                                    {"added", join(plan.added)},
                                    {"removed", join(plan.removed)},
                                    {"redefined", join(plan.redefined)}});
    return {true, "Reloaded " + options_.config_file + ": " + flows + " flows (" +
                      std::to_string(plan.added.size()) + " added, " +
                      std::to_string(plan.removed.size()) + " removed, " +
                      std::to_string(plan.redefined.size()) + " redefined, " +
                      std::to_string(plan.kept.size()) + " kept)"};
  }

  // The export to poll for changes, and how it was when last read.
  void watch(const std::string& export_path) {
    watched_export_ = export_path;
    watched_stamp_ = export_path.empty() ? std::nullopt : stamp_of(export_path);
  }

  const ExporterOptions& options_;
  Logger& log_;
  Limits limits_;
  PreflightScheduler* preflight_ = nullptr;  // run()'s, for reload()
  std::string watched_export_;
  std::optional<FileStamp> watched_stamp_;
};

int check_config(const ExporterOptions& options, Logger& log) {
  try {
    const LoadedConfig loaded = load_exporter_config(options);
    if (!options.web_config_file.empty()) load_web_config_file(options.web_config_file);
    log_loaded(log, loaded);
    log.info("Config is valid", {{"file", options.config_file},
                                 {"role", options.role.empty() ? "(all)" : options.role},
                                 {"flows", std::to_string(loaded.specs.size())}});
    return 0;
  } catch (const std::exception& e) {
    log.error("Invalid config", {{"err", e.what()}});
    return 1;
  }
}

// Until a stop request: the exporter with the log where --log.file says.
int serve(const ExporterOptions& options) {
  std::optional<Logger> file_log;
  if (!options.log_file.empty()) {
    try {
      file_log.emplace(options.log_level, file_sink(options.log_file));
    } catch (const std::exception& e) {
      std::cerr << "veeam_port_exporter: error: " << e.what() << "\n";
      return 1;
    }
  }
  Logger stderr_log(options.log_level);
  Logger& log = file_log ? *file_log : stderr_log;
  if (options.config_check) return check_config(options, log);
  attach_system_log(log);
  prepare_process();
  try {
    return Exporter(options, log).run();
  } catch (const std::exception& e) {
    log.error("Fatal error", {{"err", e.what()}});
    return 1;
  }
}

}  // namespace

int run_exporter(int argc, char** argv) {
  std::vector<std::string_view> args;
  for (int i = 1; i < argc; ++i) args.emplace_back(argv[i]);
  ExporterOptions options;
  try {
    options = parse_exporter_options(args);
  } catch (const UsageError& e) {
    std::cerr << "veeam_port_exporter: error: " << e.what() << ", try --help\n";
    return 1;
  }
  if (options.help) {
    std::cout << exporter_usage();
    return 0;
  }
  if (options.version) {
    std::cout << "veeam_port_exporter, version " << VPM_VERSION << " (revision: " << VPM_REVISION
              << ")\n";
    return 0;
  }
  if (options.service != ServiceAction::kNone) return service_command(options, args, &serve);
  return serve(options);
}

}  // namespace vpm::exporter
