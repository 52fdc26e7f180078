#include "bcrypt.h"

#include <array>
#include <utility>

namespace vpm::exporter {
namespace {

constexpr std::string_view kAlphabet =
    "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kSaltChars = 22;
constexpr std::size_t kHashBytes = 23;  // of the 24 encrypted: the paper's output drops one
constexpr std::size_t kMaxKeyBytes = 72;
constexpr std::size_t kBlowfishWords = 18 + 4 * 256;

// Fixed point: limb 0 is the integer part, then the fraction, most significant limb first.
using Limbs = std::vector<std::uint32_t>;

void divide(Limbs& x, std::uint32_t divisor, std::size_t from) {
  std::uint64_t remainder = 0;
  for (std::size_t i = from; i < x.size(); ++i) {
    const std::uint64_t current = remainder << 32U | x[i];
    x[i] = static_cast<std::uint32_t>(current / divisor);
    remainder = current % divisor;
  }
}

void add(Limbs& sum, const Limbs& term) {
  std::uint64_t carry = 0;
  for (std::size_t i = sum.size(); i-- > 0;) {
    const std::uint64_t s = std::uint64_t{sum[i]} + term[i] + carry;
    sum[i] = static_cast<std::uint32_t>(s);
    carry = s >> 32U;
  }
}

void subtract(Limbs& difference, const Limbs& term) {
  std::uint64_t borrow = 0;
  for (std::size_t i = difference.size(); i-- > 0;) {
    const std::uint64_t subtrahend = std::uint64_t{term[i]} + borrow;
    borrow = difference[i] < subtrahend ? 1 : 0;
    difference[i] =
        static_cast<std::uint32_t>((std::uint64_t{1} << 32U) * borrow + difference[i] - subtrahend);
  }
}

// sum += sign * factor * atan(1/x), by the series 1/x - 1/(3x^3) + 1/(5x^5) - ...
void add_arctan_of_inverse(Limbs& sum, std::uint32_t x, std::uint32_t factor, bool negative) {
  Limbs power(sum.size(), 0);  // factor / x^(2k+1)
  power[0] = factor;
  divide(power, x, 0);
  Limbs term(sum.size());
  for (std::uint32_t k = 0;; ++k) {
    std::size_t first = 0;
    while (first < power.size() && power[first] == 0) ++first;
    if (first == power.size()) break;
    term = power;
    divide(term, 2 * k + 1, first);
    if ((k % 2 == 0) != negative) {
      add(sum, term);
    } else {
      subtract(sum, term);
    }
    divide(power, x * x, first);
  }
}

struct Blowfish {
  std::array<std::uint32_t, 18> p;
  std::array<std::array<std::uint32_t, 256>, 4> s;

  std::uint32_t f(std::uint32_t x) const {
    return ((s[0][x >> 24U] + s[1][(x >> 16U) & 0xffU]) ^ s[2][(x >> 8U) & 0xffU]) +
           s[3][x & 0xffU];
  }

