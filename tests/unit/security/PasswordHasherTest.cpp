// Tests for argon2id hashing, verification and rehash decisions.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "platform/security/PasswordHasher.h"
#include "platform/security/UnicodeText.h"

namespace agora::security {
namespace {

// Far below the production cost so the suite stays fast.
constexpr PasswordHasher::Parameters kFast{.memory_kib = 64, .iterations = 1, .parallelism = 1};

TEST(PasswordHasher, HashIsPhcStringWithParameters) {
  PasswordHasher hasher(kFast);
  std::string phc = hasher.hash("correct horse battery staple");
  EXPECT_EQ(phc.rfind("$argon2id$v=19$m=64,t=1,p=1$", 0), 0u) << phc;
  // 16-byte salt and 32-byte hash in unpadded base64 are 22 and 43 characters.
  std::size_t hash_start = phc.rfind('$');
  std::size_t salt_start = phc.rfind('$', hash_start - 1);
  EXPECT_EQ(hash_start - salt_start - 1, 22u) << phc;
  EXPECT_EQ(phc.size() - hash_start - 1, 43u) << phc;
}

TEST(PasswordHasher, DefaultsAreOwaspMinimum) {
  PasswordHasher hasher;
  EXPECT_EQ(hasher.parameters().memory_kib, 19456u);
  EXPECT_EQ(hasher.parameters().iterations, 2u);
  EXPECT_EQ(hasher.parameters().parallelism, 1u);
  std::string phc = hasher.hash("correct horse battery staple");
  EXPECT_EQ(phc.rfind("$argon2id$v=19$m=19456,t=2,p=1$", 0), 0u) << phc;
  EXPECT_TRUE(hasher.verify("correct horse battery staple", phc));
  EXPECT_FALSE(hasher.needsRehash(phc));
}

TEST(PasswordHasher, VerifyAcceptsCorrectPassword) {
  PasswordHasher hasher(kFast);
  std::string phc = hasher.hash("correct horse battery staple");
  EXPECT_TRUE(hasher.verify("correct horse battery staple", phc));
}

TEST(PasswordHasher, VerifyRejectsWrongPassword) {
  PasswordHasher hasher(kFast);
  std::string phc = hasher.hash("correct horse battery staple");
  EXPECT_FALSE(hasher.verify("correct horse battery stapler", phc));
  EXPECT_FALSE(hasher.verify("", phc));
  EXPECT_FALSE(hasher.verify("Correct horse battery staple", phc));
}

TEST(PasswordHasher, SaltDiffersPerHash) {
  PasswordHasher hasher(kFast);
  EXPECT_NE(hasher.hash("same password"), hasher.hash("same password"));
}

TEST(PasswordHasher, VerifyRejectsMalformedHash) {
  PasswordHasher hasher(kFast);
  std::string valid = hasher.hash("password");
  const std::string kMalformed[] = {
      "",
      "garbage",
      "$2b$12$abcdefghijklmnopqrstuuTpW6yJrIZyQe0jLHjNyIYw1Yc0Xx1eW",  // bcrypt
      valid.substr(0, valid.size() - 5),                               // truncated hash
      "$argon2i" + valid.substr(9),                                    // argon2i prefix
      valid + "$",
      valid.substr(0, 20) + std::string(1, '\0') + valid.substr(21),
      // Memory far above the cap: rejected before any work is done.
      "$argon2id$v=19$m=4000000000,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$"
      "aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g",
      "$argon2id$v=19$m=64,t=1,p=1$$",
      "$argon2id$v=19$m=x,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaA",
  };
  for (const auto& phc : kMalformed) {
    EXPECT_FALSE(hasher.verify("password", phc)) << testing::PrintToString(phc);
  }
}

TEST(PasswordHasher, NeedsRehashWhenWeakerThanConfigured) {
  PasswordHasher fast(kFast);
  PasswordHasher stronger({.memory_kib = 128, .iterations = 2, .parallelism = 1});
  std::string weak_phc = fast.hash("password");
  std::string strong_phc = stronger.hash("password");

  EXPECT_TRUE(stronger.needsRehash(weak_phc));
  EXPECT_FALSE(stronger.needsRehash(strong_phc));
  EXPECT_FALSE(fast.needsRehash(weak_phc));
  EXPECT_FALSE(fast.needsRehash(strong_phc));
  EXPECT_TRUE(fast.needsRehash("garbage"));
  EXPECT_TRUE(fast.needsRehash("$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaA"));
  // A hash from a stronger configuration still verifies under a weaker one.
  EXPECT_TRUE(fast.verify("password", strong_phc));
}

TEST(PasswordHasher, NeedsRehashForShortSaltOrHash) {
  PasswordHasher hasher(kFast);
  // 8-byte salt, 32-byte hash.
  EXPECT_TRUE(hasher.needsRehash(
      "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g"));
  // 16-byte salt, 16-byte hash.
  EXPECT_TRUE(hasher.needsRehash(
      "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaA"));
}

TEST(PasswordHasher, NfcPasswordsMatchAcrossSpellings) {
  PasswordHasher hasher(kFast);
  auto composed = normalizeNfc("p\xC3\xA4ssword-long-enough");
  auto decomposed = normalizeNfc("pa\xCC\x88ssword-long-enough");
  ASSERT_TRUE(composed.has_value());
  ASSERT_TRUE(decomposed.has_value());
  EXPECT_TRUE(hasher.verify(*decomposed, hasher.hash(*composed)));
}

TEST(PasswordHasher, BurnEquivalentWorkDoesNotThrow) {
  PasswordHasher hasher(kFast);
  EXPECT_NO_THROW(hasher.burnEquivalentWork("any password"));
  EXPECT_NO_THROW(hasher.burnEquivalentWork(""));
}

TEST(PasswordHasher, ConstructorRejectsInvalidParameters) {
  EXPECT_THROW(PasswordHasher({.memory_kib = 64, .iterations = 0, .parallelism = 1}),
               std::invalid_argument);
  EXPECT_THROW(PasswordHasher({.memory_kib = 64, .iterations = 1, .parallelism = 0}),
               std::invalid_argument);
  EXPECT_THROW(PasswordHasher({.memory_kib = 15, .iterations = 1, .parallelism = 2}),
               std::invalid_argument);
}

}  // namespace
}  // namespace agora::security
