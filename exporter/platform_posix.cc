// The Linux side of platform.h: signals, /proc, glibc's heap, libxcrypt, file descriptors.
#include "platform.h"

// clang-format off
#include <utility>  // before Asio: Boost 1.74 uses std::exchange without including it
// clang-format on
#include <crypt.h>
#include <dirent.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <link.h>
#include <malloc.h>
#include <sys/resource.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <cerrno>
#include <csignal>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "basic_auth.h"
#include "process_metrics.h"
#include "vpm/openssl_runtime.h"

namespace vpm::exporter {
namespace {

void write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n <= 0) return;  // the log's destination is gone: nothing better to do with a line
    text.remove_prefix(static_cast<std::size_t>(n));
  }
}

std::string read_file(const char* path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::optional<double> boot_time() {
  std::istringstream in(read_file("/proc/stat"));
  std::string key;
  double value = 0;
  while (in >> key) {
    if (key == "btime" && in >> value) return value;
    in.ignore(1 << 20, '\n');
  }
  return std::nullopt;
}

std::optional<double> open_fds() {
  DIR* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr) return std::nullopt;
  double count = 0;
  while (const dirent* entry = ::readdir(dir)) {
    if (entry->d_name[0] != '.') ++count;
  }
  ::closedir(dir);
  return count - 1;  // not the descriptor opendir itself holds
}

}  // namespace

// glibc's defaults suit short programs, not a daemon with a hundred HTTP threads that builds
// megabyte-sized texts: every thread that renders /metrics would grow an arena of its own, and
// after the first large text is freed the mmap threshold rises so later ones stay in the heap
// for good. Two arenas and a fixed threshold keep the resident size near what is live.
void prepare_process() {
  std::signal(SIGPIPE, SIG_IGN);  // a scraper that hangs up mid-response is not fatal
  mallopt(M_ARENA_MAX, 2);
  mallopt(M_MMAP_THRESHOLD, 256 * 1024);  // a fixed value also stops the threshold's growth
}

void release_free_memory() { malloc_trim(0); }

void exit_now(int code) {
  std::fflush(nullptr);
  std::_Exit(code);
}

struct StopRequests::Impl {
  explicit Impl(boost::asio::io_context& io) : signals(io, SIGINT, SIGTERM, SIGHUP) {}

  void wait() {
    signals.async_wait([this](const boost::system::error_code& ec, int signal_number) {
      if (ec) return;
      if (signal_number == SIGHUP) {
        on_reload();
        wait();
        return;
      }
      on_stop(signal_number == SIGTERM ? "SIGTERM" : "SIGINT");
    });
  }

  boost::asio::signal_set signals;
  OnStop on_stop;
  std::function<void()> on_reload;
};

StopRequests::StopRequests(boost::asio::io_context& io) : impl_(std::make_unique<Impl>(io)) {}

StopRequests::~StopRequests() = default;

void StopRequests::on(OnStop on_stop, std::function<void()> on_reload) {
  impl_->on_stop = std::move(on_stop);
  impl_->on_reload = std::move(on_reload);
  impl_->wait();  // a signal caught before now is delivered at once
}

Logger::Sink stderr_sink() {
  return [](std::string_view line) { write_all(STDERR_FILENO, line); };
}

Logger::Sink file_sink(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0) {
    throw std::runtime_error("--log.file: cannot open " + path + ": " + std::strerror(errno));
  }
  // The descriptor lives as long as the process: the logger is used up to the last line.
  return [fd](std::string_view line) { write_all(fd, line); };
}

std::tm utc_time(std::time_t t) {
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  return tm;
}

bool readable_file(const std::string& path) { return ::access(path.c_str(), R_OK) == 0; }

ProcessSample sample_process() {
  ProcessSample sample;
  const auto ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
  const auto page = static_cast<double>(::sysconf(_SC_PAGESIZE));
  static const std::optional<double> boot = boot_time();  // fixed until the next boot
  if (const std::optional<double> btime = boot) {
    if (const auto stats = parse_proc_stat(read_file("/proc/self/stat"), ticks, page, *btime)) {
      sample.cpu_seconds = stats->cpu_seconds;
      sample.start_time_seconds = stats->start_time_seconds;
      sample.virtual_memory_bytes = stats->virtual_memory_bytes;
      sample.resident_memory_bytes = stats->resident_memory_bytes;
    }
  }
  sample.open_fds = open_fds();
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    sample.max_fds = static_cast<double>(limit.rlim_cur);
  }
  return sample;
}

