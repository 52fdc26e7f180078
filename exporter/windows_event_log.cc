#include "windows_event_log.h"

#include <windows.h>

#include <memory>
#include <stdexcept>

#include "windows_service.h"

namespace vpm::exporter {
namespace {

constexpr wchar_t kSourceKey[] =
    L"SYSTEM\\CurrentControlSet\\Services\\EventLog\\Application\\veeam_port_exporter";

// The message table's event IDs (event_messages.mc).
constexpr DWORD kInformationEvent = 1;
constexpr DWORD kWarningEvent = 2;
constexpr DWORD kErrorEvent = 3;

std::string registry_error(const std::string& what, LSTATUS status) {
  return what + " HKLM\\" + narrow(kSourceKey) + ": " +
         windows_error_text(static_cast<unsigned long>(status));
}

}  // namespace

std::string register_event_source(const std::string& exe_path) {
  HKEY key = nullptr;
  LSTATUS status = RegCreateKeyExW(HKEY_LOCAL_MACHINE, kSourceKey, 0, nullptr, 0, KEY_SET_VALUE,
                                   nullptr, &key, nullptr);
  if (status != ERROR_SUCCESS) return registry_error("cannot create", status);
  const std::wstring file = widen(exe_path);
  const DWORD types = EVENTLOG_ERROR_TYPE | EVENTLOG_WARNING_TYPE | EVENTLOG_INFORMATION_TYPE;
  status = RegSetValueExW(key, L"EventMessageFile", 0, REG_EXPAND_SZ,
                          reinterpret_cast<const BYTE*>(file.c_str()),
                          static_cast<DWORD>((file.size() + 1) * sizeof(wchar_t)));
  if (status == ERROR_SUCCESS) {
    status = RegSetValueExW(key, L"TypesSupported", 0, REG_DWORD,
                            reinterpret_cast<const BYTE*>(&types), sizeof types);
  }
  RegCloseKey(key);
  return status == ERROR_SUCCESS ? std::string() : registry_error("cannot write", status);
}

std::string unregister_event_source() {
  const LSTATUS status = RegDeleteKeyW(HKEY_LOCAL_MACHINE, kSourceKey);
  if (status == ERROR_SUCCESS || status == ERROR_FILE_NOT_FOUND) return {};
  return registry_error("cannot remove", status);
}

Logger::EventSink event_log_sink() {
  const HANDLE source = RegisterEventSourceW(nullptr, kEventSource);
  if (source == nullptr) {
    throw std::runtime_error("cannot open the event log source veeam_port_exporter: " +
                             windows_error_text(GetLastError()));
  }
  // Held as long as any copy of the sink: the logger reports up to its last line.
  const std::shared_ptr<void> handle(source, [](HANDLE h) { DeregisterEventSource(h); });
  return [handle](LogLevel level, std::string_view line) {
    WORD type = EVENTLOG_INFORMATION_TYPE;
    DWORD id = kInformationEvent;
    if (level == LogLevel::kError) {
      type = EVENTLOG_ERROR_TYPE;
      id = kErrorEvent;
    } else if (level == LogLevel::kWarn) {
      type = EVENTLOG_WARNING_TYPE;
      id = kWarningEvent;
    }
    const std::wstring text = widen(line);
    const wchar_t* strings[] = {text.c_str()};
    return ReportEventW(handle.get(), type, 0, id, nullptr, 1, 0, strings, nullptr) != 0;
  };
}

}  // namespace vpm::exporter
