// The shared bearer-token check: a verified JWT, and for users a live session of that user.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "platform/Clock.h"
#include "platform/http/Authenticator.h"
#include "platform/security/Jwt.h"
#include "platform/sessions/SessionStore.h"

namespace agora::sessions {

/** An authentication and when the session check it rests on was made. */
struct CheckedAuthentication {
  http::AuthenticationResult result;
  /** Wall-clock milliseconds since the epoch of the store lookup; 0 without a session check. */
  int64_t session_checked_at_ms = 0;
};

/**
 * Authenticates access and service tokens. A service token (role "service") needs no session.
 * A user token is accepted only while its session (`sid`) exists in the store and belongs to
 * its subject. Two things are remembered to spare work on repeated tokens:
 * - a verified token (signature and claims), keyed by the SHA-256 of the token, until its
 *   `exp` and only while the key set has not replaced a key since;
 * - a positive session check per session for a short window (at most one second), so a revoked
 *   session is rejected within that window everywhere, and at once in the process that calls
 *   forget().
 * sessions::Unavailable from the store propagates. Thread-safe.
 */
class SessionAuthenticator : public http::Authenticator {
 public:
  static constexpr int64_t kMaxCacheMilliseconds = 1000;
  static constexpr std::size_t kMaxCachedSessions = 100'000;
  static constexpr std::size_t kMaxCachedTokens = 10'000;

  /**
   * `session_check_cache_milliseconds` is clamped to 0-1000; 0 queries the store on every call.
   */
  SessionAuthenticator(std::shared_ptr<const security::TokenVerifier> verifier,
                       std::shared_ptr<SessionStore> store, Clock clock,
                       int64_t session_check_cache_milliseconds = 500);

  http::AuthenticationResult authenticate(const std::string& token) override;

  /**
   * authenticate() for the edge check: a remembered session check counts only when it was made
   * at or after `checked_since_ms` (wall-clock milliseconds since the epoch), and the result
   * tells when the check it used was made, so a caller can bound how long it may reuse it.
   */
  CheckedAuthentication authenticateCheckedSince(const std::string& token,
                                                 int64_t checked_since_ms);

  /**
   * Drops the remembered check of one session, e.g. right after logout revoked it. A check
   * already running when forget() is called may still remember it, for at most the window.
   */
  void forget(const std::string& session_id);

 private:
  struct CachedCheck {
    std::string user_id;
    std::chrono::steady_clock::time_point checked_at;
    int64_t checked_at_wall_ms = 0;
  };
  struct CachedToken {
    security::TokenClaims claims;
    uint64_t key_generation = 0;
  };

  /** The claims of `token`, from the token cache or a full verification. */
  security::VerifyResult verifyToken(const std::string& token, int64_t now);
  /** When the session check of `session_id` for `user_id` was made (wall ms), or 0. */
  int64_t recentlyChecked(const std::string& session_id, const std::string& user_id,
                          int64_t checked_since_ms);
  void remember(const std::string& session_id, CachedCheck check);

  std::shared_ptr<const security::TokenVerifier> verifier_;
  std::shared_ptr<SessionStore> store_;
  Clock clock_;
  std::chrono::milliseconds cache_window_;

  std::mutex cache_mutex_;
  std::unordered_map<std::string, CachedCheck> checked_sessions_;

  std::mutex token_mutex_;
  std::unordered_map<std::string, CachedToken> verified_tokens_;  // by SHA-256 of the token
};

}  // namespace agora::sessions
