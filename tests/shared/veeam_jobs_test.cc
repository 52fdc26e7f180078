// job_needs and judge_job on plain data: which flows of the shipped catalogue each job type
// needs, the message for an unknown --job, and readiness from hand-built results.
#include "vpm/veeam_jobs.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "vpm/config.h"
#include "vpm/veeam_discovery.h"

namespace vpm {
namespace {

const std::string kShipped = std::string(VPM_SOURCE_DIR) + "/config/targets.yaml";

VeeamJob job_of(std::string name, VeeamTargetType type) {
  VeeamJob job;
  job.name = std::move(name);
  job.target_type = type;
  job.line = 3;
  return job;
}

JobNeeds needs_of(std::string name, VeeamTargetType type, std::vector<std::string> flows) {
  JobNeeds job;
  job.job = std::move(name);
  job.target_type = type;
  job.flows = std::move(flows);
  return job;
}

bool needs(const JobNeeds& job, const std::string& flow) {
  return std::find(job.flows.begin(), job.flows.end(), flow) != job.flows.end();
}

TEST(JobNeeds, PreflightLeadFromDefaultsThenTheJobsEntry) {
  const Config config = load_config_string(
      "defaults: {preflight: 45m}\n"
      "roles: {agent: {hosts: [127.0.0.1]}}\n"
      "flows: [{name: f, from: agent, to: agent, ports: [1]}]\n"
      "jobs:\n"
      "  Nightly to VBR: {preflight: 1h}\n"
      "  Weekly: {preflight: 0}\n"
      "  Old job: {preflight: 10m}\n",
      "targets.yaml");
  VeeamExport veeam;
  veeam.source = "agent.xml";
  veeam.jobs = {job_of("Nightly to VBR", VeeamTargetType::kBackupRepository),
                job_of("Weekly", VeeamTargetType::kLocalDisk),
                job_of("Local", VeeamTargetType::kLocalDisk)};
  std::vector<std::string> warnings;
  const std::vector<JobNeeds> jobs = job_needs(config, veeam, warnings);
  ASSERT_EQ(jobs.size(), 3u);
  EXPECT_EQ(jobs[0].preflight, std::chrono::hours(1));
  EXPECT_EQ(jobs[1].preflight, std::chrono::seconds(0));  // off
  EXPECT_EQ(jobs[2].preflight, std::chrono::minutes(45));
  // An entry naming no job of the export: said where, with the jobs that exist.
  EXPECT_EQ(warnings, std::vector<std::string>{
                          "targets.yaml:7:3: jobs: no job \"Old job\" in agent.xml; its jobs: "
                          "\"Nightly to VBR\", \"Weekly\", \"Local\""});
}

TEST(JobNeeds, EachTargetTypeNeedsItsFlowsOfTheShippedCatalogue) {
  const Config config = load_config_file(kShipped);
  VeeamExport veeam;
  veeam.source = "agent.xml";
  veeam.jobs = {job_of("Local", VeeamTargetType::kLocalDisk),
                job_of("Share", VeeamTargetType::kSharedFolder),
                job_of("Nightly to VBR", VeeamTargetType::kBackupRepository),
                job_of("Cloud", VeeamTargetType::kCloudConnect)};
  std::vector<std::string> warnings;
  const std::vector<JobNeeds> jobs = job_needs(config, veeam, warnings);
  ASSERT_EQ(jobs.size(), 4u);
  EXPECT_TRUE(warnings.empty());
  for (const JobNeeds& job : jobs) {
    // The agent's own components, for every job.
    EXPECT_TRUE(needs(job, "agent-local-service")) << job.job;
    EXPECT_TRUE(needs(job, "agent-components-data")) << job.job;
    // Disabled flows (incoming duplicates, Internet) and flows from other roles: never.
    EXPECT_FALSE(needs(job, "incoming-agent-components-data")) << job.job;
    EXPECT_FALSE(needs(job, "backup-server-to-agent-data")) << job.job;
    EXPECT_FALSE(needs(job, "agent-to-smtp")) << job.job;  // notifications stop no job
    EXPECT_FALSE(needs(job, "agent-to-update-server")) << job.job;
  }
  const JobNeeds& local = jobs[0];
  EXPECT_FALSE(needs(local, "agent-to-dns-server-rpc-endpoint-mapper"));
  EXPECT_FALSE(needs(local, "agent-to-backup-server"));
  const JobNeeds& share = jobs[1];
  EXPECT_EQ(share.target_type, VeeamTargetType::kSharedFolder);
  EXPECT_TRUE(needs(share, "agent-to-smb-share"));
  EXPECT_TRUE(needs(share, "agent-to-smb-share-nbns"));
  EXPECT_TRUE(needs(share, "agent-to-domain-controller-ldap"));
  EXPECT_TRUE(needs(share, "agent-to-dns-server-rpc-endpoint-mapper"));
  EXPECT_FALSE(needs(share, "agent-to-backup-server"));
  const JobNeeds& vbr = jobs[2];
  for (const char* flow : {"agent-to-backup-server", "agent-to-backup-server-identity",
                           "agent-to-repository-data-mover", "agent-to-repository-data",
                           "agent-to-gateway-smb", "agent-to-domain-controller-rpc-dynamic"}) {
    EXPECT_TRUE(needs(vbr, flow)) << flow;
  }
  EXPECT_FALSE(needs(vbr, "agent-to-smb-share"));
  EXPECT_FALSE(needs(vbr, "agent-to-cloud-gateway"));
  const JobNeeds& cloud = jobs[3];
  EXPECT_TRUE(needs(cloud, "agent-to-cloud-gateway"));
  EXPECT_FALSE(needs(cloud, "agent-to-cloud-connect-crl"));  // shipped disabled (Internet)
  EXPECT_FALSE(needs(cloud, "agent-to-backup-server"));
  EXPECT_EQ(describe_needs(local),
            "\"Local\" (local_disk): agent-local-service, agent-components-service, "
            "agent-components-data, agent-components-rpc-dynamic");
}

TEST(JobNeeds, TheMergeListsTheFlowsAPortOfTheExportAdds) {
  Config config = load_config_file(kShipped);
  VeeamExport veeam;
  veeam.source = "agent.xml";
  VeeamJob job = job_of("Nightly to VBR", VeeamTargetType::kBackupRepository);
  job.backup_server = VeeamEndpoint{"vbr01.corp.example", 10001};
  veeam.jobs = {job};
  const DiscoveryResult result = merge_veeam_export(config, veeam);
  ASSERT_EQ(result.job_needs.size(), 1u);
  EXPECT_TRUE(needs(result.job_needs[0], "agent-to-backup-server-port-10001"));
  // Every host of the role uses 10001: the catalogue's flow is disabled, so no job needs it.
  EXPECT_FALSE(needs(result.job_needs[0], "agent-to-backup-server"));
  const std::vector<std::string> lines = discovery_lines(result);
  EXPECT_TRUE(std::any_of(lines.begin(), lines.end(), [](const std::string& l) {
    return l.rfind("needs \"Nightly to VBR\" (backup_repository): agent-local-service", 0) == 0;
  }));
}

TEST(JobNeeds, NamelessAndRepeatedJobsAreLeftOutWithAWarning) {
  const Config config = load_config_file(kShipped);
  VeeamExport veeam;
  veeam.source = "agent.xml";
  veeam.jobs = {job_of("", VeeamTargetType::kLocalDisk), job_of("A", VeeamTargetType::kLocalDisk),
                job_of("A", VeeamTargetType::kSharedFolder)};
  std::vector<std::string> warnings;
  const std::vector<JobNeeds> jobs = job_needs(config, veeam, warnings);
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].target_type, VeeamTargetType::kLocalDisk);
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_EQ(warnings[0], "agent.xml:3: a job without JobName has no readiness of its own");
  EXPECT_EQ(warnings[1],
            "agent.xml:3: a second job named \"A\": only the first one's readiness is reported");
}

