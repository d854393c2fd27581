// Tests of the pooled database on MariaDB: schema creation, character sets, transactions,
// error classification, timeouts, and sessions the server closed or killed.
#include <Poco/Data/Statement.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "MysqlTestSupport.h"
#include "modules/catalog/CatalogModule.h"
#include "modules/orders/OrdersModule.h"
#include "modules/users/UsersModule.h"
#include "platform/data/DataErrors.h"

namespace agora::testing {
namespace {

using namespace Poco::Data::Keywords;

/** A fresh schema with a `counter` table, dropped at the end of the test. */
class MysqlDatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    database_ = open(settings_);
    database_->withSession([](Poco::Data::Session& session) {
      session << "CREATE TABLE counter (id INT PRIMARY KEY, value BIGINT NOT NULL)"
                 " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4",
          now;
      session << "INSERT INTO counter (id, value) VALUES (1, 0), (2, 0)", now;
    });
  }
  void TearDown() override {
    databases_.clear();
    dropSchema(schema_);
  }

  /** Another pool on the same schema, like a second pod. */
  std::shared_ptr<data::Database> open(const data::DatabaseSettings& settings) {
    auto database = std::make_shared<data::Database>(settings);
    database->createSchema();
    databases_.push_back(database);
    return database;
  }

  int64_t readInt(data::Database& database, const std::string& sql) {
    int64_t value = 0;
    database.withSession([&](Poco::Data::Session& session) { session << sql, into(value), now; });
    return value;
  }

  int64_t counter(int id) {
    return readInt(*database_, "SELECT value FROM counter WHERE id = " + std::to_string(id));
  }

  std::string schema_ = uniqueSchema("db");
  data::DatabaseSettings settings_ = mysqlSettings(schema_, 4);
  std::vector<std::shared_ptr<data::Database>> databases_;
  std::shared_ptr<data::Database> database_;
};

// Test that the readiness ping succeeds.
TEST_F(MysqlDatabaseTest, PingAnswers) {
  EXPECT_EQ(database_->ping(), "");
}

// Test that a created schema defaults to utf8mb4 with the Unicode collation.
TEST_F(MysqlDatabaseTest, CreatedSchemaIsUtf8mb4) {
  std::string charset, collation;
  std::string schema = schema_;
  database_->withSession([&](Poco::Data::Session& session) {
    session << "SELECT DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME"
               " FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?",
        into(charset), into(collation), use(schema), now;
  });
  EXPECT_EQ(charset, "utf8mb4");
  EXPECT_EQ(collation, "utf8mb4_unicode_ci");
}

// Test that creating an existing schema again changes nothing and does not fail.
TEST_F(MysqlDatabaseTest, CreatingSchemaAgainIsHarmless) {
  database_->createSchema();
  EXPECT_EQ(counter(1), 0);
}

// Test that every module's tables are InnoDB with utf8mb4_bin as table collation.
TEST_F(MysqlDatabaseTest, ModuleTablesAreInnodbUtf8mb4) {
  database_->createSchema();
  data::applyMigrations(*database_, "users", users::UsersModule::migrations());
  data::applyMigrations(*database_, "catalog", catalog::CatalogModule::migrations());
  data::applyMigrations(*database_, "orders", orders::OrdersModule::migrations());

  std::vector<std::string> tables, engines, collations;
  std::string schema = schema_;
  database_->withSession([&](Poco::Data::Session& session) {
    session << "SELECT TABLE_NAME, ENGINE, TABLE_COLLATION FROM information_schema.TABLES"
               " WHERE TABLE_SCHEMA = ? AND TABLE_NAME <> 'counter'",
        into(tables), into(engines), into(collations), use(schema), now;
  });
  ASSERT_EQ(tables.size(), 8u);  // 7 module tables and schema_migrations
  for (std::size_t i = 0; i < tables.size(); ++i) {
    EXPECT_EQ(engines[i], "InnoDB") << tables[i];
    EXPECT_EQ(collations[i], "utf8mb4_bin") << tables[i];
  }
}

