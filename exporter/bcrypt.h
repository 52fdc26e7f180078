#pragma once
// bcrypt (Provos and Mazières, "A Future-Adaptable Password Scheme", 1999): the password hash of
// exporter-toolkit's basic_auth_users, for Windows, which has no crypt_r. Written from the
// paper and Schneier's description of Blowfish; Blowfish's initial P-array and S-boxes are the
// hexadecimal digits of pi's fraction, which pi_hex_words() computes (no table to copy).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vpm::exporter {

// The hash of `password` under `setting` ("$2a$", "$2b$" or "$2y$", a cost of 04 to 31, "$",
// 22 characters of salt; anything after the salt is ignored, so a whole hash serves as its own
// setting): the 60-character hash, or nullopt for a setting that is none of these. The three
// prefixes hash alike here, as in OpenBSD and Go (the password's first 72 bytes, then a NUL).
std::optional<std::string> bcrypt_hash(std::string_view password, std::string_view setting);

// The first `count` 32-bit words of the hexadecimal fraction of pi (0x243f6a88, 0x85a308d3,
// ...), computed with Machin's formula in fixed point. Blowfish needs 18 + 4 * 256 of them.
std::vector<std::uint32_t> pi_hex_words(std::size_t count);

}  // namespace vpm::exporter
