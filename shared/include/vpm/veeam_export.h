#pragma once
// Veeam Agent's own configuration export (`Veeam.Agent.Configurator.exe -export`) as plain
// data: the jobs and the network endpoints each one uses. Nothing here holds a credential: the
// reader skips CredentialsInfo/ServerCredentials and clears the buffers that held the file.
// The config layer merges these endpoints into the target file's roles; no surface reads XML.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "vpm/job_schedule.h"

namespace vpm {

// TargetInfo/@Type of a job.
enum class VeeamTargetType {
  kLocalDisk = 1,         // DriveName, RelativePath: no network
  kSharedFolder = 2,      // Path='\\server\share\...'
  kBackupRepository = 3,  // ServerName, ServerPort, RemoteRepositoryName
  kCloudConnect = 4,      // ServerName, ServerPort, RemoteRepositoryName, GateList
  kUnknown = 0,           // any other value: a warning naming the job, never a failure
};
std::string_view to_string(VeeamTargetType t);  // "local_disk", "shared_folder", ...

struct VeeamEndpoint {
  std::string host;                   // host name, FQDN, IPv4 or IPv6 literal (no brackets)
  std::optional<std::uint16_t> port;  // unset where the export gives none
  friend bool operator==(const VeeamEndpoint&, const VeeamEndpoint&) = default;
};

struct VeeamJob {
  std::string name;       // JobName ("" when missing: then a warning names its line)
  std::string config_id;  // ConfigId
  VeeamTargetType target_type = VeeamTargetType::kUnknown;
  std::string raw_type;    // TargetInfo/@Type as written, for messages about unknown types
  std::string share_path;  // Type 2: the UNC path as written (never holds credentials)
  std::optional<VeeamEndpoint> share_server;   // Type 2: the server part of the UNC path
  std::optional<VeeamEndpoint> backup_server;  // Type 3: ServerName/ServerPort
  std::string repository_name;                 // Types 3 and 4: RemoteRepositoryName
  std::vector<VeeamEndpoint> cloud_gateways;   // Type 4: GateList, else ServerName/ServerPort
  int line = 0;                                // line of the JobInfo element, 1-based
  // ScheduleInfo as a schedule; nullopt when the export has none or one that could not be
  // understood (then a warning says why): such a job has no computed next run.
  std::optional<JobSchedule> schedule;
};

struct VeeamExport {
  std::string source;  // file name used in messages
  std::vector<VeeamJob> jobs;
  std::vector<std::string> warnings;  // "<file>:<line>:<col>: ..." each; never a credential
  std::string version;                // ExecutionResult/@Version, "" when missing
};

class VeeamExportError : public std::runtime_error {
 public:
  // what() is "<file>:<line>:<col>: <message>" or "<file>: <message>"; never a credential.
  using std::runtime_error::runtime_error;
};

// Reads and parses an export. Throws VeeamExportError (malformed XML, a DTD or entity, over the
// size or nesting limit, no ExecutionResult root, unreadable file).
// The file reader clears the buffer it read the file into; load_veeam_export_string clears
// what expat copied, not `xml`, which stays the caller's to clear. Warnings also include a file
// every user may read (POSIX mode bits).
VeeamExport load_veeam_export_file(const std::string& path);
VeeamExport load_veeam_export_string(std::string_view xml, const std::string& source_name);

// The server part of a UNC path: \\server\share\..., \\server.fqdn\share, \\192.0.2.1\share,
// \\[2001:db8::1]\share, \\2001-db8--1.ipv6-literal.net\share (the Windows IPv6 form: '-' for
// ':', 's' for '%'), \\?\UNC\server\share. nullopt when the path is not a UNC path.
std::optional<std::string> unc_server(std::string_view path);

}  // namespace vpm
