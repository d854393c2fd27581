// A circuit breaker: stops calling another role that keeps failing, and probes it now and then.
#include "platform/client/CircuitBreaker.h"

#include <algorithm>

namespace agora::client {

CircuitBreaker::CircuitBreaker(int failure_threshold, std::chrono::milliseconds cooldown,
                               TimeSource now)
    : failure_threshold_(std::max(failure_threshold, 1)),
      cooldown_(cooldown),
      now_(std::move(now)) {}

bool CircuitBreaker::allowCall() {
  std::lock_guard lock(mutex_);
  const auto now = now_();
  switch (state_) {
    case BreakerState::kClosed:
      return true;
    case BreakerState::kOpen:
      if (now - opened_at_ < cooldown_) return false;
      state_ = BreakerState::kHalfOpen;
      probe_started_at_ = now;
      return true;
    case BreakerState::kHalfOpen:
      // One probe at a time, unless the last one has not reported for a whole cool-down.
      if (now - probe_started_at_ < cooldown_) return false;
      probe_started_at_ = now;
      return true;
  }
  return false;
}

void CircuitBreaker::recordSuccess() {
  std::lock_guard lock(mutex_);
  state_ = BreakerState::kClosed;
  consecutive_failures_ = 0;
}

void CircuitBreaker::recordFailure() {
  std::lock_guard lock(mutex_);
  const auto now = now_();
  switch (state_) {
    case BreakerState::kClosed:
      if (++consecutive_failures_ >= failure_threshold_) open(now);
      break;
    case BreakerState::kHalfOpen:
      open(now);
      break;
    case BreakerState::kOpen:
      // A call that started before the breaker opened; the cool-down already runs.
      break;
  }
}

BreakerState CircuitBreaker::state() const {
  std::lock_guard lock(mutex_);
  return state_;
}

void CircuitBreaker::open(std::chrono::steady_clock::time_point now) {
  state_ = BreakerState::kOpen;
  opened_at_ = now;
  consecutive_failures_ = 0;
}

}  // namespace agora::client
