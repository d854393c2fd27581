// The users table: SQL for accounts, written once for SQLite and MySQL/MariaDB.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "modules/users/User.h"
#include "platform/data/Database.h"

namespace agora::users {

/** The position after which a page of users starts: the last item's sort keys. */
struct UserListPosition {
  int64_t created_at = 0;
  std::string id;
};

/**
 * Reads and writes the `users` table. Every write runs in a Database transaction (which on
 * SQLite also queues writers). Backend outages surface as data::Unavailable. Thread-safe.
 */
class UserRepository {
 public:
  explicit UserRepository(std::shared_ptr<data::Database> database);

  /**
   * Inserts a new account. Returns false, writing nothing, when another account already has the
   * email key (also when it was inserted concurrently). Other failures throw.
   */
  bool insert(const StoredUser& user);

  std::optional<StoredUser> findById(const std::string& id);
  std::optional<StoredUser> findByEmailKey(const std::string& email_key);

  /**
   * Up to `limit` accounts ordered by created_at then id, starting after `after` when set, and
   * only those whose email key starts with `email_key_prefix` (% and _ match literally).
   */
  std::vector<StoredUser> list(const std::string& email_key_prefix,
                               const std::optional<UserListPosition>& after, int limit);

  /** Returns whether some account, disabled or not, has the admin role. */
  bool hasAnyAdmin();

  /** Each update also sets updated_at; an unknown id changes nothing (accounts are never
   *  deleted, so callers look the account up first). */
  void updateDisplayName(const std::string& id, const std::string& display_name,
                         int64_t updated_at);
  void updatePasswordHash(const std::string& id, const std::string& password_hash,
                          int64_t updated_at);
  void updateRolesAndDisabled(const std::string& id, const std::vector<std::string>& roles,
                              bool disabled, int64_t updated_at);

  /** Returns an empty string when the database responds, else the reason. */
  std::string ping() { return database_->ping(); }

 private:
  std::shared_ptr<data::Database> database_;
};

}  // namespace agora::users
