// --service=install|uninstall|run on Windows: the exporter as a service of the Service Control
// Manager (automatic start, account NT AUTHORITY\LocalService, restarted after a crash), with
// its log in a file.
// clang-format off
#include <winsock2.h>
#include <windows.h>
#include <aclapi.h>
// clang-format on

#include "windows_service.h"

#include <array>
#include <atomic>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <string>

#include "platform.h"
#include "windows_event_log.h"

namespace vpm::exporter {
namespace {

constexpr wchar_t kDisplayName[] = L"Veeam port monitor exporter";
constexpr wchar_t kDescription[] =
    L"Probes the network flows of Veeam Agent for Microsoft Windows and serves the results to "
    L"Prometheus (veeam-port-monitor).";
constexpr wchar_t kAccount[] = L"NT AUTHORITY\\LocalService";
constexpr DWORD kStopWaitMs = 10000;

// The service's status, once the Service Control Manager has started us (g_status_handle set).
std::mutex g_status_mutex;
SERVICE_STATUS_HANDLE g_status_handle = nullptr;
SERVICE_STATUS g_status{};
bool g_stopped_reported = false;

const std::function<int(const ExporterOptions&)>* g_serve = nullptr;
const ExporterOptions* g_options = nullptr;
std::atomic<int> g_exit_code{1};

void set_status(DWORD state, DWORD wait_hint_ms = 0, int exit_code = 0) {
  const std::lock_guard lock(g_status_mutex);
  if (g_status_handle == nullptr || g_stopped_reported) return;
  g_status.dwServiceType = SERVICE_WIN32_OWN_PROCESS;
  g_status.dwCurrentState = state;
  g_status.dwControlsAccepted =
      state == SERVICE_RUNNING ? SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN : 0;
  g_status.dwWin32ExitCode = exit_code == 0 ? NO_ERROR : ERROR_SERVICE_SPECIFIC_ERROR;
  g_status.dwServiceSpecificExitCode = static_cast<DWORD>(exit_code);
  g_status.dwWaitHint = wait_hint_ms;
  if (state == SERVICE_START_PENDING || state == SERVICE_STOP_PENDING) ++g_status.dwCheckPoint;
  if (state == SERVICE_STOPPED) g_stopped_reported = true;
  SetServiceStatus(g_status_handle, &g_status);
}

DWORD WINAPI on_service_control(DWORD control, DWORD /*type*/, void* /*data*/, void* /*ctx*/) {
  switch (control) {
    case SERVICE_CONTROL_STOP:
    case SERVICE_CONTROL_SHUTDOWN:
      set_status(SERVICE_STOP_PENDING, kStopWaitMs);
      request_stop(control == SERVICE_CONTROL_STOP ? "service stop" : "system shutdown");
      return NO_ERROR;
    case SERVICE_CONTROL_INTERROGATE:
      return NO_ERROR;
    default:
      return ERROR_CALL_NOT_IMPLEMENTED;
  }
}

void WINAPI service_main(DWORD /*argc*/, wchar_t** /*argv*/) {
  {
    const std::lock_guard lock(g_status_mutex);
    g_status_handle = RegisterServiceCtrlHandlerExW(kServiceName, &on_service_control, nullptr);
    if (g_status_handle == nullptr) return;
  }
  set_status(SERVICE_START_PENDING, 30000);  // loading a large target file takes a while
  const int code = (*g_serve)(*g_options);   // SERVICE_RUNNING once it listens
  g_exit_code = code;
  report_service_stopped(code);
}

// Closes a service handle on every path.
struct ScHandle {
  SC_HANDLE handle;
  explicit ScHandle(SC_HANDLE h) : handle(h) {}
  ScHandle(const ScHandle&) = delete;
  ScHandle& operator=(const ScHandle&) = delete;
  ~ScHandle() {
    if (handle != nullptr) CloseServiceHandle(handle);
  }
};

// %ProgramData%\veeam-port-monitor, where LocalService may write: the default log's directory.
std::string default_log_directory() {
  std::array<wchar_t, MAX_PATH> buffer{};
  const DWORD n =
      GetEnvironmentVariableW(L"ProgramData", buffer.data(), static_cast<DWORD>(buffer.size()));
  const std::string base =
      n > 0 && n < buffer.size() ? narrow(std::wstring_view(buffer.data(), n)) : "C:\\ProgramData";
  return base + "\\veeam-port-monitor";
}

// Lets NT AUTHORITY\LocalService create and append to files in `directory` (and below).
std::string grant_local_service(const std::string& directory) {
  std::array<BYTE, SECURITY_MAX_SID_SIZE> sid{};
  DWORD sid_size = static_cast<DWORD>(sid.size());
  if (CreateWellKnownSid(WinLocalServiceSid, nullptr, sid.data(), &sid_size) == 0) {
    return windows_error_text(GetLastError());
  }
  std::wstring path = widen(directory);
  PACL old_acl = nullptr;
  PSECURITY_DESCRIPTOR descriptor = nullptr;
  DWORD rc = GetNamedSecurityInfoW(path.c_str(), SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, nullptr,
                                   nullptr, &old_acl, nullptr, &descriptor);
  if (rc != ERROR_SUCCESS) return windows_error_text(rc);
  EXPLICIT_ACCESS_W access{};
  access.grfAccessPermissions = FILE_GENERIC_READ | FILE_GENERIC_WRITE;
  access.grfAccessMode = GRANT_ACCESS;
  access.grfInheritance = SUB_CONTAINERS_AND_OBJECTS_INHERIT;
  access.Trustee.TrusteeForm = TRUSTEE_IS_SID;
  access.Trustee.TrusteeType = TRUSTEE_IS_WELL_KNOWN_GROUP;
  access.Trustee.ptstrName = reinterpret_cast<wchar_t*>(sid.data());
  PACL new_acl = nullptr;
  rc = SetEntriesInAclW(1, &access, old_acl, &new_acl);
  if (rc == ERROR_SUCCESS) {
    rc = SetNamedSecurityInfoW(path.data(), SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, nullptr,
                               nullptr, new_acl, nullptr);
    LocalFree(new_acl);
  }
  LocalFree(descriptor);
  return rc == ERROR_SUCCESS ? "" : windows_error_text(rc);
}

// The description, and after a crash (not after a stop): restart after 10 s, three times a
// day at most. Returns false when Windows refused the restarts.
bool set_description_and_restarts(SC_HANDLE service) {
  std::wstring description = kDescription;
  SERVICE_DESCRIPTIONW text{description.data()};
  ChangeServiceConfig2W(service, SERVICE_CONFIG_DESCRIPTION, &text);
  std::array<SC_ACTION, 3> actions{
      {{SC_ACTION_RESTART, 10000}, {SC_ACTION_RESTART, 10000}, {SC_ACTION_RESTART, 10000}}};
  SERVICE_FAILURE_ACTIONSW failure{};
  failure.dwResetPeriod = 24 * 60 * 60;
  failure.cActions = static_cast<DWORD>(actions.size());
  failure.lpsaActions = actions.data();
  return ChangeServiceConfig2W(service, SERVICE_CONFIG_FAILURE_ACTIONS, &failure) != 0;
}

// Creates the default log directory and lets LocalService write there; "" or the error.
std::string prepare_log_directory(const std::string& directory) {
  std::error_code ec;
  std::filesystem::create_directories(widen(directory), ec);
  if (ec) return "cannot create " + directory + ": " + ec.message();
  if (const std::string error = grant_local_service(directory); !error.empty()) {
    return "cannot let LocalService write to " + directory + ": " + error;
  }
  return "";
}

// Starts the service just installed and waits until it runs (or stops, or 30 s pass): the
// MSI's step, so a service that cannot start fails the install with the reason. On the handle
// that created it: during an MSI install, Wine's Service Control Manager does not let another
// process open the service yet.
int start_installed(SC_HANDLE service) {
  if (StartServiceW(service, 0, nullptr) == 0) {
    const DWORD error = GetLastError();
    if (error == ERROR_SERVICE_DATABASE_LOCKED) {
      // Only Wine's installer locks the database (Windows ignores the lock since Vista); its
      // automatic services start with the next Wine session.
      std::cout << "The Service Control Manager is locked; the service starts automatically\n";
      return 0;
    }
    if (error != ERROR_SERVICE_ALREADY_RUNNING) {
      return service_failure("install-and-start: cannot start the service: " +
                             windows_error_text(error));
    }
  }
  SERVICE_STATUS status{};
  bool pending_seen = false;  // Wine may still say STOPPED just after StartService
  for (DWORD waited = 0; waited < 30000; waited += 250) {
    if (QueryServiceStatus(service, &status) == 0) break;
    if (status.dwCurrentState == SERVICE_RUNNING) {
      std::cout << "Started the service veeam_port_exporter\n";
      return 0;
    }
    if (status.dwCurrentState == SERVICE_START_PENDING) pending_seen = true;
    if (status.dwCurrentState == SERVICE_STOPPED && (pending_seen || waited >= 5000)) {
      return service_failure("install-and-start: the service stopped at once (exit code " +
                             std::to_string(status.dwServiceSpecificExitCode) +
                             "); see its log in " + default_log_directory());
    }
    Sleep(250);
  }
  return service_failure("install-and-start: the service is not running after 30 s");
}

int install(const ExporterOptions& options, const std::vector<std::string_view>& args,
            bool and_start) {
  std::vector<std::string> argv = {module_path(), "--service=run"};
  try {
    for (std::string& arg : service_run_arguments(args)) argv.push_back(std::move(arg));
  } catch (const std::exception& e) {
    return service_failure(std::string("install: ") + e.what());
  }
  std::string log_file = options.log_file;
  if (log_file.empty()) {  // a service has no console: its log must go to a file
    const std::string directory = default_log_directory();
    if (const std::string error = prepare_log_directory(directory); !error.empty()) {
      return service_failure("install: " + error);
    }
    log_file = directory + "\\veeam_port_exporter.log";
    argv.push_back("--log.file=" + log_file);
  }
  const std::string command = windows_command_line(argv);
  // The event source first: a service that could not report to the event log is not installed.
  if (const std::string error = register_event_source(module_path()); !error.empty()) {
    return service_failure("install: the event log source: " + error +
                           "; run it from an elevated prompt");
  }

  const ScHandle manager(OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CREATE_SERVICE));
  if (manager.handle == nullptr) {
    return service_failure("install: cannot open the Service Control Manager: " +
                           windows_error_text(GetLastError()) + "; run it from an elevated prompt");
  }
  const ScHandle service(
      CreateServiceW(manager.handle, kServiceName, kDisplayName, SERVICE_ALL_ACCESS,
                     SERVICE_WIN32_OWN_PROCESS, SERVICE_AUTO_START, SERVICE_ERROR_NORMAL,
                     widen(command).c_str(), nullptr, nullptr, nullptr, kAccount, nullptr));
  if (service.handle == nullptr) {
    const DWORD error = GetLastError();
    if (error == ERROR_SERVICE_EXISTS) {
      return service_failure(
          "install: the service veeam_port_exporter exists already; remove it first "
          "with --service=uninstall");
    }
    return service_failure("install: cannot create the service: " + windows_error_text(error));
  }
  set_description_and_restarts(service.handle);
  std::cout << "Installed the service veeam_port_exporter (automatic start, " << narrow(kAccount)
            << "):\n  " << command << "\nLog: " << log_file
            << ", and the Application event log (source veeam_port_exporter)"
            << "\nStart it with: sc start veeam_port_exporter\n";
  return and_start ? start_installed(service.handle) : 0;
}

int uninstall() {
  const ScHandle manager(OpenSCManagerW(nullptr, nullptr, SC_MANAGER_CONNECT));
  if (manager.handle == nullptr) {
    return service_failure("uninstall: cannot open the Service Control Manager: " +
                           windows_error_text(GetLastError()) + "; run it from an elevated prompt");
  }
  const ScHandle service(
      OpenServiceW(manager.handle, kServiceName, DELETE | SERVICE_STOP | SERVICE_QUERY_STATUS));
  if (service.handle == nullptr) {
    const DWORD error = GetLastError();
    if (error == ERROR_SERVICE_DOES_NOT_EXIST) {
      unregister_event_source();  // a leftover of an interrupted install, if any
      return service_failure("uninstall: the service veeam_port_exporter is not installed");
    }
    return service_failure("uninstall: cannot open the service: " + windows_error_text(error));
  }
  SERVICE_STATUS status{};
  if (QueryServiceStatus(service.handle, &status) != 0 &&
      status.dwCurrentState != SERVICE_STOPPED) {
    ControlService(service.handle, SERVICE_CONTROL_STOP, &status);
    for (DWORD waited = 0; waited < kStopWaitMs && status.dwCurrentState != SERVICE_STOPPED;
         waited += 250) {
      Sleep(250);
      if (QueryServiceStatus(service.handle, &status) == 0) break;
    }
  }
  if (DeleteService(service.handle) == 0) {
    return service_failure("uninstall: cannot remove the service: " +
                           windows_error_text(GetLastError()));
  }
  if (const std::string error = unregister_event_source(); !error.empty()) {
    return service_failure("uninstall: the event log source: " + error);
  }
  std::cout << "Removed the service veeam_port_exporter and its event log source\n";
  return 0;
}

int run(const ExporterOptions& options, const std::function<int(const ExporterOptions&)>& serve) {
  ExporterOptions service_options = options;
  service_options.service = ServiceAction::kNone;
  g_options = &service_options;
  g_serve = &serve;
  std::array<SERVICE_TABLE_ENTRYW, 2> table{};
  std::wstring name = kServiceName;
  table[0] = {name.data(), &service_main};
  if (StartServiceCtrlDispatcherW(table.data()) == 0) {
    const DWORD error = GetLastError();
    if (error == ERROR_FAILED_SERVICE_CONTROLLER_CONNECT) {
      return service_failure(
          "run: not started by the Service Control Manager (start the installed "
          "service with: sc start veeam_port_exporter; in a console, run without "
          "--service)");
    }
    return service_failure("run: " + windows_error_text(error));
  }
  return g_exit_code;
}

}  // namespace

