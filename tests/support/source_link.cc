#include "support/source_link.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace vpm::test {
namespace {

// A TCP listener on `address`:port; the kernel completes handshakes into its backlog, so
// nobody needs to accept.
int listen_on(const char* address, unsigned short port) {
  sockaddr_storage storage{};
  socklen_t length = 0;
  int family = AF_INET;
  if (auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
      ::inet_pton(AF_INET, address, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    length = sizeof(sockaddr_in);
  } else {
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
    if (::inet_pton(AF_INET6, address, &v6->sin6_addr) != 1) return -1;
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    length = sizeof(sockaddr_in6);
    family = AF_INET6;
  }
  const int fd = ::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&storage), length) != 0 || ::listen(fd, 64) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

SourceLink::SourceLink()
    : client_(std::make_unique<TestNetns>()), server_(std::make_unique<TestNetns>()) {
  if (!namespaces_made()) {
    why_ = client_->ok() ? server_->why() : client_->why();
    return;
  }
  ok_ = build();
}

SourceLink::~SourceLink() {
  for (int fd : listeners_) {
    if (fd >= 0) ::close(fd);
  }
}

bool SourceLink::build() {
  const std::string c = client_->exec_prefix();
  const std::string s = server_->exec_prefix();
  const std::string veth = "vs" + std::to_string(::getpid() % 100000);  // under 15 characters
  const std::string link_up = "ip link set dev eth0 up";
  const std::string commands[] = {
      "ip link add " + veth + "c type veth peer name " + veth + "s",
      "ip link set " + veth + "c netns " + client_->name() + " name eth0",
      "ip link set " + veth + "s netns " + server_->name() + " name eth0",
      c + "ip addr add " + kAdmitted4 + "/24 dev eth0",
      c + "ip addr add " + kBlocked4 + "/24 dev eth0",
      c + "ip addr add " + kAdmitted6 + "/64 dev eth0 nodad",
      c + "ip addr add " + kBlocked6 + "/64 dev eth0 nodad",
      s + "ip addr add " + kServer4 + "/24 dev eth0",
      s + "ip addr add " + kServer6 + "/64 dev eth0 nodad",
      c + link_up,
      s + link_up,
      s + "nft add table inet vpm_test",
      s + "nft 'add chain inet vpm_test input { type filter hook input priority 0; }'",
      s + "nft add rule inet vpm_test input ip saddr " + kBlocked4 + " drop",
      s + "nft add rule inet vpm_test input ip6 saddr " + kBlocked6 + " drop",
  };
  for (const std::string& command : commands) {
    if (!run_shell(command, &why_)) return false;
  }
  server_->run_inside([&] {
    listeners_[0] = listen_on(kServer4, kListening);
    listeners_[1] = listen_on(kServer6, kListening);
  });
  if (listeners_[0] < 0 || listeners_[1] < 0) {
    why_ = "cannot listen on the server's port " + std::to_string(kListening);
    return false;
  }
  return true;
}

}  // namespace vpm::test
