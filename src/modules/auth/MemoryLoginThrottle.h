// The in-process login throttle, for a single process or when no shared backend is configured.
#pragma once

#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

#include "modules/auth/LoginThrottle.h"
#include "platform/Clock.h"

namespace agora::auth {

/**
 * A throttle that keeps its counters in memory. Entries whose window and lockout have both
 * passed are dropped. The table holds at most `max_keys` entries, so a flood of distinct keys
 * cannot exhaust memory. When it is full, expired entries go first, then the oldest windows.
 */
class MemoryLoginThrottle : public LoginThrottle {
 public:
  explicit MemoryLoginThrottle(Clock clock, std::size_t max_keys = 100000);

  std::optional<int64_t> blockedFor(const std::string& key) override;
  FailureRecord recordFailure(const std::string& key, int64_t window_seconds, int max_failures,
                              int64_t lockout_seconds) override;
  void reset(const std::string& key) override;

 private:
  struct Entry {
    int64_t window_ends_at = 0;
    int failures = 0;
    int64_t locked_until = 0;
  };

  void makeRoom(int64_t now);

  Clock clock_;
  std::size_t max_keys_;
  std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace agora::auth
