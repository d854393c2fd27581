// The built-in defaults of every configuration key: the first layer of the configuration.
#include "app/Application.h"
#include "app/RemoteServices.h"
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
  config.setDefault("http.head_timeout_seconds", "10");
  config.setDefault("http.request_timeout_seconds", "60");
  config.setDefault("http.trust_forwarded_for", "false");

  config.setDefault("admin.bind", "127.0.0.1");
  config.setDefault("admin.port", "9090");

  config.setDefault("log.level", "info");
  config.setDefault("log.audit_file", "");  // empty: audit lines go to stdout with the log

  config.setDefault("auth.leeway_seconds", "30");
  config.setDefault("auth.session_check_cache_milliseconds", "500");
  config.setDefault("session.store", "memory");
  config.setDefault("session.encryption_key_id", "k1");
  config.setDefault("redis.host", "127.0.0.1");
  config.setDefault("redis.port", "6379");
  config.setDefault("redis.database", "0");
  config.setDefault("redis.key_prefix", "agora:");
  config.setDefault("redis.pool_size", "16");
  config.setDefault("redis.connect_timeout_milliseconds", "1000");
  config.setDefault("redis.read_timeout_milliseconds", "1000");

  // Shared by every module unless `<module>.database.<key>` is set (see DatabaseFactory.h).
  config.setDefault("database.driver", "sqlite");
  config.setDefault("database.host", "127.0.0.1");
  config.setDefault("database.port", "3306");
  config.setDefault("database.user", "agora");
  config.setDefault("database.pool_min", "1");
  config.setDefault("database.pool_max", "8");
  config.setDefault("database.connect_timeout_seconds", "3");
  config.setDefault("database.read_timeout_seconds", "5");
  for (const char* module : {"users", "catalog", "orders"}) {
    config.setDefault(std::string(module) + ".database.schema", std::string("agora_") + module);
  }

  config.setDefault("database.create_schema", "true");
  config.setDefault("database.migrate_on_start", "true");
  config.setDefault("database.require_current_schema", "true");

  config.setDefault("shutdown.drain_seconds", "0");
  config.setDefault("shutdown.grace_seconds", "10");

  config.setDefault("demo.admin_email", "admin@agora.local");

  RemoteServices::addDefaults(config);
  auth::AuthModule::addDefaults(config);
  users::UsersModule::addDefaults(config);
  catalog::CatalogModule::addDefaults(config);
  orders::OrdersModule::addDefaults(config);
}

}  // namespace agora::app
