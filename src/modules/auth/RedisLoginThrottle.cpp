// Login failure windows and lockouts as expiring Redis keys.
#include "modules/auth/RedisLoginThrottle.h"

#include <stdexcept>

namespace agora::auth {

namespace {

// KEYS: failures, lockout. ARGV: window ms, max failures, lockout ms.
// Returns 1 when this failure started a lockout, -1 when the key was locked already, else 0.
const redis::RedisScript& recordFailureScript() {
  static const redis::RedisScript script(R"lua(
if redis.call('EXISTS', KEYS[2]) == 1 then return -1 end
local failures = redis.call('INCR', KEYS[1])
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
if failures >= tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
)lua");
  return script;
}

}  // namespace

RedisLoginThrottle::RedisLoginThrottle(std::shared_ptr<redis::RedisClientPool> pool,
                                       std::string key_prefix)
    : pool_(std::move(pool)), key_prefix_(std::move(key_prefix)) {
  if (!pool_) throw std::invalid_argument("RedisLoginThrottle needs a Redis pool, got none");
}

std::optional<int64_t> RedisLoginThrottle::blockedFor(const std::string& key) {
  // PTTL is -2 for a missing key; a lockout is always written with an expiry.
  const int64_t remaining = pool_->command({"PTTL", lockoutKey(key)}).asInteger();
  if (remaining <= 0) return std::nullopt;
  return (remaining + 999) / 1000;
}

FailureRecord RedisLoginThrottle::recordFailure(const std::string& key, int64_t window_seconds,
                                                int max_failures, int64_t lockout_seconds) {
  if (window_seconds < 1 || max_failures < 1 || lockout_seconds < 1) {
    throw std::invalid_argument("invalid login throttle limit: window " +
                                std::to_string(window_seconds) + " s, " +
                                std::to_string(max_failures) + " failures, lockout " +
                                std::to_string(lockout_seconds) + " s must all be 1 or more");
  }
  const int64_t outcome =
      pool_
          ->run(recordFailureScript(), {failuresKey(key), lockoutKey(key)},
                {std::to_string(window_seconds * 1000), std::to_string(max_failures),
                 std::to_string(lockout_seconds * 1000)})
          .asInteger();
  if (outcome < 0) return FailureRecord::kAlreadyLocked;
  return outcome == 1 ? FailureRecord::kLockStarted : FailureRecord::kCounted;
}

void RedisLoginThrottle::reset(const std::string& key) {
  pool_->command({"DEL", failuresKey(key), lockoutKey(key)});
}

std::string RedisLoginThrottle::failuresKey(const std::string& key) const {
  return key_prefix_ + "login:failures:" + key;
}

std::string RedisLoginThrottle::lockoutKey(const std::string& key) const {
  return key_prefix_ + "login:lockout:" + key;
}

}  // namespace agora::auth
