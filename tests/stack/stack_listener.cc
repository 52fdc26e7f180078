// vpm_stack_listener: loopback sockets for the shell tests of tests/stack.
//
// Prints one line "OPEN REFUSED FREE1 FREE2 ..." and then accepts (and closes)
// connections on 127.0.0.1:OPEN until it is killed, or for at most 10 minutes.
// REFUSED and FREEn are ports that were free a moment ago (bound, then closed):
// nothing listens on REFUSED, and the FREE ports are for the servers the test
// starts. Usage: vpm_stack_listener [NUMBER_OF_FREE_PORTS] [--sink]
// With --sink, what each connection on OPEN sends is copied to stdout after that line (a
// metric writer's peer, such as Icinga 2's GraphiteWriter), one connection after the other.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

// A socket bound to 127.0.0.1 on a port the kernel picks, or -1.
int bind_loopback(std::uint16_t* port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof(address);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ::close(fd);
    return -1;
  }
  *port = ntohs(address.sin_port);
  return fd;
}

}  // namespace

// Copies what the connection sends to stdout until the peer closes it.
void copy_to_stdout(int connection) {
  char buffer[4096];
  for (;;) {
    const ssize_t got = ::read(connection, buffer, sizeof(buffer));
    if (got <= 0) return;
    std::fwrite(buffer, 1, static_cast<std::size_t>(got), stdout);
    std::fflush(stdout);
  }
}

int main(int argc, char** argv) {
  const int free_count = argc > 1 ? std::atoi(argv[1]) : 2;
  const bool sink = argc > 2 && std::string(argv[2]) == "--sink";
  std::uint16_t open_port = 0;
  const int listener = bind_loopback(&open_port);
  if (listener < 0 || ::listen(listener, 64) != 0) {
    std::perror("vpm_stack_listener: listen on 127.0.0.1");
    return 1;
  }
  // Bind them all before closing any, so the ports differ from each other.
  std::vector<int> held;
  std::string line = std::to_string(open_port);
  for (int i = 0; i < 1 + free_count; ++i) {
    std::uint16_t port = 0;
    const int fd = bind_loopback(&port);
    if (fd < 0) {
      std::perror("vpm_stack_listener: bind 127.0.0.1");
      return 1;
    }
    held.push_back(fd);
    line += " " + std::to_string(port);
  }
  for (const int fd : held) ::close(fd);
  std::printf("%s\n", line.c_str());
  std::fflush(stdout);
  ::alarm(600);  // never outlive a test that forgot to stop it
  for (;;) {
    const int connection = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
    if (connection < 0) continue;
    if (sink) copy_to_stdout(connection);
    ::close(connection);
  }
}
