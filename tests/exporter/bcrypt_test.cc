// bcrypt.cc (the Windows build's bcrypt) against libxcrypt's crypt_r on the same passwords and
// salts: every one of Blowfish's 1,042 initial words, computed from pi, takes part in each hash.
#include "bcrypt.h"

#include <crypt.h>
#include <gtest/gtest.h>

#include <array>
#include <memory>
#include <random>
#include <string>

namespace vpm::exporter {
namespace {

std::string setting(const char* prefix, unsigned long cost, std::mt19937& random) {
  std::array<char, 16> salt_bytes{};
  for (char& c : salt_bytes) c = static_cast<char>(random() & 0xffU);
  std::array<char, CRYPT_GENSALT_OUTPUT_SIZE> out{};
  const char* made =
      ::crypt_gensalt_rn(prefix, cost, salt_bytes.data(), static_cast<int>(salt_bytes.size()),
                         out.data(), static_cast<int>(out.size()));
  if (made == nullptr) throw std::runtime_error("crypt_gensalt_rn failed");
  return out.data();
}

std::string libxcrypt(const std::string& password, const std::string& setting) {
  auto data = std::make_unique<crypt_data>();
  const char* hash = ::crypt_r(password.c_str(), setting.c_str(), data.get());
  return hash == nullptr ? "" : hash;
}

TEST(PiHexWordsTest, StartWithBlowfishsFirstPArrayWords) {
  const std::vector<std::uint32_t> words = pi_hex_words(4);
  ASSERT_EQ(words.size(), 4U);
  EXPECT_EQ(words[0], 0x243f6a88U);
  EXPECT_EQ(words[1], 0x85a308d3U);
  EXPECT_EQ(words[2], 0x13198a2eU);
  EXPECT_EQ(words[3], 0x03707344U);
}

TEST(PiHexWordsTest, AMoreExactComputationAgreesOnEveryWordBlowfishUses) {
  const std::vector<std::uint32_t> blowfish = pi_hex_words(18 + 4 * 256);
  const std::vector<std::uint32_t> longer = pi_hex_words(18 + 4 * 256 + 64);
  for (std::size_t i = 0; i < blowfish.size(); ++i) ASSERT_EQ(blowfish[i], longer[i]) << i;
}

TEST(BcryptTest, MatchesLibxcryptForEveryPrefixAndManyPasswords) {
  std::mt19937 random(20261126);
  const std::string long_password(100, 'x');
  for (const char* prefix : {"$2a$", "$2b$", "$2y$"}) {
    for (const std::string& password :
         {std::string(""), std::string("a"), std::string("s3cr3t"),
          std::string("correct horse battery staple"), std::string(71, 'p'), std::string(72, 'p'),
          std::string(73, 'p'), long_password, std::string("p\xc3\xa4ssw\xc3\xb6rd")}) {
      // libxcrypt's $2a$ hashes passwords with 8-bit bytes differently on purpose (a guard
      // against an old bug of its own); bcrypt.cc hashes them as OpenBSD and Go do.
      if (std::string(prefix) == "$2a$" && password.find('\xc3') != std::string::npos) continue;
      const std::string s = setting(prefix, 4, random);
      const std::string expected = libxcrypt(password, s);
      ASSERT_EQ(expected.size(), 60U) << s;
      EXPECT_EQ(bcrypt_hash(password, s), expected) << prefix << " " << password;
      EXPECT_EQ(bcrypt_hash(password, expected), expected) << "a whole hash as the setting";
    }
  }
}

TEST(BcryptTest, MatchesLibxcryptAtAHigherCost) {
  std::mt19937 random(7);
  const std::string s = setting("$2b$", 6, random);
  EXPECT_EQ(bcrypt_hash("s3cr3t", s), libxcrypt("s3cr3t", s));
}

TEST(BcryptTest, OnlyThePasswordUpToItsFirstNulCounts) {
  std::mt19937 random(3);
  const std::string s = setting("$2b$", 4, random);
  EXPECT_EQ(bcrypt_hash(std::string("abc\0def", 7), s), bcrypt_hash("abc", s));
}

TEST(BcryptTest, RejectsWhatIsNoBcryptSetting) {
  const std::string salt = "abcdefghijklmnopqrstuu";
  EXPECT_FALSE(bcrypt_hash("x", ""));
  EXPECT_FALSE(bcrypt_hash("x", "$1$" + salt));
  EXPECT_FALSE(bcrypt_hash("x", "$2x$04$" + salt));
  EXPECT_FALSE(bcrypt_hash("x", "$2b$03$" + salt));  // cost below 4
  EXPECT_FALSE(bcrypt_hash("x", "$2b$32$" + salt));  // cost above 31
  EXPECT_FALSE(bcrypt_hash("x", "$2b$04$" + salt.substr(1)));
  EXPECT_FALSE(bcrypt_hash("x", "$2b$04$abcdefghijklmnopqrstu*"));
  EXPECT_TRUE(bcrypt_hash("x", "$2b$04$" + salt));
}

}  // namespace
}  // namespace vpm::exporter
