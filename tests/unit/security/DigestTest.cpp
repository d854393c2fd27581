// Tests for SHA-256, HMAC, the base64 codecs, constant-time comparison and random values.
#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>

#include "platform/security/Digest.h"
#include "platform/security/Random.h"

namespace agora::security {
namespace {

std::string hexOf(const std::string& bytes) {
  static constexpr char kHexDigits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char byte : bytes) {
    hex += kHexDigits[byte >> 4];
    hex += kHexDigits[byte & 0x0F];
  }
  return hex;
}

TEST(Digest, Sha256KnownVectors) {
  EXPECT_EQ(sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256("abc").size(), 32u);
  EXPECT_EQ(hexOf(sha256("abc")), sha256Hex("abc"));
}

TEST(Digest, HmacSha256Rfc4231Case2) {
  EXPECT_EQ(hexOf(hmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Digest, Base64UrlRfc4648Vectors) {
  EXPECT_EQ(base64UrlEncode(""), "");
  EXPECT_EQ(base64UrlEncode("f"), "Zg");
  EXPECT_EQ(base64UrlEncode("fo"), "Zm8");
  EXPECT_EQ(base64UrlEncode("foo"), "Zm9v");
  EXPECT_EQ(base64UrlEncode("foob"), "Zm9vYg");
  EXPECT_EQ(base64UrlEncode("fooba"), "Zm9vYmE");
  EXPECT_EQ(base64UrlEncode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(base64UrlEncode("\xfb\xff"), "-_8");
  EXPECT_EQ(base64Encode("\xfb\xff"), "+/8=");
  EXPECT_EQ(base64Encode("f"), "Zg==");
}

TEST(Digest, Base64UrlRoundTripsEveryLength) {
  for (std::size_t length = 0; length <= 66; ++length) {
    std::string data = randomBytes(length);
    auto decoded = base64UrlDecode(base64UrlEncode(data));
    ASSERT_TRUE(decoded.has_value()) << "length " << length;
    EXPECT_EQ(*decoded, data) << "length " << length;
  }
}

TEST(Digest, Base64UrlDecodeIsStrict) {
  const std::string kRejected[] = {
      "Zg==",       // padding
      "Zm9v YmFy",  // whitespace
      "Zm+v",       // standard alphabet
      "Zm/v",       // standard alphabet
      "Z",          // impossible length
      "Zh",         // non-zero unused bits, a second spelling of "f"
      "Zm9",        // non-zero unused bits, a second spelling of "fo"
      std::string("Zm\0v", 4),
      "Zm9v\n",
  };
  for (const auto& text : kRejected) {
    EXPECT_FALSE(base64UrlDecode(text).has_value()) << text;
  }
  EXPECT_EQ(base64UrlDecode("Zm8"), "fo");
  EXPECT_EQ(base64UrlDecode("-_8"), "\xfb\xff");
  EXPECT_EQ(base64UrlDecode(""), "");
}

TEST(Digest, Base64DecodeAcceptsPaddingOrNone) {
  EXPECT_EQ(base64Decode("Zg=="), "f");
  EXPECT_EQ(base64Decode("Zg"), "f");
  EXPECT_EQ(base64Decode("Zm8="), "fo");
  EXPECT_EQ(base64Decode("+/8="), "\xfb\xff");
}

TEST(Digest, Base64DecodeIsStrict) {
  EXPECT_FALSE(base64Decode("Zg=").has_value());
  EXPECT_FALSE(base64Decode("Z===").has_value());
  EXPECT_FALSE(base64Decode("Zm8==").has_value());
  EXPECT_FALSE(base64Decode("Zg==Zg==").has_value());
  EXPECT_FALSE(base64Decode("-_8=").has_value());
  EXPECT_FALSE(base64Decode("Zh==").has_value());
}

TEST(Digest, ConstantTimeEquals) {
  EXPECT_TRUE(constantTimeEquals("secret", "secret"));
  EXPECT_TRUE(constantTimeEquals("", ""));
  EXPECT_FALSE(constantTimeEquals("secret", "secreT"));
  EXPECT_FALSE(constantTimeEquals("secret", "secret2"));
  EXPECT_FALSE(constantTimeEquals("", "x"));
}

TEST(Random, BytesHaveRequestedLength) {
  EXPECT_EQ(randomBytes(0).size(), 0u);
  EXPECT_EQ(randomBytes(1).size(), 1u);
  EXPECT_EQ(randomBytes(32).size(), 32u);
  EXPECT_NE(randomBytes(32), randomBytes(32));
}

TEST(Random, TokenIsUnpaddedBase64Url) {
  std::string token = randomToken();
  EXPECT_EQ(token.size(), 43u);
  EXPECT_EQ(
      token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
      std::string::npos);
  auto decoded = base64UrlDecode(token);
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->size(), 32u);
  EXPECT_EQ(randomToken(16).size(), 22u);
  EXPECT_NE(randomToken(), randomToken());
}

TEST(Random, UuidIsLowercaseVersion4) {
  const std::regex kUuidV4("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    std::string uuid = newUuid();
    EXPECT_TRUE(std::regex_match(uuid, kUuidV4)) << uuid;
    seen.insert(uuid);
  }
  EXPECT_EQ(seen.size(), 200u);
}

}  // namespace
}  // namespace agora::security
