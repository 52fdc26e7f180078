#pragma once
// The Windows Application event log: the service's errors, warnings, start, stop and reload
// under its own event source, besides --log.file (windows_event_log.cc; Windows only).
//
// The source is the registry key
//   HKLM\SYSTEM\CurrentControlSet\Services\EventLog\Application\veeam_port_exporter
// with EventMessageFile, the exporter's .exe, whose message table (event_messages.mc) gives
// event 1 (information), 2 (warning) and 3 (error) the text "%1": the logfmt line itself, so
// Event Viewer shows the line as the log file has it.
#include <string>

#include "logfmt_logger.h"

namespace vpm::exporter {

inline constexpr wchar_t kEventSource[] = L"veeam_port_exporter";

// Creates or updates the source's key for `exe_path`. Empty on success, else why not.
std::string register_event_source(const std::string& exe_path);
// Removes the key; a missing key is no error. Empty on success, else why not.
std::string unregister_event_source();

// A sink that reports each line to the event log under kEventSource (RegisterEventSourceW,
// ReportEventW). Throws std::runtime_error when the source cannot be opened.
Logger::EventSink event_log_sink();

}  // namespace vpm::exporter
