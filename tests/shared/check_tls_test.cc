// The tls check against an in-test TLS server with certificates made for each test: valid,
// expired, expiring in 10 days, self-signed with and without the CA file, wrong host name.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <thread>
#include <vector>

#include "conversation.h"
#include "shared/service_test_util.h"
#include "support/fake_server.h"
#include "support/flow_edit.h"
#include "support/test_certs.h"
#include "tls_client_context.h"
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
  // The test certificate is made for 365 days, some time before this test: 364 full days left.
  EXPECT_EQ(r.reason, "TLS " + r.tls->version.substr(4) +
                          ", certificate CN=localhost, 364 days left, verified");
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
  EXPECT_EQ(r.reason, "TLS " + r.tls->version.substr(4) +
                          ", certificate CN=localhost, 364 days left, not verified (self-signed "
                          "certificate)");
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
  const FlowResult r =
      summarise(vpm::test::shared(flow), "127.0.0.1", "127.0.0.1", {outcome.result});
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

// One TLS server presenting a fixed certificate, probed many times with one CA configuration.
class SharedTlsContextTest : public testing::Test {
 protected:
  test::CheckOutcome probe(const test::TestCert& served, TlsOptions options) {
    test::FakeTcpServer server([served](int fd) { test::serve_tls(fd, served); });
    ServiceCheck check;
    check.kind = CheckKind::kTls;
    check.tls = std::move(options);
    return test::run_check(check, server.port(), 2s, Protocol::kTcp, "localhost");
  }
  test::TempDir dir_;
};

TEST_F(SharedTlsContextTest, ProbesWithOneCaFileReadItOnce) {
  const test::TestCert cert = test::make_self_signed(dir_.path(), "server", {});
  const std::size_t before = tls_client_contexts_built();
  for (int i = 0; i < 5; ++i) {
    const auto outcome = probe(cert, TlsOptions{"", cert.cert_file, std::nullopt});
    EXPECT_EQ(outcome.result.state, PortState::kOpen) << outcome.result.reason;
    ASSERT_TRUE(outcome.result.tls.has_value());
    EXPECT_TRUE(outcome.result.tls->verified);
  }
  // verify: false and true use the same context: whether it must verify is per probe.
  const auto unrequired = probe(cert, TlsOptions{"", cert.cert_file, false});
  EXPECT_EQ(unrequired.result.state, PortState::kOpen) << unrequired.result.reason;
  const auto wrong_name = probe(cert, TlsOptions{"vbr01.test", cert.cert_file, true});
  EXPECT_EQ(wrong_name.result.state, PortState::kTlsError);
  EXPECT_EQ(wrong_name.result.reason, "certificate not verified: hostname mismatch");
  EXPECT_EQ(tls_client_contexts_built() - before, 1U);
}

TEST_F(SharedTlsContextTest, TheSystemStoreIsLoadedOnceForAllProbes) {
  const test::TestCert cert = test::make_self_signed(dir_.path(), "server", {});
  const auto first = probe(cert, TlsOptions{"", "", true});
  EXPECT_EQ(first.result.state, PortState::kTlsError);
  const std::size_t before = tls_client_contexts_built();
  for (int i = 0; i < 5; ++i) {
    const auto outcome = probe(cert, TlsOptions{"", "", i % 2 == 0});
    ASSERT_TRUE(outcome.result.tls.has_value());
    EXPECT_FALSE(outcome.result.tls->verified);  // self-signed: not in the system store
    EXPECT_EQ(outcome.result.state, i % 2 == 0 ? PortState::kTlsError : PortState::kOpen);
  }
  EXPECT_EQ(tls_client_contexts_built(), before);
}

