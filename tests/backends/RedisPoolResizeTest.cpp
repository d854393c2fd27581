// The Redis pool's size changed at run time (a configuration reload) and its metrics, against a
// real Redis.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <vector>

#include "RedisTestSupport.h"
#include "app/PoolMetrics.h"

namespace agora::redis {
namespace {

using agora::testing::millisecondsOf;
using agora::testing::redisTestSettings;
using agora::testing::uniqueKeyPrefix;

/** Holds `count` connections of `pool` at once for about `seconds` each, until all return. */
void holdConnections(RedisClientPool& pool, int count, int seconds) {
  const std::string list = uniqueKeyPrefix("hold") + "empty-list";
  std::vector<std::thread> threads;
  for (int i = 0; i < count; ++i) {
    threads.emplace_back([&] { pool.command({"BLPOP", list, std::to_string(seconds)}); });
  }
  for (auto& thread : threads) thread.join();
}

// Test that shrinking closes the idle connections beyond the new size.
TEST(RedisPoolResize, ShrinkClosesSurplusIdle) {
  RedisClientPool pool(redisTestSettings(3000, 4));
  holdConnections(pool, 4, 1);
  ASSERT_EQ(pool.idle(), 4u);

  pool.setPoolSize(2);
  EXPECT_EQ(pool.poolSize(), 2u);
  EXPECT_EQ(pool.idle(), 2u);
  EXPECT_EQ(pool.command({"PING"}).asOptionalText(), "PONG");
}

// Test that growing lets a waiting call through at once.
TEST(RedisPoolResize, GrowReleasesWaitingCall) {
  RedisClientPool pool(redisTestSettings(3000, 1));
  std::thread holder([&] { holdConnections(pool, 1, 2); });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));

  std::thread grower([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    pool.setPoolSize(2);
  });
  const int64_t waited = millisecondsOf([&] { pool.command({"PING"}); });
  grower.join();
  holder.join();

  EXPECT_LT(waited, 1200);
  EXPECT_GE(pool.waits(), 1u);
}

// Test that a size below one is refused and the size stays.
TEST(RedisPoolResize, SizeBelowOneRefused) {
  RedisClientPool pool(redisTestSettings(1000, 3));
  EXPECT_THROW(pool.setPoolSize(0), std::invalid_argument);
  EXPECT_EQ(pool.poolSize(), 3u);
}

// Test that the pool collector renders the current size and use, labelled by pool.
TEST(RedisPoolResize, CollectorRendersCurrentSize) {
  auto pool = std::make_shared<RedisClientPool>(redisTestSettings(1000, 3));
  metrics::Registry registry;
  app::addRedisPoolMetrics(registry, "sessions", pool);
  pool->command({"PING"});
  pool->setPoolSize(5);
  const std::string text = registry.render();

  EXPECT_NE(text.find("agora_redis_pool_max_connections{pool=\"sessions\"} 5\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("agora_redis_pool_idle_connections{pool=\"sessions\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("agora_redis_pool_in_use_connections{pool=\"sessions\"} 0\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("# TYPE agora_redis_pool_errors_total counter\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace agora::redis
