#pragma once
// What the exporter does differently on Linux and on Windows, behind one interface:
// platform_posix.cc (Linux) or platform_windows.cc (Windows), chosen in exporter/CMakeLists.txt.
// Everything else in exporter/ is the same code on both.
#include <ctime>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "exporter_options.h"
#include "logfmt_logger.h"

namespace boost::asio {
class io_context;
}

namespace vpm::exporter {

// Where a file name's directory part ends: "/" on Linux, "\\" or "/" on Windows.
#ifdef _WIN32
inline constexpr std::string_view kPathSeparators = "\\/";
#else
inline constexpr std::string_view kPathSeparators = "/";
#endif

// Once, before the exporter serves. Linux: a scraper that hangs up mid-response must not kill
// the process (SIGPIPE ignored), and glibc's heap is tuned for a long-running daemon.
void prepare_process();

// Gives the memory freed after start-up (the parsed config) back to the system.
void release_free_memory();

// Flushes what is buffered and ends the process at once with `code`, without waiting for other
// threads. As a Windows service, reports the stop to the Service Control Manager first (else
// it counts as a crash and the recovery actions restart the service).
[[noreturn]] void exit_now(int code);

// Requests from outside to stop or to reload the config, delivered on the io_context's thread.
//   Linux:   SIGTERM, SIGINT (stop), SIGHUP (reload).
//   Windows: Ctrl+C, Ctrl+Break, closing the console, shutdown, and SERVICE_CONTROL_STOP or
//            SERVICE_CONTROL_SHUTDOWN as a service (stop). No reload signal: POST /-/reload.
// Caught from construction on; a request that comes before on() is delivered by on().
class StopRequests {
 public:
  using OnStop = std::function<void(std::string_view what)>;  // what: "SIGTERM", "Ctrl+C", ...
  explicit StopRequests(boost::asio::io_context& io);
  StopRequests(const StopRequests&) = delete;
  StopRequests& operator=(const StopRequests&) = delete;
  ~StopRequests();

  // The exporter serves from now on (a Windows service reports SERVICE_RUNNING here).
  void on(OnStop on_stop, std::function<void()> on_reload);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Before civetweb serves TLS. Linux: loads OpenSSL and the exporter's own libssl.so and
// libcrypto.so, the shims that civetweb's dlopen must find (civetweb_libssl_shim.cc); nullopt
// when all is there, else why not. Windows: civetweb has OpenSSL linked in; nothing to do.
std::optional<std::string> prepare_civetweb_tls();

// Log destinations. stderr_sink writes each line with one system call (no C stdio buffer, no
// CRLF translation). file_sink appends to `path` (created if missing; on Windows opened so
// others may read, rename or delete it while the exporter runs); throws std::runtime_error
// naming the file.
Logger::Sink stderr_sink();
Logger::Sink file_sink(const std::string& path);

// `t` in UTC (gmtime_r; gmtime_s on Windows).
std::tm utc_time(std::time_t t);

// True when this process can open `path` for reading.
bool readable_file(const std::string& path);

// The process_* metrics' inputs; what the platform cannot tell stays empty.
struct ProcessSample {
  std::optional<double> cpu_seconds;  // user + system
  std::optional<double> start_time_seconds;
  std::optional<double> virtual_memory_bytes;   // Windows: private bytes
  std::optional<double> resident_memory_bytes;  // Windows: working set
  std::optional<double> open_fds;               // Windows: open handles
  std::optional<double> max_fds;                // Windows: none (no per-process handle limit)
};
ProcessSample sample_process();

// Windows, inside the service (--service=run): `log`'s warnings, errors and notices go to the
// Application event log too, under the source veeam_port_exporter (windows_event_log.h), and
// the log says whether they can. Linux: nothing (systemd's journal already has stderr).
void attach_system_log(Logger& log);

// --service=install|uninstall|run. `args` is the command line (without argv[0]) that
// `options` came from; `serve` runs the exporter with options until a stop request and returns
// its exit code. Windows only: on Linux it explains that and returns 1.
int service_command(const ExporterOptions& options, const std::vector<std::string_view>& args,
                    const std::function<int(const ExporterOptions&)>& serve);

}  // namespace vpm::exporter
