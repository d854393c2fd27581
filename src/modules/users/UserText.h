// The text rules of an account: email addresses (entered form and matching key) and display names.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace agora::users {

inline constexpr std::size_t kEmailMinCodePoints = 3;
inline constexpr std::size_t kEmailMaxCodePoints = 254;
inline constexpr std::size_t kDisplayNameMaxCodePoints = 100;

/** An email address as entered (trimmed) and the key accounts are matched on. */
struct EmailAddress {
  std::string entered;
  std::string key;  // NFC + Unicode case fold of `entered`
};

/** Removes leading and trailing ASCII whitespace (space, tab, CR, LF, FF, VT). */
std::string_view trimAsciiWhitespace(std::string_view text);

/**
 * Reads a submitted email: trimmed, valid UTF-8, 3–254 code points, exactly one '@' with a
 * non-empty local part and domain, no whitespace, control or invisible format characters.
 * Returns nullopt and sets `error` to a message for the client when a rule fails.
 */
std::optional<EmailAddress> readEmailAddress(std::string_view submitted, std::string& error);

/**
 * The matching key of a submitted email (trimmed, NFC, case-folded) without the other rules,
 * for lookups and prefix filters. Returns nullopt when it is not valid UTF-8.
 */
std::optional<std::string> emailKey(std::string_view submitted);

/**
 * Reads a submitted display name: trimmed, composed to NFC, 1–100 code points, without control,
 * line-break or text-direction override characters. Returns nullopt and sets `error` when a
 * rule fails.
 */
std::optional<std::string> readDisplayName(std::string_view submitted, std::string& error);

}  // namespace agora::users
