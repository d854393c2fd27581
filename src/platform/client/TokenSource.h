// The source of the service token a role sends to other roles.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>

namespace agora::client {

/** Hands out a service token for calls to other roles. Implementations are thread-safe. */
class TokenSource {
 public:
  virtual ~TokenSource() = default;
  /**
   * Returns a service token that stays valid for a while yet. Obtains a new one when none is
   * cached or the cached one is close to expiry, and throws http::Problem (503) when it cannot.
   */
  virtual std::string token() = 0;
  /** A callee responded 401 to `token`: forget it, so the next token() obtains a fresh one. */
  virtual void rejected(const std::string& token) = 0;
};

/**
 * When a token that lives `lifetime_seconds` from `now` should be replaced: 30 seconds before
 * it expires, or a tenth of its lifetime before when that is shorter.
 */
inline int64_t renewalTime(int64_t now, int64_t lifetime_seconds) {
  int64_t margin = std::min<int64_t>(30, lifetime_seconds / 10);
  return now + std::max<int64_t>(lifetime_seconds - margin, 0);
}

}  // namespace agora::client
