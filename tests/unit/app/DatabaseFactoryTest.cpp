// Tests of the database settings read from configuration: drivers, shared fallbacks, secrets.
#include <gtest/gtest.h>

#include <fstream>

#include "../data/TempFolder.h"
#include "app/Application.h"
#include "app/DatabaseFactory.h"

namespace agora::app {
namespace {

using data::testing::TempFolder;

config::Config defaults() {
  config::Config config;
  addDefaults(config);
  config.set("data.dir", "/var/lib/agora");
  return config;
}

// Test that without configuration a module uses its SQLite file in data.dir.
TEST(DatabaseFactory, DefaultIsSqliteFileInDataDir) {
  const data::DatabaseSettings settings = databaseSettings(defaults(), "orders");
  EXPECT_EQ(settings.dialect, data::Dialect::kSqlite);
  EXPECT_EQ(settings.sqlite_path, "/var/lib/agora/orders.db");
}

// Test that database.driver alone puts every module on MySQL.
TEST(DatabaseFactory, SharedDriverMovesEveryModule) {
  config::Config config = defaults();
  config.set("database.driver", "mysql");
  for (const char* module : {"users", "catalog", "orders"}) {
    EXPECT_EQ(databaseSettings(config, module).dialect, data::Dialect::kMysql) << module;
  }
}

// Test the MySQL defaults: local server, agora user, schema per module, timeouts.
TEST(DatabaseFactory, MysqlDefaultsPerModule) {
  config::Config config = defaults();
  config.set("database.driver", "mysql");
  const data::DatabaseSettings settings = databaseSettings(config, "catalog");
  EXPECT_EQ(settings.host, "127.0.0.1");
  EXPECT_EQ(settings.port, 3306);
  EXPECT_EQ(settings.schema, "agora_catalog");
  EXPECT_EQ(settings.user, "agora");
  EXPECT_EQ(settings.connect_timeout_seconds, 3);
  EXPECT_EQ(settings.read_timeout_seconds, 5);
  EXPECT_EQ(settings.pool_max, 8);
}

// Test that a module key wins over the shared key for that module only.
TEST(DatabaseFactory, ModuleKeysOverrideSharedKeys) {
  config::Config config = defaults();
  config.set("database.driver", "mysql");
  config.set("database.host", "db.internal");
  config.set("orders.database.host", "orders-db.internal");
  config.set("orders.database.user", "orders");
  config.set("orders.database.pool_max", "20");

  const data::DatabaseSettings orders = databaseSettings(config, "orders");
  const data::DatabaseSettings users = databaseSettings(config, "users");
  EXPECT_EQ(orders.host, "orders-db.internal");
  EXPECT_EQ(orders.user, "orders");
  EXPECT_EQ(orders.pool_max, 20);
  EXPECT_EQ(users.host, "db.internal");
  EXPECT_EQ(users.user, "agora");
  EXPECT_EQ(users.pool_max, 8);
}

// Test that one module can keep SQLite while the others use MySQL.
TEST(DatabaseFactory, ModuleCanStayOnSqlite) {
  config::Config config = defaults();
  config.set("database.driver", "mysql");
  config.set("users.database.driver", "sqlite");
  EXPECT_EQ(databaseSettings(config, "users").dialect, data::Dialect::kSqlite);
  EXPECT_EQ(databaseSettings(config, "catalog").dialect, data::Dialect::kMysql);
}

// Test that a module password file wins over the shared password.
TEST(DatabaseFactory, PasswordFileOfModuleWins) {
  TempFolder folder;
  std::ofstream(folder.file("orders-password")) << "orders-secret\n";
  config::Config config = defaults();
  config.set("database.driver", "mysql");
  config.set("database.password", "shared-secret");
  config.set("orders.database.password_file", folder.file("orders-password"));

  EXPECT_EQ(databaseSettings(config, "orders").password, "orders-secret");
  EXPECT_EQ(databaseSettings(config, "catalog").password, "shared-secret");
}

// Test that an unknown driver is a configuration error.
TEST(DatabaseFactory, UnknownDriverIsConfigError) {
  config::Config config = defaults();
  config.set("catalog.database.driver", "postgres");
  EXPECT_THROW(databaseSettings(config, "catalog"), config::ConfigError);
}

// Test that a pool minimum above its maximum is a configuration error.
TEST(DatabaseFactory, PoolMinAbovePoolMaxIsConfigError) {
  config::Config config = defaults();
  config.set("database.pool_min", "9");
  EXPECT_THROW(databaseSettings(config, "catalog"), config::ConfigError);
}

// Test that a schema name that cannot be quoted is a configuration error.
TEST(DatabaseFactory, InvalidSchemaIsConfigError) {
  config::Config config = defaults();
  config.set("database.driver", "mysql");
  config.set("users.database.schema", "agora`users");
  EXPECT_THROW(makeDatabase(config, "users"), config::ConfigError);
}

}  // namespace
}  // namespace agora::app
