// A pooled MySQL/MariaDB connection with socket timeouts and plain-SQL transactions.
#include "platform/data/MysqlSession.h"

#include <Poco/Data/MySQL/MySQLException.h>
#include <Poco/Exception.h>
#include <ma_pvio.h>
#include <mysql.h>
#include <poll.h>

#include <algorithm>

namespace agora::data {

namespace {

// Strict mode turns a value that does not fit into an error instead of a silent truncation,
// whatever the server's default mode is.
constexpr const char* kSqlMode =
    "STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ZERO_DATE,NO_ZERO_IN_DATE,"
    "NO_ENGINE_SUBSTITUTION";

/**
 * Poco 1.11 sets client options only from its connection string, which has no timeout keys,
 * and connects in its constructor. MariaDB Connector/C applies MYSQL_OPT_READ_TIMEOUT and
 * MYSQL_OPT_WRITE_TIMEOUT only when connecting, so the open connection's I/O layer gets them
 * directly (ma_pvio.h is part of Connector/C's installed headers).
 */
void setIoTimeouts(MYSQL* mysql, int seconds) {
  const unsigned int value = static_cast<unsigned int>(seconds);
  mysql_options(mysql, MYSQL_OPT_READ_TIMEOUT, &value);
  mysql_options(mysql, MYSQL_OPT_WRITE_TIMEOUT, &value);

  MARIADB_PVIO* pvio = mysql->net.pvio;
  if (pvio == nullptr || pvio->methods == nullptr || pvio->methods->set_timeout == nullptr) {
    throw Poco::Data::MySQL::MySQLException(
        "cannot set the read and write timeouts: the connection has no socket layer");
  }
  pvio->methods->set_timeout(pvio, PVIO_READ_TIMEOUT, seconds);
  pvio->methods->set_timeout(pvio, PVIO_WRITE_TIMEOUT, seconds);
}

}  // namespace

MysqlSession::MysqlSession(const std::string& connection_string, int connect_timeout_seconds,
                           int io_timeout_seconds)
    : Poco::Data::MySQL::SessionImpl(
          connection_string, static_cast<std::size_t>(std::max(1, connect_timeout_seconds))) {
  const int io_timeout = std::max(1, io_timeout_seconds);
  setIoTimeouts(handle(), io_timeout);
  execute("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
  execute("SET SESSION sql_mode = '" + std::string(kSqlMode) +
          "', innodb_lock_wait_timeout = " + std::to_string(std::max(1, io_timeout - 1)));
}

bool MysqlSession::hasLiveConnection() const {
  MYSQL* mysql = const_cast<MysqlSession*>(this)->handle();
  // Connector/C drops its I/O layer when it notices a broken connection.
  return mysql != nullptr && mysql->net.pvio != nullptr;
}

bool MysqlSession::isConnected() const {
  return !discarded_ && Poco::Data::MySQL::SessionImpl::isConnected() && hasLiveConnection();
}

bool MysqlSession::isGood() const {
  if (!isConnected()) return false;

  // An idle connection receives nothing unless the server closed it (restart, shutdown,
  // KILL, wait_timeout), so a readable or hung-up socket means the connection is gone.
  MYSQL* mysql = const_cast<MysqlSession*>(this)->handle();
  pollfd descriptor{};
  descriptor.fd = static_cast<int>(mysql_get_socket(mysql));
  descriptor.events = POLLIN | POLLRDHUP;
  const int ready = ::poll(&descriptor, 1, 0);
  return ready == 0;
}

void MysqlSession::begin() {
  if (in_transaction_) {
    throw Poco::InvalidAccessException("a transaction is already open on this MySQL session");
  }
  execute("START TRANSACTION");
  in_transaction_ = true;
}

void MysqlSession::commit() {
  execute("COMMIT");
  in_transaction_ = false;
}

void MysqlSession::rollback() {
  in_transaction_ = false;
  execute("ROLLBACK");
}

bool MysqlSession::isTransaction() const {
  return in_transaction_;
}

void MysqlSession::setFeature(const std::string& name, bool state) {
  if (name == kDiscardSessionFeature) {
    discarded_ = discarded_ || state;
    return;
  }
  Poco::Data::MySQL::SessionImpl::setFeature(name, state);
}

void MysqlSession::execute(const std::string& sql) {
  MYSQL* mysql = handle();
  if (mysql == nullptr || mysql_real_query(mysql, sql.data(), sql.size()) != 0) {
    const int number = mysql == nullptr ? 2006 : static_cast<int>(mysql_errno(mysql));
    const std::string reason = mysql == nullptr ? "the session is closed" : mysql_error(mysql);
    throw Poco::Data::MySQL::MySQLException(
        sql + " failed: " + reason + " (MySQL error " + std::to_string(number) + ")", number);
  }
}

}  // namespace agora::data
