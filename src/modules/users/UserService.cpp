// The users domain: registration, profiles, password changes, roles and credential checks.
#include "modules/users/UserService.h"

#include <Poco/JSON/Array.h>

#include <algorithm>
#include <charconv>
#include <stdexcept>
#include <utility>

#include "modules/users/UserText.h"
#include "platform/http/Problem.h"
#include "platform/log/Audit.h"
#include "platform/log/Log.h"
#include "platform/security/Random.h"
#include "platform/security/UnicodeText.h"

namespace agora::users {
namespace {

const char* const kModule = "users";
constexpr const char* kRegistrationsMetric = "agora_registrations_total";
constexpr const char* kSessionsRevokedMetric = "agora_sessions_revoked_total";

/** Checks requested roles, recording each unknown one, and returns the canonical list. */
std::vector<std::string> readRoles(const std::vector<std::string>& requested,
                                   std::vector<http::FieldError>& errors) {
  for (std::size_t i = 0; i < requested.size(); ++i) {
    if (!isAllowedRole(requested[i])) {
      errors.push_back({"roles[" + std::to_string(i) + "]",
                        "unknown role '" + requested[i] + "': use customer or admin"});
    }
  }
  return canonicalRoles(requested);
}

Poco::JSON::Array::Ptr rolesJson(const std::vector<std::string>& roles) {
  Poco::JSON::Array::Ptr array = new Poco::JSON::Array();
  for (const auto& role : roles) array->add(role);
  return array;
}

http::Problem invalidCursor() {
  return http::Problem::badRequest(
      "invalid `cursor`: pass the next_cursor of the previous page, or none for the first page");
}

}  // namespace

UserIdentity toIdentity(const UserView& user) {
  return UserIdentity{user.id, user.email, user.display_name, user.roles, user.disabled};
}

UserService::UserService(std::shared_ptr<UserRepository> repository,
                         std::shared_ptr<const PasswordPolicy> policy,
                         std::shared_ptr<BoundedPasswordHasher> hasher, Clock clock)
    : repository_(std::move(repository)),
      policy_(std::move(policy)),
      hasher_(std::move(hasher)),
      clock_(std::move(clock)) {}

void UserService::setSessionRevoker(std::shared_ptr<auth::SessionRevoker> revoker) {
  revoker_ = std::move(revoker);
}

void UserService::setMetrics(std::shared_ptr<metrics::Registry> registry) {
  counters_.bind(std::move(registry));
  counters_.declare(kRegistrationsMetric, "Accounts registered through the API.");
  counters_.declare(kSessionsRevokedMetric, "Sessions ended before their expiry, by reason.",
                    {{{"reason", "password_change"}}, {{"reason", "admin"}}});
}

UserView UserService::registerUser(const std::string& email, const std::string& password,
                                   const std::string& display_name) {
  UserView user = createUser(email, password, display_name, {std::string(kCustomerRole)});
  counters_.add(kRegistrationsMetric);
  return user;
}

UserView UserService::createUser(const std::string& email, const std::string& password,
                                 const std::string& display_name,
                                 const std::vector<std::string>& roles) {
  std::vector<http::FieldError> errors;
  std::string error;

  std::optional<EmailAddress> address = readEmailAddress(email, error);
  if (!address) errors.push_back({"email", error});

  std::optional<std::string> name = readDisplayName(display_name, error);
  if (!name) errors.push_back({"display_name", error});

  std::optional<std::string> nfc_password = normalizePassword(password, error);
  if (!nfc_password) {
    errors.push_back({"password", error});
  } else {
    std::string violation = policy_->violation(*nfc_password, address ? address->key : "");
    if (!violation.empty()) errors.push_back({"password", violation});
  }

  std::vector<std::string> granted = readRoles(roles, errors);
  if (!errors.empty()) throw http::Problem::validation(std::move(errors));

  // Hash first: a taken email must cost the same as a new one, or timing reveals accounts.
  std::string password_hash = hasher_->hash(*nfc_password);

  const int64_t now = clock_();
  StoredUser user;
  user.view.id = security::newUuid();
  user.view.email = address->entered;
  user.view.display_name = std::move(*name);
  user.view.roles = std::move(granted);
  user.view.created_at = now;
  user.view.updated_at = now;
  user.email_key = address->key;
  user.password_hash = std::move(password_hash);

  if (!repository_->insert(user)) {
    throw http::Problem::conflict("/problems/email-taken", "Email taken",
                                  "an account with this email exists: log in, or register with "
                                  "another email");
  }

  Poco::JSON::Object fields;
  fields.set("user_id", user.view.id);
  fields.set("roles", rolesJson(user.view.roles));
  log::info(kModule, "user_registered", fields);
  fields.set("email_sha256", log::emailDigest(email));
  log::audit(kModule, "account_created", fields);
  return user.view;
}

bool UserService::hasAnyAdmin() {
  return repository_->hasAnyAdmin();
}

UserView UserService::getUser(const std::string& user_id) {
  return requireUser(user_id).view;
}

std::optional<UserView> UserService::findUser(const std::string& user_id) {
  std::optional<StoredUser> user = repository_->findById(user_id);
  if (!user) return std::nullopt;
  return std::move(user->view);
}

UserView UserService::changeDisplayName(const std::string& user_id,
                                        const std::string& display_name) {
  std::string error;
  std::optional<std::string> name = readDisplayName(display_name, error);
  if (!name) throw http::Problem::validation({{"display_name", error}});

  StoredUser user = requireUser(user_id);
  user.view.display_name = std::move(*name);
  user.view.updated_at = clock_();
  repository_->updateDisplayName(user_id, user.view.display_name, user.view.updated_at);
  return user.view;
}

void UserService::changePassword(const std::string& user_id, const std::string& keep_session_id,
                                 const std::string& current_password,
                                 const std::string& new_password) {
  if (!revoker_) throw std::logic_error("users: no session revoker set before changePassword");
  StoredUser user = requireUser(user_id);

  std::string error;
  std::optional<std::string> nfc_new = normalizePassword(new_password, error);
  if (nfc_new) error = policy_->violation(*nfc_new, user.email_key);
  if (!error.empty()) throw http::Problem::validation({{"new_password", error}});

  std::optional<std::string> nfc_current = normalizePassword(current_password, error);
  if (!nfc_current || !hasher_->verify(*nfc_current, user.password_hash)) {
    throw http::Problem(403, "/problems/wrong-password", "Wrong password",
                        "`current_password` does not match: enter the password you log in with");
  }

  repository_->updatePasswordHash(user_id, hasher_->hash(*nfc_new), clock_());
  int revoked = revokeSessions(user_id, keep_session_id, "password_changed");
  counters_.add(kSessionsRevokedMetric, {{"reason", "password_change"}}, revoked);

  Poco::JSON::Object fields;
  fields.set("user_id", user_id);
  fields.set("sessions_revoked", revoked);
  log::info(kModule, "password_changed", fields);
  log::audit(kModule, "password_changed", fields);
}

UserPage UserService::listUsers(const std::optional<std::string>& email_prefix,
                                const http::PageRequest& page) {
  std::string key_prefix;
  if (email_prefix) {
    std::optional<std::string> key = emailKey(*email_prefix);
    if (!key) throw http::Problem::validation({{"email", "must be valid UTF-8"}});
    std::size_t length = security::codePointCount(*key);
    if (length > kEmailMaxCodePoints * 3) {
      throw http::Problem::validation(
          {{"email", "must be at most 254 characters, got " + std::to_string(length)}});
    }
    key_prefix = std::move(*key);
  }

  std::optional<UserListPosition> after;
  if (!page.after.empty()) {
    if (page.after.size() != 2) throw invalidCursor();
    const std::string& created = page.after[0];
    UserListPosition position;
    auto [end, failure] =
        std::from_chars(created.data(), created.data() + created.size(), position.created_at);
    if (failure != std::errc() || end != created.data() + created.size()) throw invalidCursor();
    position.id = page.after[1];
    after = std::move(position);
  }

  // Reading one row past the limit reveals whether another page follows.
  std::vector<StoredUser> rows = repository_->list(key_prefix, after, page.limit + 1);
  UserPage result;
  bool more = rows.size() > static_cast<std::size_t>(page.limit);
  if (more) rows.resize(static_cast<std::size_t>(page.limit));
  for (auto& row : rows) result.items.push_back(std::move(row.view));
  if (more && !result.items.empty()) {
    const UserView& last = result.items.back();
    result.next_cursor = http::encodeCursor({std::to_string(last.created_at), last.id});
  }
  return result;
}

UserView UserService::updateUser(const std::string& actor_id, const std::string& user_id,
                                 const UserUpdate& update) {
  std::vector<http::FieldError> errors;
  std::optional<std::vector<std::string>> roles;
  if (update.roles) roles = readRoles(*update.roles, errors);
  if (!errors.empty()) throw http::Problem::validation(std::move(errors));

  bool disabling = update.disabled.value_or(false);
  if ((disabling || roles) && !revoker_) {
    throw std::logic_error("users: no session revoker set before changing roles or disabling");
  }

  StoredUser user = requireUser(user_id);
  // Access tokens carry the roles they were issued with, so losing a role must end the
  // sessions that hold it; otherwise a demoted admin keeps admin rights until expiry.
  bool loses_role = roles && std::any_of(user.view.roles.begin(), user.view.roles.end(),
                                         [&](const std::string& role) {
                                           return std::find(roles->begin(), roles->end(), role) ==
                                                  roles->end();
                                         });
  if (actor_id == user_id) {
    bool drops_admin = roles && user.view.isAdmin() &&
                       std::find(roles->begin(), roles->end(), kAdminRole) == roles->end();
    if (drops_admin || disabling) {
      throw http::Problem::conflict("/problems/self-demotion", "Self-demotion",
                                    "an admin cannot remove their own admin role or disable "
                                    "their own account: ask another admin");
    }
  }

  const std::vector<std::string> old_roles = user.view.roles;
  const bool was_disabled = user.view.disabled;
  if (roles) user.view.roles = std::move(*roles);
  if (update.disabled) user.view.disabled = *update.disabled;
  user.view.updated_at = clock_();
  repository_->updateRolesAndDisabled(user_id, user.view.roles, user.view.disabled,
                                      user.view.updated_at);

  Poco::JSON::Object fields;
  fields.set("user_id", user_id);
  fields.set("actor_id", actor_id);
  fields.set("roles", rolesJson(user.view.roles));
  fields.set("disabled", user.view.disabled);
  log::info(kModule, "user_updated", fields);
  auditUpdate(actor_id, user_id, old_roles, user.view.roles, was_disabled, user.view.disabled);

  // Revoked on every request that disables, so a retry after a failed revocation completes it.
  int revoked = 0;
  if (disabling) {
    revoked = revokeSessions(user_id, "", "account_disabled");
  } else if (loses_role) {
    revoked = revokeSessions(user_id, "", "roles_reduced");
  }
  if (disabling || loses_role) {
    counters_.add(kSessionsRevokedMetric, {{"reason", "admin"}}, revoked);
    Poco::JSON::Object audited;
    audited.set("user_id", user_id);
    audited.set("actor_id", actor_id);
    audited.set("reason", disabling ? "account_disabled" : "roles_reduced");
    audited.set("sessions_revoked", revoked);
    log::audit(kModule, "sessions_revoked_by_admin", audited);
  }
  return user.view;
}

AuthenticationOutcome UserService::authenticate(const std::string& email,
                                                const std::string& password) {
  std::string error;
  std::optional<std::string> nfc_password = normalizePassword(password, error);
  // No stored password is invalid UTF-8 or longer than this, whichever account is asked for.
  if (!nfc_password || security::codePointCount(*nfc_password) > kPasswordMaxCodePoints) {
    return {CredentialCheck::kInvalid, std::nullopt};
  }

  std::optional<std::string> key = emailKey(email);
  std::optional<StoredUser> user;
  if (key) user = repository_->findByEmailKey(*key);
  if (!user) {
    hasher_->burnEquivalentWork(*nfc_password);
    return {CredentialCheck::kInvalid, std::nullopt};
  }

  if (!hasher_->verify(*nfc_password, user->password_hash)) {
    return {CredentialCheck::kInvalid, std::nullopt};
  }
  if (user->view.disabled) return {CredentialCheck::kDisabled, std::nullopt};

  if (hasher_->needsRehash(user->password_hash)) {
    try {
      repository_->updatePasswordHash(user->view.id, hasher_->hash(*nfc_password), clock_());
      Poco::JSON::Object fields;
      fields.set("user_id", user->view.id);
      log::info(kModule, "password_rehashed", fields);
    } catch (const std::exception& e) {
      // The login itself succeeded; the next one tries the upgrade again.
      Poco::JSON::Object fields;
      fields.set("user_id", user->view.id);
      fields.set("error", e.what());
      log::warn(kModule, "password_rehash_failed", fields);
    }
  }
  return {CredentialCheck::kValid, toIdentity(user->view)};
}

void UserService::auditUpdate(const std::string& actor_id, const std::string& user_id,
                              const std::vector<std::string>& old_roles,
                              const std::vector<std::string>& new_roles, bool was_disabled,
                              bool disabled) {
  if (old_roles != new_roles) {
    Poco::JSON::Object audited;
    audited.set("user_id", user_id);
    audited.set("actor_id", actor_id);
    audited.set("old_roles", rolesJson(old_roles));
    audited.set("new_roles", rolesJson(new_roles));
    log::audit(kModule, "roles_changed", audited);
  }
  if (was_disabled != disabled) {
    Poco::JSON::Object audited;
    audited.set("user_id", user_id);
    audited.set("actor_id", actor_id);
    log::audit(kModule, disabled ? "account_disabled" : "account_enabled", audited);
  }
}

StoredUser UserService::requireUser(const std::string& user_id) {
  std::optional<StoredUser> user = repository_->findById(user_id);
  if (!user) throw http::Problem::notFound("no user with id '" + user_id + "'");
  return std::move(*user);
}

int UserService::revokeSessions(const std::string& user_id, const std::string& keep_session_id,
                                const std::string& reason) {
  try {
    return revoker_->revokeAllSessions(user_id, keep_session_id);
  } catch (const std::exception& e) {
    Poco::JSON::Object fields;
    fields.set("user_id", user_id);
    fields.set("reason", reason);
    fields.set("error", e.what());
    log::error(kModule, "session_revocation_failed", fields);
    throw;
  }
}

}  // namespace agora::users
