// The Redis login throttle: windows, lockouts and resets shared by two replicas.
#include <gtest/gtest.h>

#include <thread>

#include "RedisTestSupport.h"
#include "modules/auth/RedisLoginThrottle.h"

namespace agora::auth {
namespace {

using agora::testing::redisTestSettings;
using agora::testing::uniqueKeyPrefix;

class RedisLoginThrottleTest : public ::testing::Test {
 protected:
  std::shared_ptr<RedisLoginThrottle> replica() {
    return std::make_shared<RedisLoginThrottle>(
        std::make_shared<redis::RedisClientPool>(redisTestSettings()), prefix_);
  }

  const std::string prefix_ = uniqueKeyPrefix("throttle");
  const std::string key_ = "account:3f9a";
};

TEST_F(RedisLoginThrottleTest, LockoutSharedByReplicas) {
  auto first = replica();
  auto second = replica();
  first->recordFailure(key_, 60, 3, 120);
  second->recordFailure(key_, 60, 3, 120);
  EXPECT_FALSE(first->blockedFor(key_).has_value());

  first->recordFailure(key_, 60, 3, 120);

  ASSERT_TRUE(second->blockedFor(key_).has_value());
  EXPECT_EQ(*second->blockedFor(key_), 120);
}

// Test that each failure reports whether it counted, started the lockout, or met one.
TEST_F(RedisLoginThrottleTest, RecordFailureReportsWhatItDid) {
  auto throttle = replica();
  EXPECT_EQ(throttle->recordFailure(key_, 60, 2, 120), FailureRecord::kCounted);
  EXPECT_EQ(throttle->recordFailure(key_, 60, 2, 120), FailureRecord::kLockStarted);
  EXPECT_EQ(throttle->recordFailure(key_, 60, 2, 120), FailureRecord::kAlreadyLocked);
}

TEST_F(RedisLoginThrottleTest, OtherKeysStayOpen) {
  auto throttle = replica();
  for (int i = 0; i < 3; ++i) throttle->recordFailure(key_, 60, 3, 120);

  EXPECT_FALSE(throttle->blockedFor("account:other").has_value());
}

TEST_F(RedisLoginThrottleTest, ResetOnOneReplicaLiftsLockout) {
  auto first = replica();
  auto second = replica();
  for (int i = 0; i < 3; ++i) first->recordFailure(key_, 60, 3, 120);
  ASSERT_TRUE(first->blockedFor(key_).has_value());

  second->reset(key_);

  EXPECT_FALSE(first->blockedFor(key_).has_value());
}

TEST_F(RedisLoginThrottleTest, LockoutEndsByItself) {
  auto throttle = replica();
  for (int i = 0; i < 2; ++i) throttle->recordFailure(key_, 60, 2, 1);
  ASSERT_EQ(throttle->blockedFor(key_).value_or(0), 1);

  std::this_thread::sleep_for(std::chrono::milliseconds(1100));

  EXPECT_FALSE(throttle->blockedFor(key_).has_value());
}

TEST_F(RedisLoginThrottleTest, FailuresDuringLockoutDoNotExtendIt) {
  auto throttle = replica();
  for (int i = 0; i < 2; ++i) throttle->recordFailure(key_, 60, 2, 2);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));

  throttle->recordFailure(key_, 60, 2, 2);
  throttle->recordFailure(key_, 60, 2, 2);

  EXPECT_EQ(throttle->blockedFor(key_).value_or(0), 1);
}

TEST_F(RedisLoginThrottleTest, WindowEndRestartsCount) {
  auto throttle = replica();
  throttle->recordFailure(key_, 1, 2, 60);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));

  throttle->recordFailure(key_, 1, 2, 60);

  EXPECT_FALSE(throttle->blockedFor(key_).has_value());
}

}  // namespace
}  // namespace agora::auth
