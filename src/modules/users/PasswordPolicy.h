// Password rules for accounts: length in code points, not a common password, not the email.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace agora::users {

inline constexpr std::size_t kPasswordMinCodePoints = 12;
inline constexpr std::size_t kPasswordMaxCodePoints = 128;

/**
 * Normalizes a submitted password to NFC (the RFC 8265 OpaqueString rule), so composed and
 * decomposed accents give the same password. Returns nullopt and sets `error` when it is not
 * valid UTF-8, or when it is so long in bytes that no NFC form of it could fit 128 code points
 * (checked before normalizing, so a huge body costs nothing).
 */
std::optional<std::string> normalizePassword(std::string_view submitted, std::string& error);

/**
 * The password rules: 12–128 code points after NFC, not in the common-password list (compared
 * case-insensitively), not equal to the account's email case-insensitively. Immutable after
 * construction, so it is safe to share between threads.
 */
class PasswordPolicy {
 public:
  /** The built-in list plus `extra_common_passwords` (e.g. from users.common_passwords_file). */
  explicit PasswordPolicy(const std::vector<std::string>& extra_common_passwords = {});

  /**
   * Reads a list file: one password per line, blank lines and lines starting with '#'
   * ignored. Throws config::ConfigError naming the path when it cannot be read.
   */
  static std::vector<std::string> readListFile(const std::string& path);

  /**
   * Returns a message for the client that says why `nfc_password` (from normalizePassword)
   * may not be the password of the account with `email_key`. Returns an empty string when it may.
   */
  std::string violation(std::string_view nfc_password, std::string_view email_key) const;

  /** Returns whether `nfc_password` is on the common-password list, ignoring case. */
  bool isCommon(std::string_view nfc_password) const;

  /** How many distinct entries the list holds. */
  std::size_t commonCount() const { return common_.size(); }

 private:
  std::unordered_set<std::string> common_;  // case-folded NFC
};

}  // namespace agora::users
