// Session pools for SQLite and MySQL/MariaDB, transactions, and mapping of outages to Unavailable.
#include "platform/data/Database.h"

#include <Poco/Data/DataException.h>
#include <Poco/Data/MySQL/Connector.h>
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/SQLite/SQLiteException.h>
#include <Poco/Data/SQLite/SessionImpl.h>
#include <Poco/Data/SessionFactory.h>
#include <Poco/File.h>
#include <Poco/Path.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "platform/data/DataErrors.h"
#include "platform/data/MysqlSession.h"

namespace agora::data {

using namespace Poco::Data::Keywords;

namespace {

constexpr int kTransactionAttempts = 3;

/**
 * Opens sessions with the pool's own timeouts, passed as a `connect-timeout=<s>;io-timeout=<s>;`
 * prefix of the connection string. Poco's SessionPool always requests a 60 s login timeout,
 * and opening holds the pool's lock: an unreachable MySQL server or an unopenable SQLite file
 * would block every caller for a minute.
 */
class TimedConnector : public Poco::Data::Connector {
 public:
  static inline const std::string kSqlite = "agora-sqlite";
  static inline const std::string kMysql = "agora-mysql";

  explicit TimedConnector(Dialect dialect) : dialect_(dialect) {}

  const std::string& name() const override {
    return dialect_ == Dialect::kSqlite ? kSqlite : kMysql;
  }

  Poco::AutoPtr<Poco::Data::SessionImpl> createSession(const std::string& connection_string,
                                                       std::size_t timeout) override {
    std::string target = connection_string;
    int connect_timeout = static_cast<int>(timeout);
    int io_timeout = 0;
    takeSetting(target, "connect-timeout=", connect_timeout);
    takeSetting(target, "io-timeout=", io_timeout);
    if (dialect_ == Dialect::kSqlite) {
      return new Poco::Data::SQLite::SessionImpl(target, static_cast<std::size_t>(connect_timeout));
    }
    return new MysqlSession(target, connect_timeout, io_timeout);
  }

  static std::string connectionString(const DatabaseSettings& settings, const std::string& target) {
    std::string prefix =
        "connect-timeout=" + std::to_string(std::max(1, settings.connect_timeout_seconds)) + ";";
    if (settings.dialect == Dialect::kMysql) {
      prefix += "io-timeout=" + std::to_string(std::max(1, settings.read_timeout_seconds)) + ";";
    }
    return prefix + target;
  }

 private:
  /** Removes a leading `<key><number>;` from `target` into `value`. */
  static void takeSetting(std::string& target, const std::string& key, int& value) {
    if (target.rfind(key, 0) != 0) return;
    const auto end = target.find(';');
    value = std::stoi(target.substr(key.size(), end - key.size()));
    target.erase(0, end + 1);
  }

  Dialect dialect_;
};

void registerConnectorsOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    // The stock connectors initialise their client libraries; sessions come from ours.
    Poco::Data::SQLite::Connector::registerConnector();
    Poco::Data::MySQL::Connector::registerConnector();
    Poco::Data::SessionFactory::instance().add(new TimedConnector(Dialect::kSqlite));
    Poco::Data::SessionFactory::instance().add(new TimedConnector(Dialect::kMysql));
  });
}

constexpr int kSqliteBusyMilliseconds = 5000;

/**
 * Switches an SQLite connection to write-ahead logging. When processes open a new file
 * together, the switch can fail at once with "database is locked" instead of waiting through the
 * busy timeout, so it is retried here for as long as that timeout.
 */
