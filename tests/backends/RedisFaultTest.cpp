// Redis outages seen by the session store and the throttle: fail fast, then recover in place.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "RedisTestSupport.h"
#include "modules/auth/RedisLoginThrottle.h"
#include "platform/sessions/RedisSessionStore.h"
#include "unit/sessions/SessionFixtures.h"

namespace agora::sessions {
namespace {

using agora::testing::millisecondsOf;
using agora::testing::RedisOutage;
using agora::testing::redisTestSettings;
using agora::testing::uniqueKeyPrefix;
using testing::freshCodec;
using testing::sampleSession;

constexpr int kTimeoutMilliseconds = 500;
// A bound, not a benchmark: a call may spend the connect and the read timeout.
constexpr int64_t kFailureBoundMilliseconds = 3000;

std::shared_ptr<RedisSessionStore> storeWithTimeout(int pool_size = 16) {
  return std::make_shared<RedisSessionStore>(
      std::make_shared<redis::RedisClientPool>(redisTestSettings(kTimeoutMilliseconds, pool_size)),
      uniqueKeyPrefix("fault"), freshCodec(), SessionLimits{}, systemClock());
}

TEST(RedisFault, StoppedRedisFailsFastThenRecovers) {
  auto store = storeWithTimeout();
  store->create(sampleSession("s1", "u1", systemNowSeconds()));
  RedisOutage outage(RedisOutage::Kind::kStop);

  const int64_t elapsed = millisecondsOf([&] { EXPECT_THROW(store->find("s1"), Unavailable); });
  EXPECT_LT(elapsed, kFailureBoundMilliseconds);
  EXPECT_NE(store->ping(), "");

  outage.end();
  EXPECT_EQ(store->ping(), "");
  store->create(sampleSession("s2", "u1", systemNowSeconds()));
  EXPECT_TRUE(store->find("s2").has_value());
}

TEST(RedisFault, PausedRedisTimesOutThenRecovers) {
  auto store = storeWithTimeout();
  store->create(sampleSession("s1", "u1", systemNowSeconds()));
  RedisOutage outage(RedisOutage::Kind::kPause);

  const int64_t elapsed = millisecondsOf([&] { EXPECT_THROW(store->find("s1"), Unavailable); });
  EXPECT_GE(elapsed, kTimeoutMilliseconds - 50);
  EXPECT_LT(elapsed, kFailureBoundMilliseconds);
  const int64_t ping_elapsed = millisecondsOf([&] { EXPECT_NE(store->ping(), ""); });
  EXPECT_LT(ping_elapsed, kFailureBoundMilliseconds);

  outage.end();
  EXPECT_TRUE(store->find("s1").has_value());
}

TEST(RedisFault, PausedRedisBoundsEveryQueuedCaller) {
  auto store = storeWithTimeout(2);
  store->create(sampleSession("s1", "u1", systemNowSeconds()));
  RedisOutage outage(RedisOutage::Kind::kPause);

  std::atomic<int> unavailable{0};
  std::atomic<int64_t> slowest{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      const int64_t elapsed = millisecondsOf([&] {
        try {
          store->update("s1", [](SessionRecord&) { return UpdateDecision::kKeep; });
        } catch (const Unavailable&) {
          ++unavailable;
        }
      });
      int64_t seen = slowest.load();
      while (elapsed > seen && !slowest.compare_exchange_weak(seen, elapsed)) {
      }
    });
  }
  for (auto& thread : threads) thread.join();

  EXPECT_EQ(unavailable.load(), 8);
  EXPECT_LT(slowest.load(), kFailureBoundMilliseconds);
}

TEST(RedisFault, ThrottleFailsUnavailableWhileStopped) {
  auth::RedisLoginThrottle throttle(
      std::make_shared<redis::RedisClientPool>(redisTestSettings(kTimeoutMilliseconds)),
      uniqueKeyPrefix("throttle-fault"));
  throttle.recordFailure("ip:192.0.2.1", 60, 5, 60);
  RedisOutage outage(RedisOutage::Kind::kStop);

  EXPECT_THROW(throttle.blockedFor("ip:192.0.2.1"), Unavailable);

  outage.end();
  EXPECT_FALSE(throttle.blockedFor("ip:192.0.2.1").has_value());
}

}  // namespace
}  // namespace agora::sessions
