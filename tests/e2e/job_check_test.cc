// check_veeam_ports --job on a target file whose flows go to loopback listeners, with an export
// naming two jobs: a job is READY while every flow it needs answers, NOT READY once one of its
// listeners closes, while the other job stays READY; an unknown job is UNKNOWN naming the jobs.
// Loopback only.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <optional>
#include <string>

#include "support/loopback.h"
#include "support/subprocess.h"
#include "support/time_zone.h"
#include "support/veeam_export_xml.h"
#include "vpm/job_schedule.h"

namespace vpm::test {
namespace {

constexpr int kOk = 0;
constexpr int kCritical = 2;
constexpr int kUnknown = 3;

class TempFile {
 public:
  TempFile(const std::string& suffix, const std::string& text) {
    static std::atomic<int> counter{0};
    path_ = ::testing::TempDir() + "vpm-job-" + std::to_string(::getpid()) + "-" +
            std::to_string(counter++) + suffix;
    std::ofstream(path_) << text;
    ::chmod(path_.c_str(), 0600);
  }
  ~TempFile() { std::remove(path_.c_str()); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

bool has(const std::string& out, const std::string& text) {
  return out.find(text) != std::string::npos;
}

std::string flow(const std::string& name, const std::string& to, std::uint16_t port) {
  return "  - {name: " + name + ", from: agent, to: " + to +
         ", protocol: tcp, expect: open, severity: critical, ports: [" + std::to_string(port) +
         "]}\n";
}

// Every flow of the file leads to a listener of the fixture.
class JobCheck : public ::testing::Test {
 protected:
  void SetUp() override {
    share.emplace();
    config.emplace(".yaml",
                   "defaults: {timeout: 1s}\nroles:\n"
                   "  agent: {hosts: [127.0.0.1]}\n  backup_server: {hosts: [127.0.0.1]}\n"
                   "  smb_share: {hosts: [127.0.0.1]}\n  dns_server: {hosts: [127.0.0.1]}\n"
                   "  smtp_server: {hosts: [127.0.0.1]}\nflows:\n" +
                       flow("agent-local", "agent", agent.port()) +
                       flow("to-backup-server", "backup_server", backup_server.port()) +
                       flow("to-share", "smb_share", share->port()) +
                       flow("to-dns", "dns_server", dns.port()) +
                       flow("to-smtp", "smtp_server", closed_tcp_port()) +
                       "  - {name: backup-server-to-agent, from: backup_server, to: agent, "
                       "protocol: tcp, expect: open, severity: critical, ports: [" +
                       std::to_string(agent.port()) + "]}\n");
    veeam.emplace(".xml", veeam_export_xml({
                              {"Nightly to VBR", "Type='3' ServerName='127.0.0.1'"},
                              {"To the share", "Type='2' Path='\\\\127.0.0.1\\backups'"},
                          }));
  }

  CommandResult check(const std::string& args) const {
    return run_command(shell_quote(CHECK_VEEAM_PORTS_BIN) + " --config " +
                           shell_quote(config->path()) + " --veeam-export " +
                           shell_quote(veeam->path()) + " " + args,
                       std::chrono::seconds(30));
  }

  TcpListener agent;
  TcpListener backup_server;
  std::optional<TcpListener> share;
  TcpListener dns;
  std::optional<TempFile> config;
  std::optional<TempFile> veeam;
};

TEST_F(JobCheck, AJobIsReadyUntilAFlowItNeedsStopsAnswering) {
  CommandResult vbr = check("--job 'Nightly to VBR'");
  EXPECT_EQ(vbr.exit_code, kOk) << vbr.out;
  EXPECT_TRUE(has(vbr.out, "\njob \"Nightly to VBR\" (backup_repository): READY: 3 flows up\n"))
      << vbr.out;
  EXPECT_TRUE(has(vbr.out, "] to-backup-server -> 127.0.0.1")) << vbr.out;
  // Only the job's flows: not the share's, nor the failing mail server's (no job needs it).
  EXPECT_FALSE(has(vbr.out, "] to-share -> ")) << vbr.out;
  EXPECT_FALSE(has(vbr.out, "] to-smtp -> ")) << vbr.out;

  share.reset();  // the share's server stops listening: refused
  const CommandResult to_share = check("--job 'To the share'");
  EXPECT_EQ(to_share.exit_code, kCritical) << to_share.out;
  EXPECT_TRUE(has(to_share.out,
                  "\njob \"To the share\" (shared_folder): NOT READY: 1 of 3 "
                  "flows not up\n  failing: to-share -> 127.0.0.1\n"))
      << to_share.out;
  vbr = check("--job 'Nightly to VBR'");
  EXPECT_EQ(vbr.exit_code, kOk) << vbr.out;  // its flows do not go to the share

  // Without --job: every flow, and the long output leads with every job.
  const CommandResult all = check("-v");
  EXPECT_EQ(all.exit_code, kCritical) << all.out;
  const std::size_t first = all.out.find("\njob \"Nightly to VBR\" (backup_repository): READY");
  const std::size_t second = all.out.find("\njob \"To the share\" (shared_folder): NOT READY");
  const std::size_t flows = all.out.find("\n[CRITICAL] ");
  EXPECT_LT(first, second) << all.out;
  EXPECT_LT(second, flows) << all.out;
  EXPECT_TRUE(has(all.out, "  needs: agent-local, to-backup-server, to-dns\n")) << all.out;
}

TEST_F(JobCheck, AnUnknownJobIsUnknownNamingTheJobsThatExist) {
  const CommandResult r = check("--job Weekly");
  EXPECT_EQ(r.exit_code, kUnknown) << r.out;
  EXPECT_EQ(r.out,
            "VEEAM PORTS UNKNOWN - no job \"Weekly\" in the Veeam Agent export; its jobs: "
            "\"Nightly to VBR\", \"To the share\"\n");
  const CommandResult no_export = run_command(shell_quote(CHECK_VEEAM_PORTS_BIN) + " --config " +
                                              shell_quote(config->path()) + " --job Weekly");
  EXPECT_EQ(no_export.exit_code, kUnknown) << no_export.out;
  EXPECT_TRUE(has(no_export.out, "--job \"Weekly\": no export named")) << no_export.out;
  // From another role the jobs' flows do not run: no job lines.
  const CommandResult other_role = check("--role backup_server");
  EXPECT_EQ(other_role.exit_code, kOk) << other_role.out;
  EXPECT_FALSE(has(other_role.out, "\njob \"")) << other_role.out;
}

TEST_F(JobCheck, PrintDiscoveryListsTheFlowsEachJobNeeds) {
  const CommandResult r = check("--print-discovery");
  EXPECT_EQ(r.exit_code, kOk) << r.out;
  EXPECT_TRUE(has(r.out,
                  "needs \"Nightly to VBR\" (backup_repository): agent-local, "
                  "to-backup-server, to-dns\n"))
      << r.out;
  EXPECT_TRUE(has(r.out, "needs \"To the share\" (shared_folder): agent-local, to-share, to-dns\n"))
      << r.out;
}

// The export's schedule in --print-discovery and in the job's line, the next run computed in the
// check's time zone (TZ=America/New_York, inherited): the same text the core gives.
TEST_F(JobCheck, TheListingAndTheJobLineShowTheScheduleAndTheNextRun) {
  const ScopedTimeZone new_york("America/New_York");
  veeam.emplace(".xml", veeam_export_xml({
                            {"Nightly to VBR", "Type='3' ServerName='127.0.0.1'",
                             "<ScheduleInfo RunManually='False'><DailyInfo Kind='WeekDays' "
                             "Time='01/09/2019 22:00:00'/></ScheduleInfo>"},
                            {"To the share", "Type='2' Path='\\\\127.0.0.1\\backups'",
                             "<ScheduleInfo RunManually='True'/>"},
                        }));
  JobSchedule weekdays;
  weekdays.kind = ScheduleKind::kDaily;
  weekdays.hour = 22;
  weekdays.weekdays = 0b0111110;
  const auto expected = [&] {
    return describe_schedule_and_next_run(weekdays, std::chrono::system_clock::now(),
                                          SystemTimeZone());
  };
  const std::string before = expected();
  const CommandResult listing = check("--print-discovery");
  const CommandResult job = check("--job 'Nightly to VBR'");
  const std::string after = expected();
  EXPECT_EQ(before.rfind("daily 22:00 on Mon-Fri, next ", 0), 0u) << before;
  EXPECT_TRUE(has(before, " 22:00 -0")) << before;  // EST -0500 or EDT -0400
  EXPECT_TRUE(has(listing.out, "needs \"Nightly to VBR\" (backup_repository), " + before + ": ") ||
              has(listing.out, "needs \"Nightly to VBR\" (backup_repository), " + after + ": "))
      << listing.out;
  EXPECT_TRUE(has(listing.out,
                  "needs \"To the share\" (shared_folder), started manually: agent-local, "
                  "to-share, to-dns\n"))
      << listing.out;
  EXPECT_EQ(job.exit_code, kOk) << job.out;
  EXPECT_TRUE(has(job.out, "READY: 3 flows up\n  schedule: " + before + "\n") ||
              has(job.out, "READY: 3 flows up\n  schedule: " + after + "\n"))
      << job.out;
}

}  // namespace
}  // namespace vpm::test
