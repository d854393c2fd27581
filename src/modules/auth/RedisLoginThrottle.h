// The login throttle shared by every replica: failure counts and lockouts in Redis.
#pragma once

#include <memory>
#include <string>

#include "modules/auth/LoginThrottle.h"
#include "platform/redis/RedisClientPool.h"

namespace agora::auth {

/**
 * Counts failures under `<prefix>login:failures:<key>`, a counter whose Redis expiry is the
 * window that the first failure starts. One Lua script increments it and sets that expiry.
 * Reaching `max_failures` replaces the counter by `<prefix>login:lockout:<key>`, which expires
 * after `lockout_seconds`. So the lockout applies on every replica and ends by itself. Time is
 * Redis's own, not the callers' clocks. Redis failures throw sessions::Unavailable.
 * Thread-safe.
 */
class RedisLoginThrottle : public LoginThrottle {
 public:
  /** Opens no connection yet. `key_prefix` (e.g. "agora:") starts every key it writes. */
  RedisLoginThrottle(std::shared_ptr<redis::RedisClientPool> pool, std::string key_prefix);

  /** Returns the lockout key's remaining lifetime, rounded up to whole seconds. */
  std::optional<int64_t> blockedFor(const std::string& key) override;
  FailureRecord recordFailure(const std::string& key, int64_t window_seconds, int max_failures,
                              int64_t lockout_seconds) override;
  void reset(const std::string& key) override;

 private:
  std::string failuresKey(const std::string& key) const;
  std::string lockoutKey(const std::string& key) const;

  std::shared_ptr<redis::RedisClientPool> pool_;
  std::string key_prefix_;
};

}  // namespace agora::auth
