// The auth module on two replicas that share one Redis: rotation, lockout, logout, privacy.
#include <gtest/gtest.h>

#include <set>
#include <thread>
#include <vector>

#include "RedisTestSupport.h"
#include "modules/auth/RedisLoginThrottle.h"
#include "platform/security/Digest.h"
#include "platform/sessions/RedisSessionStore.h"
#include "unit/auth/AuthTestSupport.h"
#include "unit/sessions/SessionFixtures.h"

namespace agora::auth::testing {
namespace {

using agora::testing::PlainRedis;
using agora::testing::redisTestSettings;
using agora::testing::uniqueKeyPrefix;

std::shared_ptr<const security::SigningKey> signingKey() {
  static auto key =
      std::make_shared<const security::SigningKey>(security::SigningKey::generate(2048));
  return key;
}

/** One auth replica: its own Redis pools, store, throttle, authenticator and router. */
class AuthReplica {
 public:
  AuthReplica(const config::Config& config, const std::string& prefix,
              std::shared_ptr<const security::KeyRing> ring, std::shared_ptr<FakeUsers> users,
              int64_t session_check_cache_milliseconds = 0) {
    auto public_keys = std::make_shared<security::PublicKeySet>();
    public_keys->add(signingKey()->keyId(), signingKey()->publicPem());
    store = std::make_shared<sessions::RedisSessionStore>(
        std::make_shared<redis::RedisClientPool>(redisTestSettings()), prefix,
        std::make_shared<const sessions::SessionCodec>(std::move(ring)), sessions::SessionLimits{},
        systemClock());
    auto verifier =
        std::make_shared<const security::TokenVerifier>(public_keys, "agora", "agora-api");
    authenticator = std::make_shared<sessions::SessionAuthenticator>(
        verifier, store, systemClock(), session_check_cache_milliseconds);
    auto throttle = std::make_shared<RedisLoginThrottle>(
        std::make_shared<redis::RedisClientPool>(redisTestSettings()), prefix);
    module = std::make_unique<AuthModule>(config, store, std::move(users), signingKey(),
                                          public_keys, authenticator, systemClock(), throttle);
    module->registerRoutes(router);
  }

  /** Sends a call the way the server pipeline would: match, authenticate, run, render. */
  Reply send(const Call& call) {
    const http::RouteMatch match = router.match(call.method, call.path);
    if (match.route == nullptr) return Reply{404, nullptr, {}};

    http::Request request;
    request.method = call.method;
    request.path = call.path;
    request.route = match.route->path_template;
    request.request_id = "test-request";
    request.client_ip = call.client_ip;
    request.body = call.body;
    request.path_params = match.path_params;
    request.headers = call.headers;
    if (!call.bearer.empty()) request.headers["authorization"] = "Bearer " + call.bearer;

    try {
      if (match.route->access != http::Access::kPublic) {
        http::AuthenticationResult result = authenticator->authenticate(call.bearer);
        if (!result.principal) throw http::Problem::unauthorized();
        request.principal = result.principal;
      }
      const http::Response response = match.route->handler(request);

      Reply reply;
      reply.status = response.status;
      reply.headers = response.headers;
      if (!response.body.isEmpty()) {
        std::ostringstream out;
        Poco::JSON::Stringifier::stringify(response.body, out);
        reply.body = Poco::JSON::Parser().parse(out.str()).extract<Poco::JSON::Object::Ptr>();
      }
      return reply;
    } catch (const http::Problem& problem) {
      return Reply{problem.status(), problem.toJson(call.path, request.request_id),
                   problem.headers()};
    }
  }

  Reply login(const std::string& email, const std::string& password) {
    Call call;
    call.method = "POST";
    call.path = "/api/auth/login";
    call.body = R"({"email":")" + email + R"(","password":")" + password + R"("})";
    call.headers["content-type"] = "application/json";
    call.headers["user-agent"] = "agora-tests/1.0";
    return send(call);
  }

  Reply refresh(const std::string& refresh_token) {
    Call call;
    call.method = "POST";
    call.path = "/api/auth/refresh";
    call.body = R"({"refresh_token":")" + refresh_token + R"("})";
    call.headers["content-type"] = "application/json";
    return send(call);
  }

  Reply withBearer(const std::string& method, const std::string& path, const std::string& token) {
    Call call;
    call.method = method;
    call.path = path;
    call.bearer = token;
    return send(call);
  }

