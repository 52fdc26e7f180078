#pragma once
// One job's TargetInfo, by Type, into the endpoints of vpm/veeam_export.h: what each of the
// four target types gives, and what a known type cannot do without.
#include <optional>
#include <string>
#include <vector>

#include "vpm/veeam_export.h"

namespace vpm {

// Where in the export, 1-based.
struct ExportPosition {
  unsigned long line = 0;
  unsigned long column = 0;
};

// The attributes of a TargetInfo the monitor uses, and its GateList entries. None is a
// credential: those sit in the CredentialsInfo/ServerCredentials children, never read.
struct TargetInfoAttributes {
  ExportPosition position;
  std::optional<std::string> type;
  std::optional<std::string> path;
  std::optional<std::string> server_name;
  std::optional<std::string> server_port;
  std::optional<std::string> gate_list_attribute;
  struct Gate {
    std::string text;
    ExportPosition position;
  };
  std::vector<Gate> gates;  // <GateList> children (value='host:port') and text
};

struct TargetMessage {
  ExportPosition position;
  std::string message;
};

// An error: a known type without its endpoint. A warning: a type the monitor does not know.
struct TargetOutcome {
  std::optional<TargetMessage> error;
  std::optional<TargetMessage> warning;
};

// Sets job's target_type, raw_type and the endpoints its type gives. `job_label` names the job
// in messages ("job \"Backup Job\"").
TargetOutcome read_target(const TargetInfoAttributes& target, const std::string& job_label,
                          VeeamJob& job);

}  // namespace vpm
