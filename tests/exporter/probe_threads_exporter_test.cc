// defaults.probe_threads in the exporter: the start names how many threads probe, the results
// are those of one thread, and a reload that changes the setting says it waits for a restart.
#include <gtest/gtest.h>
#include <signal.h>

#include <cstdint>
#include <string>
#include <vector>

#include "child_process.h"
#include "exporter_process.h"
#include "support/loopback.h"
#include "temp_dir.h"

namespace vpm::exporter::test {
namespace {

using vpm::test::closed_tcp_port;
using vpm::test::TcpListener;

std::string config(const std::string& probe_threads, std::uint16_t open, std::uint16_t refused) {
  return "defaults: {timeout: 1s, interval: 60s" + probe_threads +
         "}\nroles:\n  a: {hosts: [127.0.0.1, 127.0.0.2]}\nflows:\n"
         "  - {name: mixed, from: a, to: a, expect: open, ports: [" +
         std::to_string(open) + ", " + std::to_string(refused) + "]}\n";
}

TEST(ExporterProbeThreads, TheStartNamesThemAndAReloadWaitsForARestart) {
  TempDir dir;
  TcpListener listener;  // 127.0.0.1 only
  const std::uint16_t refused = closed_tcp_port();
  const std::string file = dir.file("targets.yaml");
  dir.write("targets.yaml", config(", probe_threads: 1", listener.port(), refused));
  ExporterProcess one(dir, {"--config.file=" + file, "--web.listen-address=127.0.0.1:0"});
  ASSERT_NE(one.port(), 0) << one.log();
  EXPECT_NE(one.log().find(" probe_threads=1"), std::string::npos) << one.log();
  const std::string from_one = one.metrics();

  dir.write("targets.yaml", config(", probe_threads: 2", listener.port(), refused));
  one.process().signal(SIGHUP);
  const std::string log = wait_for_text(dir.file("exporter.err"), "apply at the next restart", 5s);
  EXPECT_NE(log.find("probe_threads apply at the next restart"), std::string::npos) << log;

  TempDir dir_two;
  dir_two.write("targets.yaml", config(", probe_threads: 2", listener.port(), refused));
  ExporterProcess two(dir_two, {"--config.file=" + dir_two.file("targets.yaml"),
                                "--web.listen-address=127.0.0.1:0"});
  ASSERT_NE(two.port(), 0) << two.log();
  EXPECT_NE(two.log().find(" probe_threads=2"), std::string::npos) << two.log();
  // The same verdict per target and port from one thread and from two.
  for (const std::string target : {"127.0.0.1", "127.0.0.2"}) {
    for (const std::uint16_t port : {listener.port(), refused}) {
      const std::vector<std::string> labels = {"target=\"" + target + "\"",
                                               "port=\"" + std::to_string(port) + "\""};
      const auto a = series(from_one, "veeam_flow_port_up", labels);
      const auto b = series(two.metrics(), "veeam_flow_port_up", labels);
      ASSERT_EQ(a.size(), 1U) << target << ":" << port << "\n" << from_one;
      EXPECT_EQ(b, a) << target << ":" << port;
    }
  }
  EXPECT_EQ(
      value_of(series(from_one, "veeam_flow_port_up",
                      {"target=\"127.0.0.1\"", "port=\"" + std::to_string(listener.port()) + "\""})
                   .at(0)),
      "1");
}

// A value out of range stops the start with file:line:col, as every other setting does.
TEST(ExporterProbeThreads, TooManyIsAnErrorAtItsPlace) {
  TempDir dir;
  dir.write("targets.yaml", config(", probe_threads: 1000", 1, 2));
  ChildProcess check(
      {VEEAM_PORT_EXPORTER_BIN, "--config.file=" + dir.file("targets.yaml"), "--config.check"},
      dir.file("out"), dir.file("err"));
  EXPECT_EQ(check.wait_exit(10s), 1);
  EXPECT_NE(read_text_file(dir.file("err"))
                .find("targets.yaml:1:55: defaults.probe_threads: 1000 is too many (at most 64)"),
            std::string::npos)
      << read_text_file(dir.file("err"));
}

}  // namespace
}  // namespace vpm::exporter::test
