// Merges the endpoints of Veeam Agent's export into the target file's roles and flows; the
// rules are in vpm/veeam_discovery.h and docs/how-it-works.md.
#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "vpm/quoted.h"
#include "vpm/veeam_discovery.h"

namespace vpm {
namespace {

// What config/targets.yaml ships for every machine of the user's network.
constexpr std::string_view kShippedDefault = "127.0.0.1";
constexpr std::string_view kNotUsed = "not used by this agent's backup jobs";

struct RoleSource {
  std::string_view role;
  VeeamTargetType type;
  std::optional<Port> catalogue_port;  // the port the catalogue's flows to this role probe
};
// The roles the export fills, and from which job type.
constexpr std::array<RoleSource, 3> kFilledRoles{{
    {"backup_server", VeeamTargetType::kBackupRepository, Port{10005}},
    {"smb_share", VeeamTargetType::kSharedFolder, std::nullopt},
    {"cloud_gateway", VeeamTargetType::kCloudConnect, Port{6180}},
}};

// The roles a job type's backups go through: a role no job uses is not needed on this agent.
struct RoleUse {
  std::string_view role;
  VeeamTargetType type;
};
constexpr std::array<RoleUse, 6> kRoleUses{{
    {"backup_server", VeeamTargetType::kBackupRepository},
    {"backup_repository", VeeamTargetType::kBackupRepository},
    {"gateway_server", VeeamTargetType::kBackupRepository},
    {"smb_share", VeeamTargetType::kSharedFolder},
    {"cloud_gateway", VeeamTargetType::kCloudConnect},
    {"cloud_connect_crl", VeeamTargetType::kCloudConnect},
}};

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Host names compare without case (DNS); IP literals have no case to differ in.
bool same_host(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [](char x, char y) { return lower(x) == lower(y); });
}

bool holds_host(const std::vector<std::string>& hosts, std::string_view host) {
  return std::any_of(hosts.begin(), hosts.end(),
                     [&](const std::string& h) { return same_host(h, host); });
}

std::string endpoint_text(const VeeamEndpoint& e) {
  const bool ipv6 = e.host.find(':') != std::string::npos;
  if (!e.port) return e.host;
  return (ipv6 ? "[" + e.host + "]" : e.host) + ":" + std::to_string(*e.port);
}

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

// The job's name as the export gives it, else where it is.
std::string job_label(const VeeamJob& job) {
  if (!job.name.empty()) return quoted(job.name);
  return "(no JobName, line " + std::to_string(job.line) + ")";
}

std::vector<VeeamEndpoint> endpoints_for(const VeeamJob& job, VeeamTargetType type) {
  if (job.target_type != type) return {};
  switch (type) {
    case VeeamTargetType::kBackupRepository:
      if (job.backup_server) return {*job.backup_server};
      return {};
    case VeeamTargetType::kSharedFolder:
      if (job.share_server) return {*job.share_server};
      return {};
    case VeeamTargetType::kCloudConnect:
      return job.cloud_gateways;
    default:
      return {};
  }
}

// As Veeam's documentation names the target types.
std::string_view type_text(VeeamTargetType type) {
  switch (type) {
    case VeeamTargetType::kLocalDisk:
      return "local disk";
    case VeeamTargetType::kSharedFolder:
      return "shared folder";
    case VeeamTargetType::kBackupRepository:
      return "Veeam backup repository";
    case VeeamTargetType::kCloudConnect:
      return "Veeam Cloud Connect";
    case VeeamTargetType::kUnknown:
      break;
  }
  return "unknown target type";
}

std::string describe_job(const VeeamJob& job) {
  std::string line = job_label(job) + ": " + std::string(type_text(job.target_type));
  if (job.target_type == VeeamTargetType::kUnknown) {
    return line + " " + quoted(job.raw_type) + ": nothing discovered";
  }
  if (job.target_type == VeeamTargetType::kLocalDisk) return line + ", no network endpoint";
  std::vector<std::string> endpoints;
  for (const RoleSource& source : kFilledRoles) {
    for (const VeeamEndpoint& e : endpoints_for(job, source.type)) {
      endpoints.push_back(std::string(source.role) + " " + endpoint_text(e));
    }
  }
  if (endpoints.empty()) return line + ": no endpoint in the export";
  line += ": " + join(endpoints);
  if (!job.repository_name.empty()) line += " (repository " + quoted(job.repository_name) + ")";
  return line;
}

bool holds_only_shipped_default(const Role& role) {
  return role.hosts.size() == 1 && role.hosts.front() == kShippedDefault;
}

// `ports` without `removed`, plus `added`.
PortSet replace_port(const PortSet& ports, Port removed, Port added) {
  PortSet out;
  for (const PortRange& r : ports.ranges()) {
    if (removed < r.first || removed > r.last) {
      out.add(r);
      continue;
    }
    if (removed > r.first) out.add({r.first, static_cast<Port>(removed - 1)});
    if (removed < r.last) out.add({static_cast<Port>(removed + 1), r.last});
  }
  out.add({added, added});  // an overlap (the port was already there) leaves the set as it is
  return out;
}

bool holds_port(const PortSet& ports, Port port) {
  return std::any_of(ports.ranges().begin(), ports.ranges().end(),
                     [&](const PortRange& r) { return port >= r.first && port <= r.last; });
}

Role& role_named(Config& config, std::string_view name, DiscoveryResult& result) {
  for (Role& role : config.roles) {
    if (role.name == name) return role;
  }
  config.roles.push_back(Role{std::string(name), {}, "discovered from the Veeam Agent export"});
  result.warnings.push_back(config.source + " has no role " + quoted(name) +
                            ": added from the export (no flow of the file goes to it)");
  return config.roles.back();
}

// The role's hosts after the merge, and a line saying what happened.
void merge_hosts(Config& config, const RoleSource& source, const std::vector<VeeamEndpoint>& found,
                 DiscoveryResult& result) {
  std::vector<std::string> discovered;
  for (const VeeamEndpoint& e : found) {
    if (!holds_host(discovered, e.host)) discovered.push_back(e.host);
  }
  Role& role = role_named(config, source.role, result);
  std::string line = std::string(source.role) + ": ";
  if (role.hosts.empty() || holds_only_shipped_default(role)) {
    line += join(discovered) + " (from the export";
    if (!role.hosts.empty())
      line += "; replaces the shipped default " + std::string(kShippedDefault);
    line += ")";
    role.hosts = discovered;
  } else {
    std::vector<std::string> added;
    for (const std::string& host : discovered) {
      if (!holds_host(role.hosts, host)) added.push_back(host);
    }
    line += join(role.hosts) + " (kept from " + config.source + ")";
    line += added.empty() ? "; the export names no other host"
                          : "; " + join(added) + " (added from the export)";
    role.hosts.insert(role.hosts.end(), added.begin(), added.end());
  }
  result.roles.push_back(std::move(line));
}

// Hosts whose discovered port is not the catalogue's get a flow of their own per port.
void merge_ports(Config& config, const RoleSource& source, const std::vector<VeeamEndpoint>& found,
                 DiscoveryResult& result) {
  if (!source.catalogue_port) return;
  const Port catalogue = *source.catalogue_port;
  std::map<Port, std::vector<std::string>> hosts_by_port;  // only ports other than the catalogue's
  std::vector<std::string> on_catalogue_port;              // hosts also reached on the catalogue's
  for (const VeeamEndpoint& e : found) {
    if (!e.port || *e.port == catalogue) {
      if (!holds_host(on_catalogue_port, e.host)) on_catalogue_port.push_back(e.host);
      continue;
    }
    std::vector<std::string>& hosts = hosts_by_port[*e.port];
    if (!holds_host(hosts, e.host)) hosts.push_back(e.host);
  }
  if (hosts_by_port.empty()) return;

  const Role* role = config.find_role(source.role);
  std::vector<Flow> flows;
  flows.reserve(config.flows.size() + hosts_by_port.size());
  std::vector<std::string> derived_names;
  for (Flow& flow : config.flows) {
    const bool carries = flow.to == source.role && holds_port(flow.ports, catalogue);
    flows.push_back(flow);
    if (!carries) continue;
    // The base flow keeps the hosts that use the catalogue's port, or that the user wrote.
    std::vector<std::string> base_hosts;
    for (const std::string& host : role->hosts) {
      bool elsewhere_only = false;
      for (const auto& [port, hosts] : hosts_by_port) {
        if (holds_host(hosts, host)) elsewhere_only = true;
      }
      if (!elsewhere_only || holds_host(on_catalogue_port, host)) base_hosts.push_back(host);
    }
    Flow& base = flows.back();
    base.only_hosts = base_hosts;
    if (base_hosts.empty() && base.enabled) {
      base.enabled = false;
      result.ports.push_back(base.name + ": disabled: every " + std::string(source.role) +
                             " host uses another port than " + std::to_string(catalogue));
    }
    for (const auto& [port, hosts] : hosts_by_port) {
      Flow derived = flow;
      derived.name = flow.name + "-port-" + std::to_string(port);
      if (std::any_of(config.flows.begin(), config.flows.end(),
                      [&](const Flow& f) { return f.name == derived.name; })) {
        result.warnings.push_back("a flow named " + quoted(derived.name) + " is in " +
                                  config.source + " already: port " + std::to_string(port) +
                                  " of " + join(hosts) + " is not probed");
        continue;
      }
      derived.ports = replace_port(flow.ports, catalogue, port);
      derived.only_hosts = hosts;
      derived.note = flow.note + " (Port " + std::to_string(port) +
                     ", as the Veeam Agent export gives it, instead of " +
                     std::to_string(catalogue) + ".)";
      result.ports.push_back(std::string(source.role) + " " + join(hosts) + ": port " +
                             std::to_string(port) + " (from the export) differs from the " +
                             "catalogue's " + std::to_string(catalogue) + ": probed by " +
                             derived.name + " instead");
      flows.push_back(std::move(derived));
    }
  }
  config.flows = std::move(flows);
}

bool any_job_of(const VeeamExport& veeam, VeeamTargetType type) {
  return std::any_of(veeam.jobs.begin(), veeam.jobs.end(),
                     [&](const VeeamJob& job) { return job.target_type == type; });
}

void skip_unused(Config& config, const VeeamExport& veeam, DiscoveryResult& result) {
  for (Flow& flow : config.flows) {
    if (!flow.enabled) continue;
    const auto use = std::find_if(kRoleUses.begin(), kRoleUses.end(),
                                  [&](const RoleUse& u) { return u.role == flow.to; });
    if (use == kRoleUses.end() || any_job_of(veeam, use->type)) continue;
    const Role* role = config.find_role(flow.to);
    if (role == nullptr || !holds_only_shipped_default(*role)) continue;
    flow.enabled = false;
    result.skipped.push_back(flow.name + ": skipped: " + std::string(kNotUsed) + " (role " +
                             flow.to + " holds only the shipped default " +
                             std::string(kShippedDefault) + ")");
  }
}

}  // namespace

