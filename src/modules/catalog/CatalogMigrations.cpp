// The catalog's tables. `live_sku` contains the lower-cased SKU while a product is not deleted and
// NULL afterwards, so one plain UNIQUE index gives "unique among live products" on both dialects.
#include "modules/catalog/CatalogMigrations.h"

namespace agora::catalog {

namespace {

// Ids and keys compare byte-wise on MySQL too, as they do on SQLite.
constexpr const char* kMysqlTable = " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin";

data::Migration initialSchema() {
  data::Migration migration;
  migration.version = 1;
  migration.description = "products, reservations and reservation items";
  migration.sqlite_statements = {
      "CREATE TABLE products ("
      " id TEXT NOT NULL PRIMARY KEY,"
      " sku TEXT NOT NULL,"
      " sku_key TEXT NOT NULL,"
      " live_sku TEXT UNIQUE,"
      " name TEXT NOT NULL,"
      " name_key TEXT NOT NULL,"
      " description TEXT NOT NULL,"
      " price_cents INTEGER NOT NULL CHECK (price_cents >= 0),"
      " currency TEXT NOT NULL,"
      " stock INTEGER NOT NULL CHECK (stock >= 0),"
      " created_at INTEGER NOT NULL,"
      " updated_at INTEGER NOT NULL,"
      " deleted INTEGER NOT NULL DEFAULT 0)",
      "CREATE INDEX products_listing ON products (deleted, created_at, id)",
      "CREATE TABLE reservations ("
      " order_id TEXT NOT NULL PRIMARY KEY,"
      " currency TEXT NOT NULL,"
      " created_at INTEGER NOT NULL,"
      " released INTEGER NOT NULL DEFAULT 0,"
      " released_at INTEGER)",
      "CREATE TABLE reservation_items ("
      " order_id TEXT NOT NULL REFERENCES reservations (order_id),"
      " line_no INTEGER NOT NULL,"
      " product_id TEXT NOT NULL,"
      " name TEXT NOT NULL,"
      " quantity INTEGER NOT NULL,"
      " unit_price_cents INTEGER NOT NULL,"
      " PRIMARY KEY (order_id, line_no))",
  };
  migration.mysql_statements = {
      std::string("CREATE TABLE products ("
                  " id VARCHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL PRIMARY KEY,"
                  " sku VARCHAR(64) NOT NULL,"
                  " sku_key VARCHAR(64) NOT NULL,"
                  " live_sku VARCHAR(64) NULL,"
                  " name VARCHAR(200) NOT NULL,"
                  " name_key VARCHAR(800) NOT NULL,"
                  " description TEXT NOT NULL,"
                  " price_cents BIGINT NOT NULL CHECK (price_cents >= 0),"
                  " currency CHAR(3) NOT NULL,"
                  " stock BIGINT NOT NULL CHECK (stock >= 0),"
                  " created_at BIGINT NOT NULL,"
                  " updated_at BIGINT NOT NULL,"
                  " deleted INT NOT NULL DEFAULT 0,"
                  " UNIQUE KEY products_live_sku (live_sku),"
                  " KEY products_listing (deleted, created_at, id))") +
          kMysqlTable,
      std::string("CREATE TABLE reservations ("
                  " order_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL"
                  " PRIMARY KEY,"
                  " currency CHAR(3) NOT NULL,"
                  " created_at BIGINT NOT NULL,"
                  " released INT NOT NULL DEFAULT 0,"
                  " released_at BIGINT NULL)") +
          kMysqlTable,
      std::string("CREATE TABLE reservation_items ("
                  " order_id VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,"
                  " line_no INT NOT NULL,"
                  " product_id VARCHAR(36) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,"
                  " name VARCHAR(200) NOT NULL,"
                  " quantity BIGINT NOT NULL,"
                  " unit_price_cents BIGINT NOT NULL,"
                  " PRIMARY KEY (order_id, line_no),"
                  " FOREIGN KEY (order_id) REFERENCES reservations (order_id))") +
          kMysqlTable,
  };
  return migration;
}

}  // namespace

std::vector<data::Migration> catalogMigrations() {
  return {initialSchema()};
}

}  // namespace agora::catalog
