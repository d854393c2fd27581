// Token checks for roles without the auth module: an unknown key id triggers a JWK Set refetch.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "platform/http/Authenticator.h"
#include "platform/security/Jwt.h"

namespace agora::client {

/**
 * Wraps the process's authenticator. When it rejects a token whose `kid` is not in the key set
 * (the auth role rotated its key), calls `refresh` to fetch the keys and checks the token
 * once more. `refresh` rate-limits itself (see RemoteKeySource::refreshFor). Thread-safe.
 */
class KeyRefreshingAuthenticator : public http::Authenticator {
 public:
  using Refresh = std::function<bool(const std::string& kid)>;

  KeyRefreshingAuthenticator(std::shared_ptr<http::Authenticator> inner,
                             std::shared_ptr<const security::PublicKeySet> keys, Refresh refresh);

  http::AuthenticationResult authenticate(const std::string& token) override;

 private:
  std::shared_ptr<http::Authenticator> inner_;
  std::shared_ptr<const security::PublicKeySet> keys_;
  Refresh refresh_;
};

/** The `kid` of a compact JWT's header, or an empty string when there is none or it is malformed.
 */
std::string tokenKeyId(const std::string& token);

}  // namespace agora::client
