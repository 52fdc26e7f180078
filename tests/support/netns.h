#pragma once
// A network namespace that the test itself creates (ip netns add), with loopback up and
// nftables rules of the test's choosing. Traffic never leaves it.
#include <functional>
#include <string>

namespace vpm::test {

// Runs a shell command; on failure keeps the command and its first line of output in *failure.
bool run_shell(const std::string& command, std::string* failure = nullptr);

class TestNetns {
 public:
  // Creates "vpm-test-<pid>-<n>". ok() is false (and why() says why) when this process may
  // not create namespaces (not root, no ip/nft); tests then GTEST_SKIP() with why().
  TestNetns();
  ~TestNetns();
  TestNetns(const TestNetns&) = delete;
  TestNetns& operator=(const TestNetns&) = delete;

  bool ok() const { return ok_; }
  const std::string& why() const { return why_; }
  const std::string& name() const { return name_; }

  // Runs `nft <args>` inside the namespace; returns false on failure.
  bool nft(const std::string& args);
  // Adds table inet vpm_test with an output chain; then drop/reject rules per port range.
  bool drop_tcp_ports(const std::string& ports);  // "5000" or "5000-5999"
  bool reject_tcp_host_unreachable(const std::string& ports);
  bool drop_udp_ports(const std::string& ports);

  // Runs fn on a thread that has entered the namespace (setns), and waits for it.
  void run_inside(const std::function<void()>& fn);

  // Prefix for a shell command to run inside the namespace. nsenter rather than
  // `ip netns exec`, which remounts /sys and fails inside a chroot.
  std::string exec_prefix() const { return "nsenter --net=/var/run/netns/" + name_ + " "; }

 private:
  bool ensure_table();
  std::string name_;
  std::string why_;
  bool ok_ = false;
  bool table_ = false;
};

}  // namespace vpm::test
