#pragma once
// A bcrypt hash of `password`, made with libxcrypt the way htpasswd -B would (cost 05: fast).
#include <crypt.h>

#include <array>
#include <memory>
#include <stdexcept>
#include <string>

namespace vpm::exporter::test {

inline std::string bcrypt_hash(const std::string& password) {
  std::array<char, CRYPT_GENSALT_OUTPUT_SIZE> setting{};
  if (::crypt_gensalt_rn("$2b$", 5, nullptr, 0, setting.data(), static_cast<int>(setting.size())) ==
      nullptr) {
    throw std::runtime_error("crypt_gensalt_rn failed");
  }
  auto data = std::make_unique<crypt_data>();
  const char* hash = ::crypt_r(password.c_str(), setting.data(), data.get());
  if (hash == nullptr || hash[0] == '*') throw std::runtime_error("crypt_r failed");
  return hash;
}

}  // namespace vpm::exporter::test