  std::shared_ptr<sessions::RedisSessionStore> store;
  std::shared_ptr<sessions::SessionAuthenticator> authenticator;
  std::unique_ptr<AuthModule> module;
  http::Router router;
};

class RedisAuth : public ::testing::Test {
 protected:
  RedisAuth() {
    config.set("auth.service_clients", "orders:orders-secret-value");
    config.set("auth.login.max_failures", "3");
    AuthModule::addDefaults(config);
    users->add({"user-5d2e", "Ada.Lovelace@Example.com", "Ada", {"customer"}, false},
               "correct horse battery");
  }

  config::Config config;
  const std::string prefix = uniqueKeyPrefix("auth");
  std::shared_ptr<const security::KeyRing> ring = sessions::testing::freshKeyRing();
  std::shared_ptr<FakeUsers> users = std::make_shared<FakeUsers>();
};

TEST_F(RedisAuth, ConcurrentRefreshRotatesOnce) {
  AuthReplica first(config, prefix, ring, users);
  AuthReplica second(config, prefix, ring, users);
  const Reply login = first.login("ada.lovelace@example.com", "correct horse battery");
  ASSERT_EQ(login.status, 200) << login.bodyText();
  const std::string token = login.text("refresh_token");

  // Eight refreshes with one token, half through each replica, as a flaky client might send.
  std::vector<Reply> replies(8);
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] { replies[i] = (i % 2 == 0 ? first : second).refresh(token); });
  }
  for (auto& thread : threads) thread.join();

  std::set<std::string> successors;
  for (const Reply& reply : replies) {
    ASSERT_EQ(reply.status, 200) << reply.bodyText();
    successors.insert(reply.text("refresh_token") + " " + reply.text("access_token"));
  }
  EXPECT_EQ(successors.size(), 1u);
  const auto stored = second.store->find(login.text("session_id"));
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->previous_refresh_hash, security::sha256Hex(token));
  EXPECT_EQ(stored->refresh_hash, security::sha256Hex(replies[0].text("refresh_token")));
}

TEST_F(RedisAuth, StoredSessionHidesPersonalData) {
  AuthReplica replica(config, prefix, ring, users);
  const Reply login = replica.login("ada.lovelace@example.com", "correct horse battery");
  ASSERT_EQ(login.status, 200) << login.bodyText();

  const auto raw = PlainRedis().get(replica.store->sessionKey(login.text("session_id")));

  ASSERT_TRUE(raw.has_value());
  EXPECT_EQ(raw->find("user-5d2e"), std::string::npos);
  EXPECT_EQ(raw->find("Ada.Lovelace@Example.com"), std::string::npos);
  EXPECT_EQ(raw->find("ada.lovelace@example.com"), std::string::npos);
  EXPECT_EQ(raw->find("192.0.2.10"), std::string::npos);
}

TEST_F(RedisAuth, LockoutHoldsOnOtherReplica) {
  AuthReplica first(config, prefix, ring, users);
  AuthReplica second(config, prefix, ring, users);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(first.login("ada.lovelace@example.com", "wrong password").status, 401);
  }

  const Reply blocked = second.login("ada.lovelace@example.com", "correct horse battery");

  EXPECT_EQ(blocked.status, 429);
  const int retry_after = std::stoi(blocked.header("Retry-After"));
  EXPECT_GE(retry_after, 299);
  EXPECT_LE(retry_after, 300);
}

TEST_F(RedisAuth, LogoutEndsSessionOnOtherReplica) {
  AuthReplica first(config, prefix, ring, users);
  AuthReplica second(config, prefix, ring, users);
  const Reply login = first.login("ada.lovelace@example.com", "correct horse battery");
  ASSERT_EQ(login.status, 200) << login.bodyText();
  const std::string access = login.text("access_token");
  ASSERT_EQ(second.withBearer("GET", "/api/auth/sessions", access).status, 200);

  EXPECT_EQ(first.withBearer("POST", "/api/auth/logout", access).status, 204);

  EXPECT_EQ(second.withBearer("GET", "/api/auth/sessions", access).status, 401);
  EXPECT_EQ(second.refresh(login.text("refresh_token")).status, 401);
}

}  // namespace
}  // namespace agora::auth::testing
