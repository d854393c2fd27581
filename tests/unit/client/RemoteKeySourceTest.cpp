// Tests loading the auth role's JWK Set and refetching it for unknown key ids.
#include <Poco/JSON/Array.h>
#include <gtest/gtest.h>

#include "ClientTestSupport.h"
#include "platform/Clock.h"
#include "platform/client/KeyRefreshingAuthenticator.h"
#include "platform/client/RemoteKeySource.h"
#include "platform/security/Random.h"

namespace agora::client {
namespace {

using std::chrono::milliseconds;
using testing::FakePeer;
using testing::settingsFor;

const security::SigningKey& firstKey() {
  static const security::SigningKey key = security::SigningKey::generate(2048);
  return key;
}
const security::SigningKey& secondKey() {
  static const security::SigningKey key = security::SigningKey::generate(2048);
  return key;
}

std::string tokenSignedBy(const security::SigningKey& key, int64_t now) {
  security::TokenIssuer issuer(std::make_shared<security::SigningKey>(key), "agora", "agora-api");
  security::TokenClaims claims;
  claims.subject = "orders";
  claims.roles = {"service"};
  claims.token_id = security::newUuid();
  claims.issued_at = now;
  claims.not_before = now;
  claims.expires_at = now + 300;
  return issuer.issue(claims);
}

/** Checks tokens with a TokenVerifier only: enough to see which keys are known. */
class VerifierCheck : public http::Authenticator {
 public:
  explicit VerifierCheck(std::shared_ptr<const security::PublicKeySet> keys)
      : verifier_(std::move(keys), "agora", "agora-api") {}
  http::AuthenticationResult authenticate(const std::string& token) override {
    auto result = verifier_.verify(token, systemNowSeconds());
    if (!result.ok) return {std::nullopt, result.error};
    return {http::Principal{result.claims.subject, "", result.claims.roles, "", 0}, ""};
  }

 private:
  security::TokenVerifier verifier_;
};

class RemoteKeySourceTest : public ::testing::Test {
 protected:
  RemoteKeySourceTest() {
    router_.add({"GET", "/api/auth/jwks.json", http::Access::kPublic, [this](http::Request&) {
                   ++fetches_;
                   Poco::JSON::Array::Ptr keys = new Poco::JSON::Array;
                   keys->add(firstKey().publicJwk());
                   if (rotated_) keys->add(secondKey().publicJwk());
                   Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
                   body->set("keys", keys);
                   return http::Response::json(200, body);
                 }});
  }

  std::shared_ptr<RemoteKeySource> source(int port) {
    auto auth = std::make_shared<ServiceClient>(settingsFor(port, "auth"), nullptr,
                                                std::make_shared<metrics::Registry>());
    return std::make_shared<RemoteKeySource>(auth, keys_, std::chrono::seconds(30),
                                             [this] { return now_; });
  }

  http::Router router_;
  std::atomic<int> fetches_{0};
  std::atomic<bool> rotated_{false};
  std::chrono::steady_clock::time_point now_{};
  std::shared_ptr<security::PublicKeySet> keys_ = std::make_shared<security::PublicKeySet>();
};

// Test that start-up loads the published keys.
TEST_F(RemoteKeySourceTest, LoadsAtStartup) {
  FakePeer peer(router_);
  source(peer.port())->loadAtStartup(milliseconds(2000));

  EXPECT_TRUE(keys_->has(firstKey().keyId()));
  EXPECT_EQ(fetches_.load(), 1);
}

// Test that start-up gives up after its wait with an error naming the fix.
TEST_F(RemoteKeySourceTest, StartupFailsAfterWait) {
  int port = 0;
  {
    FakePeer peer(router_);
    port = peer.port();
  }
  auto started = std::chrono::steady_clock::now();
  try {
    source(port)->loadAtStartup(milliseconds(400));
    ADD_FAILURE() << "keys were loaded from a closed port";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("services.auth.url"), std::string::npos);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - started, milliseconds(3000));
}

// Test that an unknown kid refetches once per interval, no more.
TEST_F(RemoteKeySourceTest, RefreshIsRateLimited) {
  FakePeer peer(router_);
  auto keys = source(peer.port());
  keys->loadAtStartup(milliseconds(2000));

  EXPECT_FALSE(keys->refreshFor("no-such-kid"));
  EXPECT_EQ(fetches_.load(), 1);
  now_ += std::chrono::seconds(30);
  EXPECT_FALSE(keys->refreshFor("no-such-kid"));
  EXPECT_EQ(fetches_.load(), 2);
  EXPECT_FALSE(keys->refreshFor("no-such-kid"));
  EXPECT_EQ(fetches_.load(), 2);
}

// Test that a token signed with a newly published key is accepted after one refetch.
TEST_F(RemoteKeySourceTest, NewKeyAcceptedAfterRefetch) {
  FakePeer peer(router_);
  auto keys = source(peer.port());
  keys->loadAtStartup(milliseconds(2000));
  now_ += std::chrono::seconds(31);
  rotated_ = true;
  KeyRefreshingAuthenticator authenticator(
      std::make_shared<VerifierCheck>(keys_), keys_,
      [keys](const std::string& kid) { return keys->refreshFor(kid); });

  auto result = authenticator.authenticate(tokenSignedBy(secondKey(), systemNowSeconds()));

  ASSERT_TRUE(result.principal) << result.reason;
  EXPECT_EQ(result.principal->user_id, "orders");
  EXPECT_EQ(fetches_.load(), 2);
}

// Test that a bad token with a known kid triggers no refetch.
TEST_F(RemoteKeySourceTest, KnownKidDoesNotRefetch) {
  int refreshes = 0;
  keys_->add(firstKey().keyId(), firstKey().publicPem());
  KeyRefreshingAuthenticator authenticator(std::make_shared<VerifierCheck>(keys_), keys_,
                                           [&refreshes](const std::string&) {
                                             ++refreshes;
                                             return true;
                                           });
  std::string token = tokenSignedBy(firstKey(), systemNowSeconds());
  token.back() = token.back() == 'A' ? 'B' : 'A';

  EXPECT_FALSE(authenticator.authenticate(token).principal);
  EXPECT_EQ(refreshes, 0);
}

// Test that the kid is read from a token header and garbage yields nothing.
TEST(TokenKeyId, ReadsHeaderKid) {
  EXPECT_EQ(tokenKeyId(tokenSignedBy(firstKey(), 1'800'000'000)), firstKey().keyId());
  EXPECT_EQ(tokenKeyId("not a token"), "");
  EXPECT_EQ(tokenKeyId("%%%.e30.sig"), "");
  EXPECT_EQ(tokenKeyId(".e30.sig"), "");
}

}  // namespace
}  // namespace agora::client
