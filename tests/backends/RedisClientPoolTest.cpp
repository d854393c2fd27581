// The Redis connection pool against a real Redis: AUTH, SELECT, scripts, errors and waiting.
#include <Poco/Net/ServerSocket.h>
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "RedisTestSupport.h"
#include "platform/sessions/SessionStore.h"

namespace agora::redis {
namespace {

using agora::testing::millisecondsOf;
using agora::testing::PlainRedis;
using agora::testing::redisTestSettings;
using agora::testing::uniqueKeyPrefix;

TEST(RedisClientPool, ReusesIdleConnection) {
  RedisClientPool pool(redisTestSettings());

  pool.command({"PING"});
  pool.command({"PING"});

  EXPECT_EQ(pool.idle(), 1u);
  EXPECT_EQ(pool.inUse(), 0u);
  EXPECT_EQ(pool.errors(), 0u);
}

TEST(RedisClientPool, SelectsConfiguredDatabase) {
  RedisSettings settings = redisTestSettings();
  settings.database = 3;
  RedisClientPool pool(settings);
  const std::string key = uniqueKeyPrefix("database") + "value";

  pool.command({"SET", key, "in-three"});

  EXPECT_FALSE(PlainRedis(0).get(key).has_value());
  EXPECT_EQ(PlainRedis(3).get(key), "in-three");
}

TEST(RedisClientPool, ScriptRunsAgainAfterScriptFlush) {
  RedisClientPool pool(redisTestSettings());
  const RedisScript script("return tonumber(ARGV[1]) + 1");
  pool.load(script);
  ASSERT_EQ(pool.run(script, {}, {"41"}).asInteger(), 42);

  Poco::Redis::Array flush;
  flush << "SCRIPT"
        << "FLUSH";
  PlainRedis().status(flush);

  EXPECT_EQ(pool.run(script, {}, {"1"}).asInteger(), 2);
}

TEST(RedisClientPool, ErrorReplyKeepsConnection) {
  RedisClientPool pool(redisTestSettings());
  const std::string key = uniqueKeyPrefix("error") + "text";
  pool.command({"SET", key, "not a number"});

  EXPECT_THROW(pool.command({"INCR", key}), RedisError);
  EXPECT_EQ(pool.idle(), 1u);
  EXPECT_EQ(pool.command({"GET", key}).asOptionalText(), "not a number");
}

TEST(RedisClientPool, NilReplyReadsAsNothing) {
  RedisClientPool pool(redisTestSettings());

  const RedisReply reply = pool.command({"GET", uniqueKeyPrefix("nil") + "missing"});

  EXPECT_TRUE(reply.isNull());
  EXPECT_FALSE(reply.asOptionalText().has_value());
}

TEST(RedisClientPool, WrongPasswordIsUnavailable) {
  RedisSettings settings = redisTestSettings();
  settings.password = "not-the-password";
  RedisClientPool pool(settings);

  EXPECT_THROW(pool.command({"PING"}), sessions::Unavailable);
  EXPECT_NE(pool.ping().find("password"), std::string::npos);
}

TEST(RedisClientPool, ClosedPortFailsFast) {
  RedisSettings settings = redisTestSettings(500);
  {
    Poco::Net::ServerSocket probe(Poco::Net::SocketAddress("127.0.0.1", 0));
    settings.port = probe.address().port();
  }
  RedisClientPool pool(settings);

  const int64_t elapsed =
      millisecondsOf([&] { EXPECT_THROW(pool.command({"PING"}), sessions::Unavailable); });

  EXPECT_LT(elapsed, 1000);
  EXPECT_EQ(pool.errors(), 1u);
}

TEST(RedisClientPool, WaitForBusyPoolIsBounded) {
  RedisClientPool pool(redisTestSettings(200, 1));
  const std::string list = uniqueKeyPrefix("busy") + "empty-list";

  // Each call blocks its connection for longer than the read timeout allows.
  std::vector<std::thread> threads;
  std::atomic<int> unavailable{0};
  const int64_t elapsed = millisecondsOf([&] {
    for (int i = 0; i < 4; ++i) {
      threads.emplace_back([&] {
        try {
          pool.command({"BLPOP", list, "5"});
        } catch (const sessions::Unavailable&) {
          ++unavailable;
        }
      });
    }
    for (auto& thread : threads) thread.join();
  });

  EXPECT_EQ(unavailable.load(), 4);
  EXPECT_GE(pool.waits(), 1u);
  EXPECT_LT(elapsed, 1500);
  EXPECT_EQ(pool.inUse(), 0u);
}

}  // namespace
}  // namespace agora::redis
