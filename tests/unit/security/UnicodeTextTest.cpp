// Tests for NFC normalization, case folding, UTF-8 validation and code point counting.
#include <gtest/gtest.h>

#include <string>

#include "platform/security/UnicodeText.h"

namespace agora::security {
namespace {

const std::string kComposedEAcute = "\xC3\xA9";     // U+00E9
const std::string kDecomposedEAcute = "e\xCC\x81";  // U+0065 U+0301

const std::string kInvalidUtf8[] = {
    "\xFF",              // never valid in UTF-8
    "abc\xC3",           // truncated two-byte sequence
    "\xC0\xAF",          // overlong '/'
    "\xED\xA0\x80",      // UTF-16 surrogate U+D800
    "\xF4\x90\x80\x80",  // above U+10FFFF
    "\x80",              // lone continuation byte
};

TEST(Unicode, ComposedAndDecomposedNormalizeEqual) {
  auto composed = normalizeNfc("caf" + kComposedEAcute);
  auto decomposed = normalizeNfc("caf" + kDecomposedEAcute);
  ASSERT_TRUE(composed.has_value());
  ASSERT_TRUE(decomposed.has_value());
  EXPECT_EQ(*composed, *decomposed);
  EXPECT_EQ(*decomposed, "caf" + kComposedEAcute);
}

TEST(Unicode, NfcKeepsCompatibilityCharacters) {
  // NFC, unlike NFKC, leaves the "fi" ligature U+FB01 alone.
  EXPECT_EQ(normalizeNfc("\xEF\xAC\x81"), "\xEF\xAC\x81");
}

TEST(Unicode, EmptyStringNormalizesToEmpty) {
  EXPECT_EQ(normalizeNfc(""), "");
  EXPECT_EQ(caseFoldNfc(""), "");
}

TEST(Unicode, InvalidUtf8ReturnsNullopt) {
  for (const auto& text : kInvalidUtf8) {
    EXPECT_FALSE(normalizeNfc(text).has_value()) << testing::PrintToString(text);
    EXPECT_FALSE(caseFoldNfc(text).has_value()) << testing::PrintToString(text);
    EXPECT_FALSE(isValidUtf8(text)) << testing::PrintToString(text);
  }
}

TEST(Unicode, ValidUtf8Accepted) {
  EXPECT_TRUE(isValidUtf8(""));
  EXPECT_TRUE(isValidUtf8("plain ascii"));
  EXPECT_TRUE(isValidUtf8(kComposedEAcute + kDecomposedEAcute));
  EXPECT_TRUE(isValidUtf8("\xF0\x9F\x98\x80"));  // U+1F600
  EXPECT_TRUE(isValidUtf8(std::string("a\0b", 3)));
}

TEST(Unicode, CaseFoldMatchesEmailSpellings) {
  auto upper = caseFoldNfc("\xC3\x89MAIL@X");  // "ÉMAIL@X"
  auto lower = caseFoldNfc("\xC3\xA9mail@x");  // "émail@x"
  auto decomposed_upper = caseFoldNfc("E\xCC\x81MAIL@X");
  ASSERT_TRUE(upper.has_value());
  ASSERT_TRUE(lower.has_value());
  ASSERT_TRUE(decomposed_upper.has_value());
  EXPECT_EQ(*upper, *lower);
  EXPECT_EQ(*decomposed_upper, *lower);
  EXPECT_EQ(*lower, "\xC3\xA9mail@x");
}

TEST(Unicode, CaseFoldIsFullFolding) {
  // Full case folding maps U+00DF (sharp s) to "ss", as a simple lowercase would not.
  EXPECT_EQ(caseFoldNfc("Stra\xC3\x9F"
                        "e"),
            "strasse");
}

TEST(Unicode, CodePointCount) {
  EXPECT_EQ(codePointCount(""), 0u);
  EXPECT_EQ(codePointCount("abc"), 3u);
  EXPECT_EQ(codePointCount(kComposedEAcute), 1u);
  EXPECT_EQ(codePointCount(kDecomposedEAcute), 2u);
  EXPECT_EQ(codePointCount("\xF0\x9F\x98\x80"), 1u);
  EXPECT_EQ(codePointCount("a\xE2\x82\xAC"
                           "b"),
            3u);  // "a€b"
}

}  // namespace
}  // namespace agora::security
