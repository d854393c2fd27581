// The auth module: login, refresh-token rotation, logout, sessions, JWKS and the edge check.
#include "modules/auth/AuthModule.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <sstream>
#include <utility>

#include "modules/auth/EdgeVerdictCache.h"
#include "modules/auth/MemoryLoginThrottle.h"
#include "platform/http/AccessCheck.h"
#include "platform/http/Problem.h"
#include "platform/http/Router.h"
#include "platform/json/JsonReader.h"
#include "platform/log/Audit.h"
#include "platform/log/Log.h"
#include "platform/sessions/SessionAuthenticator.h"

namespace agora::auth {
namespace {

constexpr const char* kRefreshCookie = "agora_refresh";
constexpr std::size_t kMaxEmailCodePoints = 320;
constexpr std::size_t kMaxPasswordCodePoints = 1024;
constexpr std::size_t kMaxRefreshTokenCodePoints = 512;
constexpr std::size_t kMaxClientIdCodePoints = 128;
constexpr std::size_t kMaxSessionIdCodePoints = 64;
constexpr const char* kSessionsRevokedMetric = "agora_sessions_revoked_total";

bool isBlank(const std::string& text) {
  return std::all_of(text.begin(), text.end(),
                     [](unsigned char c) { return std::isspace(c) != 0; });
}

bool isJsonMediaType(const std::string& content_type) {
  std::string media_type = content_type.substr(0, content_type.find(';'));
  media_type.erase(0, media_type.find_first_not_of(" \t"));
  media_type.erase(media_type.find_last_not_of(" \t") + 1);
  std::transform(media_type.begin(), media_type.end(), media_type.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return media_type == "application/json";
}

Poco::JSON::Array::Ptr toJsonArray(const std::vector<std::string>& values) {
  Poco::JSON::Array::Ptr array = new Poco::JSON::Array;
  for (const auto& value : values) array->add(value);
  return array;
}

int64_t wallNowMilliseconds() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string joinRoles(const std::vector<std::string>& roles) {
  std::string joined;
  for (const auto& role : roles) {
    if (!joined.empty()) joined += ',';
    joined += role;
  }
  return joined;
}

/** Returns the caller of a kUser route. A token without a session cannot act on sessions. */
const http::Principal& userCaller(const http::Request& request) {
  const http::Principal& caller = request.caller();
  if (caller.session_id.empty()) {
    throw http::Problem::forbidden("this operation needs a user token");
  }
  return caller;
}

SessionEndedHook forgetHook(const std::shared_ptr<http::Authenticator>& authenticator) {
  auto session_authenticator =
      std::dynamic_pointer_cast<sessions::SessionAuthenticator>(authenticator);
  if (!session_authenticator) return {};
  return [session_authenticator](const std::string& session_id) {
    session_authenticator->forget(session_id);
  };
}

}  // namespace

void AuthModule::addDefaults(config::Config& config) {
  AuthSettings::addDefaults(config);
}

AuthModule::AuthModule(const config::Config& config, std::shared_ptr<sessions::SessionStore> store,
                       std::shared_ptr<users::UsersApi> users,
                       std::shared_ptr<const security::SigningKey> key,
                       std::shared_ptr<const security::PublicKeySet> public_keys,
                       std::shared_ptr<http::Authenticator> authenticator, Clock clock)
    : AuthModule(config, std::move(store), std::move(users), std::move(key), std::move(public_keys),
                 std::move(authenticator), clock, std::make_shared<MemoryLoginThrottle>(clock)) {}

AuthModule::AuthModule(const config::Config& config, std::shared_ptr<sessions::SessionStore> store,
                       std::shared_ptr<users::UsersApi> users,
                       std::shared_ptr<const security::SigningKey> key,
                       std::shared_ptr<const security::PublicKeySet> public_keys,
                       std::shared_ptr<http::Authenticator> authenticator, Clock clock,
                       std::shared_ptr<LoginThrottle> throttle)
    : store_(std::move(store)),
      key_(std::move(key)),
      public_keys_(std::move(public_keys)),
      authenticator_(std::move(authenticator)),
      session_authenticator_(
          std::dynamic_pointer_cast<sessions::SessionAuthenticator>(authenticator_)) {
  // The key never changes in a running process, so the document is written once.
  // TODO: only the signing key is published, because PublicKeySet cannot list its keys, so a
  // key kept for verification during a key rotation is missing from the set.
  if (key_) {
    Poco::JSON::Array::Ptr keys = new Poco::JSON::Array;
    keys->add(key_->publicJwk());
    Poco::JSON::Object body;
    body.set("keys", keys);
    std::ostringstream text;
    body.stringify(text);
    jwks_document_ = text.str();
  }
  SessionEndedHook on_session_ended = forgetHook(authenticator_);
  revoker_ = std::make_shared<InProcessSessionRevoker>(store_, on_session_ended);
  service_ =
      std::make_unique<AuthService>(AuthSettings::fromConfig(config), store_, std::move(users),
                                    key_, std::move(throttle), std::move(clock), on_session_ended);
}

void AuthModule::setMetrics(std::shared_ptr<metrics::Registry> registry) {
  service_->setMetrics(registry);
  counters_.bind(std::move(registry));
  counters_.declare(kSessionsRevokedMetric, "Sessions ended before their expiry, by reason.",
                    {{{"reason", "logout"}}, {{"reason", "logout_all"}}, {{"reason", "user"}}});
}

void AuthModule::reconfigure(const config::Config& config) {
  const AuthSettings settings = AuthSettings::fromConfig(config);
  const auto [account, ip] = service_->throttleLimits();
  service_->setThrottleLimits(settings.account_limit, settings.ip_limit);

  Poco::JSON::Object fields;
  fields.set("max_failures", settings.account_limit.max_failures);
  fields.set("max_failures_per_ip", settings.ip_limit.max_failures);
  fields.set("window_seconds", settings.account_limit.window_seconds);
  fields.set("lockout_seconds", settings.account_limit.lockout_seconds);
  fields.set("changed", account.max_failures != settings.account_limit.max_failures ||
                            ip.max_failures != settings.ip_limit.max_failures ||
                            account.window_seconds != settings.account_limit.window_seconds ||
                            account.lockout_seconds != settings.account_limit.lockout_seconds);
  log::info("auth", "login_limits_applied", fields);
}

std::shared_ptr<SessionRevoker> AuthModule::sessionRevoker() {
  return revoker_;
}

void AuthModule::registerRoutes(http::Router& router) {
  using http::Access;
  auto bind = [this](http::Response (AuthModule::*handler)(http::Request&)) {
    return [this, handler](http::Request& request) { return (this->*handler)(request); };
  };
  router.add({"POST", "/api/auth/login", Access::kPublic, bind(&AuthModule::login), true});
  // A cookie-only refresh has no body, so the route does not demand a JSON media type.
  router.add({"POST", "/api/auth/refresh", Access::kPublic, bind(&AuthModule::refresh), false});
  router.add({"POST", "/api/auth/logout", Access::kUser, bind(&AuthModule::logout), false});
  router.add({"POST", "/api/auth/logout-all", Access::kUser, bind(&AuthModule::logoutAll), false});
  router.add({"GET", "/api/auth/sessions", Access::kUser, bind(&AuthModule::listSessions), false});
  router.add({"DELETE", "/api/auth/sessions/{id}", Access::kUser, bind(&AuthModule::deleteSession),
              false});
  router.add({"GET", "/api/auth/jwks.json", Access::kPublic, bind(&AuthModule::jwks), false});
  // The edge check authenticates inside the handler so that it returns only 204 or 401.
  router.add({"GET", "/internal/auth/verify", Access::kPublic, bind(&AuthModule::verify), false});
  router.add({"POST", "/internal/auth/service-token", Access::kPublic,
              bind(&AuthModule::serviceToken), true});
  router.add({"POST", "/internal/auth/users/{id}/sessions/revoke", Access::kService,
              bind(&AuthModule::revokeUserSessions), true});
}

std::string AuthModule::readinessProblem() {
  try {
    const std::string problem = store_->ping();
    return problem.empty() ? std::string() : "session store: " + problem;
  } catch (const std::exception& error) {
    return std::string("session store: ") + error.what();
  }
}

http::Response AuthModule::login(http::Request& request) {
  auto reader = json::JsonReader::parse(request.body);
  const std::string email = reader.requiredString("email", 1, kMaxEmailCodePoints);
  const std::string password = reader.requiredString("password", 1, kMaxPasswordCodePoints);
  reader.rejectUnknown({"email", "password"});
  reader.finish();

  const TokenGrant grant = service_->login(email, password, request.client_ip,
                                           request.header("User-Agent").value_or(""));
  return grantResponse(grant);
}

http::Response AuthModule::refresh(http::Request& request) {
  std::string refresh_token;
  if (!isBlank(request.body)) {
    const std::string content_type = request.header("Content-Type").value_or("");
    if (!isJsonMediaType(content_type)) {
      throw http::Problem::unsupportedMediaType("send the refresh body as application/json");
    }
    auto reader = json::JsonReader::parse(request.body);
    refresh_token = reader.requiredString("refresh_token", 1, kMaxRefreshTokenCodePoints);
    reader.rejectUnknown({"refresh_token"});
    reader.finish();
  } else {
    refresh_token = request.cookie(kRefreshCookie).value_or("");
  }
  if (refresh_token.empty()) {
    throw http::Problem::unauthorized(
        "no refresh token: send `refresh_token` in the body or the agora_refresh cookie");
  }
  return grantResponse(service_->refresh(refresh_token));
}

http::Response AuthModule::logout(http::Request& request) {
  const http::Principal& caller = userCaller(request);
  if (revoker_->revokeSession(caller.session_id)) {
    counters_.add(kSessionsRevokedMetric, {{"reason", "logout"}});
  }
  Poco::JSON::Object audited;
  audited.set("user_id", caller.user_id);
  audited.set("session_id", caller.session_id);
  log::audit("auth", "logout", audited);
  return http::Response::noContent().withHeader("Set-Cookie", refreshCookie("", 0));
}

http::Response AuthModule::logoutAll(http::Request& request) {
  const http::Principal& caller = userCaller(request);
  const int revoked = revoker_->revokeAllSessions(caller.user_id, "");
  counters_.add(kSessionsRevokedMetric, {{"reason", "logout_all"}}, revoked);
  Poco::JSON::Object audited;
  audited.set("user_id", caller.user_id);
  audited.set("session_id", caller.session_id);
  audited.set("sessions_revoked", revoked);
  log::audit("auth", "logout_all", audited);
  return http::Response::noContent().withHeader("Set-Cookie", refreshCookie("", 0));
}

http::Response AuthModule::listSessions(http::Request& request) {
  const http::Principal& caller = userCaller(request);
  auto sessions = store_->listForUser(caller.user_id);
  std::sort(sessions.begin(), sessions.end(), [](const auto& a, const auto& b) {
    return a.created_at != b.created_at ? a.created_at > b.created_at : a.id > b.id;
  });

  Poco::JSON::Array::Ptr items = new Poco::JSON::Array;
  for (const auto& session : sessions) {
    Poco::JSON::Object::Ptr item = new Poco::JSON::Object;
    item->set("id", session.id);
    item->set("created_at", formatRfc3339(session.created_at));
    item->set("last_seen_at", formatRfc3339(session.last_seen_at));
    item->set("ip", session.ip);
    item->set("user_agent", session.user_agent);
    item->set("current", session.id == caller.session_id);
    items->add(item);
  }
  Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
  body->set("items", items);
  return http::Response::json(200, body);
}

http::Response AuthModule::deleteSession(http::Request& request) {
  const http::Principal& caller = userCaller(request);
  const std::string& session_id = request.param("id");
  const auto session = store_->find(session_id);
  // Someone else's session gets the same 404 as one that does not exist.
  if (!session || session->user_id != caller.user_id || !revoker_->revokeSession(session_id)) {
    throw http::Problem::notFound("session `" + session_id.substr(0, 64) + "` not found");
  }
  counters_.add(kSessionsRevokedMetric, {{"reason", "user"}});
  Poco::JSON::Object audited;
  audited.set("user_id", caller.user_id);
  audited.set("actor_id", caller.user_id);
  audited.set("session_id", session_id);
  audited.set("reason", "revoked_by_user");
  log::audit("auth", "session_revoked", audited);
  return http::Response::noContent();
}

http::Response AuthModule::jwks(http::Request&) {
  // The server marks every response no-store; a second Cache-Control here would contradict it.
  http::Response response;
  response.raw_body = jwks_document_;
  return response;
}

http::Response AuthModule::verify(http::Request& request) {
  std::optional<http::Principal> principal;
  std::string reason;
  std::string edge_cache_expiry = "0";
  // nginx turns any status but 2xx, 401 and 403 into a 500, so every failure here is a 401.
  try {
    const std::string token = http::bearerToken(request.header("Authorization")).value_or("");
    http::AuthenticationResult result;
    if (token.empty()) {
      result.reason = "no bearer token";
    } else if (session_authenticator_) {
      // nginx may keep a positive response until one second after the session check it rests on
      // (EdgeVerdictCache.h); a check from this second gives it the longest reuse.
      const int64_t now_ms = wallNowMilliseconds();
      sessions::CheckedAuthentication checked =
          session_authenticator_->authenticateCheckedSince(token, edgeCacheCheckedSince(now_ms));
      if (checked.result.principal) {
        edge_cache_expiry = edgeCacheExpiry(checked.session_checked_at_ms,
                                            checked.result.principal->expires_at, now_ms);
      }
      result = std::move(checked.result);
    } else {
      result = authenticator_->authenticate(token);
    }
    if (!result.principal) {
      reason = result.reason;
    } else if (result.principal->session_id.empty() || result.principal->isService()) {
      reason = "not a user token";
    } else if (!service_->touchSession(result.principal->session_id)) {
      reason = "session ended";
    } else {
      principal = std::move(result.principal);
    }
  } catch (const sessions::Unavailable& error) {
    Poco::JSON::Object fields;
    fields.set("error", error.what());
    log::error("auth", "session_store_unavailable", fields);
    reason = "session store unavailable";
  } catch (const std::exception& error) {
    Poco::JSON::Object fields;
    fields.set("error", error.what());
    log::error("auth", "verify_failed", fields);
    reason = "verification failed";
  }

  if (!principal) {
    Poco::JSON::Object fields;
    fields.set("reason", reason);
    fields.set("request_id", request.request_id);
    log::debug("auth", "verify_denied", fields);
    throw http::Problem::unauthorized();
  }
  return http::Response::noContent()
      .withHeader("X-User-Id", principal->user_id)
      .withHeader("X-User-Roles", joinRoles(principal->roles))
      .withHeader("X-Session-Id", principal->session_id)
      .withHeader("X-Accel-Expires", edge_cache_expiry);
}

http::Response AuthModule::serviceToken(http::Request& request) {
  auto reader = json::JsonReader::parse(request.body);
  const std::string client_id = reader.requiredString("client_id", 1, kMaxClientIdCodePoints);
  const std::string secret = reader.requiredString("client_secret", 1, kMaxPasswordCodePoints);
  reader.rejectUnknown({"client_id", "client_secret"});
  reader.finish();

  const ServiceToken token = service_->issueServiceToken(client_id, secret);
  Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
  body->set("access_token", token.access_token);
  body->set("token_type", "Bearer");
  body->set("expires_in", std::max<int64_t>(token.expires_at - service_->now(), 0));
  return http::Response::json(200, body);
}

http::Response AuthModule::revokeUserSessions(http::Request& request) {
  auto reader = json::JsonReader::parse(request.body);
  const std::string keep_session_id =
      reader.optionalString("keep_session_id", 0, kMaxSessionIdCodePoints).value_or("");
  reader.rejectUnknown({"keep_session_id"});
  reader.finish();

  const int revoked = revoker_->revokeAllSessions(request.param("id"), keep_session_id);
  Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
  body->set("revoked", revoked);
  return http::Response::json(200, body);
}

http::Response AuthModule::grantResponse(const TokenGrant& grant) const {
  const int64_t now = service_->now();
  Poco::JSON::Object::Ptr user = new Poco::JSON::Object;
  user->set("id", grant.user.id);
  user->set("email", grant.user.email);
  user->set("display_name", grant.user.display_name);
  user->set("roles", toJsonArray(grant.user.roles));

  Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
  body->set("access_token", grant.access_token);
  body->set("token_type", "Bearer");
  body->set("expires_in", std::max<int64_t>(grant.access_expires_at - now, 0));
  body->set("refresh_token", grant.refresh_token);
  body->set("session_id", grant.session_id);
  body->set("user", user);

  const int64_t cookie_age = std::max<int64_t>(grant.session_expires_at - now, 0);
  return http::Response::json(200, body).withHeader("Set-Cookie",
                                                    refreshCookie(grant.refresh_token, cookie_age));
}

std::string AuthModule::refreshCookie(const std::string& value, int64_t max_age_seconds) const {
  std::string cookie = std::string(kRefreshCookie) + "=" + value + "; HttpOnly";
  if (service_->settings().cookie_secure) cookie += "; Secure";
  cookie += "; SameSite=Strict; Path=/api/auth; Max-Age=" + std::to_string(max_age_seconds);
  return cookie;
}

}  // namespace agora::auth
