// The built-in defaults of every configuration key: the first layer of the configuration.
#include "app/Application.h"
#include "modules/auth/AuthModule.h"
#include "modules/catalog/CatalogModule.h"
#include "modules/orders/OrdersModule.h"
#include "modules/users/UsersModule.h"

namespace agora::app {

void addDefaults(config::Config& config) {
  config.setDefault("roles", "all");
  config.setDefault("data.dir", ".agora-data");

  config.setDefault("http.bind", "127.0.0.1");
  config.setDefault("http.port", "8443");
  config.setDefault("http.tls", "auto");  // on for --role=all (the built-in edge), else off
  config.setDefault("http.max_threads", "64");
  config.setDefault("http.max_queued", "256");
  config.setDefault("http.max_body_bytes", "1048576");
  config.setDefault("http.keep_alive_timeout_seconds", "10");
  config.setDefault("http.trust_forwarded_for", "false");

  config.setDefault("admin.bind", "127.0.0.1");
  config.setDefault("admin.port", "9090");

  config.setDefault("log.level", "info");

  config.setDefault("auth.leeway_seconds", "30");
  config.setDefault("auth.session_check_cache_milliseconds", "500");
  config.setDefault("session.store", "memory");
  config.setDefault("session.encryption_key_id", "k1");

  for (const char* module : {"users", "catalog", "orders"}) {
    std::string prefix = std::string(module) + ".database.";
    config.setDefault(prefix + "driver", "sqlite");
    config.setDefault(prefix + "pool_min", "1");
    config.setDefault(prefix + "pool_max", "8");
  }

  config.setDefault("database.migrate_on_start", "true");

  config.setDefault("shutdown.drain_seconds", "0");
  config.setDefault("shutdown.grace_seconds", "10");

  config.setDefault("demo.admin_email", "admin@agora.local");

  auth::AuthModule::addDefaults(config);
  users::UsersModule::addDefaults(config);
  catalog::CatalogModule::addDefaults(config);
  orders::OrdersModule::addDefaults(config);
}

}  // namespace agora::app
