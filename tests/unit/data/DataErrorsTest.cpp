// Tests that database failures are classified alike on SQLite and in MySQL's message format.
#include <Poco/Data/DataException.h>
#include <Poco/Data/MySQL/MySQLException.h>
#include <gtest/gtest.h>

#include "TempFolder.h"
#include "platform/data/DataErrors.h"
#include "platform/data/Database.h"

namespace agora::data {
namespace {

using namespace Poco::Data::Keywords;
using testing::TempFolder;

/** Returns what `statement` throws on a SQLite table with a unique and a NOT NULL column. */
std::exception_ptr sqliteFailure(const std::string& statement) {
  TempFolder folder;
  DatabaseSettings settings;
  settings.sqlite_path = folder.file("errors.db");
  Database database(settings);
  try {
    database.withSession([&](Poco::Data::Session& session) {
      session << "CREATE TABLE t (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE)", now;
      session << "INSERT INTO t (id, key) VALUES (1, 'a')", now;
      session << statement, now;
    });
  } catch (...) {
    return std::current_exception();
  }
  return nullptr;
}

bool duplicateKey(const std::exception_ptr& failure) {
  try {
    if (failure) std::rethrow_exception(failure);
  } catch (const std::exception& e) {
    return isDuplicateKey(e);
  }
  return false;
}

/** Builds a statement failure the way Poco 1.11 reports MySQL error `number`. */
Poco::Data::MySQL::StatementException mysqlStatementFailure(int number) {
  return Poco::Data::MySQL::StatementException(
      "[Comment]: mysql_stmt_execute error\t[mysql_stmt_error]: x\t[mysql_stmt_errno]: " +
      std::to_string(number) + "\t[mysql_stmt_sqlstate]: HY000");
}

// Test that a UNIQUE violation on SQLite is a duplicate key.
TEST(DataErrors, SqliteUniqueViolationIsDuplicateKey) {
  EXPECT_TRUE(duplicateKey(sqliteFailure("INSERT INTO t (id, key) VALUES (2, 'a')")));
}

// Test that a primary key violation on SQLite is a duplicate key.
TEST(DataErrors, SqlitePrimaryKeyViolationIsDuplicateKey) {
  EXPECT_TRUE(duplicateKey(sqliteFailure("INSERT INTO t (id, key) VALUES (1, 'b')")));
}

// Test that other SQLite constraint failures are not duplicate keys.
TEST(DataErrors, SqliteNotNullViolationIsNotDuplicateKey) {
  EXPECT_FALSE(duplicateKey(sqliteFailure("INSERT INTO t (id, key) VALUES (2, NULL)")));
}

// Test that a non-database exception is never a duplicate key.
TEST(DataErrors, OtherExceptionIsNotDuplicateKey) {
  EXPECT_FALSE(isDuplicateKey(std::runtime_error("UNIQUE constraint failed")));
}

// Test that the MySQL error number is read from Poco's message text.
TEST(DataErrors, MysqlErrorNumberReadFromMessage) {
  EXPECT_EQ(mysqlErrorNumber(mysqlStatementFailure(2013)), 2013);
}

// Test that an exception carrying the number as its code is read too.
TEST(DataErrors, MysqlErrorNumberReadFromCode) {
  EXPECT_EQ(mysqlErrorNumber(Poco::Data::MySQL::MySQLException("COMMIT failed", 1213)), 1213);
}

// Test that MySQL error 1062 is a duplicate key.
TEST(DataErrors, MysqlDuplicateEntryIsDuplicateKey) {
  EXPECT_TRUE(isDuplicateKey(mysqlStatementFailure(1062)));
}

// Test that refused, lost, killed and shut-down connections are outages.
TEST(DataErrors, MysqlLostConnectionsAreOutages) {
  for (int number : {2002, 2003, 2006, 2013, 2055, 1927, 1053}) {
    EXPECT_TRUE(isOutage(mysqlStatementFailure(number))) << number;
  }
}

// Test that an SQL error is not an outage.
TEST(DataErrors, MysqlSyntaxErrorIsNoOutage) {
  EXPECT_FALSE(isOutage(mysqlStatementFailure(1064)));
}

// Test that deadlocks and lock wait timeouts are distinguished.
TEST(DataErrors, MysqlDeadlockAndLockWaitAreRecognised) {
  EXPECT_TRUE(isDeadlock(mysqlStatementFailure(1213)));
  EXPECT_TRUE(isLockWaitTimeout(mysqlStatementFailure(1205)));
  EXPECT_FALSE(isDeadlock(mysqlStatementFailure(1205)));
}

// Test that a failed connection attempt is an outage.
TEST(DataErrors, FailedConnectionIsOutage) {
  EXPECT_TRUE(isOutage(Poco::Data::ConnectionFailedException("refused")));
}

}  // namespace
}  // namespace agora::data
