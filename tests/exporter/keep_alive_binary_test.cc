// The built exporter's responses on one kept-alive connection: the exporter writes each
// response's head itself, in one piece (response_head.h), so this checks what civetweb used to
// guarantee: every response framed by its Content-Length, the connection kept open for HTTP/1.1
// and closed for HTTP/1.0 or "Connection: close", HEAD without a body. Loopback only.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <array>
#include <string>

#include "exporter_process.h"
#include "gunzip.h"
#include "support/loopback.h"
#include "temp_dir.h"

namespace vpm::exporter::test {
namespace {

class Connection {
 public:
  explicit Connection(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    timeval tv{5, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection() { ::close(fd_); }
  bool connected() const { return connected_; }

  // Sends `request` and reads one response: its head, then as many body bytes as its
  // Content-Length says (none for HEAD). Empty head: nothing or a broken response came.
  struct Response {
    std::string head;
    std::string body;
  };
  Response exchange(const std::string& request, bool head_only = false) {
    Response response;
    if (::send(fd_, request.data(), request.size(), MSG_NOSIGNAL) !=
        static_cast<ssize_t>(request.size())) {
      return response;
    }
    std::size_t end = std::string::npos;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!receive()) return response;
    }
    response.head = buffer_.substr(0, end);
    buffer_.erase(0, end + 4);
    const std::size_t at = response.head.find("Content-Length: ");
    if (at == std::string::npos) return Response{};
    const std::size_t length = head_only ? 0 : std::stoul(response.head.substr(at + 16));
    while (buffer_.size() < length) {
      if (!receive()) return Response{};
    }
    response.body = buffer_.substr(0, length);
    buffer_.erase(0, length);
    return response;
  }
  // Whether the server closed the connection (and sent nothing more).
  bool closed_by_server() { return !receive() && buffer_.empty(); }

 private:
  bool receive() {
    std::array<char, 65536> chunk{};
    const ssize_t n = ::recv(fd_, chunk.data(), chunk.size(), 0);
    if (n <= 0) return false;
    buffer_.append(chunk.data(), static_cast<std::size_t>(n));
    return true;
  }

  int fd_;
  bool connected_ = false;
  std::string buffer_;
};

std::string get(const std::string& path, const std::string& more = "", const char* method = "GET",
                const char* version = "1.1") {
  return std::string(method) + " " + path + " HTTP/" + version + "\r\nHost: 127.0.0.1\r\n" + more +
         "\r\n";
}

TEST(ExporterKeepAlive, ResponsesOnOneConnectionAreFramedByTheirLength) {
  TempDir dir;
  vpm::test::TcpListener listener;
  const std::string config = dir.write("targets.yaml",
                                       "defaults: {timeout: 1s, interval: 60s}\n"
                                       "roles:\n  a: {hosts: [127.0.0.1]}\n"
                                       "flows:\n  - {name: f, from: a, to: a, ports: [" +
                                           std::to_string(listener.port()) + "], expect: open}\n");
  ExporterProcess exporter(dir, {"--config.file=" + config, "--web.listen-address=127.0.0.1:0"});
  ASSERT_NE(exporter.port(), 0) << exporter.log();

  Connection connection(exporter.port());
  ASSERT_TRUE(connection.connected());
  const auto zipped = connection.exchange(get("/metrics", "Accept-Encoding: gzip\r\n"));
  ASSERT_EQ(zipped.head.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << zipped.head;
  EXPECT_NE(zipped.head.find("\r\nContent-Encoding: gzip"), std::string::npos) << zipped.head;
  EXPECT_NE(zipped.head.find("\r\nVary: Accept-Encoding"), std::string::npos) << zipped.head;
  EXPECT_NE(zipped.head.find("\r\nDate: "), std::string::npos) << zipped.head;
  EXPECT_NE(zipped.head.find("\r\nConnection: keep-alive"), std::string::npos) << zipped.head;
  EXPECT_EQ(series(gunzip(zipped.body), "veeam_flow_up").size(), 1u);

  const auto plain = connection.exchange(get("/metrics"));
  ASSERT_EQ(plain.head.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << plain.head;
  EXPECT_EQ(plain.head.find("Content-Encoding"), std::string::npos) << plain.head;
  EXPECT_EQ(series(plain.body, "veeam_flow_up"), series(gunzip(zipped.body), "veeam_flow_up"));

  const auto head = connection.exchange(get("/-/healthy", "", "HEAD"), true);
  EXPECT_EQ(head.head.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << head.head;
  EXPECT_NE(head.head.find("\r\nContent-Length: 9"), std::string::npos) << head.head;

  const auto missing = connection.exchange(get("/nowhere"));
  EXPECT_EQ(missing.head.rfind("HTTP/1.1 404 Not Found\r\n", 0), 0u) << missing.head;
  EXPECT_EQ(missing.body, "Not Found\n");

  // The client's wish ends it: the answer says so, and the exporter hangs up.
  const auto last = connection.exchange(get("/-/healthy", "Connection: close\r\n"));
  EXPECT_EQ(last.body, "Healthy.\n");
  EXPECT_NE(last.head.find("\r\nConnection: close"), std::string::npos) << last.head;
  EXPECT_TRUE(connection.closed_by_server());

  // HTTP/1.0 without keep-alive: closed too; with it, kept.
  Connection old(exporter.port());
  const auto once = old.exchange(get("/-/healthy", "", "GET", "1.0"));
  EXPECT_EQ(once.head.rfind("HTTP/1.0 200 OK\r\n", 0), 0u) << once.head;
  EXPECT_NE(once.head.find("\r\nConnection: close"), std::string::npos) << once.head;
  EXPECT_TRUE(old.closed_by_server());
  Connection kept(exporter.port());
  for (int i = 0; i < 2; ++i) {
    const auto again = kept.exchange(get("/-/healthy", "Connection: keep-alive\r\n", "GET", "1.0"));
    EXPECT_EQ(again.body, "Healthy.\n") << i;
    EXPECT_NE(again.head.find("\r\nConnection: keep-alive"), std::string::npos) << again.head;
  }
}

}  // namespace
}  // namespace vpm::exporter::test
