// merge_veeam_export on hand-built exports: the mapping, the precedence between the file's hosts
// and the discovered ones, per-host ports, and the flows skipped on an agent that has no use
// for them. The export reader has its own tests; the merge sees only plain data.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "vpm/config.h"
#include "vpm/plan.h"
#include "vpm/veeam_discovery.h"

namespace vpm {
namespace {

const std::string kShipped = std::string(VPM_SOURCE_DIR) + "/config/targets.yaml";

VeeamJob repository_job(std::string name, std::string host, std::optional<Port> port) {
  VeeamJob job;
  job.name = std::move(name);
  job.target_type = VeeamTargetType::kBackupRepository;
  job.raw_type = "3";
  job.backup_server = VeeamEndpoint{std::move(host), port};
  job.repository_name = "Default Backup Repository";
  return job;
}

VeeamJob share_job(std::string name, std::string server) {
  VeeamJob job;
  job.name = std::move(name);
  job.target_type = VeeamTargetType::kSharedFolder;
  job.raw_type = "2";
  job.share_path = "\\\\" + server + "\\backups";
  job.share_server = VeeamEndpoint{std::move(server), std::nullopt};
  return job;
}

VeeamJob cloud_job(std::string name, std::vector<VeeamEndpoint> gateways) {
  VeeamJob job;
  job.name = std::move(name);
  job.target_type = VeeamTargetType::kCloudConnect;
  job.raw_type = "4";
  job.cloud_gateways = std::move(gateways);
  return job;
}

VeeamJob local_job(std::string name) {
  VeeamJob job;
  job.name = std::move(name);
  job.target_type = VeeamTargetType::kLocalDisk;
  job.raw_type = "1";
  return job;
}

VeeamExport export_of(std::vector<VeeamJob> jobs) {
  VeeamExport veeam;
  veeam.source = "export.xml";
  veeam.jobs = std::move(jobs);
  return veeam;
}

const Flow& flow_named(const Config& config, std::string_view name) {
  const auto it = std::find_if(config.flows.begin(), config.flows.end(),
                               [&](const Flow& f) { return f.name == name; });
  if (it == config.flows.end()) throw std::runtime_error("no flow " + std::string(name));
  return *it;
}

bool has_flow(const Config& config, std::string_view name) {
  return std::any_of(config.flows.begin(), config.flows.end(),
                     [&](const Flow& f) { return f.name == name; });
}

bool any_line_has(const std::vector<std::string>& lines, std::string_view text) {
  return std::any_of(lines.begin(), lines.end(),
                     [&](const std::string& l) { return l.find(text) != std::string::npos; });
}

using Hosts = std::vector<std::string>;

TEST(VeeamMerge, RepositoryJobReplacesTheShippedDefaultOfBackupServer) {
  Config config = load_config_file(kShipped);
  const DiscoveryResult result =
      merge_veeam_export(config, export_of({repository_job("Daily", "vbr01.corp.example", 10005)}));
  EXPECT_EQ(config.find_role("backup_server")->hosts, Hosts{"vbr01.corp.example"});
  EXPECT_TRUE(any_line_has(result.roles, "replaces the shipped default 127.0.0.1"));
  // The catalogue's port: no flow of its own, the base flow probes every host.
  EXPECT_FALSE(has_flow(config, "agent-to-backup-server-port-10005"));
  EXPECT_EQ(flow_hosts(config, flow_named(config, "agent-to-backup-server")),
            Hosts{"vbr01.corp.example"});
  EXPECT_TRUE(result.ports.empty());
  // Roles the export says nothing about stay as written.
  EXPECT_EQ(config.find_role("smtp_server")->hosts, Hosts{"127.0.0.1"});
  EXPECT_EQ(config.find_role("backup_repository")->hosts, Hosts{"127.0.0.1"});
}

TEST(VeeamMerge, HostsTheUserWroteAreKeptAndTheDiscoveredAdded) {
  Config config = load_config_file(kShipped);
  for (Role& role : config.roles) {
    if (role.name == "backup_server") role.hosts = {"vbr-old.corp.example"};
  }
  const DiscoveryResult result =
      merge_veeam_export(config, export_of({repository_job("A", "VBR01.corp.example", 10005),
                                            repository_job("B", "vbr01.corp.example", std::nullopt),
                                            repository_job("C", "vbr-old.corp.example", 10005)}));
  // Union, the file's first; names compare without case, as DNS does.
  EXPECT_EQ(config.find_role("backup_server")->hosts,
            (Hosts{"vbr-old.corp.example", "VBR01.corp.example"}));
  EXPECT_TRUE(any_line_has(result.roles, "vbr-old.corp.example (kept from"));
  EXPECT_TRUE(any_line_has(result.roles, "VBR01.corp.example (added from the export)"));
  EXPECT_EQ(result.jobs.size(), 3U);
}

TEST(VeeamMerge, AServerPortOtherThanTheCatalogueIsProbedByAFlowOfItsOwn) {
  Config config = load_config_file(kShipped);
  const DiscoveryResult result = merge_veeam_export(
      config,
      export_of({repository_job("A", "vbr01", 10006), repository_job("B", "vbr02", 10005)}));
  const Flow& base = flow_named(config, "agent-to-backup-server");
  const Flow& own = flow_named(config, "agent-to-backup-server-port-10006");
  EXPECT_EQ(flow_hosts(config, base), Hosts{"vbr02"});
  EXPECT_EQ(flow_hosts(config, own), Hosts{"vbr01"});
  EXPECT_EQ(own.ports.to_string(), "10006");
  EXPECT_EQ(own.from, "agent");
  EXPECT_EQ(own.check, base.check);
  // Right after its base flow, so listings keep the catalogue's order.
  const auto index = [&](std::string_view n) {
    return std::find_if(config.flows.begin(), config.flows.end(),
                        [&](const Flow& f) { return f.name == n; }) -
           config.flows.begin();
  };
  EXPECT_EQ(index("agent-to-backup-server-port-10006"), index("agent-to-backup-server") + 1);
  // The identity service's flow (443) does not hold 10005: every host, untouched.
  EXPECT_EQ(flow_hosts(config, flow_named(config, "agent-to-backup-server-identity")),
            (Hosts{"vbr01", "vbr02"}));
  ASSERT_EQ(result.ports.size(), 1U);
  EXPECT_NE(result.ports[0].find("differs from the catalogue's 10005"), std::string::npos);
}

TEST(VeeamMerge, OnlyOtherPortsDisableTheBaseFlow) {
  Config config = load_config_file(kShipped);
  const DiscoveryResult result =
      merge_veeam_export(config, export_of({repository_job("A", "vbr01", 10006)}));
  EXPECT_FALSE(flow_named(config, "agent-to-backup-server").enabled);
  EXPECT_TRUE(flow_named(config, "agent-to-backup-server-port-10006").enabled);
  EXPECT_TRUE(any_line_has(result.ports, "agent-to-backup-server: disabled"));
}

TEST(VeeamMerge, CloudGatewaysWithTheirPorts) {
  Config config = load_config_file(kShipped);
  merge_veeam_export(config, export_of({cloud_job("Cloud", {{"gw1.provider.example", 6180},
                                                            {"gw2.provider.example", 6280},
                                                            {"2001:db8::7", 6280}})}));
  EXPECT_EQ(config.find_role("cloud_gateway")->hosts,
            (Hosts{"gw1.provider.example", "gw2.provider.example", "2001:db8::7"}));
  EXPECT_EQ(flow_hosts(config, flow_named(config, "agent-to-cloud-gateway")),
            Hosts{"gw1.provider.example"});
  const Flow& own = flow_named(config, "agent-to-cloud-gateway-port-6280");
  EXPECT_EQ(flow_hosts(config, own), (Hosts{"gw2.provider.example", "2001:db8::7"}));
  EXPECT_EQ(own.check.kind, CheckKind::kTls);
}

TEST(VeeamMerge, ShareServerAndSeveralJobsGiveTheUnion) {
  Config config = load_config_file(kShipped);
  const DiscoveryResult result = merge_veeam_export(
      config, export_of({share_job("S1", "nas01"), share_job("S2", "192.0.2.10"),
                         share_job("S3", "NAS01"), repository_job("R", "vbr01", 10005)}));
  EXPECT_EQ(config.find_role("smb_share")->hosts, (Hosts{"nas01", "192.0.2.10"}));
  EXPECT_EQ(config.find_role("backup_server")->hosts, Hosts{"vbr01"});
  // Cloud Connect: no job, still the shipped default: its flow is skipped.
  EXPECT_FALSE(flow_named(config, "agent-to-cloud-gateway").enabled);
  EXPECT_TRUE(any_line_has(result.skipped,
                           "agent-to-cloud-gateway: skipped: not used by this "
                           "agent's backup jobs"));
}

TEST(VeeamMerge, LocalDiskOnlySkipsTheNetworkTargetsStillAtTheDefault) {
  Config config = load_config_file(kShipped);
  for (Role& role : config.roles) {
    if (role.name == "gateway_server") role.hosts = {"gw.corp.example"};  // the user's: kept
  }
  const DiscoveryResult result = merge_veeam_export(config, export_of({local_job("Local")}));
  for (const char* name : {"agent-to-backup-server", "agent-to-backup-server-identity",
                           "agent-to-repository-data-mover", "agent-to-smb-share",
                           "agent-to-smb-share-nbns", "agent-to-cloud-gateway"}) {
    EXPECT_FALSE(flow_named(config, name).enabled) << name;
    EXPECT_TRUE(any_line_has(result.skipped, std::string(name) + ": skipped: not used by this "
                                                                 "agent's backup jobs"))
        << name;
  }
  // Written by the user: probed. Not a backup target: probed.
  EXPECT_TRUE(flow_named(config, "agent-to-gateway-smb").enabled);
  EXPECT_TRUE(flow_named(config, "agent-to-smtp").enabled);
  EXPECT_TRUE(flow_named(config, "agent-components-service").enabled);
  EXPECT_TRUE(any_line_has(result.jobs, "\"Local\": local disk, no network endpoint"));
  EXPECT_TRUE(result.roles.empty());
}

TEST(VeeamMerge, UnknownTypeIsNamedNotFatal) {
  Config config = load_config_file(kShipped);
  VeeamJob odd;
  odd.name = "Tape";
  odd.raw_type = "7";
  const DiscoveryResult result = merge_veeam_export(config, export_of({odd}));
  EXPECT_TRUE(any_line_has(result.jobs, "\"Tape\": unknown target type \"7\": nothing discovered"))
      << (result.jobs.empty() ? "" : result.jobs[0]);
}

TEST(VeeamMerge, DiscoveryLinesSayWhatEachIs) {
  Config config = load_config_file(kShipped);
  const DiscoveryResult result =
      merge_veeam_export(config, export_of({repository_job("A", "vbr01", 10006)}));
  const std::vector<std::string> lines = discovery_lines(result);
  EXPECT_TRUE(any_line_has(lines, "job \"A\": Veeam backup repository: backup_server vbr01:10006"));
  EXPECT_TRUE(any_line_has(lines, "role backup_server: vbr01"));
  EXPECT_TRUE(any_line_has(lines, "port backup_server vbr01: port 10006"));
}

}  // namespace
}  // namespace vpm
