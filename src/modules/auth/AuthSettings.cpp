// The auth module's configuration: token lifetimes, session limits, throttling, service clients.
#include "modules/auth/AuthSettings.h"

#include "platform/config/Config.h"

namespace agora::auth {
namespace {

constexpr int64_t kDay = 24 * 3600;

}  // namespace

void AuthSettings::addDefaults(config::Config& config) {
  config.setDefault("auth.issuer", "agora");
  config.setDefault("auth.audience", "agora-api");
  config.setDefault("auth.access_token_ttl", "600");
  config.setDefault("auth.refresh_grace_seconds", "10");
  config.setDefault("session.idle_timeout", "1800");
  config.setDefault("session.absolute_lifetime", "604800");
  config.setDefault("auth.cookie_secure", "true");
  config.setDefault("auth.login.max_failures", "5");
  config.setDefault("auth.login.window_seconds", "900");
  config.setDefault("auth.login.lockout_seconds", "300");
  config.setDefault("auth.login.max_failures_per_ip", "50");
  config.setDefault("auth.service_token_ttl", "300");
  // auth.service_clients is a secret: it comes from the environment or a file, never a default.
}

AuthSettings AuthSettings::fromConfig(const config::Config& config) {
  AuthSettings settings;
  settings.issuer = config.getString("auth.issuer");
  settings.audience = config.getString("auth.audience");
  if (settings.issuer.empty()) throw config::ConfigError("`auth.issuer` must not be empty");
  if (settings.audience.empty()) throw config::ConfigError("`auth.audience` must not be empty");

  settings.access_token_ttl = config.getInt("auth.access_token_ttl", 60, kDay);
  settings.refresh_grace_seconds = config.getInt("auth.refresh_grace_seconds", 0, 300);
  settings.session_idle_timeout = config.getInt("session.idle_timeout", 60, 30 * kDay);
  settings.session_absolute_lifetime = config.getInt("session.absolute_lifetime", 300, 366 * kDay);
  settings.cookie_secure = config.getBool("auth.cookie_secure");

  const int64_t window = config.getInt("auth.login.window_seconds", 1, kDay);
  const int64_t lockout = config.getInt("auth.login.lockout_seconds", 1, kDay);
  settings.account_limit = {static_cast<int>(config.getInt("auth.login.max_failures", 1, 1000)),
                            window, lockout};
  settings.ip_limit = {
      static_cast<int>(config.getInt("auth.login.max_failures_per_ip", 1, 1000000)), window,
      lockout};

  settings.service_token_ttl = config.getInt("auth.service_token_ttl", 30, 3600);
  settings.service_clients =
      ServiceClients::parse(config.getSecret("auth.service_clients").value_or(""));
  return settings;
}

}  // namespace agora::auth
