#pragma once
// Roles discovered from Veeam Agent's own configuration export, merged into the target file's.
//
// Mapping (docs/how-it-works.md): a job of type 3 (Veeam backup repository) gives role
// backup_server = ServerName, with ServerPort; type 2 (shared folder) gives smb_share = the UNC
// path's server; type 4 (Veeam Cloud Connect) gives cloud_gateway = the GateList hosts with
// their ports (ServerName/ServerPort when GateList is empty). Several jobs: the union.
//
// Precedence: a role that still holds only the shipped loopback default (127.0.0.1) takes the
// discovered hosts instead; any other host written in the file is kept, and the discovered ones
// are added after it (the user wrote it on purpose: a second server, the same one by address).
// Roles the export says nothing about stay as written.
//
// Ports: a discovered port other than the catalogue's (10005 for the backup server, 6180 for a
// cloud gateway) is probed on that host instead of the catalogue's, by a flow of its own named
// "<flow>-port-<N>" next to the flow that holds the catalogue's port; the base flow then probes
// only the hosts that use the catalogue's port.
//
// A flow to a role that no job of this agent uses (backup_server, backup_repository,
// gateway_server without a repository job; smb_share without a shared-folder job;
// cloud_gateway, cloud_connect_crl without a Cloud Connect job), whose role still holds only
// the shipped default, is disabled with the note "not used by this agent's backup jobs".
#include <optional>
#include <string>
#include <vector>

#include "vpm/config.h"
#include "vpm/veeam_export.h"
#include "vpm/veeam_jobs.h"

namespace vpm {

struct DiscoveryResult {
  std::string source;                 // the export's file name, as given
  std::vector<std::string> jobs;      // one line per job: its name, type and endpoints
  std::vector<std::string> roles;     // one line per role the export filled, what became of it
  std::vector<std::string> ports;     // one line per host whose port differs from the catalogue's
  std::vector<std::string> skipped;   // "<flow>: skipped: not used by this agent's backup jobs ..."
  std::vector<std::string> warnings;  // the reader's and the merge's; never a credential
  std::vector<JobNeeds> job_needs;    // each named job and the flows it needs (vpm/veeam_jobs.h)
};

// Merges the export's endpoints into `config` (roles, flows) as described above. Pure: no I/O.
DiscoveryResult merge_veeam_export(Config& config, const VeeamExport& veeam);

// Every line of `result`, in the order jobs, the flows each job needs, roles, ports, skipped
// flows, warnings, each prefixed with what it is ("job", "needs", "role", ...): what
// --print-discovery, --config.check and -v print.
std::vector<std::string> discovery_lines(const DiscoveryResult& result);

struct DiscoveredConfig {
  Config config;
  std::optional<DiscoveryResult> discovery;  // unset: no export named
};

// The target file, then the export named by `export_path` (a flag; it wins) or by the file's
// `discover: {veeam_agent_export: FILE}`, merged. Throws ConfigError or VeeamExportError, both
// naming file:line:col. A world-readable export (POSIX mode bits) gives a warning: it holds the
// agent's credentials, only base64-encoded.
DiscoveredConfig load_discovered_config(const std::string& config_path,
                                        const std::string& export_path);

}  // namespace vpm
