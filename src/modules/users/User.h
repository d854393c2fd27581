// A user account as the users module keeps it, and the role names it allows.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace agora::users {

inline constexpr std::string_view kCustomerRole = "customer";
inline constexpr std::string_view kAdminRole = "admin";

/** A user as routes and other modules may see it; never carries the password hash. */
struct UserView {
  std::string id;
  std::string email;               // as entered, trimmed
  std::string display_name;        // trimmed, NFC
  std::vector<std::string> roles;  // "customer", then "admin" for admins
  bool disabled = false;
  int64_t created_at = 0;  // seconds since the epoch
  int64_t updated_at = 0;

  bool isAdmin() const;
};

/** A user as the repository stores it: the view plus the matching key and the argon2id hash. */
struct StoredUser {
  UserView view;
  std::string email_key;      // NFC + case fold of the email; unique
  std::string password_hash;  // PHC string
};

/** Returns whether `role` is one a user may hold ("customer" or "admin"). */
bool isAllowedRole(std::string_view role);

/**
 * Returns the canonical role list for `requested` (already checked with isAllowedRole):
 * "customer" always, then "admin" when asked for, without duplicates.
 */
std::vector<std::string> canonicalRoles(const std::vector<std::string>& requested);

/** Joins roles as the comma list the users table stores, e.g. "customer,admin". */
std::string joinRoles(const std::vector<std::string>& roles);
/** Splits the stored comma list back into roles. */
std::vector<std::string> splitRoles(std::string_view stored);

}  // namespace agora::users