TEST(JobNeeds, AnUnknownJobIsNamedWithTheJobsThatExist) {
  const std::vector<JobNeeds> jobs{needs_of("Nightly", VeeamTargetType::kBackupRepository, {}),
                                   needs_of("Weekly", VeeamTargetType::kSharedFolder, {})};
  EXPECT_EQ(&require_job(jobs, "Weekly"), &jobs[1]);
  try {
    require_job(jobs, "nightly");  // names are exact, as Veeam's console shows them
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(),
                 "no job \"nightly\" in the Veeam Agent export; its jobs: \"Nightly\", \"Weekly\"");
  }
  EXPECT_THROW(require_job({}, "x"), std::invalid_argument);
}

FlowResult result_of(const std::shared_ptr<const Flow>& flow, std::string target, bool up) {
  FlowResult r;
  r.flow = flow;
  r.target = std::move(target);
  r.up = up;
  return r;
}

TEST(JudgeJob, ReadyOnlyWhenEveryNeededFlowIsUpOnEveryTarget) {
  auto a = std::make_shared<Flow>();
  a->name = "a";
  auto b = std::make_shared<Flow>();
  b->name = "b";
  auto other = std::make_shared<Flow>();
  other->name = "other";
  const JobNeeds job = needs_of("J", VeeamTargetType::kBackupRepository, {"a", "b"});

  std::vector<FlowResult> results{result_of(a, "h1", true), result_of(a, "h2", true),
                                  result_of(b, "h1", true), result_of(other, "h1", false)};
  JobReadiness r = judge_job(job, index_results(results));
  EXPECT_TRUE(r.ready);  // a flow the job does not need may fail
  EXPECT_EQ(r.flows_up, 2u);

  results[1].up = false;
  r = judge_job(job, index_results(results));
  EXPECT_FALSE(r.ready);
  EXPECT_EQ(r.failing, std::vector<std::string>{"a -> h2"});
  EXPECT_EQ(r.flows_up, 1u);

  results = {result_of(a, "h1", true)};  // b has not run
  r = judge_job(job, index_results(results));
  EXPECT_FALSE(r.ready);
  EXPECT_EQ(r.not_run, std::vector<std::string>{"b"});

  EXPECT_FALSE(judge_job(needs_of("empty", VeeamTargetType::kLocalDisk, {}), {}).ready);
}

}  // namespace
}  // namespace vpm
