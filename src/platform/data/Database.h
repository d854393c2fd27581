// A module's database: a pool of Poco Data sessions on SQLite or MySQL/MariaDB.
#pragma once

#include <Poco/Data/Session.h>
#include <Poco/Data/SessionPool.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

namespace agora::data {

enum class Dialect { kSqlite, kMysql };

/** Location and pool size of a module's database. */
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
  int connect_timeout_seconds = 3;  // also the longest wait for a free pooled session
  int read_timeout_seconds = 5;     // MySQL: bounds every read and write on a connection
};

/** A snapshot of a database's session pool, for metrics. */
struct PoolStats {
  int in_use = 0;       // sessions lent out
  int idle = 0;         // open sessions waiting in the pool
  int max = 0;          // the maximum number of sessions the pool opens
  uint64_t waits = 0;   // calls that found every session lent out and had to wait
  uint64_t errors = 0;  // calls that failed with Unavailable (outage, busy, no free session)
};

/**
 * A pooled database for one module. Sessions are not thread-safe: take one per operation
 * with session() and let it go back to the pool when it leaves scope. Backend failures
 * surface as agora::data::Unavailable so routes return 503.
 */
class Database {
 public:
  explicit Database(DatabaseSettings settings);
  ~Database();

  Dialect dialect() const { return settings_.dialect; }
  /**
   * A pooled session. Statements run on it directly report failures as Poco exceptions;
   * prefer withSession() or transaction(), which turn outages into Unavailable.
   */
  Poco::Data::Session session();

  /**
   * Runs `work` on a pooled session outside a transaction (reads, single statements). An
   * outage throws Unavailable and the broken session is closed, not returned to the pool, so
   * the next caller connects afresh once the server is back. Other failures pass through.
   */
  void withSession(const std::function<void(Poco::Data::Session&)>& work);

  /**
   * Runs `work` in one transaction and commits, or rolls back and rethrows. On SQLite the
   * transaction is `BEGIN IMMEDIATE` under a process-wide writer lock, so concurrent writers
   * queue instead of failing with SQLITE_BUSY. On MySQL it is START TRANSACTION at READ
   * COMMITTED; a transaction the server rolled back as a deadlock victim runs again (at most
   * three times in all), so `work` must only touch the database and its own results. Outages
   * and lock wait timeouts throw Unavailable, like withSession().
   */
  void transaction(const std::function<void(Poco::Data::Session&)>& work);

  /**
   * MySQL: creates the schema with utf8mb4 (utf8mb4_unicode_ci) when it does not exist,
   * connecting without a default schema. SQLite: nothing, the file appears on first use.
   * Throws Unavailable when the server cannot be reached, std::runtime_error when the user
   * may not create it.
   */
  void createSchema();

  /** Empty when a trivial query succeeds, else the reason. */
  std::string ping();

  /** The pool's current use and its counts of waits and errors. Thread-safe. */
  PoolStats poolStats() const;

 private:
  DatabaseSettings settings_;
  std::unique_ptr<Poco::Data::SessionPool> pool_;
  std::mutex sqlite_writer_;
  std::atomic<uint64_t> waits_{0};
  std::atomic<uint64_t> errors_{0};
};

/** Thrown when the database cannot be reached; the HTTP layer returns 503. */
class Unavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace agora::data
