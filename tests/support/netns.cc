#include "support/netns.h"

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <thread>

namespace vpm::test {
namespace {

bool sh(const std::string& command, std::string* failure = nullptr) {
  std::string output;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return false;
  char buffer[256];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
  const bool ok = ::pclose(pipe) == 0;
  if (!ok && failure != nullptr) {
    *failure = command + ": " + output.substr(0, output.find('\n'));
  }
  return ok;
}

}  // namespace

bool run_shell(const std::string& command, std::string* failure) { return sh(command, failure); }

TestNetns::TestNetns() {
  static std::atomic<int> counter{0};
  name_ = "vpm-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
  if (::geteuid() != 0) {
    why_ = "needs root to create a network namespace (ip netns add)";
    return;
  }
  if (!sh("command -v ip") || !sh("command -v nft")) {
    why_ = "needs iproute2 (ip) and nftables (nft)";
    return;
  }
  if (!sh("ip netns add " + name_, &why_)) return;
  if (!sh(exec_prefix() + "ip link set lo up", &why_)) {
    sh("ip netns del " + name_);
    return;
  }
  ok_ = true;
}

TestNetns::~TestNetns() {
  if (ok_) sh("ip netns del " + name_);
}

bool TestNetns::nft(const std::string& args) { return ok_ && sh(exec_prefix() + "nft " + args); }

bool TestNetns::ensure_table() {
  if (table_) return true;
  table_ = nft("add table inet vpm_test") &&
           nft("'add chain inet vpm_test input { type filter hook input priority 0; }'");
  return table_;
}

// Rules sit on the input hook: the SYN leaves and is dropped on arrival, as a remote
// firewall would, rather than failing the send locally.
bool TestNetns::drop_tcp_ports(const std::string& ports) {
  return ensure_table() && nft("add rule inet vpm_test input tcp dport " + ports + " drop");
}

bool TestNetns::reject_tcp_host_unreachable(const std::string& ports) {
  return ensure_table() && nft("add rule inet vpm_test input tcp dport " + ports +
                               " reject with icmp type host-unreachable");
}

bool TestNetns::drop_udp_ports(const std::string& ports) {
  return ensure_table() && nft("add rule inet vpm_test input udp dport " + ports + " drop");
}

void TestNetns::run_inside(const std::function<void()>& fn) {
  std::thread worker([&] {
    const std::string path = "/var/run/netns/" + name_;
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0 || ::setns(fd, CLONE_NEWNET) != 0) {
      if (fd >= 0) ::close(fd);
      std::abort();  // a test that silently ran outside its namespace would lie
    }
    ::close(fd);
    fn();
  });
  worker.join();
}

}  // namespace vpm::test
