// Tests the circuit breaker's states with a clock the test moves.
#include <gtest/gtest.h>

#include "platform/client/CircuitBreaker.h"

namespace agora::client {
namespace {

using std::chrono::milliseconds;

class CircuitBreakerTest : public ::testing::Test {
 protected:
  CircuitBreaker breaker_{3, milliseconds(1000), [this] { return now_; }};
  std::chrono::steady_clock::time_point now_{};

  void failTimes(int count) {
    for (int i = 0; i < count; ++i) {
      ASSERT_TRUE(breaker_.allowCall());
      breaker_.recordFailure();
    }
  }
};

// Test that fewer failures than the threshold keep the breaker closed.
TEST_F(CircuitBreakerTest, StaysClosedBelowThreshold) {
  failTimes(2);
  EXPECT_EQ(breaker_.state(), BreakerState::kClosed);
  EXPECT_TRUE(breaker_.allowCall());
}

// Test that a success in between resets the count of consecutive failures.
TEST_F(CircuitBreakerTest, SuccessResetsFailureCount) {
  failTimes(2);
  ASSERT_TRUE(breaker_.allowCall());
  breaker_.recordSuccess();
  failTimes(2);
  EXPECT_EQ(breaker_.state(), BreakerState::kClosed);
}

// Test that the threshold opens the breaker and calls then fail fast.
TEST_F(CircuitBreakerTest, OpensAndFailsFast) {
  failTimes(3);
  EXPECT_EQ(breaker_.state(), BreakerState::kOpen);
  EXPECT_FALSE(breaker_.allowCall());
  now_ += milliseconds(999);
  EXPECT_FALSE(breaker_.allowCall());
}

// Test that after the cool-down exactly one probe goes out.
TEST_F(CircuitBreakerTest, HalfOpenAllowsOneProbe) {
  failTimes(3);
  now_ += milliseconds(1000);
  EXPECT_TRUE(breaker_.allowCall());
  EXPECT_EQ(breaker_.state(), BreakerState::kHalfOpen);
  EXPECT_FALSE(breaker_.allowCall());
}

// Test that a successful probe closes the breaker.
TEST_F(CircuitBreakerTest, ProbeSuccessCloses) {
  failTimes(3);
  now_ += milliseconds(1000);
  ASSERT_TRUE(breaker_.allowCall());
  breaker_.recordSuccess();
  EXPECT_EQ(breaker_.state(), BreakerState::kClosed);
  EXPECT_TRUE(breaker_.allowCall());
}

// Test that a failed probe opens the breaker for another cool-down.
TEST_F(CircuitBreakerTest, ProbeFailureReopens) {
  failTimes(3);
  now_ += milliseconds(1000);
  ASSERT_TRUE(breaker_.allowCall());
  breaker_.recordFailure();
  EXPECT_EQ(breaker_.state(), BreakerState::kOpen);
  now_ += milliseconds(500);
  EXPECT_FALSE(breaker_.allowCall());
  now_ += milliseconds(500);
  EXPECT_TRUE(breaker_.allowCall());
}

// Test that a probe that never reports is replaced after a cool-down.
TEST_F(CircuitBreakerTest, LostProbeIsReplaced) {
  failTimes(3);
  now_ += milliseconds(1000);
  ASSERT_TRUE(breaker_.allowCall());
  now_ += milliseconds(1000);
  EXPECT_TRUE(breaker_.allowCall());
}

// Test that the states map to the gauge values 0, 1 and 2.
TEST(CircuitBreakerStates, GaugeValues) {
  EXPECT_EQ(static_cast<int>(BreakerState::kClosed), 0);
  EXPECT_EQ(static_cast<int>(BreakerState::kOpen), 1);
  EXPECT_EQ(static_cast<int>(BreakerState::kHalfOpen), 2);
}

}  // namespace
}  // namespace agora::client
