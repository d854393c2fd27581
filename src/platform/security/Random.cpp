// Cryptographically secure random bytes, tokens and UUIDs from OpenSSL's CSPRNG.
#include "platform/security/Random.h"

#include <openssl/rand.h>

#include <algorithm>
#include <climits>
#include <stdexcept>

#include "platform/security/Digest.h"

namespace agora::security {

std::string randomBytes(std::size_t count) {
  std::string bytes(count, '\0');
  std::size_t filled = 0;
  // RAND_bytes takes an int length, so larger requests are filled in chunks.
  while (filled < count) {
    std::size_t chunk = std::min<std::size_t>(count - filled, INT_MAX);
    if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data() + filled),
                   static_cast<int>(chunk)) != 1) {
      throw std::runtime_error("OpenSSL RAND_bytes failed to produce random bytes");
    }
    filled += chunk;
  }
  return bytes;
}

std::string randomToken(std::size_t bytes) {
  return base64UrlEncode(randomBytes(bytes));
}

std::string newUuid() {
  static constexpr char kHexDigits[] = "0123456789abcdef";
  std::string bytes = randomBytes(16);
  // RFC 9562: the high nibble of byte 6 is the version (4), the top two bits of byte 8 the
  // variant (binary 10).
  bytes[6] = static_cast<char>((bytes[6] & 0x0F) | 0x40);
  bytes[8] = static_cast<char>((bytes[8] & 0x3F) | 0x80);

  std::string uuid;
  uuid.reserve(36);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) uuid += '-';
    auto byte = static_cast<unsigned char>(bytes[i]);
    uuid += kHexDigits[byte >> 4];
    uuid += kHexDigits[byte & 0x0F];
  }
  return uuid;
}

}  // namespace agora::security
