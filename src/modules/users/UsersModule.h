// The users module: accounts, profiles, roles and credential checks over HTTP.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "modules/auth/SessionRevoker.h"
#include "modules/users/UserService.h"
#include "modules/users/UsersApi.h"
#include "platform/Clock.h"
#include "platform/config/Config.h"
#include "platform/data/Database.h"
#include "platform/data/Migrations.h"
#include "platform/http/Module.h"

namespace agora::users {

/**
 * Serves the /api/users and /internal/users routes. Reads `users.*` configuration: argon2id cost
 * (`users.argon2.memory_kib`, `.iterations`, `.parallelism`), how many hashes may run at once
 * (`users.hashing_concurrency`, by default half the cores and at least one) and how long a
 * request waits for one
 * (`users.hashing_wait_milliseconds`), and an optional extra common-password list
 * (`users.common_passwords_file`, one password per line).
 */
class UsersModule : public http::Module {
 public:
  /** Sets the defaults of every users.* key. */
  static void addDefaults(config::Config& config);
  /** The schema of the `users` table, applied by data::applyMigrations under "users". */
  static std::vector<data::Migration> migrations();

  /** Throws config::ConfigError on an invalid users.* value or an unreadable password list. */
  UsersModule(const config::Config& config, std::shared_ptr<data::Database> database, Clock clock);

  /** Sets who ends sessions on password changes and disabled accounts; set before serving. */
  void setSessionRevoker(std::shared_ptr<auth::SessionRevoker> revoker);
  /** Counts registrations and revoked sessions into `registry` (see UserService::setMetrics). */
  void setMetrics(std::shared_ptr<metrics::Registry> registry);
  /** The in-process adapter for other modules. */
  std::shared_ptr<UsersApi> api();
  UserService& service();

  std::string name() const override { return "users"; }
  void registerRoutes(http::Router& router) override;
  /** Returns an empty string when the users database responds to a ping, else the reason. */
  std::string readinessProblem() override;

 private:
  http::Response registerUser(http::Request& request);
  http::Response getMe(http::Request& request);
  http::Response patchMe(http::Request& request);
  http::Response changePassword(http::Request& request);
  http::Response listUsers(http::Request& request);
  http::Response getUser(http::Request& request);
  http::Response patchUser(http::Request& request);
  http::Response authenticate(http::Request& request);
  http::Response getIdentity(http::Request& request);

  std::shared_ptr<UserRepository> repository_;
  std::shared_ptr<UserService> service_;
  std::shared_ptr<UsersApi> api_;
};

}  // namespace agora::users
