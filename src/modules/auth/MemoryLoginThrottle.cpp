// The in-process login throttle, for a single process or when no shared backend is configured.
#include "modules/auth/MemoryLoginThrottle.h"

#include <algorithm>
#include <utility>

namespace agora::auth {

MemoryLoginThrottle::MemoryLoginThrottle(Clock clock, std::size_t max_keys)
    : clock_(std::move(clock)), max_keys_(std::max<std::size_t>(max_keys, 1)) {}

std::optional<int64_t> MemoryLoginThrottle::blockedFor(const std::string& key) {
  const int64_t now = clock_();
  std::lock_guard lock(mutex_);
  auto found = entries_.find(key);
  if (found == entries_.end() || found->second.locked_until <= now) return std::nullopt;
  return found->second.locked_until - now;
}

FailureRecord MemoryLoginThrottle::recordFailure(const std::string& key, int64_t window_seconds,
                                                 int max_failures, int64_t lockout_seconds) {
  const int64_t now = clock_();
  std::lock_guard lock(mutex_);
  auto found = entries_.find(key);
  if (found == entries_.end()) {
    if (entries_.size() >= max_keys_) makeRoom(now);
    found = entries_.emplace(key, Entry{}).first;
  }
  Entry& entry = found->second;

  if (entry.locked_until > now) return FailureRecord::kAlreadyLocked;  // it must not grow
  if (entry.window_ends_at <= now) {
    entry.window_ends_at = now + window_seconds;
    entry.failures = 0;
  }
  entry.failures += 1;
  if (entry.failures >= max_failures) {
    entry.locked_until = now + lockout_seconds;
    entry.failures = 0;
    entry.window_ends_at = 0;
    return FailureRecord::kLockStarted;
  }
  return FailureRecord::kCounted;
}

void MemoryLoginThrottle::reset(const std::string& key) {
  std::lock_guard lock(mutex_);
  entries_.erase(key);
}

void MemoryLoginThrottle::makeRoom(int64_t now) {
  std::erase_if(entries_, [now](const auto& item) {
    return item.second.window_ends_at <= now && item.second.locked_until <= now;
  });
  if (entries_.size() < max_keys_) return;

  // Still full of live entries: drop the one whose window ends first, keeping lockouts.
  auto oldest = entries_.end();
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->second.locked_until > now) continue;
    if (oldest == entries_.end() || it->second.window_ends_at < oldest->second.window_ends_at) {
      oldest = it;
    }
  }
  if (oldest == entries_.end()) oldest = entries_.begin();
  entries_.erase(oldest);
}

}  // namespace agora::auth
