// Tests the pool figures a database reports for metrics: sessions in use and idle, the size,
// waits for a free session and failures.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <thread>

#include "TempFolder.h"
#include "app/PoolMetrics.h"
#include "platform/data/Database.h"

namespace agora::data {
namespace {

using testing::TempFolder;

DatabaseSettings sqliteSettings(const std::string& path, int pool_max) {
  DatabaseSettings settings;
  settings.dialect = Dialect::kSqlite;
  settings.sqlite_path = path;
  settings.pool_min = 1;
  settings.pool_max = pool_max;
  settings.connect_timeout_seconds = 1;
  return settings;
}

// Test that a lent session is in use and returns to idle.
TEST(DatabasePoolStats, LentSessionInUseThenIdle) {
  TempFolder folder;
  Database database(sqliteSettings(folder.file("stats.db"), 4));
  std::optional<Poco::Data::Session> lent = database.session();
  PoolStats lending = database.poolStats();
  lent.reset();
  PoolStats returned = database.poolStats();

  EXPECT_EQ(lending.in_use, 1);
  EXPECT_EQ(lending.max, 4);
  EXPECT_EQ(returned.in_use, 0);
  EXPECT_EQ(returned.idle, 1);
}

// Test that waiting for a busy pool counts one wait per call, and running out counts an error.
TEST(DatabasePoolStats, WaitsAndExhaustionCounted) {
  TempFolder folder;
  Database database(sqliteSettings(folder.file("busy.db"), 1));
  std::optional<Poco::Data::Session> lent = database.session();
  std::thread releaser([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    lent.reset();
  });
  EXPECT_EQ(database.ping(), "");
  releaser.join();
  EXPECT_EQ(database.poolStats().waits, 1u);
  EXPECT_EQ(database.poolStats().errors, 0u);

  Poco::Data::Session only_session = database.session();
  EXPECT_THROW(database.session(), Unavailable);
  EXPECT_EQ(database.poolStats().waits, 2u);
  EXPECT_EQ(database.poolStats().errors, 1u);
}

// Test that a database that cannot be opened counts an error.
TEST(DatabasePoolStats, OutageCountedAsError) {
  TempFolder folder;
  Database database(sqliteSettings(folder.path(), 2));
  EXPECT_THROW(database.session(), Unavailable);
  EXPECT_EQ(database.poolStats().errors, 1u);
}

// Test that the pool collector renders the gauges and counters labelled by module.
TEST(DatabasePoolStats, CollectorRendersByModule) {
  TempFolder folder;
  auto database = std::make_shared<Database>(sqliteSettings(folder.file("metrics.db"), 3));
  metrics::Registry registry;
  app::addDatabasePoolMetrics(registry, "orders", database);
  Poco::Data::Session lent = database->session();
  const std::string text = registry.render();

  EXPECT_NE(text.find("agora_db_pool_in_use_connections{module=\"orders\"} 1\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("agora_db_pool_max_connections{module=\"orders\"} 3\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("# TYPE agora_db_pool_waits_total counter\n"), std::string::npos) << text;
  EXPECT_NE(text.find("agora_db_pool_errors_total{module=\"orders\"} 0\n"), std::string::npos)
      << text;
}

// Test that the collector stops reporting once the database is gone.
TEST(DatabasePoolStats, CollectorOutlivedByRegistry) {
  TempFolder folder;
  metrics::Registry registry;
  {
    auto database = std::make_shared<Database>(sqliteSettings(folder.file("gone.db"), 2));
    app::addDatabasePoolMetrics(registry, "users", database);
  }
  EXPECT_EQ(registry.render().find("module=\"users\""), std::string::npos);
}

}  // namespace
}  // namespace agora::data
