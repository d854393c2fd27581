// Logins, refresh-token rotation and service tokens: the auth module's rules without HTTP.
#include "modules/auth/AuthService.h"

#include <algorithm>
#include <utility>

#include "platform/http/Problem.h"
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

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
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
      on_session_ended_(std::move(on_session_ended)) {}

std::string AuthService::accountKey(const std::string& email) {
  const std::string trimmed = trim(email);
  const std::string folded = security::caseFoldNfc(trimmed).value_or(trimmed);
  return "account:" + security::sha256Hex(folded);
}

TokenGrant AuthService::login(const std::string& email, const std::string& password,
                              const std::string& client_ip, const std::string& user_agent) {
  const std::string account_key = accountKey(email);
  const std::string ip_key = "ip:" + (client_ip.empty() ? std::string("unknown") : client_ip);
  checkThrottle(account_key, ip_key);

  const users::AuthenticationOutcome outcome =
      callUsers([&] { return users_->authenticate(email, password); });
  if (outcome.check != users::CredentialCheck::kValid || !outcome.user) {
    const ThrottleLimit& account = settings_.account_limit;
    const ThrottleLimit& ip = settings_.ip_limit;
    throttle_->recordFailure(account_key, account.window_seconds, account.max_failures,
                             account.lockout_seconds);
    throttle_->recordFailure(ip_key, ip.window_seconds, ip.max_failures, ip.lockout_seconds);
    Poco::JSON::Object fields;
    fields.set("account", account_key);
    fields.set("ip", client_ip);
    fields.set("disabled", outcome.check == users::CredentialCheck::kDisabled);
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
    endSession(session_id);
    throw invalidRefreshToken();
  }

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

  store_->remove(session_id);
  endSession(session_id);
  Poco::JSON::Object fields;
  fields.set("session_id", session_id);
  fields.set("user_id", user_id);
  fields.set("reason", user ? "user disabled" : "user gone");
  log::info("auth", "session_ended", fields);
  throw invalidRefreshToken();
}

void AuthService::checkThrottle(const std::string& account_key, const std::string& ip_key) {
  const int64_t wait = std::max(throttle_->blockedFor(account_key).value_or(0),
                                throttle_->blockedFor(ip_key).value_or(0));
  if (wait <= 0) return;
  throw http::Problem::tooManyRequests(
      "too many failed logins: try again in " + std::to_string(wait) + " seconds",
      static_cast<int>(wait));
}

void AuthService::endSession(const std::string& session_id) {
  {
    std::lock_guard lock(touched_mutex_);
    touched_at_.erase(session_id);
  }
  if (on_session_ended_) on_session_ended_(session_id);
}

}  // namespace agora::auth
