// Builds a module's database from its `<module>.database.*` configuration.
#include "app/DatabaseFactory.h"

#include "app/BackendFactory.h"

#include <filesystem>

namespace agora::app {

std::shared_ptr<data::Database> makeDatabase(const config::Config& config,
                                             const std::string& module) {
  const std::string prefix = module + ".database.";
  data::DatabaseSettings settings;
  std::string driver = config.getString(prefix + "driver", "sqlite");
  if (driver != "sqlite") {
    throw config::ConfigError("invalid " + prefix + "driver '" + driver + "': use sqlite");
  }
  settings.dialect = data::Dialect::kSqlite;
  settings.sqlite_path = dataPath(config, prefix + "path", module + ".db");
  settings.pool_min = static_cast<int>(config.getInt(prefix + "pool_min", 1, 256));
  settings.pool_max = static_cast<int>(config.getInt(prefix + "pool_max", 1, 256));
  std::filesystem::create_directories(std::filesystem::path(settings.sqlite_path).parent_path());
  return std::make_shared<data::Database>(settings);
}

}  // namespace agora::app
