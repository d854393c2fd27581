// Login throttling: counts failed logins per account and per client address and locks them out.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace agora::auth {

/** The outcome of LoginThrottle::recordFailure for one failure. */
enum class FailureRecord {
  kCounted,       // counted; the key is not locked
  kLockStarted,   // counted, and it reached the limit: the key is locked from now on
  kAlreadyLocked  // not counted, because the key was locked already
};

/**
 * A record of failed logins by key ("account:<email key digest>" or "ip:<client ip>").
 * Failures count in a fixed window that starts at the first failure. Reaching `max_failures`
 * inside it locks the key for `lockout_seconds`, after which counting starts afresh. A lockout
 * is always bounded, so nobody can keep an account locked except by failing again.
 * Thread-safe.
 */
class LoginThrottle {
 public:
  virtual ~LoginThrottle() = default;
  /** Seconds left of the key's lockout (at least 1), or nullopt when it may try again. */
  virtual std::optional<int64_t> blockedFor(const std::string& key) = 0;
  /**
   * Counts one failure and locks the key when it reaches `max_failures` within the window. A key
   * already locked counts nothing, so its lockout never grows.
   */
  virtual FailureRecord recordFailure(const std::string& key, int64_t window_seconds,
                                      int max_failures, int64_t lockout_seconds) = 0;
  /** Forgets the key's failures and lockout (after a successful login). */
  virtual void reset(const std::string& key) = 0;
};

}  // namespace agora::auth
