// Tests of the bearer-token check with real RS256 tokens and the in-process session store.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "SessionFixtures.h"
#include "platform/security/Random.h"
#include "platform/sessions/MemorySessionStore.h"
#include "platform/sessions/SessionAuthenticator.h"

namespace agora::sessions {
namespace {

using testing::freshCodec;
using testing::sampleSession;

constexpr const char* kIssuer = "agora";
constexpr const char* kAudience = "agora-api";

class SessionAuthenticatorTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    signing_key_ = std::make_shared<const security::SigningKey>(security::SigningKey::generate());
  }
  static void TearDownTestSuite() { signing_key_.reset(); }

  SessionAuthenticatorTest() {
    keys_->add(signing_key_->keyId(), signing_key_->publicPem());
    verifier_ = std::make_shared<const security::TokenVerifier>(keys_, kIssuer, kAudience);
    store_ = std::make_shared<MemorySessionStore>(freshCodec(), SessionLimits{},
                                                  [this] { return now_; });
  }

  std::string issue(const std::string& subject, const std::string& session_id,
                    std::vector<std::string> roles = {"customer"}) const {
    security::TokenClaims claims;
    claims.subject = subject;
    claims.session_id = session_id;
    claims.roles = std::move(roles);
    claims.token_id = security::newUuid();
    claims.issued_at = now_;
    claims.not_before = now_;
    claims.expires_at = now_ + 900;
    return security::TokenIssuer(signing_key_, kIssuer, kAudience).issue(claims);
  }

  SessionAuthenticator authenticator(int64_t cache_milliseconds) const {
    return SessionAuthenticator(
        verifier_, store_, [this] { return now_; }, cache_milliseconds);
  }

  static inline std::shared_ptr<const security::SigningKey> signing_key_;
  int64_t now_ = systemNowSeconds();
  std::shared_ptr<security::PublicKeySet> keys_ = std::make_shared<security::PublicKeySet>();
  std::shared_ptr<const security::TokenVerifier> verifier_;
  std::shared_ptr<MemorySessionStore> store_;
};

TEST_F(SessionAuthenticatorTest, LiveSessionGivesPrincipal) {
  store_->create(sampleSession("s1", "u1", now_));
  const std::string token = issue("u1", "s1");

  const auto result = authenticator(500).authenticate(token);

  ASSERT_TRUE(result.principal.has_value()) << result.reason;
  EXPECT_EQ(result.principal->user_id, "u1");
  EXPECT_EQ(result.principal->session_id, "s1");
  EXPECT_EQ(result.principal->roles, std::vector<std::string>{"customer"});
  EXPECT_FALSE(result.principal->token_id.empty());
  EXPECT_EQ(result.principal->expires_at, now_ + 900);
}

