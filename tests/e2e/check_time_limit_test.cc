// The built check_veeam_ports against 5,000 ports that an nftables rule drops, in a network
// namespace the test makes (loopback only): -T bounds the whole run, the report says what was
// probed and what was not, and the exit code follows what is known.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <string>

#include "support/netns.h"
#include "support/subprocess.h"

namespace vpm::test {
namespace {

using namespace std::chrono_literals;

constexpr int kCritical = 2;
constexpr int kUnknown = 3;

// The case: one flow of 5,000 ports, `sample: all`, default caps.
std::string write_config(const std::string& name, const std::string& expect,
                         const std::string& timeout) {
  const std::string path =
      ::testing::TempDir() + "vpm-time-limit-" + std::to_string(::getpid()) + "-" + name + ".yaml";
  std::ofstream(path) << "defaults: {timeout: " << timeout
                      << ", concurrency: 512, per_target_concurrency: 64}\n"
                         "roles:\n"
                         "  agent: {hosts: [127.0.0.1]}\n"
                         "  server: {hosts: [127.0.0.1]}\n"
                         "flows:\n"
                         "  - name: dynamic\n"
                         "    from: agent\n"
                         "    to: server\n"
                         "    ports: [\"30000-34999\"]\n"
                         "    expect: "
                      << expect << "\n    sample: all\n";
  return path;
}

std::string first_line(const std::string& out) { return out.substr(0, out.find('\n')); }

// -T counts from when the check begins its work: starting the process (nsenter, exec, a
// sanitizer's set-up) and ending it come on top. This measures them in the same test, on the
// same machine as loaded as it is: a run that only prints the version.
std::chrono::milliseconds start_and_exit(const TestNetns& ns) {
  return run_command(ns.exec_prefix() + CHECK_VEEAM_PORTS_BIN + " --version", 20s).elapsed;
}
constexpr std::chrono::milliseconds kSlack{500};

#define REQUIRE_NETNS(ns) \
  if (!(ns).ok()) GTEST_SKIP() << "cannot create a network namespace: " << (ns).why()

TEST(CheckTimeLimit, FiveThousandFilteredPortsEndWithinTheLimitWithAPartialReport) {
  TestNetns ns;
  REQUIRE_NETNS(ns);
  ASSERT_TRUE(ns.drop_tcp_ports("30000-34999"));
  const std::string config = write_config("reachable", "reachable", "1s");
  const auto overhead = start_and_exit(ns);
  const CommandResult r = run_command(ns.exec_prefix() + CHECK_VEEAM_PORTS_BIN + " --config " +
                                          shell_quote(config) + " --role agent -T 3",
                                      20s);
  EXPECT_EQ(r.exit_code, kCritical) << r.out << r.err;
  EXPECT_LT(r.elapsed, 3s + overhead + kSlack) << r.out;  // without -T: 79 s, or 12 s growing
  const std::string line = first_line(r.out);
  // The ports that failed keep their verdict; the rest are named as not probed.
  EXPECT_EQ(line.rfind("VEEAM PORTS CRITICAL - dynamic 127.0.0.1 tcp/30000-", 0), 0u) << r.out;
  EXPECT_NE(line.find(" filtered (no answer in 1s); "), std::string::npos) << r.out;
  EXPECT_NE(line.find(" of 5,000 ports not probed: time limit 3s | "), std::string::npos) << r.out;
  EXPECT_NE(line.find("'dynamic_probed'="), std::string::npos) << r.out;
  // Before the run: the caps give 79 s in the worst case, more than 3 s.
  EXPECT_NE(r.out.find("\nwarning: 5,000 ports to 127.0.0.1, 64 at a time, timeout 1s can take "
                       "79s, which does not fit the time limit 3s"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("\n[CRITICAL] dynamic -> 127.0.0.1 (127.0.0.1) tcp expect reachable: "),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find(" not probed\n"), std::string::npos) << r.out;
  ::unlink(config.c_str());
}

TEST(CheckTimeLimit, NothingFailedButNotAllProbedIsUnknown) {
  TestNetns ns;
  REQUIRE_NETNS(ns);
  ASSERT_TRUE(ns.drop_tcp_ports("30000-34999"));
  // expect closed: a filtered port passes, so nothing fails; the limit leaves ports unprobed.
  const std::string config = write_config("closed", "closed", "500ms");
  const auto overhead = start_and_exit(ns);
  const CommandResult r = run_command(ns.exec_prefix() + CHECK_VEEAM_PORTS_BIN + " --config " +
                                          shell_quote(config) + " --role agent --max-time 2",
                                      20s);
  EXPECT_EQ(r.exit_code, kUnknown) << r.out << r.err;
  EXPECT_LT(r.elapsed, 2s + overhead + kSlack) << r.out;
  const std::string line = first_line(r.out);
  EXPECT_EQ(line.rfind("VEEAM PORTS UNKNOWN - ", 0), 0u) << r.out;
  EXPECT_NE(line.find(" of 5,000 ports not probed: time limit 2s ("), std::string::npos) << r.out;
  EXPECT_NE(line.find(" probed: OK) | "), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\n[UNKNOWN] dynamic -> 127.0.0.1 (127.0.0.1) tcp expect closed: "),
            std::string::npos)
      << r.out;
  ::unlink(config.c_str());
}

TEST(CheckTimeLimit, ARunThatFitsHasNoWarningAndProbesEverything) {
  TestNetns ns;
  REQUIRE_NETNS(ns);
  ASSERT_TRUE(ns.drop_tcp_ports("30000-30063"));
  const CommandResult r = run_command(
      ns.exec_prefix() + CHECK_VEEAM_PORTS_BIN + " -H 127.0.0.1 -p 30000-30063 -t 0.2 -T 5", 20s);
  EXPECT_EQ(r.exit_code, kCritical) << r.out << r.err;
  EXPECT_EQ(r.out.find("not probed"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("warning:"), std::string::npos) << r.out;
  EXPECT_NE(first_line(r.out).find("'adhoc_probed'=64;;;0;64"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace vpm::test
