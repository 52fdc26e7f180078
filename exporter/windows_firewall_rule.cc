// --service=add-firewall-rule|remove-firewall-rule on Windows: the inbound Windows Firewall
// rule for the exporter's listen port, through netsh advfirewall (what the MSI's
// FIREWALL_RULE=1 runs).
// clang-format off
#include <winsock2.h>
#include <windows.h>
// clang-format on

#include <array>
#include <iostream>
#include <string>
#include <vector>

#include "exporter_options.h"
#include "platform.h"
#include "windows_service.h"

namespace vpm::exporter {
namespace {

constexpr char kFirewallRuleName[] = "veeam_port_exporter (Prometheus)";

// Runs netsh with these arguments and waits for it; "" or what went wrong.
std::string run_netsh(const std::vector<std::string>& args) {
  std::array<wchar_t, MAX_PATH> system{};
  const UINT n = GetSystemDirectoryW(system.data(), static_cast<UINT>(system.size()));
  std::vector<std::string> argv = {narrow(std::wstring_view(system.data(), n)) + "\\netsh.exe"};
  argv.insert(argv.end(), args.begin(), args.end());
  std::wstring command = widen(windows_command_line(argv));
  STARTUPINFOW startup{};
  startup.cb = sizeof(startup);
  PROCESS_INFORMATION process{};
  if (CreateProcessW(nullptr, command.data(), nullptr, nullptr, FALSE, CREATE_NO_WINDOW, nullptr,
                     nullptr, &startup, &process) == 0) {
    return "cannot run netsh: " + windows_error_text(GetLastError());
  }
  WaitForSingleObject(process.hProcess, 60000);
  DWORD code = 1;
  GetExitCodeProcess(process.hProcess, &code);
  CloseHandle(process.hThread);
  CloseHandle(process.hProcess);
  return code == 0 ? "" : "netsh exited with " + std::to_string(code);
}

}  // namespace

// Inbound TCP to the first listen address's port, for this program only.
int add_firewall_rule(const ExporterOptions& options) {
  std::string port = std::to_string(kDefaultPort);
  if (!options.listen_addresses.empty()) {
    const std::string& address = options.listen_addresses.front();
    port = address.substr(address.rfind(':') + 1);
  }
  const std::string error =
      run_netsh({"advfirewall", "firewall", "add", "rule", std::string("name=") + kFirewallRuleName,
                 "dir=in", "action=allow", "protocol=TCP", "localport=" + port,
                 "program=" + module_path(), "enable=yes"});
  if (!error.empty()) return service_failure("add-firewall-rule: " + error);
  std::cout << "Added the inbound firewall rule \"" << kFirewallRuleName << "\" (TCP " << port
            << ")\n";
  return 0;
}

int remove_firewall_rule() {
  // netsh fails when no such rule exists: an uninstall must not, so this reports and succeeds.
  const std::string error = run_netsh(
      {"advfirewall", "firewall", "delete", "rule", std::string("name=") + kFirewallRuleName});
  std::cout << (error.empty() ? "Removed" : "No") << " inbound firewall rule \""
            << kFirewallRuleName << "\"\n";
  return 0;
}

}  // namespace vpm::exporter
