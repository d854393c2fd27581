// Password rules for accounts: length in code points, not a common password, not the email.
#include "modules/users/PasswordPolicy.h"

#include <fstream>

#include "modules/users/CommonPasswords.h"
#include "platform/config/Config.h"
#include "platform/security/UnicodeText.h"

namespace agora::users {
namespace {

// NFC composes at most a handful of code points into one (a Hangul syllable from three jamo of
// three bytes each is the widest case), so 128 NFC code points never take more than about
// 1.2 KB before normalization. Anything longer is rejected without running the normalizer.
constexpr std::size_t kMaxSubmittedPasswordBytes = 4096;

void addFolded(std::unordered_set<std::string>& set, std::string_view password) {
  if (std::optional<std::string> folded = security::caseFoldNfc(password)) {
    set.insert(std::move(*folded));
  }
}

}  // namespace

std::optional<std::string> normalizePassword(std::string_view submitted, std::string& error) {
  if (submitted.size() > kMaxSubmittedPasswordBytes) {
    error = "must be at most 128 characters, got far more";
    return std::nullopt;
  }
  std::optional<std::string> normalized = security::normalizeNfc(submitted);
  if (!normalized) error = "must be valid UTF-8";
  return normalized;
}

PasswordPolicy::PasswordPolicy(const std::vector<std::string>& extra_common_passwords) {
  for (std::string_view password : builtInCommonPasswords()) addFolded(common_, password);
  for (const auto& password : extra_common_passwords) addFolded(common_, password);
}

std::vector<std::string> PasswordPolicy::readListFile(const std::string& path) {
  std::ifstream file(path);
  if (!file) {
    throw config::ConfigError("cannot read users.common_passwords_file '" + path +
                              "': point it at a readable file or leave it empty");
  }
  std::vector<std::string> passwords;
  std::string line;
  while (std::getline(file, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line.front() == '#') continue;
    passwords.push_back(line);
  }
  return passwords;
}

std::string PasswordPolicy::violation(std::string_view nfc_password,
                                      std::string_view email_key) const {
  std::size_t length = security::codePointCount(nfc_password);
  if (length < kPasswordMinCodePoints) {
    return "must be at least 12 characters, got " + std::to_string(length);
  }
  if (length > kPasswordMaxCodePoints) {
    return "must be at most 128 characters, got " + std::to_string(length);
  }

  std::optional<std::string> folded = security::caseFoldNfc(nfc_password);
  if (!folded) return "must be valid UTF-8";
  if (common_.contains(*folded)) {
    return "is one of the most common passwords; choose another, e.g. several unrelated words";
  }
  if (!email_key.empty() && *folded == email_key) return "must not be the email address";
  return {};
}

bool PasswordPolicy::isCommon(std::string_view nfc_password) const {
  std::optional<std::string> folded = security::caseFoldNfc(nfc_password);
  return folded && common_.contains(*folded);
}

}  // namespace agora::users
