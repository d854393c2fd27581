// Logins, refresh-token rotation and service tokens: the auth module's rules without HTTP.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>

#include "modules/auth/AuthSettings.h"
#include "modules/auth/InProcessSessionRevoker.h"
#include "modules/auth/LoginThrottle.h"
#include "modules/users/UsersApi.h"
#include "platform/Clock.h"
#include "platform/metrics/Counters.h"
#include "platform/security/Jwt.h"
#include "platform/sessions/SessionStore.h"

namespace agora::auth {

/** The tokens a login or refresh hands the client, with the session and the user. */
struct TokenGrant {
  std::string access_token;
  int64_t access_expires_at = 0;
  std::string refresh_token;
  std::string session_id;
  int64_t session_expires_at = 0;  // the session's absolute expiry, for the cookie
  users::UserIdentity user;
};

/** A service token issued to another role. */
struct ServiceToken {
  std::string access_token;
  int64_t expires_at = 0;
};

/**
 * The auth module's rules. Failures are http::Problem: 401 for bad credentials or refresh
 * tokens, with one body per kind so that nothing about the account leaks. 429 while throttled,
 * and 503 when the users backend is unreachable. sessions::Unavailable passes through.
 * Thread-safe.
 */
class AuthService {
 public:
  AuthService(AuthSettings settings, std::shared_ptr<sessions::SessionStore> store,
              std::shared_ptr<users::UsersApi> users,
              std::shared_ptr<const security::SigningKey> key,
              std::shared_ptr<LoginThrottle> throttle, Clock clock,
              SessionEndedHook on_session_ended = {});

  /**
   * Checks the throttle, counts the attempt against the account, then checks the credentials and
   * opens a session. A failure also counts against the client address; a success clears the
   * account's count.
   */
  TokenGrant login(const std::string& email, const std::string& password,
                   const std::string& client_ip, const std::string& user_agent);

  /**
   * Rotates `refresh_token` ("<session id>.<secret>"). The current token rotates once. The token
   * rotated away within the grace window gets that rotation's pair again. Any other token of a
   * live session is a reuse, which ends the session.
   */
  TokenGrant refresh(const std::string& refresh_token);

  /**
   * Counts into `registry` from now on (call before serving): agora_logins_total{result},
   * agora_login_lockouts_total{scope}, agora_sessions_created_total,
   * agora_sessions_revoked_total{reason="reuse"|"disabled"}, agora_refresh_rotations_total
   * and agora_refresh_reuse_detections_total.
   */
  void setMetrics(std::shared_ptr<metrics::Registry> registry);

  /**
   * Replaces the login throttle limits (a configuration reload); logins from now on use them.
   * Thread-safe.
   */
  void setThrottleLimits(const ThrottleLimit& account_limit, const ThrottleLimit& ip_limit);
  /** The login throttle limits in use: {account, client address}. */
  std::pair<ThrottleLimit, ThrottleLimit> throttleLimits() const;

  /** Exchanges client credentials for a token with role `service`; 401 when they are wrong. */
  ServiceToken issueServiceToken(const std::string& client_id, const std::string& client_secret);

  /**
   * Records activity on an active session for the sliding idle timeout, writing at most once a
   * minute per session (and reading the store only when a write may be due). Returns false
   * when the store no longer has the session.
   */
  bool touchSession(const std::string& session_id);

  /** The throttle key of an email: a digest of its trimmed, case-folded NFC form. */
  static std::string accountKey(const std::string& email);

  /** The settings read at start-up; the throttle limits in use are throttleLimits(). */
  const AuthSettings& settings() const { return settings_; }
  int64_t now() const { return clock_(); }

 private:
  std::string issueAccessToken(const std::string& subject, const std::string& session_id,
                               const std::vector<std::string>& roles, int64_t now,
                               int64_t ttl) const;
  users::UserIdentity activeUser(const std::string& session_id, const std::string& user_id);
  void checkThrottle(const std::string& account_key, const std::string& ip_key,
                     const std::string& email);
  /**
   * Counts one failed login against the address and reports the lockouts it starts, the
   * account's when counting this attempt locked it.
   */
  void recordLoginFailure(const std::string& ip_key, const std::string& email,
                          const std::string& client_ip, bool account_lock_started);
  void endSession(const std::string& session_id);

  AuthSettings settings_;
  std::shared_ptr<sessions::SessionStore> store_;
  std::shared_ptr<users::UsersApi> users_;
  std::shared_ptr<const security::SigningKey> key_;
  security::TokenIssuer issuer_;
  std::shared_ptr<LoginThrottle> throttle_;
  Clock clock_;
  SessionEndedHook on_session_ended_;
  metrics::Counters counters_;

  mutable std::mutex limits_mutex_;  // guards the two limits below
  ThrottleLimit account_limit_;
  ThrottleLimit ip_limit_;

  std::mutex touched_mutex_;
  std::unordered_map<std::string, int64_t> touched_at_;  // session id -> last write here
};

}  // namespace agora::auth
