// The HTTP side of the module interfaces: clients of the roles that run in other processes.
#include "app/RemoteServices.h"

#include <stdexcept>

#include "modules/auth/RemoteSessionRevoker.h"
#include "modules/catalog/RemoteCatalogApi.h"
#include "modules/users/RemoteUsersApi.h"
#include "platform/client/IssuedTokenSource.h"
#include "platform/client/KeyRefreshingAuthenticator.h"
#include "platform/client/ServiceTokenProvider.h"

namespace agora::app {
namespace {

using std::chrono::milliseconds;

/** Returns why each role is called, for the error that requests its URL. */
std::string purposeOf(const std::string& role) {
  if (role == "auth") return "for service tokens, signing keys and ending sessions";
  if (role == "users") return "to check credentials";
  return "to reserve and release stock";
}

}  // namespace

void RemoteServices::addDefaults(config::Config& config) {
  config.setDefault("services.auth.url", "");
  config.setDefault("services.users.url", "");
  config.setDefault("services.catalog.url", "");
  config.setDefault("services.client_id", "");
  config.setDefault("services.connect_timeout_milliseconds", "500");
  config.setDefault("services.read_timeout_milliseconds", "3000");
  config.setDefault("services.call_budget_milliseconds", "5000");
  config.setDefault("services.pool_size", "32");
  config.setDefault("services.retry_attempts", "3");
  config.setDefault("services.breaker_failures", "5");
  config.setDefault("services.breaker_cooldown_milliseconds", "5000");
  config.setDefault("services.startup_wait_milliseconds", "30000");
  // services.client_secret is a secret: from the environment or services.client_secret_file.
}

RemoteServices::RemoteServices(const config::Config& config, std::string default_client_id,
                               std::shared_ptr<metrics::Registry> registry,
                               std::shared_ptr<const security::SigningKey> signing_key)
    : config_(config),
      client_id_(config.getString("services.client_id")),
      registry_(std::move(registry)),
      signing_key_(std::move(signing_key)) {
  if (client_id_.empty()) client_id_ = std::move(default_client_id);
}

bool RemoteServices::hasAuthUrl() const {
  return !config_.getString("services.auth.url").empty();
}

std::shared_ptr<client::ServiceClient> RemoteServices::client(const std::string& role,
                                                              bool with_token) {
  const std::string label = with_token ? role : role + "-public";
  if (auto found = clients_.find(label); found != clients_.end()) return found->second;

  const std::string url_key = "services." + role + ".url";
  const std::string url = config_.getString(url_key);
  if (url.empty()) {
    throw config::ConfigError("this process calls the " + role + " role " + purposeOf(role) +
                              ": set " + url_key + " (e.g. http://" + role +
                              ":8080), or run that role in this process too");
  }

  client::ServiceClientSettings settings;
  settings.target = role;
  settings.label = label;
  try {
    settings.endpoint = client::ServiceEndpoint::parse(url);
  } catch (const std::invalid_argument& error) {
    throw config::ConfigError("invalid " + url_key + ": " + error.what());
  }
  settings.pool.connect_timeout =
      milliseconds(config_.getInt("services.connect_timeout_milliseconds", 1, 60000));
  settings.pool.read_timeout =
      milliseconds(config_.getInt("services.read_timeout_milliseconds", 1, 600000));
  settings.pool.max_connections =
      static_cast<std::size_t>(config_.getInt("services.pool_size", 1, 4096));
  settings.retry.max_attempts = static_cast<int>(config_.getInt("services.retry_attempts", 1, 10));
  settings.retry.budget =
      milliseconds(config_.getInt("services.call_budget_milliseconds", 1, 600000));
  settings.breaker_failures =
      static_cast<int>(config_.getInt("services.breaker_failures", 1, 1000));
  settings.breaker_cooldown =
      milliseconds(config_.getInt("services.breaker_cooldown_milliseconds", 1, 600000));

  auto created =
      std::make_shared<client::ServiceClient>(settings, with_token ? tokens() : nullptr, registry_);
  clients_[label] = created;
  return created;
}

std::shared_ptr<client::TokenSource> RemoteServices::tokens() {
  if (tokens_) return tokens_;
  if (signing_key_) {
    tokens_ = std::make_shared<client::IssuedTokenSource>(
        signing_key_, config_.getString("auth.issuer"), config_.getString("auth.audience"),
        client_id_, config_.getInt("auth.service_token_ttl", 30, 3600));
    return tokens_;
  }
  std::optional<std::string> secret = config_.getSecret("services.client_secret");
  if (!secret || secret->empty()) {
    throw config::ConfigError(
        "this process calls other roles with a service token: set services.client_secret_file "
        "(or AGORA_SERVICES_CLIENT__SECRET) to the secret of client '" +
        client_id_ + "' in the auth role's auth.service_clients");
  }
  tokens_ =
      std::make_shared<client::ServiceTokenProvider>(client("auth", false), client_id_, *secret);
  return tokens_;
}

std::shared_ptr<users::UsersApi> RemoteServices::usersApi() {
  return std::make_shared<users::RemoteUsersApi>(client("users", true));
}

std::shared_ptr<auth::SessionRevoker> RemoteServices::sessionRevoker() {
  return std::make_shared<auth::RemoteSessionRevoker>(client("auth", true));
}

std::shared_ptr<catalog::CatalogApi> RemoteServices::catalogApi() {
  return std::make_shared<catalog::RemoteCatalogApi>(client("catalog", true));
}

std::shared_ptr<http::Authenticator> RemoteServices::refreshingKeys(
    std::shared_ptr<http::Authenticator> authenticator,
    std::shared_ptr<security::PublicKeySet> keys) {
  key_source_ = std::make_shared<client::RemoteKeySource>(client("auth", false), keys);
  std::weak_ptr<client::RemoteKeySource> source = key_source_;
  return std::make_shared<client::KeyRefreshingAuthenticator>(
      std::move(authenticator), std::move(keys), [source](const std::string& kid) {
        auto alive = source.lock();
        return alive && alive->refreshFor(kid);
      });
}

void RemoteServices::loadKeysAtStartup() {
  if (!key_source_) return;
  key_source_->loadAtStartup(
      milliseconds(config_.getInt("services.startup_wait_milliseconds", 0, 3600000)));
}

}  // namespace agora::app
