// The auth module's configuration: token lifetimes, session limits, throttling, service clients.
#pragma once

#include <cstdint>
#include <string>

#include "modules/auth/ServiceClients.h"

namespace agora::config {
class Config;
}

namespace agora::auth {

/** How many failures a throttle key may have within a window, and how long it is then locked. */
struct ThrottleLimit {
  int max_failures = 5;
  int64_t window_seconds = 900;
  int64_t lockout_seconds = 300;
};

/** Every setting of the auth module, read once at start-up. Times are in seconds. */
struct AuthSettings {
  std::string issuer = "agora";
  std::string audience = "agora-api";
  int64_t access_token_ttl = 600;
  int64_t refresh_grace_seconds = 10;
  int64_t session_idle_timeout = 1800;
  int64_t session_absolute_lifetime = 604800;
  bool cookie_secure = true;
  ThrottleLimit account_limit;
  ThrottleLimit ip_limit{50, 900, 300};
  int64_t service_token_ttl = 300;
  ServiceClients service_clients;

  /** Sets the built-in defaults of every `auth.*` and `session.*` key the module reads. */
  static void addDefaults(config::Config& config);
  /** Reads and range-checks the settings; throws config::ConfigError naming the bad key. */
  static AuthSettings fromConfig(const config::Config& config);
};

}  // namespace agora::auth
