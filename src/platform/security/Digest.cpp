// SHA-256, HMAC-SHA-256, base64 and base64url codecs and constant-time comparison.
#include "platform/security/Digest.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <limits>
#include <stdexcept>

namespace agora::security {
namespace {

constexpr std::string_view kStandardAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kUrlAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::size_t kSha256Size = 32;

/** Maps each byte to its 6-bit value in `alphabet`, or -1 when it is not in the alphabet. */
using DecodeTable = std::array<int8_t, 256>;

constexpr DecodeTable makeDecodeTable(std::string_view alphabet) {
  DecodeTable table{};
  for (auto& entry : table) entry = -1;
  for (std::size_t i = 0; i < alphabet.size(); ++i) {
    table[static_cast<unsigned char>(alphabet[i])] = static_cast<int8_t>(i);
  }
  return table;
}

constexpr DecodeTable kStandardTable = makeDecodeTable(kStandardAlphabet);
constexpr DecodeTable kUrlTable = makeDecodeTable(kUrlAlphabet);

std::string encodeWith(std::string_view data, std::string_view alphabet, bool pad) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= data.size(); i += 3) {
    uint32_t group = (static_cast<unsigned char>(data[i]) << 16) |
                     (static_cast<unsigned char>(data[i + 1]) << 8) |
                     static_cast<unsigned char>(data[i + 2]);
    out += alphabet[(group >> 18) & 0x3F];
    out += alphabet[(group >> 12) & 0x3F];
    out += alphabet[(group >> 6) & 0x3F];
    out += alphabet[group & 0x3F];
  }
  std::size_t rest = data.size() - i;
  if (rest == 1) {
    uint32_t group = static_cast<unsigned char>(data[i]) << 16;
    out += alphabet[(group >> 18) & 0x3F];
    out += alphabet[(group >> 12) & 0x3F];
    if (pad) out += "==";
  } else if (rest == 2) {
    uint32_t group = (static_cast<unsigned char>(data[i]) << 16) |
                     (static_cast<unsigned char>(data[i + 1]) << 8);
    out += alphabet[(group >> 18) & 0x3F];
    out += alphabet[(group >> 12) & 0x3F];
    out += alphabet[(group >> 6) & 0x3F];
    if (pad) out += '=';
  }
  return out;
}

/** Decodes unpadded text, rejecting foreign characters and non-zero unused trailing bits. */
std::optional<std::string> decodeUnpadded(std::string_view text, const DecodeTable& table) {
  if (text.size() % 4 == 1) return std::nullopt;

  std::string out;
  out.reserve(text.size() / 4 * 3 + 2);
  uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    int8_t value = table[static_cast<unsigned char>(c)];
    if (value < 0) return std::nullopt;
    buffer = (buffer << 6) | static_cast<uint32_t>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 0xFF);
    }
  }
  // The 2 or 4 bits left over from a partial group carry no data and must be zero.
  if ((buffer & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

}  // namespace

std::string sha256(std::string_view data) {
  std::string digest(kSha256Size, '\0');
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), reinterpret_cast<unsigned char*>(digest.data()), &length,
                 EVP_sha256(), nullptr) != 1 ||
      length != kSha256Size) {
    throw std::runtime_error("SHA-256 computation failed in OpenSSL");
  }
  return digest;
}

std::string sha256Hex(std::string_view data) {
  static constexpr char kHexDigits[] = "0123456789abcdef";
  std::string digest = sha256(data);
  std::string hex;
  hex.reserve(digest.size() * 2);
  for (unsigned char byte : digest) {
    hex += kHexDigits[byte >> 4];
    hex += kHexDigits[byte & 0x0F];
  }
  return hex;
}

std::string hmacSha256(std::string_view key, std::string_view data) {
  if (key.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
    throw std::invalid_argument("HMAC key is longer than OpenSSL accepts");
  }
  std::string mac(kSha256Size, '\0');
  unsigned int length = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(),
           reinterpret_cast<unsigned char*>(mac.data()), &length) == nullptr ||
      length != kSha256Size) {
    throw std::runtime_error("HMAC-SHA-256 computation failed in OpenSSL");
  }
  return mac;
}

std::string base64UrlEncode(std::string_view data) {
  return encodeWith(data, kUrlAlphabet, false);
}

std::optional<std::string> base64UrlDecode(std::string_view text) {
  return decodeUnpadded(text, kUrlTable);
}

std::string base64Encode(std::string_view data) {
  return encodeWith(data, kStandardAlphabet, true);
}

std::optional<std::string> base64Decode(std::string_view text) {
  std::size_t padding = 0;
  while (padding < text.size() && padding < 3 && text[text.size() - 1 - padding] == '=') {
    ++padding;
  }
  if (padding > 0) {
    if (padding > 2 || text.size() % 4 != 0) return std::nullopt;
    text.remove_suffix(padding);
    // One '=' completes a 3-character tail and two complete a 2-character tail.
    if (text.size() % 4 != 4 - padding) return std::nullopt;
  }
  return decodeUnpadded(text, kStandardTable);
}

bool constantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace agora::security