DiscoveryResult merge_veeam_export(Config& config, const VeeamExport& veeam) {
  DiscoveryResult result;
  result.source = veeam.source;
  result.warnings = veeam.warnings;
  for (const VeeamJob& job : veeam.jobs) result.jobs.push_back(describe_job(job));
  if (veeam.jobs.empty()) result.warnings.push_back(veeam.source + ": the export holds no job");
  // Skipping looks at the roles as the file wrote them, before discovery fills them.
  skip_unused(config, veeam, result);
  for (const RoleSource& source : kFilledRoles) {
    std::vector<VeeamEndpoint> found;
    for (const VeeamJob& job : veeam.jobs) {
      for (VeeamEndpoint& e : endpoints_for(job, source.type)) {
        if (std::find(found.begin(), found.end(), e) == found.end()) found.push_back(std::move(e));
      }
    }
    if (found.empty()) continue;
    merge_hosts(config, source, found, result);
    merge_ports(config, source, found, result);
  }
  // After the merge: the flows a discovered port added are needed too.
  result.job_needs = job_needs(config, veeam, result.warnings);
  return result;
}

std::vector<std::string> discovery_lines(const DiscoveryResult& result) {
  std::vector<std::string> lines;
  const auto add = [&](std::string_view what, const std::vector<std::string>& items) {
    for (const std::string& item : items) lines.push_back(std::string(what) + " " + item);
  };
  add("job", result.jobs);
  for (const JobNeeds& needs : result.job_needs) lines.push_back("needs " + describe_needs(needs));
  add("role", result.roles);
  add("port", result.ports);
  add("flow", result.skipped);
  add("warning", result.warnings);
  return lines;
}

}  // namespace vpm
