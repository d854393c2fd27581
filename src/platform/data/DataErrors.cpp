// Classifies Poco Data exceptions from SQLite and MySQL/MariaDB into outages, lock conflicts
// and duplicate keys.
#include "platform/data/DataErrors.h"

#include <Poco/Data/DataException.h>
#include <Poco/Data/MySQL/MySQLException.h>
#include <Poco/Data/SQLite/SQLiteException.h>

#include <cstdlib>
#include <initializer_list>
#include <string>

namespace agora::data {

namespace {

// Client library errors: the server refused, vanished or never responded.
constexpr int kConnectionError = 2002;
constexpr int kConnectionHostError = 2003;
constexpr int kServerGone = 2006;
constexpr int kServerLost = 2013;
constexpr int kServerLostExtended = 2055;
// Server errors that end the connection.
constexpr int kServerShutdown = 1053;
constexpr int kConnectionKilled = 1927;
constexpr int kClientInteractionTimeout = 4031;
// Server errors about rows.
constexpr int kDuplicateEntry = 1062;
constexpr int kLockWaitTimeout = 1205;
constexpr int kDeadlock = 1213;

bool isMysqlError(const Poco::Exception& error, std::initializer_list<int> numbers) {
  const int number = mysqlErrorNumber(error);
  if (number == 0) return false;
  for (const int candidate : numbers) {
    if (number == candidate) return true;
  }
  return false;
}

}  // namespace

int mysqlErrorNumber(const Poco::Exception& error) {
  if (!dynamic_cast<const Poco::Data::MySQL::MySQLException*>(&error)) return 0;
  if (error.code() != 0) return error.code();

  // Poco writes "[mysql_errno]: N" or "[mysql_stmt_errno]: N" into the message.
  const std::string& message = error.message();
  const std::string marker = "errno]: ";
  const auto at = message.find(marker);
  if (at == std::string::npos) return 0;
  return std::atoi(message.c_str() + at + marker.size());
}

bool isOutage(const Poco::Exception& error) {
  if (dynamic_cast<const Poco::Data::ConnectionFailedException*>(&error) ||
      dynamic_cast<const Poco::Data::NotConnectedException*>(&error) ||
      dynamic_cast<const Poco::Data::SessionUnavailableException*>(&error) ||
      dynamic_cast<const Poco::Data::SessionPoolExhaustedException*>(&error) ||
      dynamic_cast<const Poco::Data::SQLite::CantOpenDBFileException*>(&error) ||
      dynamic_cast<const Poco::Data::SQLite::DBLockedException*>(&error) ||
      dynamic_cast<const Poco::Data::SQLite::TableLockedException*>(&error) ||
      dynamic_cast<const Poco::Data::SQLite::IOErrorException*>(&error)) {
    return true;
  }
  return isMysqlError(
      error, {kConnectionError, kConnectionHostError, kServerGone, kServerLost, kServerLostExtended,
              kServerShutdown, kConnectionKilled, kClientInteractionTimeout});
}

bool isDeadlock(const Poco::Exception& error) {
  return isMysqlError(error, {kDeadlock});
}

bool isLockWaitTimeout(const Poco::Exception& error) {
  return isMysqlError(error, {kLockWaitTimeout});
}

bool isDuplicateKey(const std::exception& error) {
  const auto* poco = dynamic_cast<const Poco::Exception*>(&error);
  if (poco == nullptr) return false;
  if (dynamic_cast<const Poco::Data::SQLite::ConstraintViolationException*>(poco)) {
    // The same exception stands for NOT NULL, CHECK and foreign key failures.
    return poco->displayText().find("UNIQUE constraint failed") != std::string::npos;
  }
  return isMysqlError(*poco, {kDuplicateEntry});
}

}  // namespace agora::data
