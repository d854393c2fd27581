// SHA-256, HMAC-SHA-256, base64 and base64url codecs and constant-time comparison.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace agora::security {

/** Returns the raw 32-byte SHA-256 digest of `data`. */
std::string sha256(std::string_view data);

/** Returns the SHA-256 digest of `data` as 64 lowercase hex digits. */
std::string sha256Hex(std::string_view data);

/** Returns the raw 32-byte HMAC-SHA-256 of `data` under `key`. */
std::string hmacSha256(std::string_view key, std::string_view data);

/** Encodes `data` as base64url (RFC 4648 section 5) without padding. */
std::string base64UrlEncode(std::string_view data);

/**
 * Decodes unpadded base64url. Returns nullopt on any character outside [A-Za-z0-9_-] (padding
 * and whitespace included), on an impossible length, or when the unused low bits of the last
 * character are not zero, so every byte string has exactly one accepted encoding.
 */
std::optional<std::string> base64UrlDecode(std::string_view text);

/** Encodes `data` as standard base64 (RFC 4648 section 4) with `=` padding. */
std::string base64Encode(std::string_view data);

/**
 * Decodes standard base64 with or without `=` padding, as strictly as base64UrlDecode: when
 * padding is present the length must be a multiple of 4. Returns nullopt on invalid input.
 */
std::optional<std::string> base64Decode(std::string_view text);

/**
 * Compares two byte strings in time that depends only on their lengths, not on where they
 * differ. Strings of different lengths compare unequal.
 */
bool constantTimeEquals(std::string_view a, std::string_view b);

}  // namespace agora::security
