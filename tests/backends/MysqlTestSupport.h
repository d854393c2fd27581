// Shared setup for the MariaDB tests: settings of the test server, private schemas per test,
// outages, and running the real agora binary against the server.
#pragma once

#include <Poco/Data/Session.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "TestServers.h"
#include "contracts/TestDatabases.h"
#include "platform/data/Database.h"
#include "platform/data/Migrations.h"

namespace agora::testing {

/** Returns a schema name no other test or test run uses: agora_t<pid>_<n>_<purpose>. */
inline std::string uniqueSchema(const std::string& purpose) {
  static std::atomic<int> counter{0};
  return "agora_t" + std::to_string(getpid()) + "_" + std::to_string(counter.fetch_add(1)) + "_" +
         purpose;
}

/** Settings for `schema` on the fixture's MariaDB. */
inline data::DatabaseSettings mysqlSettings(const std::string& schema, int pool_max = 8,
                                            int connect_timeout_seconds = 2,
                                            int read_timeout_seconds = 5) {
  const TestServers& servers = TestServers::get();
  data::DatabaseSettings settings;
  settings.dialect = data::Dialect::kMysql;
  settings.host = "127.0.0.1";
  settings.port = servers.port("MARIADB_PORT");
  settings.user = servers.value("MARIADB_USER");
  settings.password = servers.value("MARIADB_PASSWORD");
  settings.schema = schema;
  settings.pool_min = 0;
  settings.pool_max = pool_max;
  settings.connect_timeout_seconds = connect_timeout_seconds;
  settings.read_timeout_seconds = read_timeout_seconds;
  return settings;
}

/** Drops `schema` with a connection of its own; a failure only leaves a test schema behind. */
inline void dropSchema(const std::string& schema) {
  try {
    data::Database database(mysqlSettings(schema, 1));
    database.withSession([&](Poco::Data::Session& session) {
      session << "DROP DATABASE IF EXISTS `" + schema + "`", Poco::Data::Keywords::now;
    });
  } catch (const std::exception&) {
    // The server's data folder goes away with the fixture anyway.
  }
}

/** Creates `schema` and applies `migrations` of `module` to it. */
inline std::shared_ptr<data::Database> migratedMysql(
    const data::DatabaseSettings& settings, const std::string& module,
    const std::vector<data::Migration>& migrations) {
  auto database = std::make_shared<data::Database>(settings);
  database->createSchema();
  data::applyMigrations(*database, module, migrations);
  return database;
}

/** Private schemas on the fixture's MariaDB, dropped with this object. */
class MysqlTestDatabases : public TestDatabases {
 public:
  explicit MysqlTestDatabases(int pool_max = 16, int connect_timeout_seconds = 2)
      : pool_max_(pool_max), connect_timeout_seconds_(connect_timeout_seconds) {}
  ~MysqlTestDatabases() override {
    for (const auto& schema : schemas_) dropSchema(schema);
  }

  std::shared_ptr<data::Database> open(const std::string& module,
                                       const std::vector<data::Migration>& migrations) override {
    const std::string schema = uniqueSchema(module);
    schemas_.push_back(schema);
    return migratedMysql(mysqlSettings(schema, pool_max_, connect_timeout_seconds_), module,
                         migrations);
  }

 private:
  int pool_max_;
  int connect_timeout_seconds_;
  std::vector<std::string> schemas_;
};

inline Backend mysqlBackend() {
  return {"Mariadb", [] { return std::make_unique<MysqlTestDatabases>(); }};
}

/**
 * Takes the fixture's MariaDB away for the lifetime of this object or until end(). kStop stops
 * it, and it comes back on the same port with the same data and accounts. kPause freezes it,
 * so connections and queries hang.
 */
class MariadbOutage {
 public:
  enum class Kind { kStop, kPause };

  explicit MariadbOutage(Kind kind = Kind::kStop) : kind_(kind) {
    TestServers::get().runScript(kind_ == Kind::kStop ? "stop-mariadb" : "pause-mariadb");
  }
  ~MariadbOutage() {
    try {
      end();
    } catch (...) {
      // The next backend test reports the missing server loudly.
    }
  }
  MariadbOutage(const MariadbOutage&) = delete;
  MariadbOutage& operator=(const MariadbOutage&) = delete;

  /** Brings MariaDB back; after a stop, waits until it accepts connections. */
  void end() {
    if (ended_) return;
    ended_ = true;
    TestServers::get().runScript(kind_ == Kind::kStop ? "start-mariadb-again" : "resume-mariadb");
  }

 private:
  Kind kind_;
  bool ended_ = false;
};

/** Milliseconds `action` took. */
template <typename Action>
int64_t elapsedMilliseconds(Action&& action) {
  const auto started = std::chrono::steady_clock::now();
  action();
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               started)
      .count();
}

/** The AGORA_* variables that put the given modules' databases on the fixture's MariaDB. */
inline std::map<std::string, std::string> mysqlEnvironment(
    const std::map<std::string, std::string>& schema_of_module) {
  const TestServers& servers = TestServers::get();
  std::map<std::string, std::string> variables = {
      {"AGORA_DATABASE_DRIVER", "mysql"},
      {"AGORA_DATABASE_HOST", "127.0.0.1"},
      {"AGORA_DATABASE_PORT", servers.value("MARIADB_PORT")},
      {"AGORA_DATABASE_USER", servers.value("MARIADB_USER")},
      {"AGORA_DATABASE_PASSWORD", servers.value("MARIADB_PASSWORD")},
      {"AGORA_DATABASE_CONNECT__TIMEOUT__SECONDS", "2"},
  };
  for (const auto& [module, schema] : schema_of_module) {
    std::string upper = module;
    for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    variables["AGORA_" + upper + "_DATABASE_SCHEMA"] = schema;
  }
  return variables;
}

/** How a run of the agora binary ended. */
struct AgoraRun {
  int exit_code = -1;
  std::string output;  // standard output and error together
};

/** Runs the agora binary to completion (at most 60 s) with `environment` and `arguments`. */
inline AgoraRun runAgora(const std::vector<std::string>& arguments,
                         const std::map<std::string, std::string>& environment) {
  std::string command = "env";
  for (const auto& [name, value] : environment) command += " '" + name + "=" + value + "'";
  command += " timeout 60 '" + std::string(AGORA_BINARY) + "'";
  for (const auto& argument : arguments) command += " '" + argument + "'";
  command += " 2>&1";

  AgoraRun run;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("cannot run " + command);
  char buffer[4096];
  std::size_t count;
  while ((count = fread(buffer, 1, sizeof buffer, pipe)) > 0) run.output.append(buffer, count);
  const int status = pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return run;
}

}  // namespace agora::testing