// libxcrypt's crypt_r; the comparison takes the same time wherever the hashes differ.
bool verify_bcrypt(std::string_view password, const std::string& hash) {
  // crypt_data is large (tens of KB): on the heap, one per call, so concurrent requests on
  // civetweb's threads never share it.
  auto data = std::make_unique<crypt_data>();
  const std::string phrase(password);
  const char* result = ::crypt_r(phrase.c_str(), hash.c_str(), data.get());
  if (result == nullptr || result[0] == '*') return false;  // "*0"/"*1": invalid setting
  return equal_in_constant_time(result, hash);
}

namespace {

// The directories the dynamic linker searches for this executable's libraries, in its order
// (LD_LIBRARY_PATH, the RUNPATH with $ORIGIN expanded, the system's), absolute ones only.
std::vector<std::string> library_directories() {
  void* self = ::dlopen(nullptr, RTLD_NOW);
  Dl_serinfo size{};
  if (self == nullptr || ::dlinfo(self, RTLD_DI_SERINFOSIZE, &size) != 0) return {};
  std::vector<std::max_align_t> buffer(size.dls_size / sizeof(std::max_align_t) + 1);
  auto* info = reinterpret_cast<Dl_serinfo*>(buffer.data());
  *info = size;  // RTLD_DI_SERINFO wants the buffer's size and count filled in
  if (::dlinfo(self, RTLD_DI_SERINFO, info) != 0) return {};
  std::vector<std::string> directories;
  const Dl_serpath* paths = info->dls_serpath;
  for (unsigned i = 0; i < info->dls_cnt; ++i) {
    const std::string directory = paths[i].dls_name;
    if (directory.starts_with('/')) directories.push_back(directory);
  }
  return directories;
}

}  // namespace

// civetweb 1.15 loads OpenSSL itself, with dlopen("libssl.so") and dlopen("libcrypto.so") in
// mg_init_library, and glibc's dlopen returns an object already loaded under that SONAME. Ours
// (civetweb_libssl_shim.cc) are looked for as the dynamic linker looks for this executable's
// libraries: its RUNPATH names their directory (exporter/openssl3-compat in the build tree,
// ../lib/veeam-port-monitor when installed). Not by dlopen("libssl.so") from here, which would
// search the RUNPATH of dlopen's caller: under a sanitizer that is the sanitizer's interceptor.
// Each shim exports a marker, so another libssl.so on the way (libssl-dev's, one in
// LD_LIBRARY_PATH) is passed over: civetweb would call a null pointer with it.
std::optional<std::string> prepare_civetweb_tls() {
  static const std::optional<std::string> error = []() -> std::optional<std::string> {
    if (std::optional<std::string> openssl = openssl_load_error()) return openssl;
    const std::vector<std::string> directories = library_directories();
    struct Shim {
      const char* name;
      const char* marker;
    };
    for (const Shim shim : {Shim{"libssl.so", "vpm_civetweb_libssl_shim"},
                            Shim{"libcrypto.so", "vpm_civetweb_libcrypto_shim"}}) {
      bool loaded = false;
      std::string tried;
      for (const std::string& directory : directories) {
        const std::string path = directory + "/" + shim.name;
        if (::access(path.c_str(), F_OK) != 0) continue;
        void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (handle != nullptr && ::dlsym(handle, shim.marker) != nullptr) {
          loaded = true;
          break;
        }
        const char* why = handle == nullptr ? ::dlerror() : "not the exporter's";
        tried += "; " + path + ": " + (why != nullptr ? why : "unknown error");
        if (handle != nullptr) ::dlclose(handle);
      }
      if (!loaded) {
        std::string searched;
        for (const std::string& directory : directories) {
          searched += (searched.empty() ? "" : ":") + directory;
        }
        return std::string("cannot find the exporter's own ") + shim.name + " in " + searched +
               " (veeam_port_exporter's RUNPATH names its directory)" + tried;
      }
    }
    return std::nullopt;
  }();
  return error;
}

void attach_system_log(Logger& /*log*/) {}

int service_command(const ExporterOptions& /*options*/,
                    const std::vector<std::string_view>& /*args*/,
                    const std::function<int(const ExporterOptions&)>& /*serve*/) {
  std::cerr << "veeam_port_exporter: error: --service: Windows services exist only on Windows; "
               "on Linux run the exporter under systemd (veeam-port-exporter.service)\n";
  return 1;
}

}  // namespace vpm::exporter
