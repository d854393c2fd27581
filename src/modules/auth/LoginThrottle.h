// Login throttling: counts failed logins per account and per client address and locks them out.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace agora::auth {

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
  /** Counts one failure and locks the key when it reaches `max_failures` within the window. */
  virtual void recordFailure(const std::string& key, int64_t window_seconds, int max_failures,
                             int64_t lockout_seconds) = 0;
  /** Forgets the key's failures and lockout (after a successful login). */
  virtual void reset(const std::string& key) = 0;
};

}  // namespace agora::auth
