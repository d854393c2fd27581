// Tests of the password rules: code-point lengths after NFC, the common list and the email.
#include <gtest/gtest.h>

#include <fstream>

#include "UsersTestSupport.h"
#include "modules/users/CommonPasswords.h"
#include "modules/users/PasswordPolicy.h"
#include "platform/config/Config.h"
#include "platform/security/UnicodeText.h"

namespace agora::users {
namespace {

const std::string kComposedE = "\xC3\xA9";     // U+00E9
const std::string kDecomposedE = "e\xCC\x81";  // U+0065 U+0301

std::string repeat(const std::string& text, int times) {
  std::string result;
  for (int i = 0; i < times; ++i) result += text;
  return result;
}

std::string normalized(const std::string& password) {
  std::string error;
  std::optional<std::string> nfc = normalizePassword(password, error);
  EXPECT_TRUE(nfc.has_value()) << error;
  return nfc.value_or("");
}

TEST(PasswordPolicy, RejectsElevenCharacters) {
  PasswordPolicy policy;
  EXPECT_NE(policy.violation("violet-mist", ""), "");
}

TEST(PasswordPolicy, AcceptsTwelveCharacters) {
  PasswordPolicy policy;
  EXPECT_EQ(policy.violation("violet-mist7", ""), "");
}

TEST(PasswordPolicy, Accepts128AccentedCharacters) {
  PasswordPolicy policy;
  EXPECT_EQ(policy.violation(normalized(repeat(kComposedE, 128)), ""), "");
}

TEST(PasswordPolicy, Rejects129AccentedCharacters) {
  PasswordPolicy policy;
  std::string violation = policy.violation(normalized(repeat(kComposedE, 129)), "");
  EXPECT_NE(violation.find("at most 128"), std::string::npos) << violation;
}

TEST(PasswordPolicy, CountsDecomposedAccentsAfterNfc) {
  // 256 code points as typed, 128 after composition.
  PasswordPolicy policy;
  EXPECT_EQ(policy.violation(normalized(repeat(kDecomposedE, 128)), ""), "");
}

TEST(PasswordPolicy, RejectsCommonPassword) {
  PasswordPolicy policy;
  EXPECT_NE(policy.violation("password1234", ""), "");
}

TEST(PasswordPolicy, RejectsCommonPasswordInOtherCase) {
  PasswordPolicy policy;
  EXPECT_NE(policy.violation("QwertyUiop123", ""), "");
}

TEST(PasswordPolicy, RejectsPasswordEqualToEmail) {
  PasswordPolicy policy;
  auto key = security::caseFoldNfc("alice.long@example.com");
  ASSERT_TRUE(key);
  EXPECT_NE(policy.violation("Alice.Long@Example.COM", *key), "");
}

TEST(PasswordPolicy, BuiltInListIsLarge) {
  PasswordPolicy policy;
  EXPECT_GE(policy.commonCount(), 1000u);
}

TEST(PasswordPolicy, BuiltInEntriesPassLengthRule) {
  for (std::string_view password : builtInCommonPasswords()) {
    EXPECT_GE(security::codePointCount(password), kPasswordMinCodePoints) << password;
  }
}

TEST(PasswordPolicy, ExtraListFileAddsEntries) {
  testing::TempFolder folder;
  std::string path = (folder.path() / "extra.txt").string();
  std::ofstream(path) << "# site-specific\n\nagora-shop-2026\r\n";

  PasswordPolicy policy(PasswordPolicy::readListFile(path));
  EXPECT_TRUE(policy.isCommon("Agora-Shop-2026"));
}

TEST(PasswordPolicy, MissingListFileIsConfigError) {
  EXPECT_THROW(PasswordPolicy::readListFile("/nonexistent/agora/common.txt"), config::ConfigError);
}

TEST(NormalizePassword, ComposesDecomposedAccents) {
  EXPECT_EQ(normalized("cr" + kDecomposedE + "me"), "cr" + kComposedE + "me");
}

TEST(NormalizePassword, RejectsInvalidUtf8) {
  std::string error;
  EXPECT_FALSE(normalizePassword("abc\xFF\xFE-defghijkl", error).has_value());
}

TEST(NormalizePassword, RejectsHugeInputUnread) {
  std::string error;
  EXPECT_FALSE(normalizePassword(std::string(5000, 'a'), error).has_value());
}

}  // namespace
}  // namespace agora::users
