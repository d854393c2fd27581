// Service tokens from the auth role's client-credentials exchange, cached until near expiry.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "platform/Clock.h"
#include "platform/client/ServiceClient.h"
#include "platform/client/TokenSource.h"

namespace agora::client {

/**
 * Obtains a service token with `POST /internal/auth/service-token` ({client_id,
 * client_secret}) and keeps it until renewalTime(): 30 s, or a tenth of its lifetime, before it
 * expires. Only one thread fetches at a time; the others wait for its token. Thread-safe.
 */
class ServiceTokenProvider : public TokenSource {
 public:
  /** `auth` is a client of the auth role without a token source of its own. */
  ServiceTokenProvider(std::shared_ptr<ServiceClient> auth, std::string client_id,
                       std::string client_secret, Clock clock = systemClock());

  /**
   * The cached token, or a new one. Throws http::Problem 503 when the auth role cannot be
   * reached or rejects the credentials (logged with the fix, never with the secret).
   */
  std::string token() override;
  void rejected(const std::string& token) override;

 private:
  std::shared_ptr<ServiceClient> auth_;
  std::string client_id_;
  std::string client_secret_;
  Clock clock_;

  std::mutex mutex_;  // held while fetching, so one fetch runs at a time
  std::string token_;
  int64_t renew_at_ = 0;
};

}  // namespace agora::client
