#include "support/netns_chain.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

namespace vpm::test {

NetnsChain::NetnsChain() {
  for (auto& space : spaces_) {
    space = std::make_unique<TestNetns>();
    if (!space->ok()) {
      why_ = space->why();
      return;
    }
  }
  made_ = true;
  ok_ = build();
}

NetnsChain::~NetnsChain() {
  for (int fd : listeners_) {
    if (fd >= 0) ::close(fd);
  }
}

bool NetnsChain::in(std::size_t space, const std::string& command) {
  return run_shell(spaces_[space]->exec_prefix() + command, &why_);
}

bool NetnsChain::build() {
  // Link k joins space k-1 ("east") and space k ("west"): 198.18.k.1 and 198.18.k.2.
  for (std::size_t k = 1; k <= 4; ++k) {
    const std::string net = "198.18." + std::to_string(k) + ".";
    if (!in(k - 1, "ip link add name east type veth peer name west netns " + spaces_[k]->name()) ||
        !in(k - 1, "ip addr add " + net + "1/24 dev east") || !in(k - 1, "ip link set east up") ||
        !in(k, "ip addr add " + net + "2/24 dev west") || !in(k, "ip link set west up")) {
      return false;
    }
  }
  if (!in(0, "ip route add default via 198.18.1.2") ||
      !in(4, "ip route add default via 198.18.4.1")) {
    return false;
  }
  for (std::size_t r = 1; r <= 3; ++r) {
    const std::string back = "198.18." + std::to_string(r) + ".1";
    if (!in(r, "sysctl -qw net.ipv4.ip_forward=1 net.ipv4.icmp_ratelimit=0") ||
        !in(r, "ip route add default via 198.18." + std::to_string(r + 1) + ".2")) {
      return false;
    }
    for (std::size_t j = 1; j < r; ++j) {
      if (!in(r, "ip route add 198.18." + std::to_string(j) + ".0/24 via " + back)) return false;
    }
  }
  const std::string dropped = std::to_string(kDroppedAtR2);
  const std::string rejected = std::to_string(kRejectedAtR3);
  // The time exceeded r2 would send for kSilentR2 quotes the SYN: ICMP header (8 bytes), IPv4
  // header (20), then the TCP destination port at 2: bit 240 of the ICMP message.
  const std::string silent = std::to_string(kSilentR2);
  const std::string table = "add table ip vpm_chain";
  const std::string forward =
      "'add chain ip vpm_chain forward { type filter hook forward priority 0; }'";
  const std::string output =
      "'add chain ip vpm_chain output { type filter hook output priority 0; }'";
  if (!in(2, "nft " + table) || !in(2, "nft " + forward) || !in(2, "nft " + output) ||
      !in(2, "nft add rule ip vpm_chain forward tcp dport '{ " + dropped + ", " +
                 std::to_string(kDroppedRangeAtR2First) + "-" +
                 std::to_string(kDroppedRangeAtR2First + 99) + " }' drop") ||
      !in(2, "nft add rule ip vpm_chain output icmp type time-exceeded @th,240,16 " + silent +
                 " drop") ||
      !in(3, "nft " + table) || !in(3, "nft " + forward) ||
      !in(3, "nft add rule ip vpm_chain forward tcp dport " + rejected +
                 " reject with icmp type admin-prohibited")) {
    return false;
  }
  bool listening = true;
  spaces_[4]->run_inside([&] {
    const unsigned short ports[2] = {kListening, kSilentR2};
    for (int i = 0; i < 2; ++i) {
      listeners_[i] = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      sockaddr_in address{};
      address.sin_family = AF_INET;
      address.sin_port = htons(ports[i]);
      const int on = 1;
      ::setsockopt(listeners_[i], SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
      if (listeners_[i] < 0 ||
          ::bind(listeners_[i], reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
          ::listen(listeners_[i], 64) != 0) {
        why_ = "listen on the server: " + std::string(std::strerror(errno));
        listening = false;
      }
    }
  });
  return listening;
}

}  // namespace vpm::test
