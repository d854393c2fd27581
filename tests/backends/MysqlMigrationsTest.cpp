// Tests of migrations on MariaDB: two instances migrating at once, `agora migrate` against the
// server, and a start-up that refuses an outdated schema.
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "AgoraProcess.h"
#include "MysqlTestSupport.h"

namespace agora::testing {
namespace {

using namespace Poco::Data::Keywords;

/** Three steps that take a moment each, so two instances overlap, and count their runs. */
std::vector<data::Migration> slowMigrations() {
  std::vector<data::Migration> migrations;
  for (int version = 1; version <= 3; ++version) {
    const std::string table = "step" + std::to_string(version);
    migrations.push_back(
        {version,
         "step " + std::to_string(version),
         {},
         {"DO SLEEP(0.2)", "CREATE TABLE " + table + " (run INT NOT NULL) ENGINE=InnoDB",
          "INSERT INTO " + table + " (run) VALUES (1)"}});
  }
  return migrations;
}

int64_t count(data::Database& database, const std::string& sql) {
  int64_t value = 0;
  database.withSession([&](Poco::Data::Session& session) { session << sql, into(value), now; });
  return value;
}

class MysqlMigrationsTest : public ::testing::Test {
 protected:
  void TearDown() override {
    for (const auto& schema : schemas_) dropSchema(schema);
    std::error_code ignored;
    for (const auto& folder : data_dirs_) std::filesystem::remove_all(folder, ignored);
  }

  /** Returns a data folder for one agora run, removed after the test. */
  std::string dataDir(const std::string& name) {
    data_dirs_.push_back(::testing::TempDir() + "/agora-" + name);
    return data_dirs_.back();
  }

  std::string schema(const std::string& purpose) {
    schemas_.push_back(uniqueSchema(purpose));
    return schemas_.back();
  }

  std::vector<std::string> schemas_;
  std::vector<std::string> data_dirs_;
};

// Test that two instances migrating one schema at once apply each version exactly once.
TEST_F(MysqlMigrationsTest, ConcurrentInstancesApplyEachVersionOnce) {
  const std::string name = schema("pods");
  data::Database first(mysqlSettings(name, 2));
  data::Database second(mysqlSettings(name, 2));
  first.createSchema();

  int applied_by_first = -1;
  int applied_by_second = -1;
  std::string failure;
  auto migrate = [&](data::Database& database, int& applied) {
    try {
      applied = data::applyMigrations(database, "pods", slowMigrations());
    } catch (const std::exception& e) {
      failure = e.what();
    }
  };
  std::thread one([&] { migrate(first, applied_by_first); });
  std::thread two([&] { migrate(second, applied_by_second); });
  one.join();
  two.join();

  EXPECT_EQ(failure, "");
  EXPECT_EQ(applied_by_first + applied_by_second, 3);
  EXPECT_EQ(count(first, "SELECT COUNT(*) FROM schema_migrations WHERE module = 'pods'"), 3);
  EXPECT_EQ(count(first, "SELECT COUNT(DISTINCT version) FROM schema_migrations"), 3);
  EXPECT_EQ(count(first, "SELECT COUNT(*) FROM step1") +
                count(first, "SELECT COUNT(*) FROM step2") +
                count(first, "SELECT COUNT(*) FROM step3"),
            3);
  EXPECT_EQ(data::appliedVersion(second, "pods"), 3);
}

// Test that `agora migrate --role=catalog` creates and migrates the schema, then applies 0.
TEST_F(MysqlMigrationsTest, MigrateCommandRunsOnceThenAppliesNothing) {
  const std::string name = schema("catalog");
  const auto environment = mysqlEnvironment({{"catalog", name}});
  const std::string data_dir = dataDir("migrate-" + name);

  const AgoraRun first =
      runAgora({"migrate", "--role=catalog", "--data-dir", data_dir}, environment);
  const AgoraRun second =
      runAgora({"migrate", "--role=catalog", "--data-dir", data_dir}, environment);

  EXPECT_EQ(first.exit_code, 0) << first.output;
  EXPECT_NE(first.output.find("\"applied\":1"), std::string::npos) << first.output;
  EXPECT_EQ(second.exit_code, 0) << second.output;
  EXPECT_NE(second.output.find("\"applied\":0"), std::string::npos) << second.output;
  data::Database database(mysqlSettings(name, 1));
  EXPECT_EQ(data::appliedVersion(database, "catalog"), 1);
}

// Test that a start without migrations on an empty schema refuses and names the fix.
TEST_F(MysqlMigrationsTest, OutdatedSchemaRefusesToStart) {
  const std::string name = schema("catalog");
  data::Database(mysqlSettings(name, 1)).createSchema();
  auto environment = mysqlEnvironment({{"catalog", name}});
  environment["AGORA_DATABASE_MIGRATE__ON__START"] = "false";
  const std::string data_dir = dataDir("refuse-" + name);

  const AgoraRun run = runAgora(
      {"--role=catalog", "--port", "0", "--admin-port", "0", "--data-dir", data_dir}, environment);

  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find("the catalog schema is at migration version 0 but this agora needs "
                            "version 1"),
            std::string::npos)
      << run.output;
  EXPECT_NE(run.output.find("agora migrate --role=catalog"), std::string::npos) << run.output;
}

// Test that a start without migrations on current schemas serves and reports ready.
TEST_F(MysqlMigrationsTest, CurrentSchemaStartsWithoutMigrating) {
  auto environment = mysqlEnvironment(
      {{"users", schema("users")}, {"catalog", schema("catalog")}, {"orders", schema("orders")}});
  const std::string data_dir = dataDir("current-" + schemas_.back());
  ASSERT_EQ(runAgora({"migrate", "--data-dir", data_dir}, environment).exit_code, 0);

  environment["AGORA_DATABASE_MIGRATE__ON__START"] = "false";
  AgoraProcess agora({}, environment);
  EXPECT_EQ(agora.admin("/readyz").status, 200);
  EXPECT_EQ(agora.get("/api/catalog/products").status, 200);
}

}  // namespace
}  // namespace agora::testing
