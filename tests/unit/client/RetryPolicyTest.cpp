// Tests which failed calls may be repeated and how long the waits between attempts are.
#include <gtest/gtest.h>

#include "platform/client/RetryPolicy.h"

namespace agora::client {
namespace {

using std::chrono::milliseconds;

RetryPolicy policy() {
  RetryPolicy retry;
  retry.max_attempts = 3;
  retry.base_delay = milliseconds(100);
  retry.max_delay = milliseconds(1000);
  retry.budget = milliseconds(5000);
  return retry;
}

// Test that an idempotent call is repeated after a connection error.
TEST(RetryPolicy, IdempotentConnectionErrorRetries) {
  EXPECT_TRUE(policy().mayRetry(Idempotency::kYes, AttemptFailure::kConnection, 1, milliseconds(0),
                                milliseconds(100)));
}

// Test that a call that is not idempotent is never repeated.
TEST(RetryPolicy, NonIdempotentNeverRetries) {
  for (AttemptFailure failure :
       {AttemptFailure::kConnection, AttemptFailure::kTimeout, AttemptFailure::kStatus}) {
    EXPECT_FALSE(
        policy().mayRetry(Idempotency::kNo, failure, 1, milliseconds(0), milliseconds(100)));
  }
}

// Test that timeouts and 502/503/504 are repeated but other responses are not.
TEST(RetryPolicy, OnlyRetryableFailures) {
  EXPECT_TRUE(policy().mayRetry(Idempotency::kYes, AttemptFailure::kTimeout, 1, milliseconds(0),
                                milliseconds(100)));
  EXPECT_TRUE(policy().mayRetry(Idempotency::kYes, classifyStatus(503), 1, milliseconds(0),
                                milliseconds(100)));
  EXPECT_FALSE(policy().mayRetry(Idempotency::kYes, classifyStatus(500), 1, milliseconds(0),
                                 milliseconds(100)));
  EXPECT_FALSE(policy().mayRetry(Idempotency::kYes, classifyStatus(409), 1, milliseconds(0),
                                 milliseconds(100)));
}

// Test that 502, 503 and 504 are the statuses worth repeating.
TEST(RetryPolicy, ClassifiesGatewayStatuses) {
  EXPECT_EQ(classifyStatus(502), AttemptFailure::kStatus);
  EXPECT_EQ(classifyStatus(503), AttemptFailure::kStatus);
  EXPECT_EQ(classifyStatus(504), AttemptFailure::kStatus);
  EXPECT_EQ(classifyStatus(501), AttemptFailure::kNone);
  EXPECT_EQ(classifyStatus(200), AttemptFailure::kNone);
}

// Test that the number of attempts is bounded.
TEST(RetryPolicy, AttemptsAreBounded) {
  EXPECT_TRUE(policy().mayRetry(Idempotency::kYes, AttemptFailure::kConnection, 2, milliseconds(0),
                                milliseconds(100)));
  EXPECT_FALSE(policy().mayRetry(Idempotency::kYes, AttemptFailure::kConnection, 3, milliseconds(0),
                                 milliseconds(100)));
}

// Test that no retry starts when its wait would run past the budget.
TEST(RetryPolicy, BudgetBoundsTotalTime) {
  EXPECT_FALSE(policy().mayRetry(Idempotency::kYes, AttemptFailure::kTimeout, 1, milliseconds(4950),
                                 milliseconds(100)));
}

// Test that waits grow exponentially, stay within their jitter range and are capped.
TEST(RetryPolicy, BackoffGrowsWithJitter) {
  std::mt19937_64 random(7);
  RetryPolicy retry = policy();
  for (int round = 0; round < 200; ++round) {
    milliseconds first = retry.backoff(1, random);
    milliseconds second = retry.backoff(2, random);
    milliseconds late = retry.backoff(10, random);
    ASSERT_GE(first.count(), 50);
    ASSERT_LE(first.count(), 100);
    ASSERT_GE(second.count(), 100);
    ASSERT_LE(second.count(), 200);
    ASSERT_GE(late.count(), 500);
    ASSERT_LE(late.count(), 1000);
  }
}

// Test that the jitter actually varies the waits.
TEST(RetryPolicy, BackoffVaries) {
  std::mt19937_64 random(11);
  RetryPolicy retry = policy();
  milliseconds first = retry.backoff(3, random);
  bool varied = false;
  for (int round = 0; round < 50 && !varied; ++round) varied = retry.backoff(3, random) != first;
  EXPECT_TRUE(varied);
}

}  // namespace
}  // namespace agora::client
