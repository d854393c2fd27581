// Versioned schema migrations per module, recorded in a `schema_migrations` table.
#pragma once

#include <string>
#include <vector>

#include "platform/data/Database.h"

namespace agora::data {

/** One schema step. Statements run in order; separate dialects where the SQL differs. */
struct Migration {
  int version;
  std::string description;
  std::vector<std::string> sqlite_statements;
  std::vector<std::string> mysql_statements;
};

/**
 * Applies the migrations not yet recorded, in version order, each exactly once, and returns
 * how many ran. Throws std::runtime_error naming the version when one fails.
 */
int applyMigrations(Database& database, const std::string& module,
                    const std::vector<Migration>& migrations);

/** The highest applied version (0 when none, also before any migration ran); writes nothing. */
int appliedVersion(Database& database, const std::string& module);

/** The highest version among `migrations` (0 when empty): what this binary expects. */
int latestVersion(const std::vector<Migration>& migrations);

}  // namespace agora::data