void enableWriteAheadLog(Poco::Data::Session& session) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(kSqliteBusyMilliseconds);
  for (;;) {
    try {
      session << "PRAGMA journal_mode=WAL", now;
      return;
    } catch (const Poco::Data::SQLite::DBLockedException&) {
      if (std::chrono::steady_clock::now() >= deadline) throw;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

/** A pool that prepares each new SQLite session; MySQL sessions prepare themselves. */
class PreparingSessionPool : public Poco::Data::SessionPool {
 public:
  PreparingSessionPool(const DatabaseSettings& settings, const std::string& connector,
                       const std::string& connection_string)
      : Poco::Data::SessionPool(connector, connection_string, settings.pool_min, settings.pool_max),
        dialect_(settings.dialect) {}

 protected:
  void customizeSession(Poco::Data::Session& session) override {
    if (dialect_ != Dialect::kSqlite) return;
    // Pragmas are per connection, so every pooled connection needs them.
    session << "PRAGMA busy_timeout=" << kSqliteBusyMilliseconds, now;
    enableWriteAheadLog(session);
    session << "PRAGMA foreign_keys=ON", now;
    session << "PRAGMA synchronous=NORMAL", now;
  }

 private:
  Dialect dialect_;
};

/**
 * Poco 1.11 reads host, port, user, password, db, compress, auto-reconnect, secure-auth,
 * character-set, reset and fail-readonly and ignores other keys. Automatic reconnection stays
 * off: it would silently drop session settings and an open transaction. A broken session is
 * closed instead and the pool opens a new one.
 */
std::string mysqlConnectionString(const DatabaseSettings& settings, bool with_schema) {
  return "host=" + settings.host + ";port=" + std::to_string(settings.port) +
         (with_schema ? ";db=" + settings.schema : std::string()) + ";user=" + settings.user +
         ";password=" + settings.password + ";auto-reconnect=false;character-set=utf8mb4";
}

bool isSchemaName(const std::string& schema) {
  return !schema.empty() && schema.size() <= 64 &&
         std::all_of(schema.begin(), schema.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_';
         });
}

void checkMysqlSettings(const DatabaseSettings& settings) {
  if (!isSchemaName(settings.schema)) {
    throw std::invalid_argument("invalid MySQL schema `" + settings.schema +
                                "`: use 1-64 characters of A-Z, a-z, 0-9 and _");
  }
  if (settings.user.empty()) {
    throw std::invalid_argument("empty MySQL user: set the database user of the module");
  }
  if (settings.port < 1 || settings.port > 65535) {
    throw std::invalid_argument("invalid MySQL port " + std::to_string(settings.port) +
                                ": use 1-65535");
  }
  // The connection string has no escaping: a `;` would split a value, and Poco trims spaces.
  const std::pair<const char*, const std::string*> fields[] = {
      {"host", &settings.host}, {"user", &settings.user}, {"password", &settings.password}};
  for (const auto& [field, value] : fields) {
    if (value->find(';') != std::string::npos) {
      throw std::invalid_argument(std::string("MySQL ") + field +
                                  " contains `;`, which the connection string cannot carry");
    }
    if (!value->empty() && (std::isspace(static_cast<unsigned char>(value->front())) ||
                            std::isspace(static_cast<unsigned char>(value->back())))) {
      throw std::invalid_argument(std::string("MySQL ") + field +
                                  " starts or ends with a space, which the connection string "
                                  "cannot carry");
    }
  }
}

/** The databases in whose transaction the current thread is, to detect nesting. */
thread_local std::vector<const Database*> transactions_of_this_thread;

}  // namespace

Database::Database(DatabaseSettings settings) : settings_(std::move(settings)) {
  registerConnectorsOnce();
  if (settings_.pool_min < 0 || settings_.pool_max < 1 || settings_.pool_min > settings_.pool_max) {
    throw std::invalid_argument("invalid database pool size " + std::to_string(settings_.pool_min) +
                                "-" + std::to_string(settings_.pool_max) +
                                ": need 0 <= pool_min <= pool_max and pool_max >= 1");
  }

  if (settings_.dialect == Dialect::kSqlite) {
    if (settings_.sqlite_path.empty()) {
      throw std::invalid_argument("empty SQLite path: set the database file of the module");
    }
    const Poco::Path parent = Poco::Path(settings_.sqlite_path).parent();
    try {
      if (!parent.toString().empty()) Poco::File(parent).createDirectories();
    } catch (const Poco::Exception& e) {
      throw Unavailable("cannot create the folder of SQLite database " + settings_.sqlite_path +
                        ": " + e.displayText());
    }
    pool_ = std::make_unique<PreparingSessionPool>(
        settings_, TimedConnector::kSqlite,
        TimedConnector::connectionString(settings_, settings_.sqlite_path));
  } else {
    checkMysqlSettings(settings_);
    pool_ = std::make_unique<PreparingSessionPool>(
        settings_, TimedConnector::kMysql,
        TimedConnector::connectionString(settings_, mysqlConnectionString(settings_, true)));
  }
}

