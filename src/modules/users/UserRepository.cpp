// The users table: SQL for accounts, written once for SQLite and MySQL/MariaDB.
#include "modules/users/UserRepository.h"

#include <Poco/Data/Statement.h>

#include <utility>

#include "platform/data/DataErrors.h"

namespace agora::users {

using Poco::Data::Keywords::bind;
using Poco::Data::Keywords::into;
using Poco::Data::Keywords::now;

namespace {

const std::string kColumns =
    "id, email, email_key, display_name, password_hash, roles, disabled, created_at, updated_at";

/** Binds values of one query in order of its `?` placeholders. */
using Bindings = std::vector<Poco::Data::AbstractBinding::Ptr>;

/** Runs a SELECT of kColumns and turns its rows into users. */
std::vector<StoredUser> selectUsers(Poco::Data::Session& session, const std::string& sql,
                                    const Bindings& bindings) {
  std::vector<std::string> ids, emails, keys, names, hashes, roles;
  std::vector<int> disabled;
  std::vector<Poco::Int64> created, updated;

  Poco::Data::Statement statement(session);
  statement << sql;
  statement, into(ids), into(emails), into(keys), into(names), into(hashes), into(roles),
      into(disabled), into(created), into(updated);
  for (const auto& binding : bindings) statement.addBind(binding);
  statement.execute();

  std::vector<StoredUser> users(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    StoredUser& user = users[i];
    user.view.id = std::move(ids[i]);
    user.view.email = std::move(emails[i]);
    user.view.display_name = std::move(names[i]);
    user.view.roles = splitRoles(roles[i]);
    user.view.disabled = disabled[i] != 0;
    user.view.created_at = created[i];
    user.view.updated_at = updated[i];
    user.email_key = std::move(keys[i]);
    user.password_hash = std::move(hashes[i]);
  }
  return users;
}

std::optional<StoredUser> selectOne(data::Database& database, const std::string& where,
                                    const std::string& value) {
  std::vector<StoredUser> users;
  database.withSession([&](Poco::Data::Session& session) {
    users =
        selectUsers(session, "SELECT " + kColumns + " FROM users WHERE " + where, {bind(value)});
  });
  if (users.empty()) return std::nullopt;
  return std::move(users.front());
}

/** Builds a LIKE pattern that matches `prefix` literally at the start, escaped with '!'. */
std::string likePrefixPattern(const std::string& prefix) {
  std::string pattern;
  pattern.reserve(prefix.size() + 1);
  for (char c : prefix) {
    if (c == '!' || c == '%' || c == '_') pattern += '!';
    pattern += c;
  }
  pattern += '%';
  return pattern;
}

}  // namespace

UserRepository::UserRepository(std::shared_ptr<data::Database> database)
    : database_(std::move(database)) {}

bool UserRepository::insert(const StoredUser& user) {
  try {
    database_->transaction([&](Poco::Data::Session& session) {
      session << "INSERT INTO users (" + kColumns + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
          bind(user.view.id), bind(user.view.email), bind(user.email_key),
          bind(user.view.display_name), bind(user.password_hash), bind(joinRoles(user.view.roles)),
          bind(user.view.disabled ? 1 : 0), bind(static_cast<Poco::Int64>(user.view.created_at)),
          bind(static_cast<Poco::Int64>(user.view.updated_at)), now;
    });
    return true;
  } catch (const std::exception& e) {
    // The unique index on email_key decides races between two registrations. A duplicate key
    // could also be the id, so a lookup by email key confirms which one it was.
    if (!data::isDuplicateKey(e)) throw;
    if (findByEmailKey(user.email_key)) return false;
    throw;
  }
}

std::optional<StoredUser> UserRepository::findById(const std::string& id) {
  return selectOne(*database_, "id = ?", id);
}

std::optional<StoredUser> UserRepository::findByEmailKey(const std::string& email_key) {
  return selectOne(*database_, "email_key = ?", email_key);
}

std::vector<StoredUser> UserRepository::list(const std::string& email_key_prefix,
                                             const std::optional<UserListPosition>& after,
                                             int limit) {
  std::string sql = "SELECT " + kColumns + " FROM users WHERE 1 = 1";
  Bindings bindings;
  if (!email_key_prefix.empty()) {
    sql += " AND email_key LIKE ? ESCAPE '!'";
    bindings.push_back(bind(likePrefixPattern(email_key_prefix)));
  }
  if (after) {
    sql += " AND (created_at > ? OR (created_at = ? AND id > ?))";
    bindings.push_back(bind(static_cast<Poco::Int64>(after->created_at)));
    bindings.push_back(bind(static_cast<Poco::Int64>(after->created_at)));
    bindings.push_back(bind(after->id));
  }
  sql += " ORDER BY created_at, id LIMIT ?";
  bindings.push_back(bind(limit));

  std::vector<StoredUser> users;
  database_->withSession(
      [&](Poco::Data::Session& session) { users = selectUsers(session, sql, bindings); });
  return users;
}

bool UserRepository::hasAnyAdmin() {
  std::vector<std::string> ids;
  // Roles are a comma list of "customer" and "admin" only, so a substring match is exact.
  database_->withSession([&](Poco::Data::Session& session) {
    session << "SELECT id FROM users WHERE roles LIKE ? LIMIT 1", into(ids),
        bind("%" + std::string(kAdminRole) + "%"), now;
  });
  return !ids.empty();
}

void UserRepository::updateDisplayName(const std::string& id, const std::string& display_name,
                                       int64_t updated_at) {
  database_->transaction([&](Poco::Data::Session& session) {
    session << "UPDATE users SET display_name = ?, updated_at = ? WHERE id = ?", bind(display_name),
        bind(static_cast<Poco::Int64>(updated_at)), bind(id), now;
  });
}

void UserRepository::updatePasswordHash(const std::string& id, const std::string& password_hash,
                                        int64_t updated_at) {
  database_->transaction([&](Poco::Data::Session& session) {
    session << "UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?",
        bind(password_hash), bind(static_cast<Poco::Int64>(updated_at)), bind(id), now;
  });
}

void UserRepository::updateRolesAndDisabled(const std::string& id,
                                            const std::vector<std::string>& roles, bool disabled,
                                            int64_t updated_at) {
  database_->transaction([&](Poco::Data::Session& session) {
    session << "UPDATE users SET roles = ?, disabled = ?, updated_at = ? WHERE id = ?",
        bind(joinRoles(roles)), bind(disabled ? 1 : 0), bind(static_cast<Poco::Int64>(updated_at)),
        bind(id), now;
  });
}

}  // namespace agora::users
