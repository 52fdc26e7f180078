#include "veeam_target.h"

#include <algorithm>
#include <utility>

#include "veeam_endpoint.h"
#include "vpm/quoted.h"

namespace vpm {
namespace {

VeeamTargetType parse_target_type(std::string_view text) {
  if (text == "1") return VeeamTargetType::kLocalDisk;
  if (text == "2") return VeeamTargetType::kSharedFolder;
  if (text == "3") return VeeamTargetType::kBackupRepository;
  if (text == "4") return VeeamTargetType::kCloudConnect;
  return VeeamTargetType::kUnknown;
}

TargetOutcome error_at(ExportPosition position, std::string message) {
  return {TargetMessage{position, std::move(message)}, std::nullopt};
}

// Errors, not warnings, from here on: a known target whose endpoint cannot be read would
// leave the monitor checking less than the agent uses, without saying so where it runs.
TargetOutcome read_shared_folder(const TargetInfoAttributes& target, const std::string& where,
                                 VeeamJob& job) {
  if (!target.path || target.path->empty())
    return error_at(target.position, where + " without Path");
  const std::optional<std::string> server = unc_server(*target.path);
  if (!server) {
    return error_at(target.position, where + ": Path " + quoted(*target.path) +
                                         " is not a UNC path (\\\\server\\share)");
  }
  if (!is_host(*server)) {
    return error_at(target.position, where + ": the server " + quoted(*server) + " of Path " +
                                         quoted(*target.path) +
                                         " is not a host name or IP address");
  }
  job.share_path = *target.path;
  job.share_server = VeeamEndpoint{*server, std::nullopt};
  return {};
}

// ServerName and ServerPort; `error` is set when they cannot be read.
std::optional<VeeamEndpoint> server_endpoint(const TargetInfoAttributes& target,
                                             const std::string& where, TargetOutcome& outcome) {
  if (!target.server_name || target.server_name->empty()) {
    outcome = error_at(target.position, where + " without ServerName");
    return std::nullopt;
  }
  std::string host = *target.server_name;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (!is_host(host)) {
    outcome = error_at(target.position, where + ": ServerName " + quoted(*target.server_name) +
                                            " is not a host name or IP address");
    return std::nullopt;
  }
  VeeamEndpoint endpoint{host, std::nullopt};
  if (target.server_port && !target.server_port->empty()) {  // ServerPort='': not given
    endpoint.port = parse_port(*target.server_port);
    if (!endpoint.port) {
      outcome = error_at(target.position, where + ": ServerPort " + quoted(*target.server_port) +
                                              " is not a number from 1 to 65535");
      return std::nullopt;
    }
  }
  return endpoint;
}

TargetOutcome read_cloud_connect(const TargetInfoAttributes& target, const std::string& where,
                                 VeeamJob& job) {
  std::vector<TargetInfoAttributes::Gate> gates;
  if (target.gate_list_attribute) {
    for (std::string_view entry : split_gate_list(*target.gate_list_attribute)) {
      gates.push_back({std::string(entry), target.position});
    }
  }
  gates.insert(gates.end(), target.gates.begin(), target.gates.end());
  for (const TargetInfoAttributes::Gate& gate : gates) {
    std::string why;
    std::optional<VeeamEndpoint> endpoint = parse_gateway(gate.text, why);
    if (!endpoint) {
      return error_at(gate.position, where + ": GateList entry " + quoted(gate.text) + ": " + why);
    }
    if (std::find(job.cloud_gateways.begin(), job.cloud_gateways.end(), *endpoint) ==
        job.cloud_gateways.end()) {
      job.cloud_gateways.push_back(std::move(*endpoint));
    }
  }
  TargetOutcome outcome;
  if (!job.cloud_gateways.empty()) return outcome;
  // An empty GateList: the agent connects to ServerName:ServerPort.
  std::optional<VeeamEndpoint> server =
      server_endpoint(target, where + " with an empty GateList", outcome);
  if (server) job.cloud_gateways.push_back(std::move(*server));
  return outcome;
}

}  // namespace

TargetOutcome read_target(const TargetInfoAttributes& target, const std::string& job_label,
                          VeeamJob& job) {
  job.raw_type = target.type.value_or("");
  job.target_type = parse_target_type(job.raw_type);
  TargetOutcome outcome;
  switch (job.target_type) {
    case VeeamTargetType::kLocalDisk:
      return outcome;  // DriveName, RelativePath: nothing on the network
    case VeeamTargetType::kSharedFolder:
      return read_shared_folder(target, job_label + ": shared folder target (Type 2)", job);
    case VeeamTargetType::kBackupRepository:
      job.backup_server =
          server_endpoint(target, job_label + ": backup repository target (Type 3)", outcome);
      return outcome;
    case VeeamTargetType::kCloudConnect:
      return read_cloud_connect(target, job_label + ": Cloud Connect target (Type 4)", job);
    case VeeamTargetType::kUnknown:
      break;
  }
  const std::string message =
      target.type ? job_label + ": TargetInfo Type " + quoted(job.raw_type) +
                        " is not one the monitor knows (1 local disk, 2 shared folder, 3 backup "
                        "repository, 4 Cloud Connect): its endpoints are not discovered"
                  : job_label + ": TargetInfo without Type: its endpoints are not discovered";
  outcome.warning = TargetMessage{target.position, message};
  return outcome;
}

std::string_view to_string(VeeamTargetType t) {
  switch (t) {
    case VeeamTargetType::kLocalDisk:
      return "local_disk";
    case VeeamTargetType::kSharedFolder:
      return "shared_folder";
    case VeeamTargetType::kBackupRepository:
      return "backup_repository";
    case VeeamTargetType::kCloudConnect:
      return "cloud_connect";
    case VeeamTargetType::kUnknown:
      break;
  }
  return "unknown";
}

}  // namespace vpm
