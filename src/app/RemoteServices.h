// The HTTP side of the module interfaces: clients of the roles that run in other processes.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "modules/auth/SessionRevoker.h"
#include "modules/catalog/CatalogApi.h"
#include "modules/users/UsersApi.h"
#include "platform/client/RemoteKeySource.h"
#include "platform/client/ServiceClient.h"
#include "platform/client/TokenSource.h"
#include "platform/config/Config.h"
#include "platform/http/Authenticator.h"
#include "platform/metrics/Metrics.h"
#include "platform/security/Jwt.h"

namespace agora::app {

/**
 * Builds, from the `services.*` keys, the clients and remote adapters a process needs for the
 * modules it does not hold. Clients are made on first use and shared per role. Construction
 * and every getter throw config::ConfigError naming the key to set when a needed URL or
 * secret is missing or invalid. Not thread-safe: used while the process is assembled; the
 * clients and adapters it returns are thread-safe.
 */
class RemoteServices {
 public:
  /** Sets the defaults of every services.* key. */
  static void addDefaults(config::Config& config);

  /**
   * `default_client_id` (the role list) is used when services.client_id is empty. With a
   * `signing_key` the process runs the auth module and signs its own service tokens. Without
   * one it obtains them from the auth role with services.client_id and client_secret.
   */
  RemoteServices(const config::Config& config, std::string default_client_id,
                 std::shared_ptr<metrics::Registry> registry,
                 std::shared_ptr<const security::SigningKey> signing_key);

  std::shared_ptr<users::UsersApi> usersApi();
  std::shared_ptr<auth::SessionRevoker> sessionRevoker();
  std::shared_ptr<catalog::CatalogApi> catalogApi();

  /** Whether services.auth.url is set, so keys can come from the auth role. */
  bool hasAuthUrl() const;
  /**
   * Wraps `authenticator` so that a token with an unknown kid refetches the auth role's
   * JWK Set into `keys`. The first fetch happens in loadKeysAtStartup().
   */
  std::shared_ptr<http::Authenticator> refreshingKeys(
      std::shared_ptr<http::Authenticator> authenticator,
      std::shared_ptr<security::PublicKeySet> keys);
  /**
   * Loads the JWK Set when refreshingKeys() was used, waiting up to
   * services.startup_wait_milliseconds for the auth role. Throws std::runtime_error then.
   */
  void loadKeysAtStartup();

 private:
  std::shared_ptr<client::ServiceClient> client(const std::string& role, bool with_token);
  std::shared_ptr<client::TokenSource> tokens();

  config::Config config_;
  std::string client_id_;
  std::shared_ptr<metrics::Registry> registry_;
  std::shared_ptr<const security::SigningKey> signing_key_;
  std::map<std::string, std::shared_ptr<client::ServiceClient>> clients_;
  std::shared_ptr<client::TokenSource> tokens_;
  std::shared_ptr<client::RemoteKeySource> key_source_;
};

}  // namespace agora::app
