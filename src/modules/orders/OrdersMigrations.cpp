// The orders module's tables. Idempotency keys are unique per user and compared byte-wise, so
// "Key-1" and "key-1" are different keys on both dialects.
#include "modules/orders/OrdersMigrations.h"

namespace agora::orders {

namespace {

// Ids and keys compare byte-wise on MySQL too, as they do on SQLite.
constexpr const char* kMysqlTable = " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin";
data::Migration initialSchema() {
  data::Migration migration;
  migration.version = 1;
  migration.description = "orders, order lines and idempotency keys";
  migration.sqlite_statements = {
      "CREATE TABLE orders ("
      " id TEXT NOT NULL PRIMARY KEY,"
      " user_id TEXT NOT NULL,"
      " status TEXT NOT NULL,"
      " total_cents INTEGER NOT NULL,"
      " currency TEXT NOT NULL,"
      " created_at INTEGER NOT NULL,"
      " updated_at INTEGER NOT NULL)",
      "CREATE INDEX orders_by_user ON orders (user_id, created_at, id)",
      "CREATE TABLE order_lines ("
      " order_id TEXT NOT NULL REFERENCES orders (id),"
      " line_no INTEGER NOT NULL,"
      " product_id TEXT NOT NULL,"
      " name TEXT NOT NULL,"
      " quantity INTEGER NOT NULL,"
      " unit_price_cents INTEGER NOT NULL,"
      " PRIMARY KEY (order_id, line_no))",
      "CREATE TABLE idempotency_keys ("
      " user_id TEXT NOT NULL,"
      " idempotency_key TEXT NOT NULL,"
      " fingerprint TEXT NOT NULL,"
      " state TEXT NOT NULL,"
      " order_id TEXT NOT NULL,"
      " response_status INTEGER NOT NULL,"
      " response_body TEXT NOT NULL,"
      " created_at INTEGER NOT NULL,"
      " updated_at INTEGER NOT NULL,"
      " PRIMARY KEY (user_id, idempotency_key))",
  };
  migration.mysql_statements = {
      std::string("CREATE TABLE orders ("
                  " id VARCHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,"
                  " user_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,"
                  " status VARCHAR(16) NOT NULL,"
                  " total_cents BIGINT NOT NULL,"
                  " currency CHAR(3) NOT NULL,"
                  " created_at BIGINT NOT NULL,"
                  " updated_at BIGINT NOT NULL,"
                  " KEY orders_by_user (user_id, created_at, id))") +
          kMysqlTable,
      std::string("CREATE TABLE order_lines ("
                  " order_id VARCHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,"
                  " line_no INT NOT NULL,"
                  " product_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,"
                  " name VARCHAR(200) NOT NULL,"
                  " quantity BIGINT NOT NULL,"
                  " unit_price_cents BIGINT NOT NULL,"
                  " PRIMARY KEY (order_id, line_no),"
                  " FOREIGN KEY (order_id) REFERENCES orders (id))") +
          kMysqlTable,
      // MEDIUMTEXT: a stored response of 50 lines with long names can pass TEXT's 64 KiB.
      std::string("CREATE TABLE idempotency_keys ("
                  " user_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,"
                  // Binary, so trailing spaces count as they do on SQLite (PAD SPACE would not).
                  " idempotency_key VARBINARY(255) NOT NULL,"
                  " fingerprint CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,"
                  " state VARCHAR(16) NOT NULL,"
                  " order_id VARCHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,"
                  " response_status INT NOT NULL,"
                  " response_body MEDIUMTEXT NOT NULL,"
                  " created_at BIGINT NOT NULL,"
                  " updated_at BIGINT NOT NULL,"
                  " PRIMARY KEY (user_id, idempotency_key))") +
          kMysqlTable,
  };
  return migration;
}

}  // namespace

std::vector<data::Migration> ordersMigrations() {
  return {initialSchema()};
}

}  // namespace agora::orders
