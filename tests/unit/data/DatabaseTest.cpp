// Tests of the pooled database on real SQLite files: pragmas, transactions, concurrency, outages.
#include <Poco/Net/ServerSocket.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "TempFolder.h"
#include "platform/data/Database.h"

namespace agora::data {
namespace {

using namespace Poco::Data::Keywords;
using testing::TempFolder;

DatabaseSettings sqliteSettings(const std::string& path, int pool_max = 8) {
  DatabaseSettings settings;
  settings.dialect = Dialect::kSqlite;
  settings.sqlite_path = path;
  settings.pool_max = pool_max;
  settings.connect_timeout_seconds = 1;
  return settings;
}

int readInt(Database& database, const std::string& sql) {
  Poco::Data::Session session = database.session();
  int value = 0;
  session << sql, into(value), now;
  return value;
}

/** Adds one to a counter by reading it and writing back the read value plus one. */
void incrementByReadThenWrite(Database& database) {
  database.transaction([](Poco::Data::Session& session) {
    int value = 0;
    session << "SELECT value FROM counter WHERE id = 1", into(value), now;
    int next = value + 1;
    session << "UPDATE counter SET value = ? WHERE id = 1", use(next), now;
  });
}

void createCounter(Database& database) {
  Poco::Data::Session session = database.session();
  session << "CREATE TABLE counter (id INTEGER PRIMARY KEY, value INTEGER NOT NULL)", now;
  session << "INSERT INTO counter (id, value) VALUES (1, 0)", now;
}

TEST(Database, PingAnswersOnSqlite) {
  TempFolder folder;
  Database database(sqliteSettings(folder.file("ping.db")));
  EXPECT_EQ(database.ping(), "");
}

TEST(Database, CreatesMissingParentFolder) {
  TempFolder folder;
  Database database(sqliteSettings(folder.file("nested/deeper/data.db")));
  EXPECT_EQ(database.ping(), "");
}

TEST(Database, SessionsUseConfiguredPragmas) {
  TempFolder folder;
  Database database(sqliteSettings(folder.file("pragmas.db")));
  Poco::Data::Session session = database.session();

  std::string journal_mode;
  session << "PRAGMA journal_mode", into(journal_mode), now;
  EXPECT_EQ(journal_mode, "wal");
  EXPECT_EQ(readInt(database, "PRAGMA busy_timeout"), 5000);
  EXPECT_EQ(readInt(database, "PRAGMA foreign_keys"), 1);
  EXPECT_EQ(readInt(database, "PRAGMA synchronous"), 1);  // NORMAL
}

TEST(Database, TransactionCommitsWork) {
  TempFolder folder;
  Database database(sqliteSettings(folder.file("commit.db")));
  createCounter(database);

  incrementByReadThenWrite(database);

  EXPECT_EQ(readInt(database, "SELECT value FROM counter WHERE id = 1"), 1);
}

TEST(Database, TransactionRollsBackOnException) {
  TempFolder folder;
  Database database(sqliteSettings(folder.file("rollback.db")));
  createCounter(database);

  EXPECT_THROW(database.transaction([](Poco::Data::Session& session) {
    session << "UPDATE counter SET value = 42 WHERE id = 1", now;
    throw std::runtime_error("changed my mind");
  }),
               std::runtime_error);

  EXPECT_EQ(readInt(database, "SELECT value FROM counter WHERE id = 1"), 0);
}

TEST(Database, NestedTransactionIsRejected) {
  TempFolder folder;
  Database database(sqliteSettings(folder.file("nested.db")));

  EXPECT_THROW(database.transaction([&](Poco::Data::Session&) {
    database.transaction([](Poco::Data::Session&) {});
  }),
               std::logic_error);
}

TEST(Database, ConcurrentReadThenUpdateLosesNothing) {
  TempFolder folder;
  Database database(sqliteSettings(folder.file("concurrent.db"), 4));
  {
    Poco::Data::Session session = database.session();
    session << "CREATE TABLE stock (id INTEGER PRIMARY KEY, quantity INTEGER NOT NULL)", now;
    session << "INSERT INTO stock (id, quantity) VALUES (1, 50)", now;
  }

  // 80 attempts compete for 50 units; a lost update would sell a unit twice.
  std::atomic<int> reserved{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int attempt = 0; attempt < 10; ++attempt) {
        database.transaction([&](Poco::Data::Session& session) {
          int quantity = 0;
          session << "SELECT quantity FROM stock WHERE id = 1", into(quantity), now;
          if (quantity <= 0) return;
          int remaining = quantity - 1;
          session << "UPDATE stock SET quantity = ? WHERE id = 1", use(remaining), now;
          ++reserved;
        });
      }
    });
  }
  for (auto& thread : threads) thread.join();

  EXPECT_EQ(reserved.load(), 50);
  EXPECT_EQ(readInt(database, "SELECT quantity FROM stock WHERE id = 1"), 0);
}

TEST(Database, TwoPoolsOnOneFileQueueWriters) {
  TempFolder folder;
  Database first(sqliteSettings(folder.file("shared.db"), 4));
  Database second(sqliteSettings(folder.file("shared.db"), 4));
  createCounter(first);

  // Separate pools share no mutex, so only BEGIN IMMEDIATE and the busy timeout keep order.
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    Database& database = t % 2 == 0 ? first : second;
    threads.emplace_back([&database] {
      for (int i = 0; i < 25; ++i) incrementByReadThenWrite(database);
    });
  }
  for (auto& thread : threads) thread.join();

  EXPECT_EQ(readInt(first, "SELECT value FROM counter WHERE id = 1"), 200);
}

TEST(Database, BusyPoolWaitsForReturnedSession) {
  TempFolder folder;
  Database database(sqliteSettings(folder.file("wait.db"), 1));
  std::optional<Poco::Data::Session> lent = database.session();

  std::thread releaser([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    lent.reset();
  });
  EXPECT_EQ(database.ping(), "");
  releaser.join();
}

TEST(Database, ExhaustedPoolIsUnavailable) {
  TempFolder folder;
  Database database(sqliteSettings(folder.file("exhausted.db"), 1));
  Poco::Data::Session lent = database.session();

  EXPECT_THROW(database.session(), Unavailable);
}

TEST(Database, UnopenableFileIsUnavailable) {
  TempFolder folder;
  // A folder where the database file should be cannot be opened as a database.
  Database database(sqliteSettings(folder.path()));

  EXPECT_THROW(database.session(), Unavailable);
}

TEST(Database, MysqlFailureHidesPassword) {
  int closed_port = 0;
  {
    Poco::Net::ServerSocket probe(Poco::Net::SocketAddress("127.0.0.1", 0));
    closed_port = probe.address().port();
  }
  DatabaseSettings settings;
  settings.dialect = Dialect::kMysql;
  settings.host = "127.0.0.1";
  settings.port = closed_port;
  settings.schema = "agora_test";
  settings.user = "agora";
  settings.password = "Pa55-word-never-shown";
  settings.connect_timeout_seconds = 1;
  Database database(settings);

  try {
    database.session();
    FAIL() << "a session opened against a closed port";
  } catch (const Unavailable& e) {
    EXPECT_EQ(std::string(e.what()).find(settings.password), std::string::npos) << e.what();
  }
}

TEST(Database, MysqlRejectsSemicolonInPassword) {
  DatabaseSettings settings;
  settings.dialect = Dialect::kMysql;
  settings.user = "agora";
  settings.password = "a;b";

  EXPECT_THROW(Database database(settings), std::invalid_argument);
}

}  // namespace
}  // namespace agora::data
