// The smb check of the built check_veeam_ports against Debian's real smbd (Samba 4.17) on
// 127.0.0.1, hardened to SMB 3.1.1 only, limited to 3.0, and SMB1 only; -v output end to end.
// Skips, saying why, where smbd is not installed (scripts/setup.sh installs samba) or not root.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "support/subprocess.h"
#include "support/test_certs.h"

namespace vpm::test {
namespace {

constexpr const char* kSmbd = "/usr/sbin/smbd";

std::uint16_t free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof addr;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length);
  ::close(fd);
  return ntohs(addr.sin_port);
}

bool accepts(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

// smbd in the foreground in its own process group, every file of it in a temporary folder,
// listening on 127.0.0.1 only; killed with its children at the end.
class Smbd {
 public:
  Smbd(const std::string& min_protocol, const std::string& max_protocol) {
    const std::string d = dir_.path();
    for (const char* sub : {"private", "lock", "state", "cache", "pid", "ncalrpc", "share"}) {
      std::filesystem::create_directory(d + "/" + sub);
    }
    port_ = free_loopback_port();
    std::ofstream(d + "/smb.conf")
        << "[global]\n  smb ports = " << port_
        << "\n  interfaces = 127.0.0.1\n  bind interfaces only = yes\n"
        << "  server min protocol = " << min_protocol
        << "\n  server max protocol = " << max_protocol
        << "\n  server role = standalone server\n  disable netbios = yes\n"
        << "  private dir = " << d << "/private\n  lock directory = " << d << "/lock\n"
        << "  state directory = " << d << "/state\n  cache directory = " << d << "/cache\n"
        << "  pid directory = " << d << "/pid\n  ncalrpc dir = " << d << "/ncalrpc\n"
        << "  log file = " << d << "/log\n  load printers = no\n  printcap name = /dev/null\n"
        << "  disable spoolss = yes\n[share]\n  path = " << d << "/share\n";
    pid_ = ::fork();
    if (pid_ == 0) {
      ::setsid();
      const int log = ::open((d + "/out").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      ::dup2(log, 1);
      ::dup2(log, 2);
      const std::string conf = d + "/smb.conf";
      ::execl(kSmbd, "smbd", "--foreground", "--no-process-group", "--debug-stdout", "-s",
              conf.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    for (int i = 0; i < 100 && !accepts(port_); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  ~Smbd() {
    if (pid_ > 0) {
      ::kill(-pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  Smbd(const Smbd&) = delete;
  Smbd& operator=(const Smbd&) = delete;

  std::uint16_t port() const { return port_; }
  bool listening() const { return accepts(port_); }
  std::string log() const {
    std::ifstream in(dir_.path() + "/out");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  // check_veeam_ports -v on one smb flow to this server, with `options` lines of the flow.
  CommandResult check(const std::string& options = "") const {
    const std::string config = dir_.path() + "/targets.yaml";
    std::ofstream(config) << "roles:\n  a: {hosts: [127.0.0.1]}\nflows:\n  - name: share\n"
                          << "    from: a\n    to: a\n    ports: [" << port_
                          << "]\n    check: smb\n"
                          << options;
    return run_command(shell_quote(CHECK_VEEAM_PORTS_BIN) + " -v --config " + shell_quote(config));
  }

 private:
  TempDir dir_;
  std::uint16_t port_ = 0;
  pid_t pid_ = -1;
};

class RealSmbdTest : public testing::Test {
 protected:
  void SetUp() override {
    if (::access(kSmbd, X_OK) != 0) GTEST_SKIP() << kSmbd << " is not installed (Debian: samba)";
    if (::geteuid() != 0) GTEST_SKIP() << "smbd runs only as root";
  }
};

TEST_F(RealSmbdTest, HardenedTo311IsOpenWithItsDialect) {
  const Smbd smbd("SMB3_11", "SMB3_11");
  ASSERT_TRUE(smbd.listening()) << smbd.log();
  const CommandResult r = smbd.check("    smb: {min_dialect: \"3.1.1\"}\n");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("  " + std::to_string(smbd.port()) + ": 1 open (SMB 3.1.1)\n"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("'share_service'="), std::string::npos) << r.out;
}

TEST_F(RealSmbdTest, BelowMinDialectIsAMismatchNamingTheDialect) {
  const Smbd smbd("SMB2_10", "SMB3_00");
  ASSERT_TRUE(smbd.listening()) << smbd.log();
  const CommandResult open = smbd.check();
  EXPECT_EQ(open.exit_code, 0) << open.out;
  EXPECT_NE(open.out.find(": 1 open (SMB 3.0)\n"), std::string::npos) << open.out;
  const CommandResult below = smbd.check("    smb: {min_dialect: \"3.1.1\"}\n");
  EXPECT_EQ(below.exit_code, 2) << below.out;
  EXPECT_NE(below.out.find(": 1 mismatch (SMB 3.0, below min_dialect 3.1.1)\n"), std::string::npos)
      << below.out;
}

TEST_F(RealSmbdTest, Smb1OnlyIsAMismatch) {
  const Smbd smbd("NT1", "NT1");
  ASSERT_TRUE(smbd.listening()) << smbd.log();
  const CommandResult r = smbd.check();
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_NE(r.out.find(": 1 mismatch (SMB1 only)\n"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace vpm::test
