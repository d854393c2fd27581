// Cryptographically secure random bytes, tokens and UUIDs from OpenSSL's CSPRNG.
#pragma once

#include <cstddef>
#include <string>

namespace agora::security {

/** Returns `count` bytes from OpenSSL's RAND_bytes. Throws std::runtime_error if it fails. */
std::string randomBytes(std::size_t count);

/**
 * Returns `bytes` random bytes encoded as unpadded base64url, e.g. 43 characters for the
 * default 32 bytes (256 bits). Throws std::runtime_error if the random generator fails.
 */
std::string randomToken(std::size_t bytes = 32);

/** Returns a random (version 4) UUID in lowercase 8-4-4-4-12 form. */
std::string newUuid();

}  // namespace agora::security
