// Each service check against a fake of its service on 127.0.0.1 (just enough of the protocol,
// byte layouts from the specifications), and against the wrong services: silent, closing at
// once, 1 MiB of garbage, an HTTP server. Wrong services are a mismatch, within the deadline.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>

#include "service_messages.h"
#include "shared/service_test_util.h"
#include "support/fake_server.h"
#include "support/flow_edit.h"
#include "support/loopback.h"
#include "support/test_certs.h"
#include "vpm/probe_runner.h"

namespace vpm {
namespace {

using namespace std::chrono_literals;
using test::FakeTcpServer;
using test::run_check;

std::string bytes_text(const Bytes& b) { return std::string(b.begin(), b.end()); }

void put16le(std::string& s, unsigned v) {
  s += static_cast<char>(v & 0xffU);
  s += static_cast<char>((v >> 8U) & 0xffU);
}
void put32le(std::string& s, unsigned v) {
  put16le(s, v & 0xffffU);
  put16le(s, v >> 16U);
}

// MS-SMB2 2.2.4: a NEGOTIATE response choosing `dialect`, behind the 4-byte session header.
std::string smb2_negotiate_response(unsigned dialect) {
  std::string smb = "\xfeSMB";
  put16le(smb, 64);  // StructureSize
  put16le(smb, 0);
  put32le(smb, dialect == 0 ? 0xc00000bbU : 0);  // STATUS_NOT_SUPPORTED or STATUS_SUCCESS
  put16le(smb, 0);                               // NEGOTIATE
  put16le(smb, 1);                               // CreditResponse
  put32le(smb, 1);                               // Flags: SMB2_FLAGS_SERVER_TO_REDIR
  smb += std::string(64 - smb.size(), '\0');
  std::string body;
  put16le(body, 65);  // StructureSize
  put16le(body, 1);   // SecurityMode
  put16le(body, dialect);
  if (dialect == 0x0311) {
    // NegotiateContextCount 1 at 6, NegotiateContextOffset 128 at 60: preauth integrity,
    // SHA-512 and a 32-byte salt (MS-SMB2 2.2.4, 2.2.3.1.1).
    put16le(body, 1);
    body += std::string(60 - body.size(), '\0');
    put32le(body, 128);
    put16le(body, 0x0001);
    put16le(body, 38);
    put32le(body, 0);
    put16le(body, 1);
    put16le(body, 32);
    put16le(body, 0x0001);
    body += std::string(32, '\x5a');
  }
  body += std::string(body.size() < 64 ? 64 - body.size() : 0, '\0');
  smb += body;
  const std::string header = {'\0', '\0', static_cast<char>(smb.size() >> 8U),
                              static_cast<char>(smb.size() & 0xffU)};
  return header + smb;
}

// Reads one SMB message behind its session header ("\xfeSMB" or "\xffSMB"); empty if other.
std::string read_smb_message(int fd, std::string_view protocol = "\xfeSMB") {
  const std::string header = test::read_bytes(fd, 4);
  if (header.size() != 4 || header[0] != '\0') return {};
  const std::size_t length =
      (static_cast<std::size_t>(static_cast<unsigned char>(header[2])) << 8U) |
      static_cast<unsigned char>(header[3]);
  const std::string smb = test::read_bytes(fd, length);
  if (smb.size() != length || smb.compare(0, 4, protocol) != 0) return {};
  return smb;
}

// A server that negotiates the highest dialect of the request up to `highest`.
void smb_server_up_to(int fd, unsigned highest) {
  const std::string smb = read_smb_message(fd);
  if (smb.size() < 64 + 36 || smb[12] != 0) return;  // a NEGOTIATE
  const auto le16 = [&](std::size_t at) {
    return static_cast<unsigned>(static_cast<unsigned char>(smb[at])) |
           (static_cast<unsigned>(static_cast<unsigned char>(smb[at + 1])) << 8U);
  };
  unsigned chosen = 0;
  for (std::size_t i = 0; i < le16(64 + 2); ++i) {
    const unsigned dialect = le16(64 + 36 + 2 * i);
    if (dialect <= highest && dialect > chosen) chosen = dialect;
  }
  test::write_all(fd, smb2_negotiate_response(chosen));
  test::wait_for_close(fd);
}

void smb_server(int fd) { smb_server_up_to(fd, 0x0302); }

TEST(SmbCheck, ReportsTheDialectOfAnSmb2Server) {
  FakeTcpServer server(smb_server);
  const auto outcome = run_check(CheckKind::kSmb, server.port());
  EXPECT_EQ(outcome.result.state, PortState::kOpen) << outcome.result.reason;
  EXPECT_EQ(outcome.result.reason, "SMB 3.0.2");
  EXPECT_GT(outcome.result.latency.count(), 0);  // the connect's
}

TEST(SmbCheck, Offers311AndReportsIt) {
  FakeTcpServer server([](int fd) { smb_server_up_to(fd, 0x0311); });
  const auto outcome = run_check(CheckKind::kSmb, server.port());
  EXPECT_EQ(outcome.result.state, PortState::kOpen) << outcome.result.reason;
  EXPECT_EQ(outcome.result.reason, "SMB 3.1.1");
  EXPECT_EQ(outcome.result.smb_dialect, "3.1.1");
  ASSERT_TRUE(outcome.result.service_time.has_value());
  EXPECT_GT(outcome.result.service_time->count(), 0);
  EXPECT_LT(*outcome.result.service_time, std::chrono::nanoseconds(outcome.elapsed) + 1ms);
}

TEST(SmbCheck, BelowTheFlowsMinDialectIsAMismatchNamingIt) {
  FakeTcpServer server([](int fd) { smb_server_up_to(fd, 0x0210); });
  ServiceCheck check;
  check.kind = CheckKind::kSmb;
  check.smb.min_dialect = 0x0300;
  const auto below = run_check(check, server.port());
  EXPECT_EQ(below.result.state, PortState::kMismatch);
  EXPECT_EQ(below.result.reason, "SMB 2.1, below min_dialect 3.0");
  EXPECT_EQ(below.result.smb_dialect, "2.1");
  check.smb.min_dialect = 0x0210;
  EXPECT_EQ(run_check(check, server.port()).result.state, PortState::kOpen);
}

TEST(SmbCheck, AFailedNegotiateFailsOnlyAMinDialect) {
  FakeTcpServer server([](int fd) { smb_server_up_to(fd, 0); });  // no common dialect
  const auto any = run_check(CheckKind::kSmb, server.port());
  EXPECT_EQ(any.result.state, PortState::kOpen) << any.result.reason;
  ServiceCheck check;
  check.kind = CheckKind::kSmb;
  check.smb.min_dialect = 0x0311;
  const auto minimum = run_check(check, server.port());
  EXPECT_EQ(minimum.result.state, PortState::kMismatch);
  EXPECT_EQ(minimum.result.reason, "SMB2, negotiate status 0xc00000bb (min_dialect 3.1.1)");
}

// As Samba with "server max protocol = NT1": the SMB2 NEGOTIATE is closed on, an SMB1 one is
// answered.
TEST(SmbCheck, AnSmb1OnlyServerIsAMismatch) {
  std::atomic<int> smb1_negotiates{0};
  FakeTcpServer server([&](int fd) {
    const std::string header = test::read_bytes(fd, 8);
    if (header.size() != 8 || header.compare(4, 4, "\xffSMB") != 0) return;  // SMB2: close
    test::read_bytes(fd, static_cast<unsigned char>(header[3]) - 4U);
    ++smb1_negotiates;
    std::string reply("\0\0\0\x25\xffSMB\x72", 9);
    reply += std::string(0x25 - 5, '\0');
    test::write_all(fd, reply);
    test::wait_for_close(fd);
  });
  const auto outcome = run_check(CheckKind::kSmb, server.port());
  EXPECT_EQ(outcome.result.state, PortState::kMismatch);
  EXPECT_EQ(outcome.result.reason, "SMB1 only");
  EXPECT_EQ(smb1_negotiates, 1);
  EXPECT_EQ(server.connections(), 2);
}

TEST(SmbCheck, AServerClosingOnBothIsAMismatchAsBefore) {
  FakeTcpServer server(test::close_at_once);
  const auto outcome = run_check(CheckKind::kSmb, server.port());
  EXPECT_EQ(outcome.result.state, PortState::kMismatch);
  EXPECT_EQ(outcome.result.reason, "connection closed without reply");
}

TEST(SmbCheck, OnPort139StartsANetbiosSession) {
  std::atomic<bool> session_requested{false};
  std::unique_ptr<FakeTcpServer> server;
  try {
    server = std::make_unique<FakeTcpServer>(
        [&](int fd) {
          const std::string request = test::read_bytes(fd, 72);
          // RFC 1002 4.3.2: type 0x81, length 68, two encoded names of 34 bytes.
          if (request.size() != 72 || static_cast<unsigned char>(request[0]) != 0x81) return;
          session_requested = true;
          test::write_all(fd, std::string("\x82\0\0\0", 4));
          smb_server(fd);
        },
        139);
  } catch (const std::runtime_error& e) {
    GTEST_SKIP() << "127.0.0.1:139 is taken: " << e.what();
  }
  const auto outcome = run_check(CheckKind::kSmb, 139);
  EXPECT_EQ(outcome.result.state, PortState::kOpen) << outcome.result.reason;
  EXPECT_TRUE(session_requested);
  EXPECT_EQ(outcome.result.reason, "SMB 3.0.2");
}

TEST(SmbCheck, AnHttpServerIsAMismatchWithWhatItSaid) {
  FakeTcpServer server(test::http_bad_request);
  const auto outcome = run_check(CheckKind::kSmb, server.port());
  EXPECT_EQ(outcome.result.state, PortState::kMismatch);
  EXPECT_EQ(outcome.result.reason, "expected SMB2 response, got 'HTTP/1.1 400 Bad Request'");
}

TEST(LdapCheck, AnswersTheRootDseSearch) {
  FakeTcpServer server([](int fd) {
    const std::string request = test::read_bytes(fd, ldap_rootdse_request(1).size());
    if (request != bytes_text(ldap_rootdse_request(1))) return;
    // SearchResultEntry (objectName "", no attributes), then SearchResultDone success.
    test::write_all(fd, std::string("\x30\x0c\x02\x01\x01\x64\x07\x04\x00\x30\x03\x04\x01x", 14));
    test::write_all(fd,
                    std::string("\x30\x0c\x02\x01\x01\x65\x07\x0a\x01\x00\x04\x00\x04\x00", 14));
    test::wait_for_close(fd);
  });
  const auto outcome = run_check(CheckKind::kLdap, server.port());
  EXPECT_EQ(outcome.result.state, PortState::kOpen) << outcome.result.reason;
  EXPECT_EQ(outcome.result.reason, "LDAP, rootDSE answered");
}

TEST(ServiceTime, NoneForConnectChecksAndFailedConnects) {
  FakeTcpServer server(test::silent);
  const auto connected = run_check(CheckKind::kConnect, server.port());
  EXPECT_EQ(connected.result.state, PortState::kOpen);
  EXPECT_FALSE(connected.result.service_time.has_value());
  const auto refused = run_check(CheckKind::kLdap, test::closed_tcp_port());
  EXPECT_EQ(refused.result.state, PortState::kRefused);
  EXPECT_FALSE(refused.result.service_time.has_value());
  // A silent service: the exchange lasted until the deadline.
  const auto silent = run_check(CheckKind::kLdap, server.port(), 300ms);
  EXPECT_EQ(silent.result.state, PortState::kMismatch);
  ASSERT_TRUE(silent.result.service_time.has_value());
  EXPECT_GT(*silent.result.service_time, 200ms);
}

TEST(LdapCheck, AnyLdapResultPasses) {
  FakeTcpServer server([](int fd) {
    test::read_bytes(fd, ldap_rootdse_request(1).size());
    // SearchResultDone with resultCode 1 (operationsError), split over two writes.
    test::write_all(fd, std::string("\x30\x0c\x02\x01", 4));
    std::this_thread::sleep_for(20ms);
    test::write_all(fd, std::string("\x01\x65\x07\x0a\x01\x01\x04\x00\x04\x00", 10));
    test::wait_for_close(fd);
  });
  const auto outcome = run_check(CheckKind::kLdap, server.port());
  EXPECT_EQ(outcome.result.state, PortState::kOpen) << outcome.result.reason;
  EXPECT_EQ(outcome.result.reason, "LDAP, result code 1");
}

TEST(MsrpcCheck, BindAckFromTheEndpointMapper) {
  FakeTcpServer server([](int fd) {
    const std::string bind = test::read_bytes(fd, 72);
    if (bind.size() != 72 || bind[2] != 11) return;
    std::string ack = {5, 0, 12, 3, 0x10, 0, 0, 0};
    put16le(ack, 28);  // frag_length
    put16le(ack, 0);
    ack += bind.substr(12, 4);  // call_id
    put16le(ack, 4280);
    put16le(ack, 4280);
    put32le(ack, 0x12345);
    test::write_all(fd, ack);
    test::wait_for_close(fd);
  });
  const auto outcome = run_check(CheckKind::kMsrpc, server.port());
  EXPECT_EQ(outcome.result.state, PortState::kOpen) << outcome.result.reason;
  EXPECT_EQ(outcome.result.reason, "DCE/RPC bind accepted");
}

TEST(IscsiCheck, LoginResponseFromATarget) {
  FakeTcpServer server([](int fd) {
    const std::string login = test::read_bytes(fd, 48);
    if (login.size() != 48 || (login[0] & 0x3f) != 0x03) return;
    const std::size_t data =
        (static_cast<std::size_t>(static_cast<unsigned char>(login[6])) << 8U) |
        static_cast<unsigned char>(login[7]);
    const std::string keys = test::read_bytes(fd, (data + 3) / 4 * 4);
    if (keys.find(std::string("SessionType=Discovery\0", 22)) == std::string::npos) return;
    std::string response(48, '\0');
    response[0] = 0x23;
    response[1] = static_cast<char>(0x81);
    response[36] = 2;  // initiator error: authentication failure still proves iSCSI
    response[37] = 1;
    test::write_all(fd, response);
    test::wait_for_close(fd);
  });
  const auto outcome = run_check(CheckKind::kIscsi, server.port());
  EXPECT_EQ(outcome.result.state, PortState::kOpen) << outcome.result.reason;
  EXPECT_EQ(outcome.result.reason, "iSCSI login answered, status class 2");
}

FakeTcpServer::Handler http_server(std::string* request_seen, std::string response) {
  return [request_seen, response](int fd) {
    *request_seen = test::read_until(fd, "\r\n\r\n");
    test::write_all(fd, response);
    test::wait_for_close(fd, 500ms);
  };
}

TEST(HttpCheck, GetsThePathWithAHostHeader) {
  std::string request;
  FakeTcpServer server(http_server(&request, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
  ServiceCheck check;
  check.kind = CheckKind::kHttp;
  check.http.path = "/crl/ca.crl";
  const auto outcome = run_check(check, server.port(), 2s, Protocol::kTcp, "crl.example.test");
  EXPECT_EQ(outcome.result.state, PortState::kOpen) << outcome.result.reason;
  EXPECT_EQ(outcome.result.reason, "HTTP/1.1 200 OK");
  EXPECT_TRUE(request.starts_with("GET /crl/ca.crl HTTP/1.1\r\n")) << request;
  EXPECT_NE(request.find("\r\nHost: crl.example.test:" + std::to_string(server.port()) + "\r\n"),
            std::string::npos)
      << request;
}

TEST(HttpCheck, AnUnexpectedStatusIsAMismatch) {
  std::string request;
  FakeTcpServer server(http_server(&request, "HTTP/1.0 404 Not Found\r\n\r\n"));
  ServiceCheck check;
  check.kind = CheckKind::kHttp;
  check.http.expect_status = 200;
  const auto outcome = run_check(check, server.port());
  EXPECT_EQ(outcome.result.state, PortState::kMismatch);
  EXPECT_EQ(outcome.result.reason, "expected status 200, got 'HTTP/1.0 404 Not Found'");
}

TEST(HttpCheck, AnyStatusPassesWithoutExpectStatus) {
  std::string request;
  FakeTcpServer server(http_server(&request, "HTTP/1.1 503 Service Unavailable\r\n\r\n"));
  const auto outcome = run_check(CheckKind::kHttp, server.port());
  EXPECT_EQ(outcome.result.state, PortState::kOpen) << outcome.result.reason;
}

FakeTcpServer::Handler smtp_server(std::string ehlo_reply, const test::TestCert* cert,
                                   std::string* ehlo_seen) {
  return [ehlo_reply, cert, ehlo_seen](int fd) {
    test::write_all(fd, "220-mail.example.test ESMTP\r\n220 ready\r\n");
    *ehlo_seen = test::read_until(fd, "\r\n");
    test::write_all(fd, ehlo_reply);
    if (cert == nullptr) return test::wait_for_close(fd);
    if (test::read_until(fd, "\r\n") != "STARTTLS\r\n") return;
    test::write_all(fd, "220 2.0.0 go ahead\r\n");
    test::serve_tls(fd, *cert);
  };
}

TEST(SmtpCheck, GreetingAndEhloWithoutStarttls) {
  std::string ehlo;
  FakeTcpServer server(
      smtp_server("250-mail.example.test\r\n250-SIZE 10240000\r\n250 HELP\r\n", nullptr, &ehlo));
  const auto outcome = run_check(CheckKind::kSmtp, server.port());
  EXPECT_EQ(outcome.result.state, PortState::kOpen) << outcome.result.reason;
  EXPECT_EQ(outcome.result.reason, "ESMTP, no STARTTLS offered");
  EXPECT_EQ(ehlo, "EHLO [127.0.0.1]\r\n");
  EXPECT_FALSE(outcome.result.tls.has_value());
}

TEST(SmtpCheck, StarttlsRequiredButNotOffered) {
  std::string ehlo;
  FakeTcpServer server(smtp_server("250 mail.example.test\r\n", nullptr, &ehlo));
  ServiceCheck check;
  check.kind = CheckKind::kSmtp;
  check.starttls = true;
  const auto outcome = run_check(check, server.port());
  EXPECT_EQ(outcome.result.state, PortState::kMismatch);
  EXPECT_EQ(outcome.result.reason, "SMTP without STARTTLS");
}

TEST(SmtpCheck, StarttlsWhenOfferedReportsTheCertificate) {
  test::TempDir dir;
  const test::TestCert cert = test::make_self_signed(dir.path(), "mail", {});
  std::string ehlo;
  FakeTcpServer server(
      smtp_server("250-mail.example.test\r\n250-STARTTLS\r\n250 8BITMIME\r\n", &cert, &ehlo));
  ServiceCheck check;
  check.kind = CheckKind::kSmtp;
  check.tls.server_name = "localhost";
  check.tls.ca_file = cert.cert_file;
  const auto outcome = run_check(check, server.port());
  EXPECT_EQ(outcome.result.state, PortState::kOpen) << outcome.result.reason;
  ASSERT_TRUE(outcome.result.tls.has_value());
  EXPECT_TRUE(outcome.result.tls->verified) << outcome.result.tls->verify_error;
  EXPECT_TRUE(outcome.result.reason.starts_with("ESMTP, STARTTLS, TLS 1."))
      << outcome.result.reason;
}

TEST(SmtpCheck, AnotherGreetingCodeIsAMismatch) {
  FakeTcpServer server([](int fd) {
    test::write_all(fd, "554 no SMTP service here\r\n");
    test::wait_for_close(fd);
  });
  const auto outcome = run_check(CheckKind::kSmtp, server.port());
  EXPECT_EQ(outcome.result.state, PortState::kMismatch);
  EXPECT_EQ(outcome.result.reason, "expected SMTP greeting 220, got '554 no SMTP service here'");
}

// The wrong services, for every TCP check: never open, never past the deadline.
enum class Wrong { kSilent, kCloseAtOnce, kGarbage, kHttp };
struct WrongCase {
  CheckKind check;
  Wrong wrong;
};
std::string wrong_name(Wrong w) {
  switch (w) {
    case Wrong::kSilent:
      return "silent";
    case Wrong::kCloseAtOnce:
      return "close_at_once";
    case Wrong::kGarbage:
      return "garbage";
    case Wrong::kHttp:
      return "http";
  }
  return "?";
}

class WrongService : public testing::TestWithParam<WrongCase> {};

TEST_P(WrongService, IsAMismatchWithinTheDeadline) {
  const WrongCase c = GetParam();
  FakeTcpServer::Handler handler;
  switch (c.wrong) {
    case Wrong::kSilent:
      handler = test::silent;
      break;
    case Wrong::kCloseAtOnce:
      handler = test::close_at_once;
      break;
    case Wrong::kGarbage:
      handler = test::garbage_megabyte;
      break;
    case Wrong::kHttp:
      handler = test::http_bad_request;
      break;
  }
  FakeTcpServer server(handler);
  constexpr Duration kTimeout = 1s;
  const auto outcome = run_check(c.check, server.port(), kTimeout);
  const PortResult& r = outcome.result;
  EXPECT_EQ(r.state, PortState::kMismatch) << to_string(r.state) << ": " << r.reason;
  EXPECT_LT(outcome.elapsed, kTimeout + 500ms);
  switch (c.wrong) {
    case Wrong::kSilent:
      EXPECT_EQ(r.reason, c.check == CheckKind::kTls ? "no TLS handshake in 1s" : "no reply in 1s");
      EXPECT_GE(outcome.elapsed, kTimeout - 50ms);
      break;
    case Wrong::kCloseAtOnce:
      EXPECT_NE(r.reason.find("closed"), std::string::npos) << r.reason;
      break;
    case Wrong::kGarbage:
      // Rejected at the first bytes, long before the deadline.
      EXPECT_TRUE(r.reason.starts_with("expected ")) << r.reason;
      EXPECT_LT(outcome.elapsed, 500ms);
      break;
    case Wrong::kHttp:
      if (c.check == CheckKind::kSmtp) {
        // SMTP speaks first, HTTP waits for a request: both stay silent.
        EXPECT_EQ(r.reason, "no reply in 1s");
      } else {
        EXPECT_TRUE(r.reason.starts_with("expected ")) << r.reason;
      }
      break;
  }
}

std::vector<WrongCase> wrong_cases() {
  std::vector<WrongCase> cases;
  for (CheckKind k : {CheckKind::kTls, CheckKind::kSmtp, CheckKind::kLdap, CheckKind::kSmb,
                      CheckKind::kMsrpc, CheckKind::kIscsi, CheckKind::kHttp}) {
    for (Wrong w : {Wrong::kSilent, Wrong::kCloseAtOnce, Wrong::kGarbage, Wrong::kHttp}) {
      if (k == CheckKind::kHttp && w == Wrong::kHttp) continue;  // that one is right
      cases.push_back({k, w});
    }
  }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Table, WrongService, testing::ValuesIn(wrong_cases()),
                         [](const testing::TestParamInfo<WrongCase>& param_info) {
                           return std::string(to_string(param_info.param.check)) + "_" +
                                  wrong_name(param_info.param.wrong);
                         });

TEST(ServiceChecks, NothingListeningIsRefusedAsForConnect) {
  const auto outcome = run_check(CheckKind::kSmb, test::closed_tcp_port());
  EXPECT_EQ(outcome.result.state, PortState::kRefused);
}

// A UDP NetBIOS name service that answers node status queries with one name.
class FakeNbns {
 public:
  explicit FakeNbns(bool answer_as_response) {
    fd_ = ::socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address);
    socklen_t length = sizeof address;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    timeval tv{0, 100000};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    thread_ = std::thread([this, answer_as_response] {
      while (!stop_) {
        unsigned char request[512];
        sockaddr_in peer{};
        socklen_t peer_length = sizeof peer;
        const ssize_t n = ::recvfrom(fd_, request, sizeof request, 0,
                                     reinterpret_cast<sockaddr*>(&peer), &peer_length);
        if (n < 50) continue;
        // RFC 1002 4.2.18: the question's name again, NBSTAT IN, one name, statistics.
        std::string reply(reinterpret_cast<char*>(request), 2);
        reply += answer_as_response ? std::string("\x84\x00", 2) : std::string("\x00\x00", 2);
        reply += std::string("\x00\x00\x00\x01\x00\x00\x00\x00", 8);
        reply += std::string(reinterpret_cast<char*>(request) + 12, 34);  // RR_NAME
        reply += std::string("\x00\x21\x00\x01\x00\x00\x00\x00", 8);      // NBSTAT IN TTL
        const std::string rdata = std::string("\x01", 1) + "VBR01          " +
                                  std::string("\x00\x04\x00", 3) + std::string(46, '\0');
        reply += static_cast<char>(rdata.size() >> 8U);
        reply += static_cast<char>(rdata.size() & 0xffU);
        reply += rdata;
        ::sendto(fd_, reply.data(), reply.size(), 0, reinterpret_cast<sockaddr*>(&peer),
                 peer_length);
      }
    });
  }
  ~FakeNbns() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }
  FakeNbns(const FakeNbns&) = delete;
  FakeNbns& operator=(const FakeNbns&) = delete;
  std::uint16_t port() const { return port_; }

 private:
  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

TEST(NbnsCheck, NodeStatusResponsePasses) {
  FakeNbns nbns(true);
  ServiceCheck check;
  check.kind = CheckKind::kNbns;
  const auto outcome = run_check(check, nbns.port(), 1s, Protocol::kUdp);
  EXPECT_EQ(outcome.result.state, PortState::kOpen) << outcome.result.reason;
  EXPECT_EQ(outcome.result.reason, "NetBIOS name VBR01");
  ASSERT_TRUE(outcome.result.service_time.has_value());
  EXPECT_EQ(*outcome.result.service_time, outcome.result.latency);  // one datagram each way
}

TEST(NbnsCheck, AnEchoIsAMismatch) {
  test::UdpEchoResponder echo;
  ServiceCheck check;
  check.kind = CheckKind::kNbns;
  const auto outcome = run_check(check, echo.port(), 1s, Protocol::kUdp);
  EXPECT_EQ(outcome.result.state, PortState::kMismatch);
  EXPECT_EQ(outcome.result.reason,
            "expected an NBNS node status, got an NBNS request, not a response");
}

TEST(NbnsCheck, SilenceStaysOpenFiltered) {
  test::SilentUdpSocket silent_socket;
  ServiceCheck check;
  check.kind = CheckKind::kNbns;
  const auto outcome = run_check(check, silent_socket.port(), 300ms, Protocol::kUdp);
  EXPECT_EQ(outcome.result.state, PortState::kOpenFiltered);
}

// Through the runner, as both surfaces use it: the flow's check picks the probe.
TEST(ServiceChecks, TheRunnerUsesTheFlowsCheck) {
  FakeTcpServer http(test::http_bad_request);
  FakeTcpServer smb(smb_server);
  FlowPlan plan;
  Flow& plan_flow = vpm::test::edit_flow(plan);
  plan_flow.name = "share";
  plan_flow.check.kind = CheckKind::kSmb;
  plan_flow.timeout = 2s;
  plan.hosts = {"127.0.0.1"};
  plan.ports = {http.port(), smb.port()};
  const std::vector<FlowResult> results = run_flows({plan}, Limits{});
  ASSERT_EQ(results.size(), 1u);
  const FlowResult& r = results.front();
  ASSERT_EQ(r.ports.size(), 2u);
  EXPECT_EQ(r.ports[0].state, PortState::kMismatch);
  EXPECT_EQ(r.ports[1].state, PortState::kOpen);
  EXPECT_EQ(r.count(PortState::kMismatch), 1u);
  EXPECT_FALSE(r.up);
  EXPECT_FALSE(r.tls_not_after.has_value());
}

}  // namespace
}  // namespace vpm
