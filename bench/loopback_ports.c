/* Bench helper: listens on N TCP ports of 127.0.0.1 (the kernel completes handshakes from the
 * backlog, nothing is accepted) and holds N more bound without listening, so a connect there
 * is refused and no other program gets those ports meanwhile.
 * Prints "open P..." and "closed P..." lines, then waits for SIGTERM.
 * Usage: loopback_ports N */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

static int bound(unsigned short* port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {0};
  socklen_t len = sizeof a;
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || bind(fd, (struct sockaddr*)&a, sizeof a) != 0 ||
      getsockname(fd, (struct sockaddr*)&a, &len) != 0) {
    perror("bind");
    exit(1);
  }
  *port = ntohs(a.sin_port);
  return fd;
}

int main(int argc, char** argv) {
  int n = argc > 1 ? atoi(argv[1]) : 500;
  int i;
  unsigned short port;
  printf("open");
  for (i = 0; i < n; ++i) {
    int fd = bound(&port);
    if (listen(fd, 64) != 0) {
      perror("listen");
      return 1;
    }
    printf(" %u", port);
  }
  printf("\nclosed");
  for (i = 0; i < n; ++i) {
    (void)bound(&port); /* kept open, never listening */
    printf(" %u", port);
  }
  printf("\n");
  fflush(stdout);
  for (;;) pause();
}
