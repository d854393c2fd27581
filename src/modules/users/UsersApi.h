// What the users module offers other modules (the auth module checks credentials through it).
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace agora::users {

/** A user as other modules may see it; never carries the password hash. */
struct UserIdentity {
  std::string id;
  std::string email;
  std::string display_name;
  std::vector<std::string> roles;
  bool disabled = false;
};

/** The result of a credential check. */
enum class CredentialCheck { kValid, kInvalid, kDisabled };

struct AuthenticationOutcome {
  CredentialCheck check = CredentialCheck::kInvalid;
  std::optional<UserIdentity> user;  // set when kValid
};

/**
 * Implemented in-process by the users module and, between pods, by an HTTP client of
 * `POST /internal/users/authenticate`. Unreachable backends throw (the caller returns 503).
 */
class UsersApi {
 public:
  virtual ~UsersApi() = default;
  /** Checks an email and password; costs the same argon2id work whether or not the email exists. */
  virtual AuthenticationOutcome authenticate(const std::string& email,
                                             const std::string& password) = 0;
  /** The current identity of a user (for refresh: roles now, disabled or not). */
  virtual std::optional<UserIdentity> findUser(const std::string& user_id) = 0;
};

}  // namespace agora::users
