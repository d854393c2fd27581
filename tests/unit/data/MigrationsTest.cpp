// Tests of schema migrations on real SQLite files.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>

#include "TempFolder.h"
#include "platform/data/Migrations.h"

namespace agora::data {
namespace {

using namespace Poco::Data::Keywords;
using testing::TempFolder;

DatabaseSettings sqliteSettings(const std::string& path) {
  DatabaseSettings settings;
  settings.dialect = Dialect::kSqlite;
  settings.sqlite_path = path;
  return settings;
}

Migration sqliteMigration(int version, std::vector<std::string> statements) {
  return Migration{version, "step " + std::to_string(version), std::move(statements), {}};
}

std::vector<Migration> productMigrations() {
  return {
      sqliteMigration(1, {"CREATE TABLE product (id INTEGER PRIMARY KEY, name TEXT NOT NULL)"}),
      sqliteMigration(2, {"ALTER TABLE product ADD COLUMN price_cents INTEGER NOT NULL DEFAULT 0",
                          "INSERT INTO product (id, name, price_cents) VALUES (1, 'tea', 450)"}),
  };
}

int count(Database& database, const std::string& sql) {
  Poco::Data::Session session = database.session();
  int value = 0;
  session << sql, into(value), now;
  return value;
}

TEST(Migrations, FirstRunAppliesAll) {
  TempFolder folder;
  Database database(sqliteSettings(folder.file("catalog.db")));

  EXPECT_EQ(applyMigrations(database, "catalog", productMigrations()), 2);
  EXPECT_EQ(count(database, "SELECT price_cents FROM product WHERE id = 1"), 450);
}

TEST(Migrations, SecondRunAppliesNothing) {
  TempFolder folder;
  Database database(sqliteSettings(folder.file("catalog.db")));
  applyMigrations(database, "catalog", productMigrations());

  EXPECT_EQ(applyMigrations(database, "catalog", productMigrations()), 0);
  EXPECT_EQ(count(database, "SELECT COUNT(*) FROM product"), 1);
}

TEST(Migrations, ReportsAppliedVersion) {
  TempFolder folder;
  Database database(sqliteSettings(folder.file("catalog.db")));
  EXPECT_EQ(appliedVersion(database, "catalog"), 0);

  applyMigrations(database, "catalog", productMigrations());

  EXPECT_EQ(appliedVersion(database, "catalog"), 2);
}

TEST(Migrations, AppliesOnlyNewVersions) {
  TempFolder folder;
  Database database(sqliteSettings(folder.file("catalog.db")));
  applyMigrations(database, "catalog", {productMigrations()[0]});

  EXPECT_EQ(applyMigrations(database, "catalog", productMigrations()), 1);
  EXPECT_EQ(appliedVersion(database, "catalog"), 2);
}

TEST(Migrations, RunsInVersionOrder) {
  TempFolder folder;
  Database database(sqliteSettings(folder.file("catalog.db")));
  auto migrations = productMigrations();
  std::swap(migrations[0], migrations[1]);

  EXPECT_EQ(applyMigrations(database, "catalog", migrations), 2);
}

TEST(Migrations, FailureNamesVersionAndRollsBack) {
  TempFolder folder;
  Database database(sqliteSettings(folder.file("catalog.db")));
  auto migrations = productMigrations();
  migrations.push_back(
      sqliteMigration(3, {"CREATE TABLE half_done (id INTEGER)", "THIS IS NOT SQL"}));

  try {
    applyMigrations(database, "catalog", migrations);
    FAIL() << "a broken migration was applied";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("migration 3"), std::string::npos) << e.what();
  }
  EXPECT_EQ(appliedVersion(database, "catalog"), 2);
  EXPECT_EQ(count(database, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'half_done'"), 0);
}

TEST(Migrations, ModulesKeepSeparateVersions) {
  TempFolder folder;
  Database database(sqliteSettings(folder.file("shared.db")));
  applyMigrations(database, "catalog", productMigrations());

  EXPECT_EQ(applyMigrations(database, "orders",
                            {sqliteMigration(1, {"CREATE TABLE orders (id INTEGER)"})}),
            1);
  EXPECT_EQ(appliedVersion(database, "orders"), 1);
}

TEST(Migrations, RejectsDuplicateVersions) {
  TempFolder folder;
  Database database(sqliteSettings(folder.file("catalog.db")));
  auto migrations = productMigrations();
  migrations.push_back(migrations[0]);

  EXPECT_THROW(applyMigrations(database, "catalog", migrations), std::invalid_argument);
}

TEST(Migrations, RejectsInvalidModuleName) {
  TempFolder folder;
  Database database(sqliteSettings(folder.file("catalog.db")));

  EXPECT_THROW(applyMigrations(database, "Catalog; DROP", productMigrations()),
               std::invalid_argument);
}

TEST(Migrations, ConcurrentStartsApplyOnce) {
  TempFolder folder;
  const std::string path = folder.file("catalog.db");

  // Each thread plays an instance with its own pool, as separate processes would.
  std::atomic<int> applied{0};
  std::mutex errors_mutex;
  std::vector<std::string> errors;
  std::vector<std::thread> instances;
  for (int i = 0; i < 4; ++i) {
    instances.emplace_back([&] {
      try {
        Database database(sqliteSettings(path));
        applied += applyMigrations(database, "catalog", productMigrations());
      } catch (const std::exception& e) {
        std::lock_guard lock(errors_mutex);
        errors.emplace_back(e.what());
      }
    });
  }
  for (auto& instance : instances) instance.join();

  Database database(sqliteSettings(path));
  EXPECT_TRUE(errors.empty()) << errors.size() << " instances failed, first: " << errors.front();
  EXPECT_EQ(applied.load(), 2);
  EXPECT_EQ(count(database, "SELECT COUNT(*) FROM product"), 1);
}

}  // namespace
}  // namespace agora::data