Database::~Database() = default;

namespace {

std::string describe(const DatabaseSettings& settings) {
  if (settings.dialect == Dialect::kSqlite) return "SQLite database " + settings.sqlite_path;
  return "MySQL database " + settings.schema + " at " + settings.host + ":" +
         std::to_string(settings.port);
}

/** Removes the password from a backend message before it travels further. */
std::string redact(std::string message, const std::string& password) {
  if (password.empty()) return message;
  const std::string mask = "***";
  for (auto at = message.find(password); at != std::string::npos;
       at = message.find(password, at + mask.size())) {
    message.replace(at, password.size(), mask);
  }
  return message;
}

/** Makes the pool close `session` when it comes back instead of lending it again. */
void discard(Poco::Data::Session& session, Dialect dialect) {
  if (dialect != Dialect::kMysql) return;
  try {
    session.setFeature(kDiscardSessionFeature, true);
  } catch (const Poco::Exception&) {
    // A session that cannot take the mark is beyond use; the pool's own check drops it.
  }
}

}  // namespace

Poco::Data::Session Database::session() {
  // The pool throws at once when every session is lent, so wait a little for one to return.
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::seconds(std::max(1, settings_.connect_timeout_seconds));
  auto pause = std::chrono::milliseconds(1);
  bool waited = false;
  for (;;) {
    try {
      return pool_->get();
    } catch (const Poco::Data::SessionPoolExhaustedException&) {
      if (!waited) ++waits_;
      waited = true;
      if (std::chrono::steady_clock::now() + pause >= deadline) {
        ++errors_;
        throw Unavailable(describe(settings_) + ": all " + std::to_string(settings_.pool_max) +
                          " pooled sessions stayed busy; raise the pool size or lower the load");
      }
      std::this_thread::sleep_for(pause);
      pause = std::min(pause * 2, std::chrono::milliseconds(50));
    } catch (const Poco::Exception& e) {
      // Opening covers connecting and preparing the session, so any failure there is an outage.
      ++errors_;
      throw Unavailable("cannot open " + describe(settings_) + ": " +
                        redact(e.displayText(), settings_.password));
    }
  }
}

void Database::withSession(const std::function<void(Poco::Data::Session&)>& work) {
  Poco::Data::Session session = this->session();
  try {
    work(session);
  } catch (const Poco::Exception& e) {
    if (isOutage(e)) {
      discard(session, settings_.dialect);
      ++errors_;
      throw Unavailable(describe(settings_) +
                        " failed: " + redact(e.displayText(), settings_.password));
    }
    if (isLockWaitTimeout(e)) {
      ++errors_;
      throw Unavailable(describe(settings_) +
                        " is busy: " + redact(e.displayText(), settings_.password));
    }
    throw;
  }
}

