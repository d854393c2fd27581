// Session pools for SQLite and MySQL/MariaDB, transactions, and mapping of outages to Unavailable.
#include "platform/data/Database.h"

#include <Poco/Data/DataException.h>
#include <Poco/Data/MySQL/Connector.h>
#include <Poco/Data/MySQL/MySQLException.h>
#include <Poco/Data/MySQL/SessionImpl.h>
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/SQLite/SQLiteException.h>
#include <Poco/Data/SQLite/SessionImpl.h>
#include <Poco/Data/SessionFactory.h>
#include <Poco/File.h>
#include <Poco/Path.h>

#include <algorithm>
#include <chrono>
#include <thread>
#include <vector>

namespace agora::data {

using namespace Poco::Data::Keywords;

namespace {

/**
 * Opens sessions with the pool's own connect timeout, passed as a `connect-timeout=<s>;`
 * prefix of the connection string. Poco's SessionPool always requests a 60 s login timeout,
 * and opening holds the pool's lock: an unreachable MySQL server or an unopenable SQLite file
 * would block every caller for a minute.
 */
class TimedConnector : public Poco::Data::Connector {
 public:
  static inline const std::string kSqlite = "agora-sqlite";
  static inline const std::string kMysql = "agora-mysql";
  static inline const std::string kPrefix = "connect-timeout=";

  explicit TimedConnector(Dialect dialect) : dialect_(dialect) {}

  const std::string& name() const override {
    return dialect_ == Dialect::kSqlite ? kSqlite : kMysql;
  }

  Poco::AutoPtr<Poco::Data::SessionImpl> createSession(const std::string& connection_string,
                                                       std::size_t timeout) override {
    std::string target = connection_string;
    if (target.rfind(kPrefix, 0) == 0) {
      const auto end = target.find(';');
      timeout = std::stoul(target.substr(kPrefix.size(), end - kPrefix.size()));
      target.erase(0, end + 1);
    }
    if (dialect_ == Dialect::kSqlite) return new Poco::Data::SQLite::SessionImpl(target, timeout);
    return new Poco::Data::MySQL::SessionImpl(target, timeout);
  }

  static std::string connectionString(int timeout_seconds, const std::string& target) {
    return kPrefix + std::to_string(std::max(1, timeout_seconds)) + ";" + target;
  }

 private:
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

/** A pool that prepares each new session: SQLite pragmas, MySQL read and write timeouts. */
class PreparingSessionPool : public Poco::Data::SessionPool {
 public:
  PreparingSessionPool(const DatabaseSettings& settings, const std::string& connector,
                       const std::string& connection_string)
      : Poco::Data::SessionPool(connector, connection_string, settings.pool_min, settings.pool_max),
        dialect_(settings.dialect),
        read_timeout_seconds_(settings.read_timeout_seconds) {}

 protected:
  void customizeSession(Poco::Data::Session& session) override {
    if (dialect_ == Dialect::kSqlite) {
      // Pragmas are per connection, so every pooled connection needs them.
      session << "PRAGMA journal_mode=WAL", now;
      session << "PRAGMA busy_timeout=5000", now;
      session << "PRAGMA foreign_keys=ON", now;
      session << "PRAGMA synchronous=NORMAL", now;
      return;
    }
    // TODO: Connector/C reads its timeout options when it connects, so these apply only after
    // an automatic reconnect. Until then a query on a hung server can outlast the timeout.
    session.setConnectionTimeout(static_cast<std::size_t>(read_timeout_seconds_));
  }

