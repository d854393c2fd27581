// A circuit breaker: stops calling another role that keeps failing, and probes it now and then.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>

namespace agora::client {

/** The states of a breaker; the values are what the circuit-state gauge reports. */
enum class BreakerState { kClosed = 0, kOpen = 1, kHalfOpen = 2 };

/**
 * Closed: calls go out and consecutive failures are counted; `failure_threshold` of them open
 * the breaker. Open: calls fail fast until `cooldown` has passed. Then half-open: exactly one
 * call goes out as a probe; its success closes the breaker, its failure opens it for another
 * cool-down. A probe that reports nothing within a cool-down is given up, so a lost probe
 * cannot keep the breaker half-open for ever. Thread-safe.
 */
class CircuitBreaker {
 public:
  using TimeSource = std::function<std::chrono::steady_clock::time_point()>;

  /** `failure_threshold` below 1 counts as 1. `now` is replaceable for tests. */
  CircuitBreaker(int failure_threshold, std::chrono::milliseconds cooldown,
                 TimeSource now = std::chrono::steady_clock::now);

  /**
   * Whether a call may go out now. Every call that was allowed must report recordSuccess()
   * or recordFailure() once.
   */
  bool allowCall();
  /** The call reached the other role and got a usable response. */
  void recordSuccess();
  /** The call failed: no connection, a timeout or a 5xx response. */
  void recordFailure();

  BreakerState state() const;

 private:
  void open(std::chrono::steady_clock::time_point now);

  const int failure_threshold_;
  const std::chrono::milliseconds cooldown_;
  const TimeSource now_;

  mutable std::mutex mutex_;
  BreakerState state_ = BreakerState::kClosed;
  int consecutive_failures_ = 0;
  std::chrono::steady_clock::time_point opened_at_{};
  std::chrono::steady_clock::time_point probe_started_at_{};
};

}  // namespace agora::client
