// The users domain: registration, profiles, password changes, roles and credential checks.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "modules/auth/SessionRevoker.h"
#include "modules/users/BoundedPasswordHasher.h"
#include "modules/users/PasswordPolicy.h"
#include "modules/users/User.h"
#include "modules/users/UserRepository.h"
#include "modules/users/UsersApi.h"
#include "platform/Clock.h"
#include "platform/http/Pagination.h"
#include "platform/metrics/Counters.h"

namespace agora::users {

/** One page of the admin user list. */
struct UserPage {
  std::vector<UserView> items;
  std::optional<std::string> next_cursor;  // nullopt on the last page
};

/** A change an admin requests. Unset fields stay as they are. */
struct UserUpdate {
  std::optional<std::vector<std::string>> roles;
  std::optional<bool> disabled;
};

/**
 * The rules of accounts. Validation failures throw http::Problem 400 listing every invalid
 * field; other outcomes throw the Problem named on each method. Passwords are normalized to
 * NFC before any check or hash, and every argon2id computation goes through the bounded
 * hasher. Thread-safe once the session revoker is set.
 */
class UserService {
 public:
  UserService(std::shared_ptr<UserRepository> repository,
              std::shared_ptr<const PasswordPolicy> policy,
              std::shared_ptr<BoundedPasswordHasher> hasher, Clock clock);

  /** Sets who ends sessions on a password change or when an account is disabled. */
  void setSessionRevoker(std::shared_ptr<auth::SessionRevoker> revoker);

  /**
   * Counts into `registry` from now on (call before serving): agora_registrations_total and
   * the sessions this service ends in agora_sessions_revoked_total{reason="password_change"
   * or "admin" (an admin disabled the account or removed a role)}.
   */
  void setMetrics(std::shared_ptr<metrics::Registry> registry);

  /**
   * Registers a customer. The password is hashed before the email's uniqueness is checked,
   * so a taken email costs the same argon2id work as a new one. Throws Problem 400 on invalid
   * fields, 409 "/problems/email-taken" when the email belongs to an account.
   */
  UserView registerUser(const std::string& email, const std::string& password,
                        const std::string& display_name);

  /** Like registerUser with the given roles ("customer" is always added); for the admin
   *  command line and the demo seed. Throws Problem 400 on an unknown role. */
  UserView createUser(const std::string& email, const std::string& password,
                      const std::string& display_name, const std::vector<std::string>& roles);

  /** Returns whether some account has the admin role. */
  bool hasAnyAdmin();

  /** The account, or Problem 404. */
  UserView getUser(const std::string& user_id);
  std::optional<UserView> findUser(const std::string& user_id);

  /** Changes the caller's display name; Problem 400 when invalid, 404 when unknown. */
  UserView changeDisplayName(const std::string& user_id, const std::string& display_name);

  /**
   * Replaces the password after checking the current one, then revokes every session of the
   * user except `keep_session_id`. Throws Problem 400 when the new password breaks the policy,
   * 403 "/problems/wrong-password" when the current one does not match.
   */
  void changePassword(const std::string& user_id, const std::string& keep_session_id,
                      const std::string& current_password, const std::string& new_password);

  /**
   * The accounts in order of creation (then id), optionally only those whose normalized email
   * starts with `email_prefix`. Throws Problem 400 on a cursor this service did not make.
   */
  UserPage listUsers(const std::optional<std::string>& email_prefix, const http::PageRequest& page);

  /**
   * Changes roles and the disabled flag as requested by `actor_id` (an admin). Disabling
   * revokes all sessions of the user. Throws Problem 400 on an unknown role, 404 for an unknown
   * user and 409 "/problems/self-demotion" when the actor would drop their own admin role or
   * disable their own account.
   */
  UserView updateUser(const std::string& actor_id, const std::string& user_id,
                      const UserUpdate& update);

  /**
   * Checks credentials with the same argon2id work whether or not the email exists. kDisabled
   * only when the password is right (a wrong one is kInvalid, whatever the account's state).
   * Rehashes a matching password whose hash is weaker than the configured parameters.
   */
  AuthenticationOutcome authenticate(const std::string& email, const std::string& password);

  /** The bounded hasher, e.g. for counting argon2id computations. */
  const BoundedPasswordHasher& hasher() const { return *hasher_; }

 private:
  std::shared_ptr<UserRepository> repository_;
  std::shared_ptr<const PasswordPolicy> policy_;
  std::shared_ptr<BoundedPasswordHasher> hasher_;
  Clock clock_;
  std::shared_ptr<auth::SessionRevoker> revoker_;
  metrics::Counters counters_;

  StoredUser requireUser(const std::string& user_id);
  int revokeSessions(const std::string& user_id, const std::string& keep_session_id,
                     const std::string& reason);
  /** Writes the audit lines of an admin's change: roles changed, account disabled or enabled. */
  void auditUpdate(const std::string& actor_id, const std::string& user_id,
                   const std::vector<std::string>& old_roles,
                   const std::vector<std::string>& new_roles, bool was_disabled, bool disabled);
};

/** The identity other modules see for an account. */
UserIdentity toIdentity(const UserView& user);

}  // namespace agora::users
