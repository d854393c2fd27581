// Builds a module's database from configuration.
#pragma once

#include <memory>
#include <string>

#include "platform/config/Config.h"
#include "platform/data/Database.h"

namespace agora::app {

/**
 * The settings of a module's database. Each `<module>.database.<key>` falls back to the shared
 * `database.<key>` (driver, host, port, user, password or password_file, pool_min, pool_max,
 * connect_timeout_seconds, read_timeout_seconds), so one setting points every module at one
 * server while a module can still have its own. The schema (`<module>.database.schema`,
 * default agora_<module>) and the SQLite file (`<module>.database.path`, default
 * <data.dir>/<module>.db) are the module's own. Throws config::ConfigError for invalid values.
 */
data::DatabaseSettings databaseSettings(const config::Config& config, const std::string& module);

/** The database of a module from databaseSettings(); opens no connection yet. */
std::shared_ptr<data::Database> makeDatabase(const config::Config& config,
                                             const std::string& module);

}  // namespace agora::app