TEST_F(SharedTlsContextTest, AReplacedCaFileIsReadAgain) {
  const test::TestCert old_cert = test::make_self_signed(dir_.path(), "old", {});
  const test::TestCert new_cert = test::make_self_signed(dir_.path(), "new", {});
  const std::string ca_file = dir_.path() + "/ca.pem";
  std::filesystem::copy_file(old_cert.cert_file, ca_file);
  const std::size_t before = tls_client_contexts_built();
  EXPECT_EQ(probe(old_cert, TlsOptions{"", ca_file, std::nullopt}).result.state, PortState::kOpen);
  const auto mismatched = probe(new_cert, TlsOptions{"", ca_file, std::nullopt});
  EXPECT_EQ(mismatched.result.state, PortState::kTlsError) << mismatched.result.reason;
  EXPECT_EQ(tls_client_contexts_built() - before, 1U);
  // As an administrator would: write the new bundle beside it, rename it over the old one.
  std::filesystem::copy_file(new_cert.cert_file, ca_file + ".tmp");
  std::filesystem::rename(ca_file + ".tmp", ca_file);
  const auto replaced = probe(new_cert, TlsOptions{"", ca_file, std::nullopt});
  EXPECT_EQ(replaced.result.state, PortState::kOpen) << replaced.result.reason;
  EXPECT_EQ(tls_client_contexts_built() - before, 2U);
}

TEST_F(SharedTlsContextTest, ThreadsAskingAtOnceGetOneContext) {
  const test::TestCert cert = test::make_self_signed(dir_.path(), "server", {});
  const std::size_t before = tls_client_contexts_built();
  std::vector<TlsClientContext> got(8);
  std::vector<std::thread> threads;
  for (auto& slot : got) {
    threads.emplace_back([&slot, &cert] { slot = tls_client_context(cert.cert_file); });
  }
  for (auto& thread : threads) thread.join();
  for (const auto& slot : got) {
    ASSERT_NE(slot.context, nullptr) << slot.error;
    EXPECT_EQ(slot.context, got.front().context);
  }
  EXPECT_EQ(tls_client_contexts_built() - before, 1U);
}

TEST(FlowResultTls, TheSoonestExpiryOfTheFlowsPorts) {
  const auto t = system_clock::time_point(std::chrono::seconds(1'800'000'000));
  PortResult a{443, PortState::kOpen, 1ms, {}};
  a.tls = TlsInfo{"TLSv1.3", "CN=a", "CN=a", t + 48h, true, ""};
  PortResult b{636, PortState::kTlsError, 1ms, "certificate not verified: x"};
  b.tls = TlsInfo{"TLSv1.2", "CN=b", "CN=b", t + 24h, false, "x"};
  PortResult c{6180, PortState::kOpen, 1ms, {}};
  const FlowResult r = summarise(vpm::test::shared(Flow{}), "h", "", {a, b, c});
  EXPECT_EQ(r.tls_not_after, t + 24h);
  EXPECT_EQ(summarise(vpm::test::shared(Flow{}), "h", "", {c}).tls_not_after, std::nullopt);
}

}  // namespace
}  // namespace vpm

namespace vpm {
namespace {

TEST(TlsSummary, VersionCommonNameDaysLeftAndVerification) {
  const auto now = system_clock::now();
  TlsInfo tls;
  tls.version = "TLSv1.2";
  tls.subject = "O=Example\\, Inc.,CN=vbr01.example.test,C=DE";
  tls.not_after = now + std::chrono::hours(24 * 30) + std::chrono::minutes(5);
  tls.verified = true;
  EXPECT_EQ(tls_summary(tls, now),
            "TLS 1.2, certificate CN=vbr01.example.test, 30 days left, verified");
  tls.subject = "O=No Common Name";
  tls.not_after = now - std::chrono::hours(24 * 2) - std::chrono::minutes(5);
  tls.verified = false;
  tls.verify_error = "certificate has expired";
  EXPECT_EQ(tls_summary(tls, now),
            "TLS 1.2, expired 2 days ago, not verified (certificate has expired)");
  tls.subject = "CN=" + std::string(300, 'x');
  tls.not_after.reset();
  EXPECT_EQ(tls_summary(tls, now), "TLS 1.2, certificate CN=" + std::string(64, 'x') +
                                       ", not verified (certificate has expired)");
}

}  // namespace
}  // namespace vpm