int service_failure(const std::string& what) {
  std::cerr << "veeam_port_exporter: error: --service=" << what << "\n";
  return 1;
}

std::string module_path() {
  std::array<wchar_t, 32768> buffer{};
  const DWORD n = GetModuleFileNameW(nullptr, buffer.data(), static_cast<DWORD>(buffer.size()));
  return narrow(std::wstring_view(buffer.data(), n));
}

bool running_as_service() {
  const std::lock_guard lock(g_status_mutex);
  return g_status_handle != nullptr;
}

void report_service_running() { set_status(SERVICE_RUNNING); }

void report_service_stopped(int exit_code) { set_status(SERVICE_STOPPED, 0, exit_code); }

std::string windows_command_line(const std::vector<std::string>& argv) {
  std::string line;
  for (const std::string& arg : argv) {
    if (!line.empty()) line += ' ';
    if (!arg.empty() && arg.find_first_of(" \t\n\v\"") == std::string::npos) {
      line += arg;
      continue;
    }
    // Backslashes are literal except before a quote: there each one is doubled and the
    // quote escaped; before the closing quote each one is doubled.
    line += '"';
    std::size_t backslashes = 0;
    for (const char c : arg) {
      if (c == '\\') {
        ++backslashes;
        continue;
      }
      if (c == '"') {
        line.append(backslashes * 2 + 1, '\\');
      } else {
        line.append(backslashes, '\\');
      }
      backslashes = 0;
      line += c;
    }
    line.append(backslashes * 2, '\\');
    line += '"';
  }
  return line;
}

int service_command(const ExporterOptions& options, const std::vector<std::string_view>& args,
                    const std::function<int(const ExporterOptions&)>& serve) {
  switch (options.service) {
    case ServiceAction::kInstall:
      return install(options, args, false);
    case ServiceAction::kInstallAndStart:
      return install(options, args, true);
    case ServiceAction::kUninstall:
      return uninstall();
    case ServiceAction::kRun:
      return run(options, serve);
    case ServiceAction::kAddFirewallRule:
      return add_firewall_rule(options);
    case ServiceAction::kRemoveFirewallRule:
      return remove_firewall_rule();
    case ServiceAction::kNone:
      break;
  }
  return serve(options);
}

}  // namespace vpm::exporter
