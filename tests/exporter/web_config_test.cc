// --web.config.file: good files, and a table of bad ones with the exact error each gives.
#include "web_config.h"

#include <gtest/gtest.h>

#include "temp_dir.h"

namespace vpm::exporter {
namespace {

// A syntactically valid bcrypt hash (cost 05); these tests never verify passwords.
const std::string kHash = "$2b$05$abcdefghijklmnopqrstuuIcPmCgtt3mZ3Cq9w6MFR6yzuZKFsKRS";

class WebConfigTest : public ::testing::Test {
 protected:
  WebConfigTest() {
    dir_.write("server.crt", "not checked here");
    dir_.write("server.key", "not checked here");
    dir_.write("ca.crt", "not checked here");
  }
  WebConfig load(const std::string& yaml) {
    return load_web_config_string(yaml, "web.yml", dir_.path());
  }
  test::TempDir dir_;
};

TEST_F(WebConfigTest, EmptyFileMeansPlainHttpWithoutAuth) {
  const WebConfig config = load("");
  EXPECT_FALSE(config.tls);
  EXPECT_TRUE(config.basic_auth_users.empty());
  EXPECT_FALSE(load("# only a comment\n").tls);
}

TEST_F(WebConfigTest, ReadsTlsUsersAndHeaders) {
  const WebConfig config = load(
      "tls_server_config:\n"
      "  cert_file: server.crt\n"
      "  key_file: " +
      dir_.file("server.key") +
      "\n"
      "  min_version: TLS13\n"
      "  client_auth_type: RequireAndVerifyClientCert\n"
      "  client_ca_file: ca.crt\n"
      "http_server_config:\n"
      "  http2: false\n"
      "  headers:\n"
      "    X-Frame-Options: deny\n"
      "basic_auth_users:\n"
      "  alice: " +
      kHash +
      "\n"
      "  bob: '" +
      kHash + "'\n");
  ASSERT_TRUE(config.tls);
  EXPECT_EQ(config.tls->cert_file, dir_.file("server.crt"));  // relative to the file
  EXPECT_EQ(config.tls->key_file, dir_.file("server.key"));
  EXPECT_EQ(config.tls->min_version, TlsVersion::kTls13);
  EXPECT_EQ(config.tls->client_auth, ClientAuth::kRequireAndVerifyClientCert);
  EXPECT_EQ(config.tls->client_ca_file, dir_.file("ca.crt"));
  EXPECT_EQ(config.headers.at("X-Frame-Options"), "deny");
  EXPECT_EQ(config.basic_auth_users.size(), 2u);
  EXPECT_EQ(config.basic_auth_users.at("alice"), kHash);
}

TEST_F(WebConfigTest, DefaultsToTls12) {
  const WebConfig config = load("tls_server_config: {cert_file: server.crt, key_file: server.key}");
  EXPECT_EQ(config.tls->min_version, TlsVersion::kTls12);
  EXPECT_FALSE(config.tls->max_version);
  EXPECT_EQ(config.tls->client_auth, ClientAuth::kNoClientCert);
}

struct BadCase {
  std::string yaml;
  std::string error;
};

class BadWebConfigTest : public WebConfigTest, public ::testing::WithParamInterface<BadCase> {};

TEST_P(BadWebConfigTest, NamesFileLineColumnAndProblem) {
  try {
    load(GetParam().yaml);
    FAIL() << "accepted: " << GetParam().yaml;
  } catch (const WebConfigError& e) {
    std::string expected = GetParam().error;
    if (const std::size_t dir = expected.find("DIR/"); dir != std::string::npos) {
      expected.replace(dir, 3, dir_.path());
    }
    EXPECT_EQ(std::string(e.what()), expected);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, BadWebConfigTest,
    ::testing::Values(
        BadCase{"tls_server_config: {cert_file: server.crt}",
                "web.yml:1:20: tls_server_config: key_file is required"},
        BadCase{"tls_server_config:\n  key_file: server.key\n",
                "web.yml:2:3: tls_server_config: cert_file is required"},
        BadCase{"tls_server_config: {cert_file: missing.crt, key_file: server.key}",
                "web.yml:1:32: cert_file: cannot read " + std::string("DIR/missing.crt")},
        BadCase{"tls_server_config: {cert_file: server.crt, key_file: server.key, "
                "min_version: TLS14}",
                "web.yml:1:79: min_version: \"TLS14\" is not one of TLS10, TLS11, TLS12, TLS13"},
        BadCase{"tls_server_config: {cert_file: server.crt, key_file: server.key, "
                "min_version: TLS13, max_version: TLS12}",
                "web.yml:1:20: tls_server_config: max_version is lower than min_version"},
        BadCase{"tls_server_config: {cert_file: server.crt, key_file: server.key, "
                "client_auth_type: RequireAndVerifyClientCert}",
                "web.yml:1:20: tls_server_config: client_auth_type verifies client "
                "certificates and needs client_ca_file"},
        BadCase{"tls_server_config: {cert_file: server.crt, key_file: server.key, "
                "client_auth_type: Always}",
                "web.yml:1:84: client_auth_type: \"Always\" is not one of NoClientCert, "
                "RequestClientCert, RequireAnyClientCert, VerifyClientCertIfGiven, "
                "RequireAndVerifyClientCert"},
        BadCase{"tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n"
                "  cipher_suites: [TLS_AES_128_GCM_SHA256]\n",
                "web.yml:4:3: tls_server_config.cipher_suites is not supported by "
                "veeam_port_exporter"},
        BadCase{"tls_server_config:\n  cert_file: server.crt\n  keyfile: server.key\n",
                "web.yml:3:3: unknown key \"keyfile\" in tls_server_config"},
        BadCase{"basic_auth_users:\n  alice: secret\n",
                "web.yml:2:10: the password of \"alice\" is not a bcrypt hash ($2a$, $2b$ or "
                "$2y$, 60 characters)"},
        BadCase{"basic_auth_users: [alice]\n", "web.yml:1:19: basic_auth_users must be a mapping"},
        BadCase{"basic_auth_user:\n  alice: x\n",
                "web.yml:1:1: unknown key \"basic_auth_user\" (expected tls_server_config, "
                "http_server_config, basic_auth_users)"},
        BadCase{"http_server_config: {http2: maybe}", "web.yml:1:29: http2 must be true or false"},
        BadCase{"http_server_config: {headers: {\"Bad Header\": x}}",
                "web.yml:1:32: header \"Bad Header\" is not a valid header line"},
        BadCase{"tls_server_config: [", "web.yml:1:1: end of sequence flow not found"},
        BadCase{"- just\n- a list\n", "web.yml:1:1: the web config must be a mapping"}));

TEST_F(WebConfigTest, MissingFileIsAnError) {
  EXPECT_THROW(load_web_config_file(dir_.file("nope.yml")), WebConfigError);
}

TEST(BcryptShapeTest, AcceptsOnlyBcryptHashes) {
  EXPECT_TRUE(looks_like_bcrypt(kHash));
  EXPECT_TRUE(looks_like_bcrypt("$2y$10$" + kHash.substr(7)));
  EXPECT_FALSE(looks_like_bcrypt("$2x$10$" + kHash.substr(7)));
  EXPECT_FALSE(looks_like_bcrypt("$6$rounds=5000$salt$hash"));
  EXPECT_FALSE(looks_like_bcrypt(kHash.substr(0, 59)));
  EXPECT_FALSE(looks_like_bcrypt("$2b$05$" + kHash.substr(7, 52) + "!"));
}

}  // namespace
}  // namespace vpm::exporter
