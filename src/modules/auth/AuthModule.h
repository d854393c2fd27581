// The auth module: login, refresh-token rotation, logout, sessions, JWKS and the edge check.
#pragma once

#include <memory>
#include <string>

#include "modules/auth/AuthService.h"
#include "modules/auth/InProcessSessionRevoker.h"
#include "modules/auth/LoginThrottle.h"
#include "modules/auth/SessionRevoker.h"
#include "modules/users/UsersApi.h"
#include "platform/Clock.h"
#include "platform/config/Config.h"
#include "platform/http/Authenticator.h"
#include "platform/http/Module.h"
#include "platform/metrics/Counters.h"
#include "platform/security/Jwt.h"
#include "platform/sessions/SessionAuthenticator.h"
#include "platform/sessions/SessionStore.h"

namespace agora::auth {

/**
 * Serves the /api/auth and /internal/auth routes. Sessions live in the given store; access tokens
 * are signed with `key`. When `authenticator` is the in-process session authenticator, ended
 * sessions are forgotten there at once so this process rejects their tokens immediately.
 */
class AuthModule : public http::Module {
 public:
  /** Sets the defaults of every key the module reads (see AuthSettings). */
  static void addDefaults(config::Config& config);

  /** Uses an in-process login throttle. Throws config::ConfigError on invalid settings. */
  AuthModule(const config::Config& config, std::shared_ptr<sessions::SessionStore> store,
             std::shared_ptr<users::UsersApi> users,
             std::shared_ptr<const security::SigningKey> key,
             std::shared_ptr<const security::PublicKeySet> public_keys,
             std::shared_ptr<http::Authenticator> authenticator, Clock clock);
  /** The same with a login throttle shared between replicas. */
  AuthModule(const config::Config& config, std::shared_ptr<sessions::SessionStore> store,
             std::shared_ptr<users::UsersApi> users,
             std::shared_ptr<const security::SigningKey> key,
             std::shared_ptr<const security::PublicKeySet> public_keys,
             std::shared_ptr<http::Authenticator> authenticator, Clock clock,
             std::shared_ptr<LoginThrottle> throttle);

  /**
   * Counts into `registry` from now on (call before serving): what AuthService::setMetrics
   * lists, and the sessions the routes end in agora_sessions_revoked_total{reason="logout",
   * "logout_all" or "user" (one ended from the session list)}.
   */
  void setMetrics(std::shared_ptr<metrics::Registry> registry);

  /**
   * Applies the settings that may change at run time: the login throttle limits
   * (auth.login.max_failures, .max_failures_per_ip, .window_seconds, .lockout_seconds).
   * Throws config::ConfigError and changes nothing when a value is invalid.
   */
  void reconfigure(const config::Config& config);

  /** Returns the in-process SessionRevoker for the users module. */
  std::shared_ptr<SessionRevoker> sessionRevoker();

  std::string name() const override { return "auth"; }
  void registerRoutes(http::Router& router) override;
  /** Returns an empty string when the session store responds to a ping, else the reason. */
  std::string readinessProblem() override;

 private:
  http::Response login(http::Request& request);
  http::Response refresh(http::Request& request);
  http::Response logout(http::Request& request);
  http::Response logoutAll(http::Request& request);
  http::Response listSessions(http::Request& request);
  http::Response deleteSession(http::Request& request);
  http::Response jwks(http::Request& request);
  http::Response verify(http::Request& request);
  http::Response serviceToken(http::Request& request);
  /** The users role in another process ends a user's sessions through this route. */
  http::Response revokeUserSessions(http::Request& request);

  http::Response grantResponse(const TokenGrant& grant) const;
  std::string refreshCookie(const std::string& value, int64_t max_age_seconds) const;

  std::shared_ptr<sessions::SessionStore> store_;
  std::shared_ptr<const security::SigningKey> key_;
  std::string jwks_document_;  // GET /api/auth/jwks.json, written once from key_
  std::shared_ptr<const security::PublicKeySet> public_keys_;
  std::shared_ptr<http::Authenticator> authenticator_;
  // The same authenticator when it is the store-backed one: verify then tells nginx how long
  // it may keep a response. Null when roles are wired with another Authenticator.
  std::shared_ptr<sessions::SessionAuthenticator> session_authenticator_;
  std::shared_ptr<InProcessSessionRevoker> revoker_;
  std::unique_ptr<AuthService> service_;
  metrics::Counters counters_;
};

}  // namespace agora::auth
