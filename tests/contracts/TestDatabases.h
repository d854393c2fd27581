// The databases a repository contract test runs on: SQLite files in the unit tests, private
// MariaDB schemas in the backend tests. The contract suites take a Backend as their parameter.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "platform/data/Database.h"
#include "platform/data/Migrations.h"
#include "platform/security/Random.h"

namespace agora::testing {

/** Opens migrated databases for one test and removes them when it is destroyed. */
class TestDatabases {
 public:
  virtual ~TestDatabases() = default;
  /** Returns a database for `module` with `migrations` applied that no other test uses. */
  virtual std::shared_ptr<data::Database> open(const std::string& module,
                                               const std::vector<data::Migration>& migrations) = 0;
};

/** A backend the contract suites run on: its name and how each test gets its databases. */
struct Backend {
  std::string name;
  std::function<std::unique_ptr<TestDatabases>()> make;
};

inline std::ostream& operator<<(std::ostream& out, const Backend& backend) {
  return out << backend.name;
}

/** Names instantiated contract tests after their backend, e.g. Sqlite/UsersContract.X/Sqlite. */
inline std::string backendName(const ::testing::TestParamInfo<Backend>& info) {
  return info.param.name;
}

/** SQLite files in a temp folder of their own. */
class SqliteTestDatabases : public TestDatabases {
 public:
  SqliteTestDatabases()
      : folder_(std::filesystem::temp_directory_path() /
                ("agora-contract-" + security::randomToken(9))) {
    std::filesystem::create_directories(folder_);
  }
  ~SqliteTestDatabases() override {
    std::error_code ignored;
    std::filesystem::remove_all(folder_, ignored);
  }

  std::shared_ptr<data::Database> open(const std::string& module,
                                       const std::vector<data::Migration>& migrations) override {
    data::DatabaseSettings settings;
    settings.dialect = data::Dialect::kSqlite;
    settings.sqlite_path = (folder_ / (module + ".db")).string();
    settings.pool_max = 16;
    auto database = std::make_shared<data::Database>(settings);
    data::applyMigrations(*database, module, migrations);
    return database;
  }

 private:
  std::filesystem::path folder_;
};

inline Backend sqliteBackend() {
  return {"Sqlite", [] { return std::make_unique<SqliteTestDatabases>(); }};
}

/** Base of the contract fixtures: the databases of this test on the suite's backend. */
class ContractTest : public ::testing::TestWithParam<Backend> {
 protected:
  ContractTest() : databases_(GetParam().make()) {}

  std::shared_ptr<data::Database> open(const std::string& module,
                                       const std::vector<data::Migration>& migrations) {
    return databases_->open(module, migrations);
  }

 private:
  std::unique_ptr<TestDatabases> databases_;
};

/** Text with SQL metacharacters, a backslash and 4-byte UTF-8 that must come back unchanged. */
inline const std::string kAwkwardText = "O'Brien \"quoted\"; -- DROP TABLE x; \\ 100% _ 🛒 ✓";

/** Runs `action` on `threads` threads at once and waits for all of them. */
inline void runConcurrently(int threads, const std::function<void(int)>& action) {
  std::atomic<int> waiting{threads};
  std::vector<std::thread> workers;
  for (int i = 0; i < threads; ++i) {
    workers.emplace_back([&, i] {
      // Start together so the calls really overlap.
      waiting.fetch_sub(1);
      while (waiting.load() > 0) std::this_thread::yield();
      action(i);
    });
  }
  for (auto& worker : workers) worker.join();
}

}  // namespace agora::testing
