// Token verification plus the session liveness check, with a sub-second positive cache.
#include "platform/sessions/SessionAuthenticator.h"

#include <algorithm>
#include <stdexcept>

#include "platform/security/Digest.h"

namespace agora::sessions {
namespace {

int64_t wallNowMilliseconds() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

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
  return authenticateCheckedSince(token, 0).result;
}

CheckedAuthentication SessionAuthenticator::authenticateCheckedSince(const std::string& token,
                                                                     int64_t checked_since_ms) {
  const security::VerifyResult verified = verifyToken(token, clock_());
  if (!verified.ok) return {{std::nullopt, "token rejected: " + verified.error}, 0};

  const security::TokenClaims& claims = verified.claims;
  http::Principal principal{claims.subject, claims.session_id, claims.roles, claims.token_id,
                            claims.expires_at};
  if (principal.isService()) {
    principal.session_id.clear();
    return {{principal, ""}, 0};
  }

  if (claims.session_id.empty()) return {{std::nullopt, "user token without a session"}, 0};
  const int64_t cached_at = recentlyChecked(claims.session_id, claims.subject, checked_since_ms);
  if (cached_at != 0) return {{principal, ""}, cached_at};

  // The check counts from before the lookup, because the store may return what it held then.
  const auto looked_up_at = std::chrono::steady_clock::now();
  const int64_t looked_up_at_wall_ms = wallNowMilliseconds();
  const std::optional<SessionRecord> session = store_->find(claims.session_id);
  if (!session) return {{std::nullopt, "session ended or expired"}, 0};
  if (session->user_id != claims.subject) {
    return {{std::nullopt, "session belongs to another user than the token subject"}, 0};
  }
  remember(claims.session_id, CachedCheck{claims.subject, looked_up_at, looked_up_at_wall_ms});
  return {{principal, ""}, looked_up_at_wall_ms};
}

void SessionAuthenticator::forget(const std::string& session_id) {
  std::lock_guard lock(cache_mutex_);
  checked_sessions_.erase(session_id);
}

security::VerifyResult SessionAuthenticator::verifyToken(const std::string& token, int64_t now) {
  // Tokens are only looked up by their digest, so the cache holds none of them.
  const std::string digest = security::sha256(token);
  const uint64_t generation = verifier_->keyGeneration();
  {
    std::lock_guard lock(token_mutex_);
    const auto cached = verified_tokens_.find(digest);
    if (cached != verified_tokens_.end()) {
      if (now < cached->second.claims.expires_at && cached->second.key_generation == generation) {
        return {true, "", cached->second.claims};
      }
      verified_tokens_.erase(cached);
    }
  }

  security::VerifyResult verified = verifier_->verify(token, now);
  // A token inside the leeway past `exp` is checked afresh every time, never remembered.
  if (verified.ok && now < verified.claims.expires_at) {
    std::lock_guard lock(token_mutex_);
    // Dropping every entry when full costs one verification per token in use, no more.
    if (verified_tokens_.size() >= kMaxCachedTokens) verified_tokens_.clear();
    verified_tokens_[digest] = CachedToken{verified.claims, generation};
  }
  return verified;
}

int64_t SessionAuthenticator::recentlyChecked(const std::string& session_id,
                                              const std::string& user_id,
                                              int64_t checked_since_ms) {
  if (cache_window_.count() == 0) return 0;
  std::lock_guard lock(cache_mutex_);
  const auto cached = checked_sessions_.find(session_id);
  if (cached == checked_sessions_.end()) return 0;
  if (std::chrono::steady_clock::now() - cached->second.checked_at >= cache_window_) {
    checked_sessions_.erase(cached);
    return 0;
  }
  if (cached->second.user_id != user_id) return 0;
  if (cached->second.checked_at_wall_ms < checked_since_ms) return 0;
  return cached->second.checked_at_wall_ms;
}

void SessionAuthenticator::remember(const std::string& session_id, CachedCheck check) {
  if (cache_window_.count() == 0) return;
  std::lock_guard lock(cache_mutex_);
  // Entries live under a second, so dropping them all when full costs only a few re-checks.
  if (checked_sessions_.size() >= kMaxCachedSessions) checked_sessions_.clear();
  checked_sessions_[session_id] = std::move(check);
}

}  // namespace agora::sessions