  void encrypt(std::uint32_t& left, std::uint32_t& right) const {
    for (std::size_t i = 0; i < 16; ++i) {
      left ^= p[i];
      right ^= f(left);
      std::swap(left, right);
    }
    std::swap(left, right);
    right ^= p[16];
    left ^= p[17];
  }
};

const Blowfish& initial_state() {
  static const Blowfish state = [] {
    const std::vector<std::uint32_t> words = pi_hex_words(kBlowfishWords);
    Blowfish bf{};
    std::size_t next = 0;
    for (std::uint32_t& word : bf.p) word = words[next++];
    for (auto& box : bf.s) {
      for (std::uint32_t& word : box) word = words[next++];
    }
    return bf;
  }();
  return state;
}

// The next big-endian word of `bytes`, read cyclically.
std::uint32_t stream_word(const std::vector<std::uint8_t>& bytes, std::size_t& position) {
  std::uint32_t word = 0;
  for (int i = 0; i < 4; ++i) {
    word = word << 8U | bytes[position];
    position = (position + 1) % bytes.size();
  }
  return word;
}

// The paper's ExpandKey; `salt` null is the plain Blowfish key schedule (the salt all zero).
void expand_key(Blowfish& bf, const std::vector<std::uint8_t>* salt,
                const std::vector<std::uint8_t>& key) {
  std::size_t key_position = 0;
  for (std::uint32_t& word : bf.p) word ^= stream_word(key, key_position);
  std::uint32_t left = 0, right = 0;
  std::size_t salt_position = 0;
  auto next_pair = [&](std::uint32_t& first, std::uint32_t& second) {
    if (salt != nullptr) {
      left ^= stream_word(*salt, salt_position);
      right ^= stream_word(*salt, salt_position);
    }
    bf.encrypt(left, right);
    first = left;
    second = right;
  };
  for (std::size_t i = 0; i < bf.p.size(); i += 2) next_pair(bf.p[i], bf.p[i + 1]);
  for (auto& box : bf.s) {
    for (std::size_t i = 0; i < box.size(); i += 2) next_pair(box[i], box[i + 1]);
  }
}

std::string encode(const std::uint8_t* data, std::size_t size) {
  std::string out;
  for (std::size_t i = 0; i < size; i += 3) {
    const std::uint32_t b0 = data[i];
    const std::uint32_t b1 = i + 1 < size ? data[i + 1] : 0;
    const std::uint32_t b2 = i + 2 < size ? data[i + 2] : 0;
    out += kAlphabet[b0 >> 2U];
    out += kAlphabet[(b0 & 0x03U) << 4U | b1 >> 4U];
    if (i + 1 < size) out += kAlphabet[(b1 & 0x0fU) << 2U | b2 >> 6U];
    if (i + 2 < size) out += kAlphabet[b2 & 0x3fU];
  }
  return out;
}

std::optional<std::vector<std::uint8_t>> decode_salt(std::string_view text) {
  std::vector<std::uint32_t> sextets;
  for (const char c : text) {
    const std::size_t v = kAlphabet.find(c);
    if (v == std::string_view::npos) return std::nullopt;
    sextets.push_back(static_cast<std::uint32_t>(v));
  }
  sextets.resize((sextets.size() + 3) / 4 * 4, 0);
  std::vector<std::uint8_t> bytes;
  for (std::size_t i = 0; i < sextets.size(); i += 4) {
    const std::uint32_t bits =
        sextets[i] << 18U | sextets[i + 1] << 12U | sextets[i + 2] << 6U | sextets[i + 3];
    for (const unsigned shift : {16U, 8U, 0U}) {
      bytes.push_back(static_cast<std::uint8_t>(bits >> shift));
    }
  }
  bytes.resize(kSaltBytes);
  return bytes;
}

}  // namespace

std::vector<std::uint32_t> pi_hex_words(std::size_t count) {
  // Four guard limbs absorb the truncation of some 10,000 divisions.
  Limbs pi(count + 5, 0);
  add_arctan_of_inverse(pi, 5, 16, false);  // pi = 16 atan(1/5)
  add_arctan_of_inverse(pi, 239, 4, true);  //      - 4 atan(1/239)
  return std::vector<std::uint32_t>(pi.begin() + 1, pi.begin() + 1 + static_cast<long>(count));
}

std::optional<std::string> bcrypt_hash(std::string_view password, std::string_view setting) {
  constexpr std::size_t kPrefix = 7;  // "$2b$10$"
  if (setting.size() < kPrefix + kSaltChars || setting[0] != '$' || setting[1] != '2' ||
      (setting[2] != 'a' && setting[2] != 'b' && setting[2] != 'y') || setting[3] != '$' ||
      setting[6] != '$' || setting[4] < '0' || setting[4] > '9' || setting[5] < '0' ||
      setting[5] > '9') {
    return std::nullopt;
  }
  const int cost = (setting[4] - '0') * 10 + (setting[5] - '0');
  if (cost < 4 || cost > 31) return std::nullopt;
  const std::optional<std::vector<std::uint8_t>> salt =
      decode_salt(setting.substr(kPrefix, kSaltChars));
  if (!salt) return std::nullopt;

  // The key is the password as a C string: up to its first NUL, with that NUL, 72 bytes at most.
  password = password.substr(0, password.find('\0'));
  std::vector<std::uint8_t> key(password.begin(), password.end());
  key.push_back(0);
  if (key.size() > kMaxKeyBytes) key.resize(kMaxKeyBytes);

  Blowfish bf = initial_state();
  expand_key(bf, &*salt, key);
  for (std::uint64_t round = 0; round < (std::uint64_t{1} << static_cast<unsigned>(cost));
       ++round) {
    expand_key(bf, nullptr, key);
    expand_key(bf, nullptr, *salt);
  }

  constexpr std::string_view kMagic = "OrpheanBeholderScryDoubt";
  std::array<std::uint32_t, 6> text{};
  for (std::size_t i = 0; i < text.size(); ++i) {
    for (std::size_t j = 0; j < 4; ++j) {
      text[i] = text[i] << 8U | static_cast<std::uint8_t>(kMagic[i * 4 + j]);
    }
  }
  for (int i = 0; i < 64; ++i) {
    for (std::size_t j = 0; j < text.size(); j += 2) bf.encrypt(text[j], text[j + 1]);
  }
  std::array<std::uint8_t, 24> bytes{};
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    bytes[i] = static_cast<std::uint8_t>(text[i / 4] >> (24U - 8U * (i % 4)));
  }
  return std::string(setting.substr(0, kPrefix)) + encode(salt->data(), salt->size()) +
         encode(bytes.data(), kHashBytes);
}

}  // namespace vpm::exporter
