// The real agora binary on Redis sessions: outages return 503 quickly, recovery needs no restart.
#include <Poco/Base64Encoder.h>
#include <gtest/gtest.h>

#include <sstream>

#include "AgoraProcess.h"
#include "RedisTestSupport.h"
#include "platform/security/Random.h"

namespace agora::testing {
namespace {

// A bound, not a benchmark: a 500 ms timeout may be spent on connecting and on reading.
constexpr int64_t kFailureBoundMilliseconds = 3000;

std::string sessionKeys() {
  std::ostringstream encoded;
  Poco::Base64Encoder encoder(encoded);
  encoder << security::randomBytes(32);
  encoder.close();
  return "k1:" + encoded.str();
}

/** agora --role=all with sessions and login throttling in the fixture's Redis. */
std::unique_ptr<AgoraProcess> startOnRedis() {
  const TestServers& servers = TestServers::get();
  return std::make_unique<AgoraProcess>(
      std::vector<std::string>{
          "--set", "session.store=redis", "--set", "redis.port=" + servers.value("REDIS_PORT"),
          "--set", "redis.key_prefix=" + uniqueKeyPrefix("agora"), "--set",
          "redis.connect_timeout_milliseconds=500", "--set", "redis.read_timeout_milliseconds=500",
          "--set", "auth.session_check_cache_milliseconds=0"},
      std::map<std::string, std::string>{{"AGORA_REDIS_PASSWORD", servers.value("REDIS_PASSWORD")},
                                         {"AGORA_SESSION_KEYS", sessionKeys()}});
}

std::string adminToken(const AgoraProcess& agora) {
  return login(agora, AgoraProcess::kAdminEmail, AgoraProcess::kAdminPassword)
      ->optValue<std::string>("access_token", "");
}

/** Runs `call` and returns its result and how long it took. */
template <typename Call>
std::pair<HttpResult, int64_t> timed(Call&& call) {
  HttpResult result;
  const int64_t elapsed = millisecondsOf([&] { result = call(); });
  return {result, elapsed};
}

TEST(RedisAgora, PausedRedisGives503ThenRecovers) {
  auto agora = startOnRedis();
  const std::string token = adminToken(*agora);
  ASSERT_EQ(agora->get("/api/users/me", token).status, 200);
  ASSERT_EQ(agora->admin("/readyz").status, 200);

  RedisOutage outage(RedisOutage::Kind::kPause);
  const auto [during, elapsed] = timed([&] { return agora->get("/api/users/me", token); });
  EXPECT_EQ(during.status, 503) << during.body;
  EXPECT_EQ(during.header("content-type"), "application/problem+json");
  EXPECT_LT(elapsed, kFailureBoundMilliseconds);
  const auto [ready, ready_elapsed] = timed([&] { return agora->admin("/readyz"); });
  EXPECT_EQ(ready.status, 503) << ready.body;
  EXPECT_LT(ready_elapsed, kFailureBoundMilliseconds);

  outage.end();
  EXPECT_EQ(agora->get("/api/users/me", token).status, 200);
  EXPECT_EQ(agora->admin("/readyz").status, 200);
}

TEST(RedisAgora, StoppedRedisGives503ThenNewLogin) {
  auto agora = startOnRedis();
  const std::string token = adminToken(*agora);
  ASSERT_EQ(agora->get("/api/users/me", token).status, 200);

  RedisOutage outage(RedisOutage::Kind::kStop);
  const auto [during, elapsed] = timed([&] { return agora->get("/api/users/me", token); });
  EXPECT_EQ(during.status, 503) << during.body;
  EXPECT_LT(elapsed, kFailureBoundMilliseconds);
  const HttpResult login_during = agora->post(
      "/api/auth/login", std::string(R"({"email":")") + AgoraProcess::kAdminEmail +
                             R"(","password":")" + AgoraProcess::kAdminPassword + R"("})");
  EXPECT_EQ(login_during.status, 503) << login_during.body;
  EXPECT_EQ(agora->admin("/readyz").status, 503);

  // Redis comes back empty: the old session is gone, a new login works in the same process.
  outage.end();
  EXPECT_EQ(agora->admin("/readyz").status, 200);
  EXPECT_EQ(agora->get("/api/users/me", token).status, 401);
  const std::string fresh = adminToken(*agora);
  EXPECT_EQ(agora->get("/api/users/me", fresh).status, 200);
}

}  // namespace
}  // namespace agora::testing
