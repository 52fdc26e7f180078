#pragma once
// The exporter's HTTP side on civetweb: /metrics, /, /-/healthy, /-/ready, POST /-/reload,
// with optional TLS and basic auth from --web.config.file. Handlers run on civetweb's worker
// threads and only read published state (or, for a reload, hand the work to the probe thread
// and wait for its answer): a request never probes.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "basic_auth.h"
#include "logfmt_logger.h"
#include "web_config.h"

struct mg_context;
struct mg_connection;

namespace vpm::exporter {

struct ReloadOutcome {
  bool ok = false;
  std::string message;  // what changed, or the error (file:line:col: ...)
};

// A response body in two parts, so a large shared text is written without being copied.
struct ResponseBody {
  std::shared_ptr<const std::string> shared;  // may be null
  std::string own;
  const char* content_encoding = nullptr;  // "gzip", or null for the body as it is
};

struct HttpRoutes {
  // The exposition text; gzip-compressed when the argument says the client accepts gzip.
  std::function<ResponseBody(bool gzip)> metrics;
  std::function<std::string(std::string_view query)> landing_page;  // HTML; the query string
  std::function<bool()> ready;
  std::function<ReloadOutcome()> reload;  // blocks until applied or rejected
};

struct HttpServerOptions {
  std::vector<std::string> listen_addresses;  // Go style, see civetweb_listening_port
  std::string telemetry_path = "/metrics";
  WebConfig web;
  unsigned worker_threads = 0;    // 0: kDefaultMaxConnections (exporter_options.h)
  bool enable_lifecycle = false;  // POST /-/reload; off: 403
};

class HttpServer {
 public:
  // So that open connections cannot keep every worker to themselves (and leave new ones, a
  // Prometheus scrape say, queued behind clients that never hang up or read slowly): once this
  // many workers in four hold a connection, each response closes its connection, and its
  // worker goes to the next connection in civetweb's queue.
  static constexpr unsigned kKeepAliveQuartersOfWorkers = 3;

  // Starts listening; throws std::runtime_error naming the address or TLS problem.
  HttpServer(HttpServerOptions options, HttpRoutes routes, Logger& log);
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;
  ~HttpServer();

  // "127.0.0.1:43512" for each listening socket, with the port the kernel chose for ":0".
  std::vector<std::string> bound_addresses() const;
  bool tls() const { return options_.web.tls.has_value(); }

  // Stops accepting and waits for civetweb's threads. Safe to call more than once.
  void stop();

 private:
  static int dispatch(mg_connection* conn, void* self);
  static int init_ssl(void* ssl_ctx, void* self);
  static int log_message(const mg_connection* conn, const char* message);
  static int connection_opened(const mg_connection* conn, void** conn_data);
  static void connection_closing(const mg_connection* conn);
  int handle(mg_connection* conn);
  int configure_tls(void* ssl_ctx);
  int respond(mg_connection* conn, int status, const char* content_type, const std::string& body,
              bool head_only, const std::vector<std::pair<std::string, std::string>>& extra = {});
  int respond(mg_connection* conn, int status, const char* content_type, const ResponseBody& body,
              bool head_only, const std::vector<std::pair<std::string, std::string>>& extra);

  HttpServerOptions options_;
  HttpRoutes routes_;
  Logger& log_;
  BasicAuth auth_;
  std::string tls_error_;
  std::mutex startup_mutex_;
  std::string startup_messages_;  // civetweb's log lines until the server runs
  std::atomic<bool> started_{false};
  unsigned worker_threads_ = 0;
  std::atomic<unsigned> open_connections_{0};  // connections a worker holds
  mg_context* ctx_ = nullptr;
};

}  // namespace vpm::exporter
