// Basic auth against bcrypt hashes made here with libxcrypt (crypt_gensalt_rn + crypt_r).
#include "basic_auth.h"

#include <crypt.h>
#include <gtest/gtest.h>

#include <array>
#include <memory>
#include <stdexcept>
#include <string_view>

#include "bcrypt_hash.h"

namespace vpm::exporter {
namespace {

std::string basic(const std::string& user_colon_password);

TEST(Base64Test, DecodesWithAndWithoutPadding) {
  EXPECT_EQ(base64_decode(""), "");
  EXPECT_EQ(base64_decode("YQ=="), "a");
  EXPECT_EQ(base64_decode("YWI="), "ab");
  EXPECT_EQ(base64_decode("YWJj"), "abc");
  EXPECT_EQ(base64_decode("YWxpY2U6czNjcjN0"), "alice:s3cr3t");
  EXPECT_EQ(base64_decode("YWJj+/8="), std::string("abc\xfb\xff", 5));
}

TEST(Base64Test, RejectsMalformedInput) {
  EXPECT_FALSE(base64_decode("YQ="));       // length
  EXPECT_FALSE(base64_decode("Y!=="));      // alphabet
  EXPECT_FALSE(base64_decode("Y=Q="));      // data after padding
  EXPECT_FALSE(base64_decode("YQ==YWJj"));  // padding in the middle
  EXPECT_FALSE(base64_decode("===="));
}

TEST(BasicAuthorizationTest, ParsesTheHeader) {
  const auto c = parse_basic_authorization("Basic YWxpY2U6czNjcjN0");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->user, "alice");
  EXPECT_EQ(c->password, "s3cr3t");
  EXPECT_TRUE(parse_basic_authorization("basic YWxpY2U6czNjcjN0"));  // scheme is case-insensitive
  const auto colon = parse_basic_authorization(basic("alice:pa:ss"));
  ASSERT_TRUE(colon);
  EXPECT_EQ(colon->password, "pa:ss");  // only the first colon separates
  EXPECT_FALSE(parse_basic_authorization("Bearer YWxpY2U6czNjcjN0"));
  EXPECT_FALSE(parse_basic_authorization("Basic "));
  EXPECT_FALSE(parse_basic_authorization(basic("no-colon")));
  EXPECT_FALSE(parse_basic_authorization("Basic ###"));
}

std::string basic(const std::string& user_colon_password) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  const auto byte = [&](std::size_t k) {
    return static_cast<unsigned>(static_cast<unsigned char>(user_colon_password[k]));
  };
  for (; i + 2 < user_colon_password.size(); i += 3) {
    const unsigned v = byte(i) << 16 | byte(i + 1) << 8 | byte(i + 2);
    for (int s = 18; s >= 0; s -= 6) out += kAlphabet[(v >> s) & 63];
  }
  const std::size_t rest = user_colon_password.size() - i;
  if (rest == 1) {
    const unsigned v = byte(i) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (rest == 2) {
    const unsigned v = byte(i) << 16 | byte(i + 1) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
  return "Basic " + out;
}

TEST(BcryptTest, VerifiesAHashMadeWithLibxcrypt) {
  const std::string hash = test::bcrypt_hash("s3cr3t");
  ASSERT_EQ(hash.substr(0, 7), "$2b$05$");
  EXPECT_TRUE(verify_bcrypt("s3cr3t", hash));
  EXPECT_FALSE(verify_bcrypt("s3cr3T", hash));
  EXPECT_FALSE(verify_bcrypt("", hash));
  EXPECT_FALSE(verify_bcrypt("s3cr3t", "$2b$05$garbage"));
  // $2y$ (htpasswd -B) hashes verify the same.
  std::string y = hash;
  y[2] = 'y';
  EXPECT_TRUE(verify_bcrypt("s3cr3t", y));
}

TEST(EqualInConstantTimeTest, ComparesEveryByte) {
  EXPECT_TRUE(equal_in_constant_time("", ""));
  EXPECT_TRUE(equal_in_constant_time("$2b$05$abc", "$2b$05$abc"));
  EXPECT_TRUE(equal_in_constant_time(std::string_view("a\0b", 3), std::string_view("a\0b", 3)));
  EXPECT_FALSE(equal_in_constant_time("xbc", "abc"));  // first byte
  EXPECT_FALSE(equal_in_constant_time("abx", "abc"));  // last byte
  EXPECT_FALSE(equal_in_constant_time(std::string_view("a\0b", 3), std::string_view("a\0c", 3)));
  EXPECT_FALSE(equal_in_constant_time("abc", "abcd"));
  EXPECT_FALSE(equal_in_constant_time("", "a"));
  EXPECT_FALSE(equal_in_constant_time("\x80", "\x00"));  // the high bit counts
}

TEST(BasicAuthTest, AllowsOnlyTheRightUserAndPassword) {
  const BasicAuth auth({{"alice", test::bcrypt_hash("s3cr3t")}, {"bob", test::bcrypt_hash("pw")}});
  EXPECT_TRUE(auth.enabled());
  EXPECT_TRUE(auth.allows(basic("alice:s3cr3t").c_str()));
  EXPECT_TRUE(auth.allows(basic("bob:pw").c_str()));
  EXPECT_FALSE(auth.allows(basic("alice:pw").c_str()));
  EXPECT_FALSE(auth.allows(basic("carol:s3cr3t").c_str()));
  EXPECT_FALSE(auth.allows(basic("alice:").c_str()));
  EXPECT_FALSE(auth.allows(nullptr));
  EXPECT_FALSE(auth.allows("Basic"));
}

TEST(BasicAuthTest, WithoutUsersEverythingIsAllowed) {
  const BasicAuth off;
  EXPECT_FALSE(off.enabled());
  EXPECT_TRUE(off.allows(nullptr));
}

}  // namespace
}  // namespace vpm::exporter
