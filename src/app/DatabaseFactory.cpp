// Builds a module's database from its `<module>.database.*` configuration, falling back to the
// shared `database.*` keys.
#include "app/DatabaseFactory.h"

#include <stdexcept>

#include "app/BackendFactory.h"

namespace agora::app {

namespace {

/** `<module>.database.<name>` when set, else the shared `database.<name>`. */
std::string keyOf(const config::Config& config, const std::string& module,
                  const std::string& name) {
  const std::string module_key = module + ".database." + name;
  return config.has(module_key) ? module_key : "database." + name;
}

/** Returns `<module>.database.password[_file]`, else `database.password[_file]`, else "". */
std::string passwordOf(const config::Config& config, const std::string& module) {
  if (auto own = config.getSecret(module + ".database.password")) return *own;
  if (auto shared = config.getSecret("database.password")) return *shared;
  return "";
}

}  // namespace

data::DatabaseSettings databaseSettings(const config::Config& config, const std::string& module) {
  data::DatabaseSettings settings;
  const std::string driver_key = keyOf(config, module, "driver");
  const std::string driver = config.getString(driver_key, "sqlite");
  settings.pool_min = static_cast<int>(config.getInt(keyOf(config, module, "pool_min"), 0, 256));
  settings.pool_max = static_cast<int>(config.getInt(keyOf(config, module, "pool_max"), 1, 256));
  settings.connect_timeout_seconds =
      static_cast<int>(config.getInt(keyOf(config, module, "connect_timeout_seconds"), 1, 300));
  settings.read_timeout_seconds =
      static_cast<int>(config.getInt(keyOf(config, module, "read_timeout_seconds"), 1, 3600));
  if (settings.pool_min > settings.pool_max) {
    throw config::ConfigError("invalid database pool of module " + module + ": pool_min " +
                              std::to_string(settings.pool_min) + " exceeds pool_max " +
                              std::to_string(settings.pool_max));
  }

  if (driver == "sqlite") {
    settings.dialect = data::Dialect::kSqlite;
    settings.sqlite_path = dataPath(config, module + ".database.path", module + ".db");
    return settings;
  }
  if (driver != "mysql") {
    throw config::ConfigError("invalid " + driver_key + " '" + driver + "': use sqlite or mysql");
  }

  settings.dialect = data::Dialect::kMysql;
  settings.host = config.getString(keyOf(config, module, "host"));
  settings.port = static_cast<int>(config.getInt(keyOf(config, module, "port"), 1, 65535));
  settings.schema = config.getString(module + ".database.schema", "agora_" + module);
  settings.user = config.getString(keyOf(config, module, "user"));
  settings.password = passwordOf(config, module);
  return settings;
}

std::shared_ptr<data::Database> makeDatabase(const config::Config& config,
                                             const std::string& module) {
  const data::DatabaseSettings settings = databaseSettings(config, module);
  try {
    return std::make_shared<data::Database>(settings);
  } catch (const std::invalid_argument& e) {
    throw config::ConfigError("database of module " + module + ": " + e.what());
  }
}

}  // namespace agora::app
