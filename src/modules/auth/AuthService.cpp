// Logins, refresh-token rotation and service tokens: the auth module's rules without HTTP.
#include "modules/auth/AuthService.h"

#include <algorithm>
#include <utility>

#include "platform/http/Problem.h"
#include "platform/log/Audit.h"
#include "platform/log/Log.h"
#include "platform/security/Digest.h"
#include "platform/security/Random.h"
#include "platform/security/UnicodeText.h"

namespace agora::auth {
namespace {

constexpr int64_t kTouchIntervalSeconds = 60;
constexpr std::size_t kMaxTouchedSessions = 100000;
constexpr std::size_t kMaxSessionIdLength = 64;
constexpr std::size_t kMaxUserAgentBytes = 256;

constexpr const char* kLoginsMetric = "agora_logins_total";
constexpr const char* kLockoutsMetric = "agora_login_lockouts_total";
constexpr const char* kSessionsCreatedMetric = "agora_sessions_created_total";
constexpr const char* kSessionsRevokedMetric = "agora_sessions_revoked_total";
constexpr const char* kRotationsMetric = "agora_refresh_rotations_total";
constexpr const char* kReuseMetric = "agora_refresh_reuse_detections_total";

http::Problem invalidCredentials() {
  // One body for a wrong email, a wrong password and a disabled account.
  return http::Problem(401, "/problems/invalid-credentials", "Invalid credentials",
                       "the email or password is wrong")
      .withHeader("WWW-Authenticate", "Bearer");
}

http::Problem invalidRefreshToken() {
  return http::Problem(401, "/problems/invalid-refresh-token", "Invalid refresh token",
                       "the refresh token is unknown, expired or revoked: log in again")
      .withHeader("WWW-Authenticate", "Bearer");
}

/** Returns at most 256 bytes of printable text, cut on a character boundary. */
std::string cleanUserAgent(const std::string& user_agent) {
  const bool utf8 = security::isValidUtf8(user_agent);
  std::string clean;
  for (unsigned char byte : user_agent) {
    if (byte < 0x20 || byte == 0x7f) {
      clean += ' ';
    } else if (byte >= 0x80 && !utf8) {
      clean += '?';
    } else {
      clean += static_cast<char>(byte);
    }
  }
  if (clean.size() <= kMaxUserAgentBytes) return clean;
  std::size_t cut = kMaxUserAgentBytes;
  while (cut > 0 && (static_cast<unsigned char>(clean[cut]) & 0xC0) == 0x80) --cut;
  return clean.substr(0, cut);
}

/** Runs a users backend call, turning a transport failure into 503. */
template <typename Call>
auto callUsers(Call&& call) {
  try {
    return call();
  } catch (const http::Problem&) {
    throw;
  } catch (const std::exception& error) {
    Poco::JSON::Object fields;
    fields.set("error", error.what());
    log::error("auth", "users_unavailable", fields);
    throw http::Problem::unavailable("the users service is unavailable: try again shortly");
  }
}

}  // namespace

AuthService::AuthService(AuthSettings settings, std::shared_ptr<sessions::SessionStore> store,
                         std::shared_ptr<users::UsersApi> users,
                         std::shared_ptr<const security::SigningKey> key,
                         std::shared_ptr<LoginThrottle> throttle, Clock clock,
                         SessionEndedHook on_session_ended)
    : settings_(std::move(settings)),
      store_(std::move(store)),
      users_(std::move(users)),
      key_(std::move(key)),
      issuer_(key_, settings_.issuer, settings_.audience),
      throttle_(std::move(throttle)),
      clock_(std::move(clock)),
      on_session_ended_(std::move(on_session_ended)),
      account_limit_(settings_.account_limit),
      ip_limit_(settings_.ip_limit) {}

void AuthService::setMetrics(std::shared_ptr<metrics::Registry> registry) {
  counters_.bind(std::move(registry));
  counters_.declare(kLoginsMetric, "Login attempts by result: success, invalid, disabled, locked.",
                    {{{"result", "success"}},
                     {{"result", "invalid"}},
                     {{"result", "disabled"}},
                     {{"result", "locked"}}});
  counters_.declare(kLockoutsMetric,
                    "Login lockouts started, by scope: an account or a client address.",
                    {{{"scope", "account"}}, {{"scope", "ip"}}});
  counters_.declare(kSessionsCreatedMetric, "Sessions opened by a login.");
  counters_.declare(kSessionsRevokedMetric, "Sessions ended before their expiry, by reason.",
                    {{{"reason", "reuse"}}, {{"reason", "disabled"}}});
  counters_.declare(kRotationsMetric, "Refresh tokens rotated.");
  counters_.declare(kReuseMetric,
                    "Refresh tokens presented again after rotation; each ends its session.");
}

void AuthService::setThrottleLimits(const ThrottleLimit& account_limit,
                                    const ThrottleLimit& ip_limit) {
  std::lock_guard lock(limits_mutex_);
  account_limit_ = account_limit;
  ip_limit_ = ip_limit;
}

std::pair<ThrottleLimit, ThrottleLimit> AuthService::throttleLimits() const {
  std::lock_guard lock(limits_mutex_);
  return {account_limit_, ip_limit_};
}

std::string AuthService::accountKey(const std::string& email) {
  return "account:" + log::emailDigest(email);
}

TokenGrant AuthService::login(const std::string& email, const std::string& password,
                              const std::string& client_ip, const std::string& user_agent) {
  const std::string account_key = accountKey(email);
  const std::string ip_key = "ip:" + (client_ip.empty() ? std::string("unknown") : client_ip);
  checkThrottle(account_key, ip_key, email);
  // The attempt counts against the account before its password is checked, so that guesses sent
  // all at once get no more checks than the limit allows. A success clears the count again.
  const ThrottleLimit account = throttleLimits().first;
  const FailureRecord counted = throttle_->recordFailure(
      account_key, account.window_seconds, account.max_failures, account.lockout_seconds);
  // Locked since checkThrottle() above: 429, unless the lockout ended in between.
  if (counted == FailureRecord::kAlreadyLocked) checkThrottle(account_key, ip_key, email);

  const users::AuthenticationOutcome outcome =
      callUsers([&] { return users_->authenticate(email, password); });
  if (outcome.check != users::CredentialCheck::kValid || !outcome.user) {
    const bool disabled = outcome.check == users::CredentialCheck::kDisabled;
    Poco::JSON::Object audited;
    audited.set("email_sha256", log::emailDigest(email));
    audited.set("reason", disabled ? "disabled" : "invalid");
    audited.set("client_ip", client_ip);
    audited.set("user_agent", cleanUserAgent(user_agent));
    log::audit("auth", "login_failed", audited);
    counters_.add(kLoginsMetric, {{"result", disabled ? "disabled" : "invalid"}});

    recordLoginFailure(ip_key, email, client_ip, counted == FailureRecord::kLockStarted);
    Poco::JSON::Object fields;
    fields.set("account", account_key);
    fields.set("ip", client_ip);
    fields.set("disabled", disabled);
    log::info("auth", "login_failed", fields);
    throw invalidCredentials();
  }
  // Only the account count is reset, because one good login must not clear the count of an
  // address that tries many accounts.
  throttle_->reset(account_key);

  const users::UserIdentity& user = *outcome.user;
  const int64_t now = clock_();
  sessions::SessionRecord record;
  record.id = security::newUuid();
  record.user_id = user.id;
  record.roles = user.roles;
  record.created_at = now;
  record.last_seen_at = now;
  record.absolute_expires_at = now + settings_.session_absolute_lifetime;
  record.ip = client_ip;
  record.user_agent = cleanUserAgent(user_agent);

  TokenGrant grant;
  grant.refresh_token = record.id + "." + security::randomToken(32);
  record.refresh_hash = security::sha256Hex(grant.refresh_token);
  grant.access_token =
      issueAccessToken(user.id, record.id, user.roles, now, settings_.access_token_ttl);
  grant.access_expires_at = now + settings_.access_token_ttl;
  grant.session_id = record.id;
  grant.session_expires_at = record.absolute_expires_at;
  grant.user = user;
  store_->create(record);
  counters_.add(kLoginsMetric, {{"result", "success"}});
  counters_.add(kSessionsCreatedMetric);

  Poco::JSON::Object audited;
  audited.set("user_id", user.id);
  audited.set("session_id", record.id);
  audited.set("email_sha256", log::emailDigest(email));
  audited.set("client_ip", client_ip);
  audited.set("user_agent", record.user_agent);
  log::audit("auth", "login_succeeded", audited);

  Poco::JSON::Object fields;
  fields.set("user_id", user.id);
  fields.set("session_id", record.id);
  fields.set("ip", client_ip);
  log::info("auth", "login", fields);
  return grant;
}

TokenGrant AuthService::refresh(const std::string& refresh_token) {
  const auto dot = refresh_token.find('.');
  if (dot == std::string::npos || dot == 0 || dot > kMaxSessionIdLength) {
    throw invalidRefreshToken();
  }
  const std::string session_id = refresh_token.substr(0, dot);
  const std::string presented_hash = security::sha256Hex(refresh_token);

  const auto session = store_->find(session_id);
  if (!session) throw invalidRefreshToken();

  // The user lookup and the signing happen before update(), because its decision runs inside
  // the store's critical section. The candidate pair is used only if this call rotates.
  const users::UserIdentity user = activeUser(session_id, session->user_id);
  const int64_t now = clock_();
  const int64_t ttl = settings_.access_token_ttl;
  const std::string candidate_access = issueAccessToken(user.id, session_id, user.roles, now, ttl);
  const std::string candidate_refresh = session_id + "." + security::randomToken(32);
  const std::string candidate_hash = security::sha256Hex(candidate_refresh);

  enum class Outcome { kRotated, kReplayed, kReused };
  Outcome outcome = Outcome::kReused;
  const auto record = store_->update(session_id, [&](sessions::SessionRecord& stored) {
    if (security::constantTimeEquals(presented_hash, stored.refresh_hash)) {
      stored.previous_refresh_hash = stored.refresh_hash;
      stored.refresh_hash = candidate_hash;
      stored.rotated_at = now;
      stored.successor_access_token = candidate_access;
      stored.successor_refresh_token = candidate_refresh;
      stored.successor_access_expires_at = now + ttl;
      stored.roles = user.roles;
      stored.last_seen_at = now;
      outcome = Outcome::kRotated;
      return sessions::UpdateDecision::kWrite;
    }
    if (!stored.previous_refresh_hash.empty() &&
        security::constantTimeEquals(presented_hash, stored.previous_refresh_hash) &&
        now - stored.rotated_at <= settings_.refresh_grace_seconds) {
      outcome = Outcome::kReplayed;
      return sessions::UpdateDecision::kKeep;
    }
    outcome = Outcome::kReused;
    return sessions::UpdateDecision::kDelete;
  });
  if (!record) throw invalidRefreshToken();

  if (outcome == Outcome::kReused) {
    Poco::JSON::Object fields;
    fields.set("session_id", session_id);
    fields.set("user_id", record->user_id);
    log::warn("auth", "refresh_token_reuse", fields);
    log::audit("auth", "refresh_token_reused", fields);
    counters_.add(kReuseMetric);
    counters_.add(kSessionsRevokedMetric, {{"reason", "reuse"}});
    endSession(session_id);
    throw invalidRefreshToken();
  }
  if (outcome == Outcome::kRotated) counters_.add(kRotationsMetric);

  TokenGrant grant;
  grant.access_token = record->successor_access_token;
  grant.access_expires_at = record->successor_access_expires_at;
  grant.refresh_token = record->successor_refresh_token;
  grant.session_id = session_id;
  grant.session_expires_at = record->absolute_expires_at;
  grant.user = user;
  return grant;
}

ServiceToken AuthService::issueServiceToken(const std::string& client_id,
                                            const std::string& client_secret) {
  if (!settings_.service_clients.check(client_id, client_secret)) {
    Poco::JSON::Object fields;
    fields.set("client_id", client_id.substr(0, 64));
    log::warn("auth", "service_token_denied", fields);
    throw http::Problem(401, "/problems/invalid-client", "Invalid client credentials",
                        "the client id or secret is wrong")
        .withHeader("WWW-Authenticate", "Bearer");
  }
  const int64_t now = clock_();
  ServiceToken token;
  token.access_token =
      issueAccessToken(client_id, "", {"service"}, now, settings_.service_token_ttl);
  token.expires_at = now + settings_.service_token_ttl;
  return token;
}

bool AuthService::touchSession(const std::string& session_id) {
  const int64_t now = clock_();
  {
    std::lock_guard lock(touched_mutex_);
    auto found = touched_at_.find(session_id);
    if (found != touched_at_.end() && now - found->second < kTouchIntervalSeconds) return true;
  }

  int64_t last_seen_at = now;
  const auto record = store_->update(session_id, [&](sessions::SessionRecord& stored) {
    if (now - stored.last_seen_at < kTouchIntervalSeconds) {
      last_seen_at = stored.last_seen_at;
      return sessions::UpdateDecision::kKeep;
    }
    stored.last_seen_at = now;
    return sessions::UpdateDecision::kWrite;
  });

  std::lock_guard lock(touched_mutex_);
  if (!record) {
    touched_at_.erase(session_id);
    return false;
  }
  // Dropping the whole table now and then only costs one extra store read per session.
  if (touched_at_.size() >= kMaxTouchedSessions) touched_at_.clear();
  touched_at_[session_id] = last_seen_at;
  return true;
}

std::string AuthService::issueAccessToken(const std::string& subject, const std::string& session_id,
                                          const std::vector<std::string>& roles, int64_t now,
                                          int64_t ttl) const {
  security::TokenClaims claims;
  claims.subject = subject;
  claims.session_id = session_id;
  claims.roles = roles;
  claims.token_id = security::newUuid();
  claims.issued_at = now;
  claims.not_before = now;
  claims.expires_at = now + ttl;
  return issuer_.issue(claims);
}

users::UserIdentity AuthService::activeUser(const std::string& session_id,
                                            const std::string& user_id) {
  const auto user = callUsers([&] { return users_->findUser(user_id); });
  if (user && !user->disabled) return *user;

  const bool removed = store_->remove(session_id);
  endSession(session_id);
  Poco::JSON::Object fields;
  fields.set("session_id", session_id);
  fields.set("user_id", user_id);
  fields.set("reason", user ? "user disabled" : "user gone");
  log::info("auth", "session_ended", fields);
  if (removed) {
    counters_.add(kSessionsRevokedMetric, {{"reason", "disabled"}});
    Poco::JSON::Object audited;
    audited.set("session_id", session_id);
    audited.set("user_id", user_id);
    audited.set("reason", user ? "account_disabled" : "account_gone");
    log::audit("auth", "session_revoked", audited);
  }
  throw invalidRefreshToken();
}

void AuthService::checkThrottle(const std::string& account_key, const std::string& ip_key,
                                const std::string& email) {
  const int64_t wait = std::max(throttle_->blockedFor(account_key).value_or(0),
                                throttle_->blockedFor(ip_key).value_or(0));
  if (wait <= 0) return;
  counters_.add(kLoginsMetric, {{"result", "locked"}});
  Poco::JSON::Object audited;
  audited.set("email_sha256", log::emailDigest(email));
  audited.set("reason", "locked");
  audited.set("retry_after_seconds", wait);
  log::audit("auth", "login_failed", audited);
  throw http::Problem::tooManyRequests(
      "too many failed logins: try again in " + std::to_string(wait) + " seconds",
      static_cast<int>(wait));
}

void AuthService::recordLoginFailure(const std::string& ip_key, const std::string& email,
                                     const std::string& client_ip, bool account_lock_started) {
  const auto [account, ip] = throttleLimits();
  // TODO: the address counts failures only once they are known, because successes must not
  // count against a shared address. So guesses sent at once from one address can pass its limit
  // by the number in flight, while each account still stops at its own limit.
  const FailureRecord address =
      throttle_->recordFailure(ip_key, ip.window_seconds, ip.max_failures, ip.lockout_seconds);

  if (account_lock_started) {
    counters_.add(kLockoutsMetric, {{"scope", "account"}});
    Poco::JSON::Object audited;
    audited.set("scope", "account");
    audited.set("email_sha256", log::emailDigest(email));
    audited.set("lockout_seconds", account.lockout_seconds);
    log::audit("auth", "lockout", audited);
  }
  if (address == FailureRecord::kLockStarted) {
    counters_.add(kLockoutsMetric, {{"scope", "ip"}});
    Poco::JSON::Object audited;
    audited.set("scope", "ip");
    audited.set("client_ip", client_ip);
    audited.set("lockout_seconds", ip.lockout_seconds);
    log::audit("auth", "lockout", audited);
  }
}

void AuthService::endSession(const std::string& session_id) {
  {
    std::lock_guard lock(touched_mutex_);
    touched_at_.erase(session_id);
  }
  if (on_session_ended_) on_session_ended_(session_id);
}

}  // namespace agora::auth
