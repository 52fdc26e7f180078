/* The floor: blocking socket/connect/close over a port range on 127.0.0.1, one core.
   Usage: connect_floor FIRST LAST   -> prints "refused=N open=N other=N" */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s FIRST LAST\n", argv[0]);
    return 2;
  }
  int first = atoi(argv[1]), last = atoi(argv[2]);
  long refused = 0, open_ = 0, other = 0;
  for (int port = first; port <= last; ++port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr*)&a, sizeof a) == 0) ++open_;
    else if (errno == ECONNREFUSED) ++refused;
    else ++other;
    close(fd);
  }
  printf("refused=%ld open=%ld other=%ld\n", refused, open_, other);
  return 0;
}
