// Applies a module's schema migrations once each, even when several instances start together.
#include "platform/data/Migrations.h"

#include <Poco/Data/DataException.h>
#include <Poco/Nullable.h>

#include <algorithm>
#include <stdexcept>

#include "platform/Clock.h"
#include "platform/data/DataErrors.h"
#include "platform/log/Log.h"

namespace agora::data {

using namespace Poco::Data::Keywords;

namespace {

constexpr int kLockWaitSeconds = 30;
constexpr std::size_t kMaxModuleLength = 50;  // MySQL lock names are at most 64 characters

const char* const kCreateMigrationsTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    "module VARCHAR(64) NOT NULL, version INT NOT NULL, description VARCHAR(255) NOT NULL, "
    "applied_at VARCHAR(32) NOT NULL, PRIMARY KEY (module, version))";
const char* const kMysqlTableOptions = " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin";

void checkModuleName(const std::string& module) {
  const bool valid = !module.empty() && module.size() <= kMaxModuleLength &&
                     std::all_of(module.begin(), module.end(), [](char c) {
                       return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
                     });
  if (!valid) {
    throw std::invalid_argument("invalid migration module name `" + module +
                                "`: use 1-50 characters of a-z, 0-9 and _");
  }
}

/** Sorts the migrations by version, rejecting versions below 1 and duplicates. */
std::vector<const Migration*> inVersionOrder(const std::string& module,
                                             const std::vector<Migration>& migrations) {
  std::vector<const Migration*> ordered;
  for (const Migration& migration : migrations) ordered.push_back(&migration);
  std::sort(ordered.begin(), ordered.end(),
            [](const Migration* a, const Migration* b) { return a->version < b->version; });

  for (std::size_t i = 0; i < ordered.size(); ++i) {
    const int version = ordered[i]->version;
    if (version < 1) {
      throw std::invalid_argument("invalid migration version " + std::to_string(version) +
                                  " of module " + module + ": versions start at 1");
    }
    if (i > 0 && ordered[i - 1]->version == version) {
      throw std::invalid_argument("duplicate migration version " + std::to_string(version) +
                                  " of module " + module + ": give each migration its own");
    }
  }
  return ordered;
}

void createMigrationsTable(Database& database) {
  std::string statement = kCreateMigrationsTable;
  if (database.dialect() == Dialect::kMysql) statement += kMysqlTableOptions;
  try {
    database.withSession([&](Poco::Data::Session& session) { session << statement, now; });
  } catch (const Poco::Exception& e) {
    throw std::runtime_error("failed to create table schema_migrations: " + e.displayText() +
                             "; check that the database user may create tables");
  }
}

bool migrationsTableExists(Database& database) {
  const std::string sql =
      database.dialect() == Dialect::kSqlite
          ? "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
          : "SELECT COUNT(*) FROM information_schema.TABLES"
            " WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'schema_migrations'";
  Poco::Int64 count = 0;
  database.withSession([&](Poco::Data::Session& session) { session << sql, into(count), now; });
  return count > 0;
}

bool isApplied(Poco::Data::Session& session, const std::string& module, int version) {
  std::string module_name = module;
  int count = 0;
  session << "SELECT COUNT(*) FROM schema_migrations WHERE module = ? AND version = ?", into(count),
      use(module_name), use(version), now;
  return count > 0;
}

/** Runs one migration's statements and records it, on a session inside a transaction. */
void applyOne(Poco::Data::Session& session, Dialect dialect, const std::string& module,
              const Migration& migration) {
  const auto& statements =
      dialect == Dialect::kSqlite ? migration.sqlite_statements : migration.mysql_statements;
  for (const std::string& statement : statements) {
    session << statement, now;
  }

  std::string module_name = module;
  int version = migration.version;
  std::string description = migration.description;
  std::string applied_at = formatRfc3339(systemNowSeconds());
  session << "INSERT INTO schema_migrations (module, version, description, applied_at) "
             "VALUES (?, ?, ?, ?)",
      use(module_name), use(version), use(description), use(applied_at), now;
}

/** Rethrows the active exception with the migration named, keeping outages Unavailable. */
[[noreturn]] void rethrowAsMigrationFailure(const std::string& module, const Migration& migration) {
  const std::string name = "migration " + std::to_string(migration.version) + " (" +
                           migration.description + ") of module " + module;
  try {
    throw;
  } catch (const Unavailable& e) {
    throw Unavailable(name + " stopped: " + e.what());
  } catch (const Poco::Exception& e) {
    if (isOutage(e)) throw Unavailable(name + " stopped: " + e.displayText());
    throw std::runtime_error(name + " failed: " + e.displayText() + "; fix it and restart");
  } catch (const std::exception& e) {
    throw std::runtime_error(name + " failed: " + e.what() + "; fix it and restart");
  }
}

void logApplied(const std::string& module, const Migration& migration) {
  Poco::JSON::Object fields;
  fields.set("migration_module", module);
  fields.set("version", migration.version);
  fields.set("description", migration.description);
  log::info("data", "migration_applied", fields);
}

/** SQLite: each migration is one transaction under the writer lock, so it runs once. */
int applySqlite(Database& database, const std::string& module,
                const std::vector<const Migration*>& ordered) {
  int applied = 0;
  for (const Migration* migration : ordered) {
    bool ran = false;
    try {
      database.transaction([&](Poco::Data::Session& session) {
        if (isApplied(session, module, migration->version)) return;
        applyOne(session, Dialect::kSqlite, module, *migration);
        ran = true;
      });
    } catch (...) {
      rethrowAsMigrationFailure(module, *migration);
    }
    if (ran) {
      ++applied;
      logApplied(module, *migration);
    }
  }
  return applied;
}

/**
 * MySQL: a named lock held by one connection for the whole run keeps other instances out.
 * DDL commits implicitly, so a failed migration may leave part of its schema changes. Each
 * version is recorded right after its statements, so a completed migration never runs twice.
 * The lock is per schema and module (lock names are server-wide and at most 64 characters,
 * hence the digest), so instances migrating other schemas on the same server do not wait.
 */
int applyMysql(Database& database, const std::string& module,
               const std::vector<const Migration*>& ordered) {
  Poco::Data::Session session = database.session();
  std::string lock_name;
  std::string module_name = module;
  int wait_seconds = kLockWaitSeconds;

  Poco::Nullable<Poco::Int64> locked;
  try {
    session << "SELECT CONCAT('agora_migrate_', LEFT(SHA2(CONCAT(DATABASE(), '/', ?), 256), 40))",
        into(lock_name), use(module_name), now;
    session << "SELECT GET_LOCK(?, ?)", into(locked), use(lock_name), use(wait_seconds), now;
  } catch (const Poco::Exception& e) {
    if (isOutage(e)) throw Unavailable("migrations of module " + module + ": " + e.displayText());
    throw;
  }
  if (locked.isNull() || locked.value() != 1) {
    throw std::runtime_error("timed out after " + std::to_string(kLockWaitSeconds) +
                             " s waiting for migration lock " + lock_name +
                             ": another instance is still migrating; restart when it is done");
  }

  auto release = [&] {
    Poco::Nullable<Poco::Int64> released;
    session << "SELECT RELEASE_LOCK(?)", into(released), use(lock_name), now;
  };

  int applied = 0;
  for (const Migration* migration : ordered) {
    try {
      if (isApplied(session, module, migration->version)) continue;
      session.begin();
      try {
        applyOne(session, Dialect::kMysql, module, *migration);
        session.commit();
      } catch (...) {
        session.rollback();
        throw;
      }
    } catch (...) {
      try {
        release();
      } catch (...) {
        // The server drops the lock with the connection anyway.
      }
      rethrowAsMigrationFailure(module, *migration);
    }
    ++applied;
    logApplied(module, *migration);
  }
  release();
  return applied;
}

}  // namespace

int applyMigrations(Database& database, const std::string& module,
                    const std::vector<Migration>& migrations) {
  checkModuleName(module);
  const auto ordered = inVersionOrder(module, migrations);
  createMigrationsTable(database);
  return database.dialect() == Dialect::kSqlite ? applySqlite(database, module, ordered)
                                                : applyMysql(database, module, ordered);
}

int appliedVersion(Database& database, const std::string& module) {
  checkModuleName(module);
  if (!migrationsTableExists(database)) return 0;

  std::string module_name = module;
  Poco::Nullable<int> version;
  database.withSession([&](Poco::Data::Session& session) {
    session << "SELECT MAX(version) FROM schema_migrations WHERE module = ?", into(version),
        use(module_name), now;
  });
  return version.isNull() ? 0 : version.value();
}

int latestVersion(const std::vector<Migration>& migrations) {
  int latest = 0;
  for (const Migration& migration : migrations) latest = std::max(latest, migration.version);
  return latest;
}

}  // namespace agora::data
