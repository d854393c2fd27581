// Service tokens signed in this process, for roles that share a process with the auth module.
#include "platform/client/IssuedTokenSource.h"

#include "platform/security/Random.h"

namespace agora::client {

IssuedTokenSource::IssuedTokenSource(std::shared_ptr<const security::SigningKey> key,
                                     std::string issuer, std::string audience,
                                     std::string client_id, int64_t lifetime_seconds, Clock clock)
    : issuer_(std::move(key), std::move(issuer), std::move(audience)),
      client_id_(std::move(client_id)),
      lifetime_seconds_(lifetime_seconds),
      clock_(std::move(clock)) {}

std::string IssuedTokenSource::token() {
  std::lock_guard lock(mutex_);
  const int64_t now = clock_();
  if (!token_.empty() && now < renew_at_) return token_;

  security::TokenClaims claims;
  claims.subject = client_id_;
  claims.roles = {"service"};
  claims.token_id = security::newUuid();
  claims.issued_at = now;
  claims.not_before = now;
  claims.expires_at = now + lifetime_seconds_;
  token_ = issuer_.issue(claims);
  renew_at_ = renewalTime(now, lifetime_seconds_);
  return token_;
}

void IssuedTokenSource::rejected(const std::string& token) {
  std::lock_guard lock(mutex_);
  if (token == token_) token_.clear();
}

}  // namespace agora::client
