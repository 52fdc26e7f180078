// The tls check against an in-test TLS server with certificates made for each test: valid,
// expired, expiring in 10 days, self-signed with and without the CA file, wrong host name.
#include <gtest/gtest.h>

#include <chrono>

#include "shared/service_test_util.h"
#include "support/fake_server.h"
#include "support/test_certs.h"
#include "vpm/flow_result.h"

namespace vpm {
namespace {

using namespace std::chrono_literals;
using std::chrono::system_clock;

class TlsCheckTest : public testing::Test {
 protected:
  test::CheckOutcome check_against(const test::CertSpec& spec, TlsOptions options,
                                   const std::string& host = "127.0.0.1") {
    cert_ = test::make_self_signed(dir_.path(), "server", spec);
    test::FakeTcpServer server([this](int fd) { test::serve_tls(fd, cert_); });
    ServiceCheck check;
    check.kind = CheckKind::kTls;
    check.tls = std::move(options);
    return test::run_check(check, server.port(), 2s, Protocol::kTcp, host);
  }
  TlsOptions trusting() const { return TlsOptions{"localhost", cert_file(), std::nullopt}; }
  std::string cert_file() const { return dir_.path() + "/server.crt"; }

  test::TempDir dir_;
  test::TestCert cert_;
};

TEST_F(TlsCheckTest, ValidCertificateVerifiesAgainstTheCaFile) {
  const auto before = system_clock::now();
  const auto outcome = check_against({}, trusting());
  const PortResult& r = outcome.result;
  EXPECT_EQ(r.state, PortState::kOpen) << r.reason;
  ASSERT_TRUE(r.tls.has_value());
  EXPECT_TRUE(r.tls->verified) << r.tls->verify_error;
  EXPECT_EQ(r.tls->verify_error, "");
  EXPECT_TRUE(r.tls->version.starts_with("TLSv1.")) << r.tls->version;
  EXPECT_EQ(r.tls->subject, "CN=localhost,O=veeam-port-monitor tests");
  EXPECT_EQ(r.tls->issuer, r.tls->subject);
  ASSERT_TRUE(r.tls->not_after.has_value());
  EXPECT_NEAR(std::chrono::duration<double>(*r.tls->not_after - before).count(), 365.0 * 86400,
              120);
  EXPECT_EQ(r.reason, r.tls->version + ", certificate verified");
}

TEST_F(TlsCheckTest, TheIpLiteralIsVerifiedWhenNoNameIsGiven) {
  const auto outcome = check_against({}, TlsOptions{"", cert_file(), std::nullopt});
  EXPECT_EQ(outcome.result.state, PortState::kOpen) << outcome.result.reason;
}

TEST_F(TlsCheckTest, SelfSignedWithoutCaFileIsReportedNotFailed) {
  const auto outcome = check_against({}, TlsOptions{"localhost", "", std::nullopt});
  const PortResult& r = outcome.result;
  EXPECT_EQ(r.state, PortState::kOpen) << r.reason;
  ASSERT_TRUE(r.tls.has_value());
  EXPECT_FALSE(r.tls->verified);
  EXPECT_EQ(r.tls->verify_error, "self-signed certificate");
  EXPECT_EQ(r.reason, r.tls->version + ", certificate not verified (self-signed certificate)");
}

TEST_F(TlsCheckTest, SelfSignedFailsWhenVerificationIsRequired) {
  const auto outcome = check_against({}, TlsOptions{"localhost", "", true});
  EXPECT_EQ(outcome.result.state, PortState::kTlsError);
  EXPECT_EQ(outcome.result.reason, "certificate not verified: self-signed certificate");
  ASSERT_TRUE(outcome.result.tls.has_value());  // what was seen is still reported
}

TEST_F(TlsCheckTest, ExpiredCertificateIsATlsErrorWhenVerified) {
  test::CertSpec expired;
  expired.not_before = -30 * 24h;
  expired.not_after = -24h;
  const auto outcome = check_against(expired, trusting());
  EXPECT_EQ(outcome.result.state, PortState::kTlsError);
  EXPECT_EQ(outcome.result.reason, "certificate not verified: certificate has expired");
  ASSERT_TRUE(outcome.result.tls.has_value());
  EXPECT_LT(*outcome.result.tls->not_after, system_clock::now());
}

TEST_F(TlsCheckTest, ExpiringInTenDaysPassesAndTheFlowKnowsWhen) {
  test::CertSpec soon;
  soon.not_after = 10 * 24h;
  const auto outcome = check_against(soon, trusting());
  EXPECT_EQ(outcome.result.state, PortState::kOpen) << outcome.result.reason;
  Flow flow;
  flow.check.kind = CheckKind::kTls;
  const FlowResult r = summarise(flow, "127.0.0.1", "127.0.0.1", {outcome.result});
  ASSERT_TRUE(r.tls_not_after.has_value());
  const auto left =
      std::chrono::duration_cast<std::chrono::hours>(*r.tls_not_after - system_clock::now());
  EXPECT_GE(left.count(), 239);
  EXPECT_LE(left.count(), 240);
}

TEST_F(TlsCheckTest, WrongHostNameFailsVerification) {
  const auto outcome =
      check_against({}, TlsOptions{"vbr01.example.test", cert_file(), std::nullopt});
  EXPECT_EQ(outcome.result.state, PortState::kTlsError);
  EXPECT_EQ(outcome.result.reason, "certificate not verified: hostname mismatch");
}

TEST_F(TlsCheckTest, TheTargetHostIsTheNameByDefault) {
  // No server_name: the target as configured ("localhost" here) is what must match.
  const auto good = check_against({}, TlsOptions{"", cert_file(), std::nullopt}, "localhost");
  EXPECT_EQ(good.result.state, PortState::kOpen) << good.result.reason;
  const auto bad = check_against({}, TlsOptions{"", cert_file(), std::nullopt}, "vbr01.test");
  EXPECT_EQ(bad.result.state, PortState::kTlsError) << bad.result.reason;
}

TEST_F(TlsCheckTest, AnUnreadableCaFileIsATlsError) {
  const auto outcome =
      check_against({}, TlsOptions{"localhost", dir_.path() + "/missing.pem", std::nullopt});
  EXPECT_EQ(outcome.result.state, PortState::kTlsError);
  EXPECT_TRUE(outcome.result.reason.starts_with("ca_file \"")) << outcome.result.reason;
}

TEST(FlowResultTls, TheSoonestExpiryOfTheFlowsPorts) {
  const auto t = system_clock::time_point(std::chrono::seconds(1'800'000'000));
  PortResult a{443, PortState::kOpen, 1ms, {}};
  a.tls = TlsInfo{"TLSv1.3", "CN=a", "CN=a", t + 48h, true, ""};
  PortResult b{636, PortState::kTlsError, 1ms, "certificate not verified: x"};
  b.tls = TlsInfo{"TLSv1.2", "CN=b", "CN=b", t + 24h, false, "x"};
  PortResult c{6180, PortState::kOpen, 1ms, {}};
  const FlowResult r = summarise(Flow{}, "h", "", {a, b, c});
  EXPECT_EQ(r.tls_not_after, t + 24h);
  EXPECT_EQ(summarise(Flow{}, "h", "", {c}).tls_not_after, std::nullopt);
}

}  // namespace
}  // namespace vpm
