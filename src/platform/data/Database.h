// A module's database: a pool of Poco Data sessions on SQLite or MySQL/MariaDB.
#pragma once

#include <Poco/Data/Session.h>
#include <Poco/Data/SessionPool.h>

#include <functional>
#include <memory>
#include <mutex>
#include <string>

namespace agora::data {

enum class Dialect { kSqlite, kMysql };

/** Where a module's data lives and how many connections it may hold. */
struct DatabaseSettings {
  Dialect dialect = Dialect::kSqlite;
  std::string sqlite_path;  // for SQLite: the file
  std::string host = "127.0.0.1";
  int port = 3306;
  std::string schema;
  std::string user;
  std::string password;
  int pool_min = 1;
  int pool_max = 8;
  int connect_timeout_seconds = 3;
  int read_timeout_seconds = 5;
};

/**
 * A pooled database for one module. Sessions are not thread-safe: take one per operation
 * with session() and let it go back to the pool when it leaves scope. Backend failures
 * surface as agora::data::Unavailable so routes answer 503.
 */
class Database {
 public:
  explicit Database(DatabaseSettings settings);
  ~Database();

  Dialect dialect() const { return settings_.dialect; }
  Poco::Data::Session session();

  /**
   * Runs `work` in one transaction and commits, or rolls back and rethrows. On SQLite the
   * transaction is `BEGIN IMMEDIATE` under a process-wide writer lock, so concurrent writers
   * queue instead of failing with SQLITE_BUSY.
   */
  void transaction(const std::function<void(Poco::Data::Session&)>& work);

  /** Empty when a trivial query succeeds, else the reason. */
  std::string ping();

 private:
  DatabaseSettings settings_;
  std::unique_ptr<Poco::Data::SessionPool> pool_;
  std::mutex sqlite_writer_;
};

/** Thrown when the database cannot be reached; the HTTP layer answers 503. */
class Unavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace agora::data
