// Tests of the edge check, the service-token exchange and the JWKS document.
#include <Poco/JSON/Array.h>

#include <chrono>

#include "AuthTestSupport.h"
#include "modules/auth/EdgeVerdictCache.h"

namespace agora::auth::testing {
namespace {

using AuthVerify = AuthFixture;

/** A session backend that is down: every call throws sessions::Unavailable. */
class UnreachableStore : public sessions::SessionStore {
 public:
  void create(const sessions::SessionRecord&) override { fail(); }
  std::optional<sessions::SessionRecord> find(const std::string&) override { fail(); }
  std::optional<sessions::SessionRecord> update(
      const std::string&,
      const std::function<sessions::UpdateDecision(sessions::SessionRecord&)>&) override {
    fail();
  }
  bool remove(const std::string&) override { fail(); }
  std::vector<sessions::SessionRecord> listForUser(const std::string&) override { fail(); }
  int removeAllForUser(const std::string&, const std::string&) override { fail(); }
  std::string ping() override { return "connection refused"; }

 private:
  [[noreturn]] static void fail() { throw sessions::Unavailable("connection refused"); }
};

TEST_F(AuthVerify, ValidTokenAnswers204WithHeaders) {
  const Reply session = login("bob@example.com", "another long password");
  const Reply reply = withBearer("GET", "/internal/auth/verify", session.text("access_token"));
  ASSERT_EQ(reply.status, 204);
  EXPECT_EQ(reply.header("X-User-Id"), "user-2");
  EXPECT_EQ(reply.header("X-User-Roles"), "customer,admin");
  EXPECT_EQ(reply.header("X-Session-Id"), session.text("session_id"));
}

// Test that a positive response tells nginx to keep it no longer than one second after the
// session check.
TEST_F(AuthVerify, ResponseKeptAtMostOneSecond) {
  const std::string token = loginAda().text("access_token");
  const auto wall_ms = [] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  };
  const int64_t before_ms = wall_ms();
  const Reply reply = withBearer("GET", "/internal/auth/verify", token);
  const int64_t after_ms = wall_ms();
  ASSERT_EQ(reply.status, 204);
  const std::string expiry = reply.header("X-Accel-Expires");
  ASSERT_FALSE(expiry.empty());
  if (expiry == "0") {
    // Only a check in the first moments of a second gives nothing to keep.
    EXPECT_TRUE(before_ms % 1000 < kEdgeClockMarginMilliseconds ||
                before_ms / 1000 != after_ms / 1000)
        << before_ms << " " << after_ms;
    return;
  }
  ASSERT_EQ(expiry.front(), '@') << expiry;
  const int64_t last_second = std::stoll(expiry.substr(1));
  EXPECT_LE((last_second + 1) * 1000, after_ms + 1000 - kEdgeClockMarginMilliseconds);
  EXPECT_GE(last_second, before_ms / 1000);
}

TEST_F(AuthVerify, RejectionIsNeverKept) {
  const Reply reply = withBearer("GET", "/internal/auth/verify", "a.b.c");
  EXPECT_EQ(reply.status, 401);
  EXPECT_EQ(reply.header("X-Accel-Expires"), "");
}

TEST_F(AuthVerify, MissingHeaderIs401) {
  const Reply reply = send(Call{"GET", "/internal/auth/verify"});
  EXPECT_EQ(reply.status, 401);
  EXPECT_EQ(reply.header("WWW-Authenticate").rfind("Bearer", 0), 0u);
}

TEST_F(AuthVerify, GarbageTokensAre401) {
  const std::vector<std::string> tokens = {"garbage", "a.b.c", std::string(9000, 'x'), "...",
                                           "eyJhbGciOiJub25lIn0.e30."};
  for (const auto& token : tokens) {
    EXPECT_EQ(withBearer("GET", "/internal/auth/verify", token).status, 401) << token;
  }
}

TEST_F(AuthVerify, OtherSchemeIs401) {
  Call call{"GET", "/internal/auth/verify"};
  call.headers["authorization"] = "Basic " + loginAda().text("access_token");
  EXPECT_EQ(send(call).status, 401);
}

TEST_F(AuthVerify, ExpiredTokenIs401) {
  const std::string token = loginAda().text("access_token");
  now += 600 + 31;
  EXPECT_EQ(withBearer("GET", "/internal/auth/verify", token).status, 401);
}

TEST_F(AuthVerify, ServiceTokenIs401) {
  Call call{"POST", "/internal/auth/service-token"};
  call.body = R"({"client_id":"orders","client_secret":"orders-secret-value"})";
  const std::string token = send(call).text("access_token");
  EXPECT_EQ(withBearer("GET", "/internal/auth/verify", token).status, 401);
}

TEST_F(AuthVerify, SlidesIdleTimeout) {
  const Reply session = loginAda();
  now += 120;
  ASSERT_EQ(withBearer("GET", "/internal/auth/verify", session.text("access_token")).status, 204);
  EXPECT_EQ(store->find(session.text("session_id"))->last_seen_at, kStart + 120);
}

TEST_F(AuthVerify, WritesLastSeenOncePerMinute) {
  const Reply session = loginAda();
  now += 120;
  withBearer("GET", "/internal/auth/verify", session.text("access_token"));
  now += 59;
  withBearer("GET", "/internal/auth/verify", session.text("access_token"));
  EXPECT_EQ(store->find(session.text("session_id"))->last_seen_at, kStart + 120);
}

TEST_F(AuthVerify, UnreachableStoreIs401) {
  auto down = std::make_shared<UnreachableStore>();
  auto down_authenticator = std::make_shared<sessions::SessionAuthenticator>(verifier, down, clock);
  AuthModule down_module(config, down, users, key, public_keys, down_authenticator, clock);
  http::Router down_router;
  down_module.registerRoutes(down_router);

  const std::string token = loginAda().text("access_token");
  http::Request request;
  request.method = "GET";
  request.path = "/internal/auth/verify";
  request.headers["authorization"] = "Bearer " + token;
  const auto match = down_router.match("GET", "/internal/auth/verify");
  ASSERT_NE(match.route, nullptr);
  try {
    match.route->handler(request);
    FAIL() << "expected a 401 problem";
  } catch (const http::Problem& problem) {
    EXPECT_EQ(problem.status(), 401);
  }
  EXPECT_EQ(down_module.readinessProblem(), "session store: connection refused");
}

TEST_F(AuthVerify, ServiceTokenExchangeGivesServiceRole) {
  Call call{"POST", "/internal/auth/service-token"};
  call.body = R"({"client_id":"orders","client_secret":"orders-secret-value"})";
  const Reply reply = send(call);
  ASSERT_EQ(reply.status, 200) << reply.bodyText();
  EXPECT_EQ(reply.text("token_type"), "Bearer");
  EXPECT_EQ(reply.body->getValue<int64_t>("expires_in"), 300);
  const auto result = verifier->verify(reply.text("access_token"), now);
  ASSERT_TRUE(result.ok) << result.error;
  EXPECT_EQ(result.claims.subject, "orders");
  EXPECT_EQ(result.claims.roles, std::vector<std::string>{"service"});
  EXPECT_TRUE(result.claims.session_id.empty());
}

TEST_F(AuthVerify, ServiceTokenWrongSecretIs401) {
  Call call{"POST", "/internal/auth/service-token"};
  call.body = R"({"client_id":"orders","client_secret":"users-secret"})";
  EXPECT_EQ(send(call).status, 401);
}

TEST_F(AuthVerify, ServiceTokenUnknownClientIs401) {
  Call call{"POST", "/internal/auth/service-token"};
  call.body = R"({"client_id":"catalog","client_secret":"orders-secret-value"})";
  EXPECT_EQ(send(call).status, 401);
}

TEST_F(AuthVerify, JwksContainsSigningKid) {
  const Reply reply = send(Call{"GET", "/api/auth/jwks.json"});
  ASSERT_EQ(reply.status, 200);
  const auto jwk = reply.body->getArray("keys")->getObject(0);
  EXPECT_EQ(jwk->getValue<std::string>("kid"), key->keyId());
  EXPECT_EQ(jwk->getValue<std::string>("kty"), "RSA");
}

TEST_F(AuthVerify, JwksVerifiesIssuedTokens) {
  security::PublicKeySet from_jwks;
  from_jwks.addJwks(*send(Call{"GET", "/api/auth/jwks.json"}).body);
  security::TokenVerifier jwks_verifier(
      std::shared_ptr<const security::PublicKeySet>(&from_jwks, [](auto*) {}), "agora",
      "agora-api");
  EXPECT_TRUE(jwks_verifier.verify(loginAda().text("access_token"), now).ok);
}

}  // namespace
}  // namespace agora::auth::testing
