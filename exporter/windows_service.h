#pragma once
// Inside the Windows side of platform.h: what platform_windows.cc and windows_service.cc
// (the Service Control Manager part) share.
#include <string>
#include <string_view>
#include <vector>

namespace vpm::exporter {

// The service's name in the Service Control Manager (sc start veeam_port_exporter).
inline constexpr wchar_t kServiceName[] = L"veeam_port_exporter";

// Asks the running exporter to stop, from any thread (platform_windows.cc). A request before
// the exporter listens is kept and delivered when it does.
void request_stop(std::string_view what);

// The service's state for the Service Control Manager (windows_service.cc); each does nothing
// when the process is not running as the service.
// True inside the service (service_main has registered its control handler).
bool running_as_service();
void report_service_running();
void report_service_stopped(int exit_code);

// One command line from arguments, quoted so that the Microsoft C runtime (and
// CommandLineToArgvW) split it back into exactly these arguments.
std::string windows_command_line(const std::vector<std::string>& argv);

// UTF-8 <-> UTF-16 for the W functions.
std::wstring widen(std::string_view text);
std::string narrow(std::wstring_view text);

// The --service=... steps (windows_service.cc, windows_firewall_rule.cc): this program's path,
// and "veeam_port_exporter: error: --service=<what>" on stderr, returning exit code 1.
std::string module_path();
int service_failure(const std::string& what);

// The inbound firewall rule for the first listen address's port (windows_firewall_rule.cc);
// removing a rule that is not there succeeds, for the uninstall.
struct ExporterOptions;
int add_firewall_rule(const ExporterOptions& options);
int remove_firewall_rule();

// "Access is denied. (5)": the system's text for a GetLastError() code.
std::string windows_error_text(unsigned long code);

}  // namespace vpm::exporter
