// Tests of the email and display name rules: trimming, NFC, case folding and rejected text.
#include <gtest/gtest.h>

#include "modules/users/UserText.h"

namespace agora::users {
namespace {

std::optional<EmailAddress> readEmail(const std::string& text) {
  std::string error;
  return readEmailAddress(text, error);
}

std::optional<std::string> readName(const std::string& text) {
  std::string error;
  return readDisplayName(text, error);
}

TEST(EmailAddress, KeepsTrimmedEnteredForm) {
  auto address = readEmail("  Alice@Example.COM\t\n");
  ASSERT_TRUE(address);
  EXPECT_EQ(address->entered, "Alice@Example.COM");
}

TEST(EmailAddress, KeyIsCaseFolded) {
  auto address = readEmail("Alice@Example.COM");
  ASSERT_TRUE(address);
  EXPECT_EQ(address->key, "alice@example.com");
}

TEST(EmailAddress, ComposedAndDecomposedShareKey) {
  auto composed = readEmail("JOS\xC3\x89@example.org");     // É as U+00C9
  auto decomposed = readEmail("jose\xCC\x81@example.org");  // e + U+0301
  ASSERT_TRUE(composed);
  ASSERT_TRUE(decomposed);
  EXPECT_EQ(composed->key, decomposed->key);
}

TEST(EmailAddress, RejectsTwoAtSigns) {
  EXPECT_FALSE(readEmail("a@b@example.com"));
}

TEST(EmailAddress, RejectsEmptyLocalPart) {
  EXPECT_FALSE(readEmail("@example.com"));
}

TEST(EmailAddress, RejectsEmptyDomain) {
  EXPECT_FALSE(readEmail("alice@"));
}

TEST(EmailAddress, RejectsInnerSpace) {
  EXPECT_FALSE(readEmail("alice smith@example.com"));
}

TEST(EmailAddress, RejectsZeroWidthSpace) {
  EXPECT_FALSE(readEmail("alice\xE2\x80\x8B@example.com"));
}

TEST(EmailAddress, RejectsInvalidUtf8) {
  EXPECT_FALSE(readEmail("ali\xC3@example.com"));
}

TEST(EmailAddress, Accepts254CodePoints) {
  EXPECT_TRUE(readEmail(std::string(242, 'a') + "@example.com"));
}

TEST(EmailAddress, Rejects255CodePoints) {
  EXPECT_FALSE(readEmail(std::string(243, 'a') + "@example.com"));
}

TEST(EmailAddress, LookupKeyTrimsAndFolds) {
  EXPECT_EQ(emailKey("  BOB@Example.com "), "bob@example.com");
}

TEST(DisplayName, TrimsSurroundingSpace) {
  EXPECT_EQ(readName("  Ada Lovelace "), "Ada Lovelace");
}

TEST(DisplayName, RejectsOnlySpaces) {
  EXPECT_FALSE(readName("   "));
}

TEST(DisplayName, RejectsControlCharacter) {
  EXPECT_FALSE(readName("Ada\x07Lovelace"));
}

TEST(DisplayName, RejectsDirectionOverride) {
  EXPECT_FALSE(readName("Ada\xE2\x80\xAEgnp.exe"));
}

TEST(DisplayName, Accepts100CodePoints) {
  std::string name;
  for (int i = 0; i < 100; ++i) name += "\xC3\xA9";
  EXPECT_TRUE(readName(name));
}

TEST(DisplayName, Rejects101CodePoints) {
  EXPECT_FALSE(readName(std::string(101, 'n')));
}

}  // namespace
}  // namespace agora::users