void Database::transaction(const std::function<void(Poco::Data::Session&)>& work) {
  if (std::find(transactions_of_this_thread.begin(), transactions_of_this_thread.end(), this) !=
      transactions_of_this_thread.end()) {
    throw std::logic_error("nested transaction on " + describe(settings_) +
                           ": pass the session of the outer transaction instead");
  }
  transactions_of_this_thread.push_back(this);
  struct Leave {
    ~Leave() { transactions_of_this_thread.pop_back(); }
  } leave;

  std::unique_lock<std::mutex> writer;
  if (settings_.dialect == Dialect::kSqlite) writer = std::unique_lock(sqlite_writer_);

  Poco::Data::Session session = this->session();
  for (int attempt = 1;; ++attempt) {
    try {
      if (settings_.dialect == Dialect::kSqlite) {
        session << "BEGIN IMMEDIATE", now;
      } else {
        session.begin();
      }
    } catch (const Poco::Exception& e) {
      if (!isOutage(e)) throw;
      discard(session, settings_.dialect);
      ++errors_;
      throw Unavailable("cannot begin a transaction on " + describe(settings_) + ": " +
                        redact(e.displayText(), settings_.password));
    }

    try {
      work(session);
      if (settings_.dialect == Dialect::kSqlite) {
        session << "COMMIT", now;
      } else {
        session.commit();
      }
      return;
    } catch (...) {
      bool rolled_back = true;
      try {
        if (settings_.dialect == Dialect::kSqlite) {
          session << "ROLLBACK", now;
        } else {
          session.rollback();
        }
      } catch (...) {
        // The original failure matters more. A session that cannot roll back is not reused.
        rolled_back = false;
        discard(session, settings_.dialect);
      }
      try {
        throw;
      } catch (const Poco::Exception& e) {
        if (isDeadlock(e) && rolled_back && attempt < kTransactionAttempts) continue;
        if (isOutage(e)) {
          discard(session, settings_.dialect);
          ++errors_;
          throw Unavailable(describe(settings_) + " failed during a transaction: " +
                            redact(e.displayText(), settings_.password));
        }
        if (isLockWaitTimeout(e) || isDeadlock(e)) {
          ++errors_;
          throw Unavailable(describe(settings_) +
                            " is busy: " + redact(e.displayText(), settings_.password));
        }
        throw;
      }
    }
  }
}

void Database::createSchema() {
  if (settings_.dialect != Dialect::kMysql) return;

  const std::string connection_string =
      TimedConnector::connectionString(settings_, mysqlConnectionString(settings_, false));
  std::unique_ptr<Poco::Data::Session> session;
  try {
    session = std::make_unique<Poco::Data::Session>(TimedConnector::kMysql, connection_string);
  } catch (const Poco::Exception& e) {
    throw Unavailable("cannot connect to MySQL at " + settings_.host + ":" +
                      std::to_string(settings_.port) + " to create schema " + settings_.schema +
                      ": " + redact(e.displayText(), settings_.password));
  }

  try {
    std::string schema = settings_.schema;
    int64_t existing = 0;
    *session << "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?",
        into(existing), use(schema), now;
    if (existing > 0) return;
    // The name was checked to be [A-Za-z0-9_], so it can be quoted into the statement.
    *session << "CREATE DATABASE IF NOT EXISTS `" + schema +
                    "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci",
        now;
  } catch (const Poco::Exception& e) {
    if (isOutage(e)) {
      throw Unavailable("MySQL at " + settings_.host + ":" + std::to_string(settings_.port) +
                        " failed while creating schema " + settings_.schema + ": " +
                        redact(e.displayText(), settings_.password));
    }
    throw std::runtime_error("cannot create MySQL schema " + settings_.schema + ": " +
                             redact(e.displayText(), settings_.password) +
                             "; create it or grant the user CREATE on it");
  }
}

PoolStats Database::poolStats() const {
  PoolStats stats;
  stats.in_use = pool_->used();
  stats.idle = pool_->idle();
  stats.max = pool_->capacity();
  stats.waits = waits_.load();
  stats.errors = errors_.load();
  return stats;
}

std::string Database::ping() {
  try {
    int one = 0;
    withSession([&](Poco::Data::Session& session) { session << "SELECT 1", into(one), now; });
    if (one != 1) return describe(settings_) + " answered " + std::to_string(one) + " to SELECT 1";
    return "";
  } catch (const Unavailable& e) {
    return e.what();
  } catch (const Poco::Exception& e) {
    return describe(settings_) + ": " + redact(e.displayText(), settings_.password);
  } catch (const std::exception& e) {
    return describe(settings_) + ": " + redact(e.what(), settings_.password);
  }
}

}  // namespace agora::data
