// Token verification plus the session liveness check, with a sub-second positive cache.
#include "platform/sessions/SessionAuthenticator.h"

#include <algorithm>
#include <stdexcept>

namespace agora::sessions {

SessionAuthenticator::SessionAuthenticator(std::shared_ptr<const security::TokenVerifier> verifier,
                                           std::shared_ptr<SessionStore> store, Clock clock,
                                           int64_t session_check_cache_milliseconds)
    : verifier_(std::move(verifier)),
      store_(std::move(store)),
      clock_(std::move(clock)),
      cache_window_(
          std::clamp<int64_t>(session_check_cache_milliseconds, 0, kMaxCacheMilliseconds)) {
  if (!verifier_ || !store_ || !clock_) {
    throw std::invalid_argument(
        "SessionAuthenticator needs a token verifier, a session store "
        "and a clock");
  }
}

http::AuthenticationResult SessionAuthenticator::authenticate(const std::string& token) {
  const security::VerifyResult verified = verifier_->verify(token, clock_());
  if (!verified.ok) return {std::nullopt, "token rejected: " + verified.error};

  const security::TokenClaims& claims = verified.claims;
  http::Principal principal{claims.subject, claims.session_id, claims.roles, claims.token_id,
                            claims.expires_at};
  if (principal.isService()) {
    principal.session_id.clear();
    return {principal, ""};
  }

  if (claims.session_id.empty()) return {std::nullopt, "user token without a session"};
  if (recentlyChecked(claims.session_id, claims.subject)) return {principal, ""};

  const std::optional<SessionRecord> session = store_->find(claims.session_id);
  if (!session) return {std::nullopt, "session ended or expired"};
  if (session->user_id != claims.subject) {
    return {std::nullopt, "session belongs to another user than the token subject"};
  }
  remember(claims.session_id, claims.subject);
  return {principal, ""};
}

void SessionAuthenticator::forget(const std::string& session_id) {
  std::lock_guard lock(cache_mutex_);
  checked_sessions_.erase(session_id);
}

bool SessionAuthenticator::recentlyChecked(const std::string& session_id,
                                           const std::string& user_id) {
  if (cache_window_.count() == 0) return false;
  std::lock_guard lock(cache_mutex_);
  const auto cached = checked_sessions_.find(session_id);
  if (cached == checked_sessions_.end()) return false;
  if (std::chrono::steady_clock::now() - cached->second.checked_at >= cache_window_) {
    checked_sessions_.erase(cached);
    return false;
  }
  return cached->second.user_id == user_id;
}

void SessionAuthenticator::remember(const std::string& session_id, const std::string& user_id) {
  if (cache_window_.count() == 0) return;
  std::lock_guard lock(cache_mutex_);
  // Entries live under a second, so dropping them all when full costs only a few re-checks.
  if (checked_sessions_.size() >= kMaxCachedSessions) checked_sessions_.clear();
  checked_sessions_[session_id] = CachedCheck{user_id, std::chrono::steady_clock::now()};
}

}  // namespace agora::sessions
