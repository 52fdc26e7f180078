// The Windows side of platform.h: console control events instead of signals, the process's
// own counters instead of /proc, handles instead of file descriptors.
#include "platform.h"

// clang-format off
#include <utility>  // before Asio: Boost 1.74 uses std::exchange without including it
#include <winsock2.h>
#include <windows.h>
#include <psapi.h>
// clang-format on

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <stdexcept>

#include "basic_auth.h"
#include "bcrypt.h"
#include "windows_event_log.h"
#include "windows_service.h"

namespace vpm::exporter {
namespace {

// Who gets stop requests: the exporter's StopRequests once it listens. Guarded by g_mutex.
std::mutex g_mutex;
std::function<void(std::string_view)> g_on_stop;
std::string g_pending_stop;  // a request that came before anyone listened

void write_all(HANDLE handle, std::string_view text) {
  while (!text.empty()) {
    DWORD written = 0;
    const auto chunk = static_cast<DWORD>(std::min<std::size_t>(text.size(), 1U << 20U));
    if (WriteFile(handle, text.data(), chunk, &written, nullptr) == 0 || written == 0) return;
    text.remove_prefix(written);
  }
}

BOOL WINAPI on_console_event(DWORD type) {
  switch (type) {
    case CTRL_C_EVENT:
      request_stop("Ctrl+C");
      return TRUE;
    case CTRL_BREAK_EVENT:
      request_stop("Ctrl+Break");
      return TRUE;
    case CTRL_CLOSE_EVENT:
    case CTRL_SHUTDOWN_EVENT:
      // Windows ends the process when this returns: give the clean stop its moment.
      request_stop(type == CTRL_CLOSE_EVENT ? "console closed" : "system shutdown");
      Sleep(2000);
      return TRUE;
    case CTRL_LOGOFF_EVENT:
      return TRUE;  // a user logging off is no reason for a service to stop
    default:
      return FALSE;
  }
}

double filetime_value(const FILETIME& t) {
  return static_cast<double>((static_cast<unsigned long long>(t.dwHighDateTime) << 32U) |
                             t.dwLowDateTime);
}

}  // namespace

void request_stop(std::string_view what) {
  std::function<void(std::string_view)> on_stop;
  {
    const std::lock_guard lock(g_mutex);
    if (!g_on_stop) {
      if (g_pending_stop.empty()) g_pending_stop = what;
      return;
    }
    on_stop = g_on_stop;
  }
  on_stop(what);
}

void prepare_process() {}

void release_free_memory() {}

void exit_now(int code) {
  report_service_stopped(code);
  std::fflush(nullptr);
  std::_Exit(code);
}

struct StopRequests::Impl {
  explicit Impl(boost::asio::io_context& context) : io(context) {}
  boost::asio::io_context& io;
};

StopRequests::StopRequests(boost::asio::io_context& io) : impl_(std::make_unique<Impl>(io)) {
  SetConsoleCtrlHandler(&on_console_event, TRUE);
}

StopRequests::~StopRequests() {
  SetConsoleCtrlHandler(&on_console_event, FALSE);
  const std::lock_guard lock(g_mutex);
  g_on_stop = nullptr;
}

void StopRequests::on(OnStop on_stop, std::function<void()> /*on_reload: no such event*/) {
  std::string pending;
  {
    const std::lock_guard lock(g_mutex);
    boost::asio::io_context& io = impl_->io;
    g_on_stop = [&io, on_stop](std::string_view what) {
      boost::asio::post(io, [on_stop, text = std::string(what)] { on_stop(text); });
    };
    pending.swap(g_pending_stop);
  }
  report_service_running();
  if (!pending.empty()) request_stop(pending);
}

Logger::Sink stderr_sink() {
  return [](std::string_view line) { write_all(GetStdHandle(STD_ERROR_HANDLE), line); };
}

Logger::Sink file_sink(const std::string& path) {
  const HANDLE file = CreateFileW(widen(path).c_str(), FILE_APPEND_DATA | SYNCHRONIZE,
                                  FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
                                  OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, nullptr);
  if (file == INVALID_HANDLE_VALUE) {
    throw std::runtime_error("--log.file: cannot open " + path + ": " +
                             windows_error_text(GetLastError()));
  }
  // The handle lives as long as the process: the logger is used up to the last line.
  return [file](std::string_view line) { write_all(file, line); };
}

std::tm utc_time(std::time_t t) {
  std::tm tm{};
  gmtime_s(&tm, &t);
  return tm;
}

bool readable_file(const std::string& path) {
  const HANDLE file =
      CreateFileW(widen(path).c_str(), GENERIC_READ, FILE_SHARE_READ | FILE_SHARE_WRITE, nullptr,
                  OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, nullptr);
  if (file == INVALID_HANDLE_VALUE) return false;
  CloseHandle(file);
  return true;
}

ProcessSample sample_process() {
  ProcessSample sample;
  const HANDLE self = GetCurrentProcess();
  FILETIME created{}, exited{}, kernel{}, user{};
  if (GetProcessTimes(self, &created, &exited, &kernel, &user) != 0) {
    constexpr double kTicksPerSecond = 1e7;                        // FILETIME: 100 ns
    constexpr double kUnixEpochInFiletime = 116444736000000000.0;  // 1970-01-01 since 1601
    sample.cpu_seconds = (filetime_value(kernel) + filetime_value(user)) / kTicksPerSecond;
    sample.start_time_seconds = (filetime_value(created) - kUnixEpochInFiletime) / kTicksPerSecond;
  }
  PROCESS_MEMORY_COUNTERS_EX memory{};
  memory.cb = sizeof(memory);
  if (GetProcessMemoryInfo(self, reinterpret_cast<PROCESS_MEMORY_COUNTERS*>(&memory),
                           sizeof(memory)) != 0) {
    sample.resident_memory_bytes = static_cast<double>(memory.WorkingSetSize);
    // Wine answers 0 for what it does not track; Windows never does: left out, not a 0.
    if (memory.PrivateUsage > 0) {
      sample.virtual_memory_bytes = static_cast<double>(memory.PrivateUsage);
    }
  }
  DWORD handles = 0;
  if (GetProcessHandleCount(self, &handles) != 0 && handles > 0) {
    sample.open_fds = static_cast<double>(handles);
  }
  return sample;
}

// civetweb is built with OpenSSL linked in statically (scripts/build-windows-deps.sh: NO_SSL_DL,
// OPENSSL_API_3_0): nothing is loaded at run time, and SSL_get_peer_certificate is OpenSSL 3's
// macro for SSL_get1_peer_certificate when civetweb is compiled, so the Linux shims
// (civetweb_libssl_shim.cc) have nothing to do here.
std::optional<std::string> prepare_civetweb_tls() { return std::nullopt; }

// bcrypt.cc: Windows has no crypt_r.
bool verify_bcrypt(std::string_view password, const std::string& hash) {
  const std::optional<std::string> result = bcrypt_hash(password, hash);
  return result && equal_in_constant_time(*result, hash);
}

std::wstring widen(std::string_view text) {
  if (text.empty()) return {};
  const int n =
      MultiByteToWideChar(CP_UTF8, 0, text.data(), static_cast<int>(text.size()), nullptr, 0);
  std::wstring out(static_cast<std::size_t>(n), L'\0');
  MultiByteToWideChar(CP_UTF8, 0, text.data(), static_cast<int>(text.size()), out.data(), n);
  return out;
}

std::string narrow(std::wstring_view text) {
  if (text.empty()) return {};
  const int n = WideCharToMultiByte(CP_UTF8, 0, text.data(), static_cast<int>(text.size()), nullptr,
                                    0, nullptr, nullptr);
  std::string out(static_cast<std::size_t>(n), '\0');
  WideCharToMultiByte(CP_UTF8, 0, text.data(), static_cast<int>(text.size()), out.data(), n,
                      nullptr, nullptr);
  return out;
}

std::string windows_error_text(unsigned long code) {
  wchar_t* buffer = nullptr;
  const DWORD n = FormatMessageW(
      FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS,
      nullptr, code, 0, reinterpret_cast<wchar_t*>(&buffer), 0, nullptr);
  std::string text = n > 0 ? narrow(std::wstring_view(buffer, n)) : "error";
  LocalFree(buffer);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.pop_back();
  }
  return text + " (" + std::to_string(code) + ")";
}

void attach_system_log(Logger& log) {
  if (!running_as_service()) return;
  try {
    log.set_event_sink(event_log_sink());
    log.info("Reporting warnings, errors, start, stop and reload to the event log",
             {{"log", "Application"}, {"source", narrow(kEventSource)}});
  } catch (const std::exception& e) {
    log.warn("Cannot report to the event log", {{"err", e.what()}});
  }
}

}  // namespace vpm::exporter
