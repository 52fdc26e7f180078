// check_veeam_ports --trace over the namespace chain (support/netns_chain.h), run as user
// nobody (setpriv --reuid=65534): the trace needs no privilege.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <fstream>

#include "support/netns_chain.h"
#include "support/subprocess.h"

namespace vpm {
namespace {

using namespace std::chrono_literals;
using Chain = test::NetnsChain;

class CheckTrace : public test::NetnsChainTest {
 protected:
  void SetUp() override {
    test::NetnsChainTest::SetUp();
    if (IsSkipped()) return;
    // Where nobody cannot even load the binary's libraries (a chroot whose root directory is
    // 0700, as a fresh debootstrap under mktemp -d has it), these tests say nothing about the
    // trace: skip them, with what the system said.
    const auto version = test::run_command("setpriv --reuid=65534 --regid=65534 --clear-groups " +
                                           test::shell_quote(CHECK_VEEAM_PORTS_BIN) + " --version");
    if (version.out.rfind("check_veeam_ports ", 0) != 0) {
      GTEST_SKIP() << "user nobody cannot run " << CHECK_VEEAM_PORTS_BIN
                   << " here (a parent directory closed to others?): " << version.out
                   << version.err;
    }
  }

  // The check inside the client namespace, as nobody.
  static test::CommandResult check_as_nobody(const std::string& args) {
    return test::run_command(chain_->client().exec_prefix() +
                             "setpriv --reuid=65534 --regid=65534 --clear-groups " +
                             test::shell_quote(CHECK_VEEAM_PORTS_BIN) + " " + args);
  }
};

TEST_F(CheckTrace, AdhocTraceNamesTheHopThatStopsEachFailingPort) {
  const auto result = check_as_nobody(
      "-H 198.18.4.2 -p 10001,10002,10005,10006,10007 --expect reachable -t 1 --trace");
  EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
  const std::string status = result.out.substr(0, result.out.find('\n'));
  EXPECT_NE(status.find("tcp/10005 filtered (no answer in 1s)"), std::string::npos) << status;
  EXPECT_NE(status.find("tcp/10005 blocked after hop 2 (198.18.2.2)"), std::string::npos) << status;
  EXPECT_NE(
      result.out.find("\n  10005: filtered; path 198.18.1.2 > 198.18.2.2 > * (blocked after hop 2, "
                      "198.18.2.2)\n"),
      std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("\n  10006: unreachable; path 198.18.1.2 > 198.18.2.2 > 198.18.3.2 "
                            "(rejected at hop 3 by 198.18.3.2, administratively prohibited)\n"),
            std::string::npos)
      << result.out;
  // Passing ports (listening, refused, behind the silent router) are not traced.
  for (const char* passing : {"10001: open;", "10002: refused;", "10007: open;"}) {
    EXPECT_EQ(result.out.find(passing), std::string::npos) << result.out;
  }
  // The probes (1 s for the dropped port) and then the traces: within two probe timeouts.
  EXPECT_LT(result.elapsed, 2s);
}

TEST_F(CheckTrace, ConfigModeTracesAtMost16AndSaysWhichWereNot) {
  char path[] = "/tmp/vpm-trace-XXXXXX.yaml";
  const int fd = ::mkstemps(path, 5);
  ASSERT_GE(fd, 0);
  ::close(fd);
  std::ofstream(path) << "roles:\n  client:\n    hosts: [client.invalid]\n"
                         "  server:\n    hosts: [198.18.4.2]\n"
                         "flows:\n  - name: dropped-range\n    from: client\n    to: server\n"
                         "    ports: [\"10100-10119\"]\n";
  ::chmod(path, 0644);
  const auto result = check_as_nobody(std::string("--config ") + path + " -t 1 --trace");
  ::unlink(path);
  EXPECT_EQ(result.exit_code, 2) << result.out << result.err;
  std::size_t traced = 0;
  for (std::size_t at = result.out.find("; path 198.18.1.2 > 198.18.2.2 > * (blocked after hop 2");
       at != std::string::npos; at = result.out.find("; path 198.18.1.2", at + 1)) {
    ++traced;
  }
  EXPECT_EQ(traced, 16U) << result.out;
  EXPECT_NE(result.out.find("  not traced (over 16 traces per run): tcp/10116-10119\n"),
            std::string::npos)
      << result.out;
  EXPECT_LT(result.elapsed, 2500ms);
}

TEST_F(CheckTrace, TraceWithUdpIsAUsageError) {
  const auto result = test::run_command(test::shell_quote(CHECK_VEEAM_PORTS_BIN) +
                                        " -H 127.0.0.1 -p 53 --udp --trace");
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_NE(result.out.find("--trace traces TCP ports only; it cannot be combined with --udp"),
            std::string::npos)
      << result.out;
}

}  // namespace
}  // namespace vpm
