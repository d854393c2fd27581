// Migrated SQLite databases in a temp folder, as the embedded default runs the modules.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "FuzzCheck.h"
#include "platform/data/Database.h"
#include "platform/data/Migrations.h"

namespace agora::fuzz {

/**
 * A SQLite file `<module>.db` in `folder` with the module's migrations applied. Quiets the logs
 * first, since this is the first thing a route target builds.
 */
inline std::shared_ptr<data::Database> migratedDatabase(
    const TempFolder& folder, const std::string& module,
    const std::vector<data::Migration>& migrations) {
  quietLogs();
  data::DatabaseSettings settings;
  settings.dialect = data::Dialect::kSqlite;
  settings.sqlite_path = folder.file(module + ".db");
  auto database = std::make_shared<data::Database>(settings);
  data::applyMigrations(*database, module, migrations);
  return database;
}

}  // namespace agora::fuzz
