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

/**
 * Authenticates access and service tokens. A service token (role "service") needs no session.
 * A user token is accepted only while its session (`sid`) exists in the store and belongs to
 * its subject. A positive session check is remembered per session for a short window (at most
 * one second), so a revoked session is rejected within that window everywhere, and at once in
 * the process that calls forget(). sessions::Unavailable from the store propagates.
 * Thread-safe.
 */
class SessionAuthenticator : public http::Authenticator {
 public:
  static constexpr int64_t kMaxCacheMilliseconds = 1000;
  static constexpr std::size_t kMaxCachedSessions = 100'000;

  /**
   * `session_check_cache_milliseconds` is clamped to 0-1000; 0 queries the store on every call.
   */
  SessionAuthenticator(std::shared_ptr<const security::TokenVerifier> verifier,
                       std::shared_ptr<SessionStore> store, Clock clock,
                       int64_t session_check_cache_milliseconds = 500);

  http::AuthenticationResult authenticate(const std::string& token) override;

  /**
   * Drops the remembered check of one session, e.g. right after logout revoked it. A check
   * already running when forget() is called may still remember it, for at most the window.
   */
  void forget(const std::string& session_id);

 private:
  struct CachedCheck {
    std::string user_id;
    std::chrono::steady_clock::time_point checked_at;
  };

  bool recentlyChecked(const std::string& session_id, const std::string& user_id);
  void remember(const std::string& session_id, const std::string& user_id);

  std::shared_ptr<const security::TokenVerifier> verifier_;
  std::shared_ptr<SessionStore> store_;
  Clock clock_;
  std::chrono::milliseconds cache_window_;

  std::mutex cache_mutex_;
  std::unordered_map<std::string, CachedCheck> checked_sessions_;
};

}  // namespace agora::sessions