TEST_F(SessionAuthenticatorTest, RevokedSessionRejectedWithinSecond) {
  store_->create(sampleSession("s1", "u1", now_));
  const std::string token = issue("u1", "s1");
  // A window beyond one second is clamped, so revocation still lands within a second.
  auto check = authenticator(60'000);
  ASSERT_TRUE(check.authenticate(token).principal.has_value());

  store_->remove("s1");
  std::this_thread::sleep_for(std::chrono::milliseconds(1050));

  EXPECT_FALSE(check.authenticate(token).principal.has_value());
}

TEST_F(SessionAuthenticatorTest, ForgetEndsCachedCheckAtOnce) {
  store_->create(sampleSession("s1", "u1", now_));
  const std::string token = issue("u1", "s1");
  auto check = authenticator(1000);
  ASSERT_TRUE(check.authenticate(token).principal.has_value());

  store_->remove("s1");
  check.forget("s1");

  EXPECT_FALSE(check.authenticate(token).principal.has_value());
}

TEST_F(SessionAuthenticatorTest, UnknownSessionRejected) {
  const auto result = authenticator(500).authenticate(issue("u1", "missing"));

  EXPECT_FALSE(result.principal.has_value());
  EXPECT_FALSE(result.reason.empty());
}

TEST_F(SessionAuthenticatorTest, SessionOfAnotherUserRejected) {
  store_->create(sampleSession("s1", "u2", now_));

  EXPECT_FALSE(authenticator(500).authenticate(issue("u1", "s1")).principal.has_value());
}

TEST_F(SessionAuthenticatorTest, CachedCheckStillMatchesSubject) {
  store_->create(sampleSession("s1", "u1", now_));
  auto check = authenticator(1000);
  ASSERT_TRUE(check.authenticate(issue("u1", "s1")).principal.has_value());

  EXPECT_FALSE(check.authenticate(issue("u2", "s1")).principal.has_value());
}

TEST_F(SessionAuthenticatorTest, ServiceTokenNeedsNoSession) {
  const auto result = authenticator(500).authenticate(issue("orders", "", {"service"}));

  ASSERT_TRUE(result.principal.has_value()) << result.reason;
  EXPECT_TRUE(result.principal->isService());
  EXPECT_EQ(result.principal->session_id, "");
}

TEST_F(SessionAuthenticatorTest, ForeignKeyTokenRejectedWithReason) {
  store_->create(sampleSession("s1", "u1", now_));
  security::TokenClaims claims;
  claims.subject = "u1";
  claims.session_id = "s1";
  claims.token_id = "t1";
  claims.issued_at = now_;
  claims.not_before = now_;
  claims.expires_at = now_ + 900;
  const auto other_key =
      std::make_shared<const security::SigningKey>(security::SigningKey::generate());
  const std::string token = security::TokenIssuer(other_key, kIssuer, kAudience).issue(claims);

  const auto result = authenticator(500).authenticate(token);

  EXPECT_FALSE(result.principal.has_value());
  EXPECT_NE(result.reason.find("unknown kid"), std::string::npos) << result.reason;
}

TEST_F(SessionAuthenticatorTest, ExpiredTokenRejected) {
  store_->create(sampleSession("s1", "u1", now_));
  const std::string token = issue("u1", "s1");
  now_ += 3600;

  EXPECT_FALSE(authenticator(500).authenticate(token).principal.has_value());
}

// Test that a remembered verification ends at the token's expiry.
TEST_F(SessionAuthenticatorTest, RememberedTokenStillExpires) {
  store_->create(sampleSession("s1", "u1", now_));
  const std::string token = issue("u1", "s1");
  auto check = authenticator(0);
  ASSERT_TRUE(check.authenticate(token).principal.has_value());

  // Past `exp` and the verifier's 30 s leeway.
  now_ += 900 + 31;

  const auto result = check.authenticate(token);
  EXPECT_FALSE(result.principal.has_value());
  EXPECT_NE(result.reason.find("expired"), std::string::npos) << result.reason;
}

// Test that a remembered verification is dropped once its kid gets another key.
TEST_F(SessionAuthenticatorTest, ReplacedKeyEndsRememberedTokens) {
  store_->create(sampleSession("s1", "u1", now_));
  const std::string token = issue("u1", "s1");
  auto check = authenticator(0);
  ASSERT_TRUE(check.authenticate(token).principal.has_value());

  const security::SigningKey other = security::SigningKey::generate();
  keys_->add(signing_key_->keyId(), other.publicPem());

  const auto result = check.authenticate(token);
  EXPECT_FALSE(result.principal.has_value());
  EXPECT_NE(result.reason.find("bad signature"), std::string::npos) << result.reason;
}

// Test that the edge check's lower bound on the check time forces a fresh store lookup, and that
// the answer tells when the lookup was made.
TEST_F(SessionAuthenticatorTest, CheckedSinceForcesFreshLookup) {
  store_->create(sampleSession("s1", "u1", now_));
  const std::string token = issue("u1", "s1");
  auto check = authenticator(1000);
  const int64_t before_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count();
  const CheckedAuthentication first = check.authenticateCheckedSince(token, 0);
  ASSERT_TRUE(first.result.principal.has_value()) << first.result.reason;
  EXPECT_GE(first.session_checked_at_ms, before_ms);

  store_->remove("s1");

  // Within the window the remembered check answers, and says when it was made.
  const CheckedAuthentication remembered =
      check.authenticateCheckedSince(token, first.session_checked_at_ms);
  ASSERT_TRUE(remembered.result.principal.has_value());
  EXPECT_EQ(remembered.session_checked_at_ms, first.session_checked_at_ms);
  // A check from after it is wanted: the store is asked and the session is gone.
  EXPECT_FALSE(check.authenticateCheckedSince(token, first.session_checked_at_ms + 1)
                   .result.principal.has_value());
}

// Test that a service token carries no session check time.
TEST_F(SessionAuthenticatorTest, ServiceTokenHasNoCheckTime) {
  const CheckedAuthentication checked =
      authenticator(500).authenticateCheckedSince(issue("orders", "", {"service"}), 0);
  ASSERT_TRUE(checked.result.principal.has_value());
  EXPECT_EQ(checked.session_checked_at_ms, 0);
}

}  // namespace
}  // namespace agora::sessions