 private:
  Dialect dialect_;
  int read_timeout_seconds_;
};

/**
 * Poco 1.11 reads host, port, user, password, db, compress, auto-reconnect, secure-auth,
 * character-set, reset and fail-readonly and ignores other keys; it has no timeout keys.
 * secure-auth has no effect with MariaDB's client library, which lacks that option.
 */
std::string mysqlConnectionString(const DatabaseSettings& settings) {
  return "host=" + settings.host + ";port=" + std::to_string(settings.port) +
         ";db=" + settings.schema + ";user=" + settings.user + ";password=" + settings.password +
         ";compress=true;auto-reconnect=true;secure-auth=true;character-set=utf8mb4";
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
        TimedConnector::connectionString(settings_.connect_timeout_seconds, settings_.sqlite_path));
  } else {
    // The connection string has no escaping, so a `;` would split a value.
    const std::pair<const char*, const std::string*> fields[] = {{"host", &settings_.host},
                                                                 {"schema", &settings_.schema},
                                                                 {"user", &settings_.user},
                                                                 {"password", &settings_.password}};
    for (const auto& [field, value] : fields) {
      if (value->find(';') != std::string::npos) {
        throw std::invalid_argument(std::string("MySQL ") + field +
                                    " contains `;`, which the connection string cannot carry");
      }
    }
    pool_ = std::make_unique<PreparingSessionPool>(
        settings_, TimedConnector::kMysql,
        TimedConnector::connectionString(settings_.connect_timeout_seconds,
                                         mysqlConnectionString(settings_)));
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

// TODO: a statement that fails because the server went away (MySQL errors 2006 and 2013)
// arrives as a plain StatementException and is reported as a failure rather than an outage.
bool isOutage(const Poco::Exception& e) {
  return dynamic_cast<const Poco::Data::ConnectionFailedException*>(&e) ||
         dynamic_cast<const Poco::Data::NotConnectedException*>(&e) ||
         dynamic_cast<const Poco::Data::SessionUnavailableException*>(&e) ||
         dynamic_cast<const Poco::Data::SessionPoolExhaustedException*>(&e) ||
         dynamic_cast<const Poco::Data::MySQL::ConnectionException*>(&e) ||
         dynamic_cast<const Poco::Data::SQLite::CantOpenDBFileException*>(&e) ||
         dynamic_cast<const Poco::Data::SQLite::DBLockedException*>(&e) ||
         dynamic_cast<const Poco::Data::SQLite::TableLockedException*>(&e) ||
         dynamic_cast<const Poco::Data::SQLite::IOErrorException*>(&e);
}

}  // namespace

Poco::Data::Session Database::session() {
  // The pool throws at once when every session is lent, so wait a little for one to return.
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::seconds(std::max(1, settings_.connect_timeout_seconds));
  auto pause = std::chrono::milliseconds(1);
  for (;;) {
    try {
      return pool_->get();
    } catch (const Poco::Data::SessionPoolExhaustedException&) {
      if (std::chrono::steady_clock::now() + pause >= deadline) {
        throw Unavailable(describe(settings_) + ": all " + std::to_string(settings_.pool_max) +
                          " pooled sessions stayed busy; raise the pool size or lower the load");
      }
      std::this_thread::sleep_for(pause);
      pause = std::min(pause * 2, std::chrono::milliseconds(50));
    } catch (const Poco::Exception& e) {
      // Opening covers connecting and preparing the session, so any failure there is an outage.
      throw Unavailable("cannot open " + describe(settings_) + ": " +
                        redact(e.displayText(), settings_.password));
    }
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
  try {
    if (settings_.dialect == Dialect::kSqlite) {
      session << "BEGIN IMMEDIATE", now;
    } else {
      session.begin();
    }
  } catch (const Poco::Exception& e) {
    if (!isOutage(e)) throw;
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
  } catch (...) {
    try {
      if (settings_.dialect == Dialect::kSqlite) {
        session << "ROLLBACK", now;
      } else {
        session.rollback();
      }
    } catch (...) {
      // The original failure matters more, and a broken connection ends its transaction anyway.
    }
    try {
      throw;
    } catch (const Poco::Exception& e) {
      if (!isOutage(e)) throw;
      throw Unavailable(describe(settings_) + " failed during a transaction: " +
                        redact(e.displayText(), settings_.password));
    }
  }
}

std::string Database::ping() {
  try {
    Poco::Data::Session session = this->session();
    int one = 0;
    session << "SELECT 1", into(one), now;
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
