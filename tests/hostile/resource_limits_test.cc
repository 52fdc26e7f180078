// Low descriptor limits: a sweep of 16,384 ports under RLIMIT_NOFILE 64 completes with the
// right state for every port, both when the budget is known up front and when descriptors run
// out behind the runner's back (EMFILE on socket() is retried, never reported as an error).
// Each runs in a child process (the limit is per process) inside a test-made namespace.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "support/flow_edit.h"
#include "support/netns.h"
#include "support/subprocess.h"
#include "vpm/probe_runner.h"

namespace vpm {
namespace {

using namespace std::chrono_literals;

#define REQUIRE_NETNS(ns) \
  if (!(ns).ok()) GTEST_SKIP() << "cannot create a network namespace: " << (ns).why()

constexpr Port kFirst = 1;
constexpr Port kLast = 16384;
const std::vector<Port> kListening = {22, 443, 5000, 9392, 16384};

int listen_on(Port port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::listen(fd, 64) != 0) {
    return -1;
  }
  return fd;
}

// In the child: listeners, the limit, optionally descriptors eaten up behind the runner's back,
// then the sweep. Returns the exit code: 0 when every port had the right state.
//   plain:   1-16384, refused but for kListening (open).
//   exhaust: the same plus kDroppedFirst..kDroppedLast, whose SYNs are dropped: those probes hold
//            their sockets until the deadline, so socket() meets EMFILE and must wait for them.
constexpr Port kDroppedFirst = 20000;
constexpr Port kDroppedLast = 20099;
// Two probing threads share the descriptors, as in the exporter and the check; but ThreadSanitizer
// cannot start threads in the child of a process that has some (it dies saying so), and there the
// sweep runs on one.
#ifdef __SANITIZE_THREAD__
constexpr unsigned kProbeThreadsInChild = 1;
#else
constexpr unsigned kProbeThreadsInChild = 2;
#endif
// UBSan's vptr check (in the ASan+UBSan build) reads a class's vtable through a pipe of its own
// the first time it meets the class: with every descriptor taken it cannot, and reports an
// "invalid vptr" for Boost.System's and Boost.Asio's classes that only the second thread's
// retry path meets. There the sweep with descriptors taken runs on one thread.
#ifdef __SANITIZE_ADDRESS__
constexpr unsigned kProbeThreadsWhenExhausted = 1;
#else
constexpr unsigned kProbeThreadsWhenExhausted = kProbeThreadsInChild;
#endif
int sweep_in_child(bool exhaust_after_start) {
  for (Port p : kListening) {
    if (listen_on(p) < 0) return 10;
  }
  const rlimit limit{64, 64};
  if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) return 11;
  FlowPlan plan;
  Flow& plan_flow = vpm::test::edit_flow(plan);
  plan_flow.name = "sweep";
  plan_flow.expect = Expectation::kReachable;
  plan_flow.timeout = 2s;
  plan_flow.ports.add({kFirst, kLast});
  plan.hosts = {"127.0.0.1"};
  plan.ports = plan.flow->ports.ports();
  FlowPlan dropped = plan;
  Flow& dropped_flow = vpm::test::edit_flow(dropped);
  dropped_flow.name = "dropped";
  dropped_flow.timeout = 200ms;
  dropped_flow.ports = PortSet();
  dropped_flow.ports.add({kDroppedFirst, kDroppedLast});
  dropped.ports = dropped.flow->ports.ports();
  std::vector<FlowPlan> plans = {plan};
  if (exhaust_after_start) plans.push_back(dropped);
  boost::asio::io_context io;
  Limits limits{512, 512};
  limits.probe_threads = exhaust_after_start ? kProbeThreadsWhenExhausted : kProbeThreadsInChild;
  ProbeRunner runner(io, limits);
  if (exhaust_after_start) {
    // The runner counted on its budget; now take all but 6 descriptors away from it.
    std::vector<int> eaten;
    while (true) {
      const int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
      if (fd < 0) break;
      eaten.push_back(fd);
    }
    for (int i = 0; i < 6 && !eaten.empty(); ++i) {
      ::close(eaten.back());
      eaten.pop_back();
    }
  }
  std::vector<FlowResult> results;
  runner.run(plans, [&](std::vector<FlowResult> r) { results = std::move(r); });
  io.run();
  if (results.size() != plans.size() || results[0].ports.size() != kLast - kFirst + 1) return 12;
  int wrong = 0;
  std::vector<PortResult> all = results[0].ports;
  if (results.size() > 1) all.insert(all.end(), results[1].ports.begin(), results[1].ports.end());
  for (const PortResult& p : all) {
    bool listening = false;
    for (Port l : kListening) listening = listening || l == p.port;
    PortState want = listening ? PortState::kOpen : PortState::kRefused;
    if (p.port >= kDroppedFirst && p.port <= kDroppedLast) want = PortState::kFiltered;
    if (p.state != want) {
      if (wrong++ < 5) {
        std::fprintf(stderr, "port %u: %s (%s)\n", static_cast<unsigned>(p.port),
                     std::string(to_string(p.state)).c_str(), p.reason.c_str());
      }
    }
  }
  std::fprintf(stderr, "cap %u, %d wrong\n", runner.effective_concurrency(), wrong);
  return wrong == 0 ? 0 : 13;
}

int run_forked(test::TestNetns& ns, bool exhaust_after_start) {
  int status = -1;
  ns.run_inside([&] {
    const pid_t child = ::fork();
    if (child == 0) {
      std::fflush(stderr);
      ::_exit(sweep_in_child(exhaust_after_start));
    }
    ::waitpid(child, &status, 0);
  });
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

TEST(ResourceLimits, SweepOf16384PortsUnderNofile64IsComplete) {
  test::TestNetns ns;
  REQUIRE_NETNS(ns);
  EXPECT_EQ(run_forked(ns, false), 0);
}

TEST(ResourceLimits, EmfileBehindTheRunnersBackIsRetriedNotAnError) {
  test::TestNetns ns;
  REQUIRE_NETNS(ns);
  ASSERT_TRUE(
      ns.drop_tcp_ports(std::to_string(kDroppedFirst) + "-" + std::to_string(kDroppedLast)));
  EXPECT_EQ(run_forked(ns, true), 0);
}

// The built check under `ulimit -n 64`: the same sweep, exit 0, every port reachable.
TEST(ResourceLimits, CheckBinaryUnderUlimit64) {
  test::TestNetns ns;
  REQUIRE_NETNS(ns);
  const auto r = test::run_command(
      ns.exec_prefix() + "sh -c " +
          test::shell_quote("ulimit -n 64 && exec " + test::shell_quote(CHECK_VEEAM_PORTS_BIN) +
                            " -H 127.0.0.1 -p 1-16384 --expect reachable -t 5"),
      60s);
  EXPECT_FALSE(r.timed_out);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out.rfind("VEEAM PORTS OK", 0), 0U) << r.out;
}

}  // namespace
}  // namespace vpm
