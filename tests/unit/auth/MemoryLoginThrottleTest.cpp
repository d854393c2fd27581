// Tests of the in-process login throttle: counting windows, bounded lockouts and resets.
#include <gtest/gtest.h>

#include <atomic>

#include "modules/auth/MemoryLoginThrottle.h"

namespace agora::auth {
namespace {

class MemoryLoginThrottleTest : public ::testing::Test {
 protected:
  std::atomic<int64_t> now{1'000'000};
  MemoryLoginThrottle throttle{[this] { return now.load(); }};

  void fail(const std::string& key, int times) {
    for (int i = 0; i < times; ++i) throttle.recordFailure(key, 900, 5, 300);
  }
};

TEST_F(MemoryLoginThrottleTest, UnknownKeyIsNotBlocked) {
  EXPECT_FALSE(throttle.blockedFor("account:x").has_value());
}

TEST_F(MemoryLoginThrottleTest, LocksAtMaxFailures) {
  fail("account:x", 4);
  EXPECT_FALSE(throttle.blockedFor("account:x").has_value());
  fail("account:x", 1);
  EXPECT_EQ(throttle.blockedFor("account:x"), 300);
}

// Test that each failure reports whether it counted, started the lockout, or met one.
TEST_F(MemoryLoginThrottleTest, RecordFailureReportsWhatItDid) {
  fail("account:x", 4);
  EXPECT_EQ(throttle.recordFailure("account:x", 900, 5, 300), FailureRecord::kLockStarted);
  EXPECT_EQ(throttle.recordFailure("account:x", 900, 5, 300), FailureRecord::kAlreadyLocked);
  EXPECT_EQ(throttle.recordFailure("account:y", 900, 5, 300), FailureRecord::kCounted);
}

TEST_F(MemoryLoginThrottleTest, LockoutEndsAfterItsDuration) {
  fail("account:x", 5);
  now += 299;
  EXPECT_EQ(throttle.blockedFor("account:x"), 1);
  now += 1;
  EXPECT_FALSE(throttle.blockedFor("account:x").has_value());
}

TEST_F(MemoryLoginThrottleTest, FailuresWhileLockedDoNotExtend) {
  fail("account:x", 5);
  now += 100;
  fail("account:x", 20);
  EXPECT_EQ(throttle.blockedFor("account:x"), 200);
}

TEST_F(MemoryLoginThrottleTest, WindowExpiryStartsCountAfresh) {
  fail("account:x", 4);
  now += 900;
  fail("account:x", 4);
  EXPECT_FALSE(throttle.blockedFor("account:x").has_value());
}

TEST_F(MemoryLoginThrottleTest, ResetClearsFailuresAndLockout) {
  fail("account:x", 5);
  throttle.reset("account:x");
  EXPECT_FALSE(throttle.blockedFor("account:x").has_value());
}

TEST_F(MemoryLoginThrottleTest, KeysAreIndependent) {
  fail("account:x", 5);
  EXPECT_FALSE(throttle.blockedFor("account:y").has_value());
}

TEST(MemoryLoginThrottleBounds, FullTableKeepsLockouts) {
  int64_t now = 1'000;
  MemoryLoginThrottle throttle([&now] { return now; }, 3);
  for (int i = 0; i < 5; ++i) throttle.recordFailure("ip:locked", 900, 5, 300);
  for (int i = 0; i < 10; ++i) throttle.recordFailure("ip:" + std::to_string(i), 900, 5, 300);
  EXPECT_EQ(throttle.blockedFor("ip:locked"), 300);
}

}  // namespace
}  // namespace agora::auth