// Test that text columns keep 4-byte characters (the connection uses utf8mb4).
TEST_F(MysqlDatabaseTest, FourByteCharactersRoundTrip) {
  std::string text = "🛒 cart ✓ 𝄞";
  std::string read;
  database_->withSession([&](Poco::Data::Session& session) {
    session << "CREATE TABLE texts (value VARCHAR(20) NOT NULL) DEFAULT CHARSET=utf8mb4", now;
    session << "INSERT INTO texts (value) VALUES (?)", use(text), now;
    session << "SELECT value FROM texts", into(read), now;
  });
  EXPECT_EQ(read, text);
}

// Test that a committed transaction keeps its writes.
TEST_F(MysqlDatabaseTest, TransactionCommits) {
  database_->transaction([](Poco::Data::Session& session) {
    session << "UPDATE counter SET value = 5 WHERE id = 1", now;
  });
  EXPECT_EQ(counter(1), 5);
}

// Test that a throwing transaction leaves nothing behind.
TEST_F(MysqlDatabaseTest, TransactionRollsBackOnException) {
  EXPECT_THROW(database_->transaction([](Poco::Data::Session& session) {
    session << "UPDATE counter SET value = 5 WHERE id = 1", now;
    throw std::runtime_error("changed my mind");
  }),
               std::runtime_error);
  EXPECT_EQ(counter(1), 0);
}

// Test that a pooled session leaves a transaction with autocommit on again.
TEST_F(MysqlDatabaseTest, AutocommitIsOnAfterTransaction) {
  auto single = open(mysqlSettings(schema_, 1));
  single->transaction([](Poco::Data::Session& session) {
    session << "UPDATE counter SET value = 1 WHERE id = 1", now;
  });
  EXPECT_EQ(readInt(*single, "SELECT @@autocommit"), 1);
}

// Test that sessions run at READ COMMITTED in strict SQL mode.
TEST_F(MysqlDatabaseTest, SessionsUseReadCommittedAndStrictMode) {
  std::string isolation, mode;
  database_->withSession([&](Poco::Data::Session& session) {
    session << "SELECT @@tx_isolation, @@sql_mode", into(isolation), into(mode), now;
  });
  EXPECT_EQ(isolation, "READ-COMMITTED");
  EXPECT_NE(mode.find("STRICT_TRANS_TABLES"), std::string::npos) << mode;
}

// Test that MySQL counts an UPDATE that changes no value as affecting no row (unlike SQLite),
// which is why the repositories only count rows of updates that always change a value.
TEST_F(MysqlDatabaseTest, UnchangedUpdateAffectsNoRow) {
  std::size_t affected = 1;
  database_->withSession([&](Poco::Data::Session& session) {
    Poco::Data::Statement statement(session);
    statement << "UPDATE counter SET value = 0 WHERE id = 1";
    affected = statement.execute();
  });
  EXPECT_EQ(affected, 0u);
}

// Test that a duplicate key is recognised and other failures are not.
TEST_F(MysqlDatabaseTest, DuplicateKeyIsRecognised) {
  bool duplicate = false;
  bool other = true;
  try {
    database_->withSession([](Poco::Data::Session& session) {
      session << "INSERT INTO counter (id, value) VALUES (1, 1)", now;
    });
  } catch (const std::exception& e) {
    duplicate = data::isDuplicateKey(e);
  }
  try {
    database_->withSession([](Poco::Data::Session& session) {
      session << "INSERT INTO counter (id, value) VALUES (3, NULL)", now;
    });
  } catch (const std::exception& e) {
    other = data::isDuplicateKey(e);
  }
  EXPECT_TRUE(duplicate);
  EXPECT_FALSE(other);
}

