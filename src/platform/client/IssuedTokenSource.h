// Service tokens signed in this process, for roles that share a process with the auth module.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "platform/Clock.h"
#include "platform/client/TokenSource.h"
#include "platform/security/Jwt.h"

namespace agora::client {

/**
 * Signs service tokens (role "service", subject `client_id`) with the process's own signing
 * key, so a process holding the auth module needs no round trip for them. Caches a token
 * until renewalTime(). Thread-safe.
 */
class IssuedTokenSource : public TokenSource {
 public:
  IssuedTokenSource(std::shared_ptr<const security::SigningKey> key, std::string issuer,
                    std::string audience, std::string client_id, int64_t lifetime_seconds,
                    Clock clock = systemClock());

  std::string token() override;
  void rejected(const std::string& token) override;

 private:
  security::TokenIssuer issuer_;
  std::string client_id_;
  int64_t lifetime_seconds_;
  Clock clock_;

  std::mutex mutex_;
  std::string token_;
  int64_t renew_at_ = 0;
};

}  // namespace agora::client
