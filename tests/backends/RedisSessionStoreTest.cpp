// The Redis session store against a real Redis: the shared contract, expiry, replicas, rotation.
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <thread>
#include <vector>

#include "RedisTestSupport.h"
#include "platform/sessions/RedisSessionStore.h"
#include "unit/sessions/SessionStoreContract.h"

namespace agora::sessions::testing {
namespace {

using agora::testing::PlainRedis;
using agora::testing::redisTestSettings;
using agora::testing::uniqueKeyPrefix;

/** Builds Redis stores for the contract suite, each under a key prefix of its own. */
struct RedisStoreFactory {
  static std::shared_ptr<SessionStore> make(SessionLimits limits, Clock clock) {
    return std::make_shared<RedisSessionStore>(
        std::make_shared<redis::RedisClientPool>(redisTestSettings()), uniqueKeyPrefix("contract"),
        freshCodec(), limits, std::move(clock));
  }
  static std::optional<std::string> rawRecord(SessionStore& store, const std::string& id) {
    return PlainRedis().get(dynamic_cast<RedisSessionStore&>(store).sessionKey(id));
  }
};

INSTANTIATE_TYPED_TEST_SUITE_P(Redis, SessionStoreContract, RedisStoreFactory);

/** A store on the real clock; stores made with the same prefix and ring act as replicas. */
std::shared_ptr<RedisSessionStore> replica(const std::string& prefix,
                                           std::shared_ptr<const security::KeyRing> ring,
                                           SessionLimits limits = {}) {
  return std::make_shared<RedisSessionStore>(
      std::make_shared<redis::RedisClientPool>(redisTestSettings()), prefix,
      std::make_shared<const SessionCodec>(std::move(ring)), limits, systemClock());
}

TEST(RedisSessionStore, RecordExpiresAtIdleTimeout) {
  auto store = replica(uniqueKeyPrefix("ttl"), freshKeyRing(), SessionLimits{1800, 7 * 86400});
  store->create(sampleSession("s1", "u1", systemNowSeconds()));

  const int64_t ttl = PlainRedis().pttl(store->sessionKey("s1"));

  EXPECT_GT(ttl, 0);
  EXPECT_LE(ttl, 1800 * 1000);
}

TEST(RedisSessionStore, IndexOutlivesItsRecords) {
  auto store = replica(uniqueKeyPrefix("index"), freshKeyRing(), SessionLimits{1800, 7 * 86400});
  store->create(sampleSession("s1", "u1", systemNowSeconds()));
  PlainRedis plain;

  EXPECT_GE(plain.pttl(store->indexKey("u1")), plain.pttl(store->sessionKey("s1")));
}

TEST(RedisSessionStore, ShortIdleRecordDisappears) {
  auto store = replica(uniqueKeyPrefix("idle"), freshKeyRing(), SessionLimits{1, 3600});
  store->create(sampleSession("s1", "u1", systemNowSeconds()));
  PlainRedis plain;
  ASSERT_TRUE(plain.get(store->sessionKey("s1")).has_value());

  // Redis drops the key by itself within its one-second lifetime, plus scheduling slack.
  std::optional<std::string> raw = plain.get(store->sessionKey("s1"));
  for (int waited = 0; raw && waited < 30; ++waited) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    raw = plain.get(store->sessionKey("s1"));
  }
  EXPECT_FALSE(raw.has_value());
}

TEST(RedisSessionStore, ReplicasShareSessions) {
  const std::string prefix = uniqueKeyPrefix("share");
  auto ring = freshKeyRing();
  auto first = replica(prefix, ring);
  auto second = replica(prefix, ring);
  first->create(sampleSession("s1", "u1", systemNowSeconds()));

  ASSERT_TRUE(second->find("s1").has_value());
  EXPECT_TRUE(second->remove("s1"));
  EXPECT_FALSE(first->find("s1").has_value());
}

TEST(RedisSessionStore, RotatedKeyStillOpensOldRecords) {
  const std::string prefix = uniqueKeyPrefix("rotation");
  const std::string old_key(32, 'o');
  const std::string new_key(32, 'n');
  auto before = replica(prefix, std::make_shared<const security::KeyRing>(
                                    "k1", std::map<std::string, std::string>{{"k1", old_key}}));
  auto after = replica(
      prefix, std::make_shared<const security::KeyRing>(
                  "k2", std::map<std::string, std::string>{{"k1", old_key}, {"k2", new_key}}));
  before->create(sampleSession("s1", "u1", systemNowSeconds()));

  const auto updated = after->update("s1", [](SessionRecord& record) {
    record.refresh_hash = "step-1";
    return UpdateDecision::kWrite;
  });

  ASSERT_TRUE(updated.has_value());
  EXPECT_EQ(PlainRedis().get(after->sessionKey("s1"))->rfind("v1.k2.", 0), 0u);
  EXPECT_EQ(after->find("s1")->refresh_hash, "step-1");
}

TEST(RedisSessionStore, UpdateRetriesAfterWriteOnOtherReplica) {
  const std::string prefix = uniqueKeyPrefix("retry");
  auto ring = freshKeyRing();
  auto first = replica(prefix, ring);
  auto second = replica(prefix, ring);
  first->create(sampleSession("s1", "u1", systemNowSeconds()));

  // The other replica writes between this update's read and its write, once.
  int calls = 0;
  const auto updated = first->update("s1", [&](SessionRecord& record) {
    if (++calls == 1) {
      second->update("s1", [](SessionRecord& other) {
        other.ip = "198.51.100.7";
        return UpdateDecision::kWrite;
      });
    }
    record.refresh_hash = "step-1";
    return UpdateDecision::kWrite;
  });

  EXPECT_EQ(calls, 2);
  ASSERT_TRUE(updated.has_value());
  EXPECT_EQ(first->find("s1")->ip, "198.51.100.7");
  EXPECT_EQ(first->find("s1")->refresh_hash, "step-1");
}

TEST(RedisSessionStore, UpdateGivesUpUnderEndlessContention) {
  const std::string prefix = uniqueKeyPrefix("contention");
  auto ring = freshKeyRing();
  auto first = replica(prefix, ring);
  auto second = replica(prefix, ring);
  first->create(sampleSession("s1", "u1", systemNowSeconds()));

  int calls = 0;
  EXPECT_THROW(first->update("s1",
                             [&](SessionRecord& record) {
                               ++calls;
                               second->update("s1", [](SessionRecord& other) {
                                 ++other.rotated_at;
                                 return UpdateDecision::kWrite;
                               });
                               record.refresh_hash = "never stored";
                               return UpdateDecision::kWrite;
                             }),
               Unavailable);
  EXPECT_EQ(calls, RedisSessionStore::kMaxUpdateAttempts);
  EXPECT_EQ(first->find("s1")->refresh_hash, "step-0");
}

TEST(RedisSessionStore, TwoReplicasRotateOncePerStep) {
  constexpr int kSteps = 100;
  const std::string prefix = uniqueKeyPrefix("replicas");
  auto ring = freshKeyRing();
  std::array<std::shared_ptr<RedisSessionStore>, 2> replicas = {replica(prefix, ring),
                                                                replica(prefix, ring)};
  replicas[0]->create(sampleSession("s1", "u1", systemNowSeconds()));
  std::array<std::atomic<int>, kSteps> winners{};

  // Eight threads per replica race to rotate the step each of them last saw.
  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&, store = replicas[t % 2]] {
      for (;;) {
        const auto seen = store->find("s1");
        if (!seen || seen->refresh_hash == "step-" + std::to_string(kSteps)) return;
        const int step = std::stoi(seen->refresh_hash.substr(5));
        bool won = false;
        store->update("s1", [&](SessionRecord& record) {
          won = record.refresh_hash == seen->refresh_hash;
          if (!won) return UpdateDecision::kKeep;
          record.refresh_hash = "step-" + std::to_string(step + 1);
          return UpdateDecision::kWrite;
        });
        if (won) ++winners[step];
      }
    });
  }
  for (auto& thread : threads) thread.join();

  int steps_with_one_winner = 0;
  for (const auto& count : winners) steps_with_one_winner += count.load() == 1 ? 1 : 0;
  EXPECT_EQ(steps_with_one_winner, kSteps);
  EXPECT_EQ(replicas[1]->find("s1")->refresh_hash, "step-" + std::to_string(kSteps));
}

TEST(RedisSessionStore, RemoveAllSpansReplicas) {
  const std::string prefix = uniqueKeyPrefix("remove-all");
  auto ring = freshKeyRing();
  auto first = replica(prefix, ring);
  auto second = replica(prefix, ring);
  const int64_t now = systemNowSeconds();
  first->create(sampleSession("s1", "u1", now));
  second->create(sampleSession("s2", "u1", now));
  second->create(sampleSession("s3", "u1", now));

  EXPECT_EQ(first->removeAllForUser("u1", "s3"), 2);
  ASSERT_EQ(second->listForUser("u1").size(), 1u);
  EXPECT_EQ(second->listForUser("u1")[0].id, "s3");
}

}  // namespace
}  // namespace agora::sessions::testing