// Test that a statement outlasting the read timeout ends as Unavailable in time and that
// the next call gets a working session.
TEST_F(MysqlDatabaseTest, ReadTimeoutEndsSlowQuery) {
  auto impatient = open(mysqlSettings(schema_, 1, 2, 1));
  const int64_t elapsed = elapsedMilliseconds(
      [&] { EXPECT_THROW(readInt(*impatient, "SELECT SLEEP(5)"), data::Unavailable); });
  RecordProperty("elapsed_ms", std::to_string(elapsed));
  EXPECT_LT(elapsed, 2500);
  EXPECT_EQ(readInt(*impatient, "SELECT 1"), 1);
}

// Test that an idle session the server killed is replaced before anyone uses it.
TEST_F(MysqlDatabaseTest, KilledIdleSessionIsReplaced) {
  auto single = open(mysqlSettings(schema_, 1));
  const int64_t first = readInt(*single, "SELECT CONNECTION_ID()");
  database_->withSession([&](Poco::Data::Session& session) {
    session << "KILL CONNECTION " + std::to_string(first), now;
  });
  // The server closes the socket right after the kill.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));

  const int64_t second = readInt(*single, "SELECT CONNECTION_ID()");
  EXPECT_NE(second, first);
}

// Test that a session killed in the middle of a transaction fails as Unavailable and is not
// lent again.
TEST_F(MysqlDatabaseTest, KilledSessionInTransactionIsDiscarded) {
  auto single = open(mysqlSettings(schema_, 1));
  EXPECT_THROW(single->transaction([&](Poco::Data::Session& session) {
    int64_t own = 0;
    session << "SELECT CONNECTION_ID()", into(own), now;
    session << "UPDATE counter SET value = 7 WHERE id = 1", now;
    database_->withSession([&](Poco::Data::Session& other) {
      other << "KILL CONNECTION " + std::to_string(own), now;
    });
    session << "UPDATE counter SET value = 7 WHERE id = 2", now;
  }),
               data::Unavailable);

  EXPECT_EQ(counter(1), 0);
  EXPECT_EQ(readInt(*single, "SELECT 1"), 1);
}

// Test that the victim of a deadlock runs again, so both crossing transactions complete.
TEST_F(MysqlDatabaseTest, DeadlockVictimRunsAgain) {
  std::atomic<int> locked_first{0};
  std::atomic<int> runs{0};
  auto crossing = [&](int first, int second) {
    bool waited = false;
    database_->transaction([&](Poco::Data::Session& session) {
      ++runs;
      session << "UPDATE counter SET value = value + 1 WHERE id = " + std::to_string(first), now;
      if (!waited) {
        // Both hold their first row before either requests its second.
        waited = true;
        ++locked_first;
        while (locked_first.load() < 2) std::this_thread::yield();
      }
      session << "UPDATE counter SET value = value + 1 WHERE id = " + std::to_string(second), now;
    });
  };
  std::thread one([&] { crossing(1, 2); });
  std::thread two([&] { crossing(2, 1); });
  one.join();
  two.join();

  EXPECT_EQ(counter(1), 2);
  EXPECT_EQ(counter(2), 2);
  EXPECT_EQ(runs.load(), 3);
}

// Test that waiting too long for a row lock is Unavailable, within the read timeout.
TEST_F(MysqlDatabaseTest, LockWaitTimeoutIsUnavailable) {
  auto holder = open(mysqlSettings(schema_, 1, 2, 2));
  auto waiter = open(mysqlSettings(schema_, 1, 2, 2));
  std::atomic<bool> holding{false};
  std::thread hold([&] {
    holder->transaction([&](Poco::Data::Session& session) {
      session << "UPDATE counter SET value = 1 WHERE id = 1", now;
      holding = true;
      std::this_thread::sleep_for(std::chrono::milliseconds(2500));
    });
  });
  while (!holding.load()) std::this_thread::yield();

  const int64_t elapsed = elapsedMilliseconds([&] {
    EXPECT_THROW(waiter->transaction([](Poco::Data::Session& session) {
      session << "UPDATE counter SET value = 2 WHERE id = 1", now;
    }),
                 data::Unavailable);
  });
  hold.join();

  EXPECT_LT(elapsed, 2000);
  EXPECT_EQ(counter(1), 1);
}

}  // namespace
}  // namespace agora::testing
