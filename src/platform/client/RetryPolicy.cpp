// When a failed call to another role may be repeated, and how long to wait before it.
#include "platform/client/RetryPolicy.h"

#include <algorithm>

namespace agora::client {

AttemptFailure classifyStatus(int status) {
  return status == 502 || status == 503 || status == 504 ? AttemptFailure::kStatus
                                                         : AttemptFailure::kNone;
}

bool RetryPolicy::mayRetry(Idempotency idempotency, AttemptFailure failure, int attempts_made,
                           std::chrono::milliseconds elapsed,
                           std::chrono::milliseconds delay) const {
  if (idempotency != Idempotency::kYes) return false;
  if (failure == AttemptFailure::kNone) return false;
  if (attempts_made >= max_attempts) return false;
  return elapsed + delay < budget;
}

std::chrono::milliseconds RetryPolicy::backoff(int attempts_made, std::mt19937_64& random) const {
  int doublings = std::clamp(attempts_made - 1, 0, 20);
  int64_t ceiling = std::min<int64_t>(max_delay.count(), base_delay.count() << doublings);
  ceiling = std::max<int64_t>(ceiling, 0);
  int64_t half = ceiling / 2;
  std::uniform_int_distribution<int64_t> jitter(0, ceiling - half);
  return std::chrono::milliseconds(half + jitter(random));
}

}  // namespace agora::client
