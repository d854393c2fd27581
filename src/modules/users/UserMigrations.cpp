// The schema of the users module, one migration per step, for SQLite and MySQL/MariaDB.
#include "modules/users/UsersModule.h"

namespace agora::users {

// Column sizes: an email has at most 254 code points. Its case-folded key has at most three
// times as many, because some characters fold to three, and 762 utf8mb4 characters still fit
// InnoDB's 3072-byte index limit. MySQL compares the key and ids byte-wise (utf8mb4_bin), so
// uniqueness and ordering match SQLite's and "é" never equals "e".
std::vector<data::Migration> UsersModule::migrations() {
  data::Migration create_users;
  create_users.version = 1;
  create_users.description = "users table with a unique normalized email key";
  create_users.sqlite_statements = {
      "CREATE TABLE users ("
      "id VARCHAR(36) NOT NULL PRIMARY KEY, "
      "email VARCHAR(254) NOT NULL, "
      "email_key VARCHAR(762) NOT NULL, "
      "display_name VARCHAR(100) NOT NULL, "
      "password_hash VARCHAR(255) NOT NULL, "
      "roles VARCHAR(64) NOT NULL, "
      "disabled INTEGER NOT NULL DEFAULT 0, "
      "created_at BIGINT NOT NULL, "
      "updated_at BIGINT NOT NULL)",
      "CREATE UNIQUE INDEX users_email_key ON users (email_key)",
      "CREATE INDEX users_created_at_id ON users (created_at, id)",
  };
  create_users.mysql_statements = {
      "CREATE TABLE users ("
      "id VARCHAR(36) NOT NULL, "
      "email VARCHAR(254) NOT NULL, "
      "email_key VARCHAR(762) NOT NULL, "
      "display_name VARCHAR(100) NOT NULL, "
      "password_hash VARCHAR(255) NOT NULL, "
      "roles VARCHAR(64) NOT NULL, "
      "disabled INT NOT NULL DEFAULT 0, "
      "created_at BIGINT NOT NULL, "
      "updated_at BIGINT NOT NULL, "
      "PRIMARY KEY (id), "
      "UNIQUE KEY users_email_key (email_key), "
      "KEY users_created_at_id (created_at, id)"
      ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin",
  };
  return {create_users};
}

}  // namespace agora::users
