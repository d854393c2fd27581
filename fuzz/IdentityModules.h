// The users and auth modules wired in one process as `--role=all` runs them (SQLite, the
// in-process session store and revoker), with one registered, logged-in user to fuzz against.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "FuzzCheck.h"
#include "ModuleDatabases.h"
#include "RouteFuzzing.h"
#include "modules/auth/AuthModule.h"
#include "modules/users/UsersModule.h"
#include "platform/security/Aead.h"
#include "platform/security/Jwt.h"
#include "platform/sessions/MemorySessionStore.h"
#include "platform/sessions/SessionAuthenticator.h"
#include "platform/sessions/SessionCodec.h"

namespace agora::fuzz {

/**
 * Placeholders for seeds: {user} and {session} of the logged-in user Ada (also the `user`
 * caller), {access} and {refresh} her tokens, {admin} the id of a second account.
 */
struct IdentityModules {
  static constexpr int64_t kNow = 1'800'000'000;

  std::shared_ptr<data::Database> database =
      migratedDatabase(runFolder("identity"), "users", users::UsersModule::migrations());
  std::shared_ptr<users::UsersModule> users;
  std::shared_ptr<auth::AuthModule> auth;
  http::Router users_router;
  http::Router auth_router;
  Callers callers;
  std::map<std::string, std::string> placeholders;

  IdentityModules() {
    const Clock clock = [] { return kNow; };
    config::Config config;
    users::UsersModule::addDefaults(config);
    auth::AuthModule::addDefaults(config);
    // The cheapest argon2id cost, so a fuzzed registration or login costs microseconds.
    config.set("users.argon2.memory_kib", "8");
    config.set("users.argon2.iterations", "1");
    config.set("auth.service_clients", "orders:orders-secret-value-1234");

    auto key = std::make_shared<const security::SigningKey>(security::SigningKey::generate());
    auto public_keys = std::make_shared<security::PublicKeySet>();
    public_keys->add(key->keyId(), key->publicPem());
    auto ring = std::make_shared<const security::KeyRing>(
        "k1", std::map<std::string, std::string>{{"k1", std::string(32, 'k')}});
    auto store = std::make_shared<sessions::MemorySessionStore>(
        std::make_shared<const sessions::SessionCodec>(ring), sessions::SessionLimits{}, clock);
    auto verifier = std::make_shared<const security::TokenVerifier>(
        public_keys, config.getString("auth.issuer"), config.getString("auth.audience"));
    auto authenticator = std::make_shared<sessions::SessionAuthenticator>(verifier, store, clock);

    users = std::make_shared<users::UsersModule>(config, database, clock);
    auth = std::make_shared<auth::AuthModule>(config, store, users->api(), key, public_keys,
                                              authenticator, clock);
    users->setSessionRevoker(auth->sessionRevoker());
    users->registerRoutes(users_router);
    auth->registerRoutes(auth_router);

    const auto ada = setUpRequest(
        users_router,
        "POST /api/users\n\n{\"email\":\"ada@example.com\",\"password\":\"tulip ocean granite 42\","
        "\"display_name\":\"Ada\"}",
        std::nullopt);
    const auto admin =
        setUpRequest(users_router,
                     "POST /api/users\n\n{\"email\":\"root@example.com\",\"password\":\"quartz "
                     "meadow lantern 7\","
                     "\"display_name\":\"Root\"}",
                     std::nullopt);
    const auto login =
        setUpRequest(auth_router,
                     "POST /api/auth/login\n\n{\"email\":\"ada@example.com\",\"password\":\"tulip "
                     "ocean granite 42\"}",
                     std::nullopt);

    placeholders["{user}"] = memberOf(ada, "id");
    placeholders["{admin}"] = memberOf(admin, "id");
    placeholders["{session}"] = memberOf(login, "session_id");
    placeholders["{refresh}"] = memberOf(login, "refresh_token");
    placeholders["{access}"] = memberOf(login, "access_token");
    callers.user = principal(placeholders["{user}"], placeholders["{session}"], {"customer"});
    callers.admin = principal(placeholders["{admin}"], "session-admin", {"customer", "admin"});
    callers.service = principal("orders", "", {"service"});
  }
};

inline IdentityModules& identityModules() {
  // Destroyed at exit before Poco's thread pool, so the database pools stop their timers
  // first instead of making that pool wait for them.
  static IdentityModules fixture;
  return fixture;
}

}  // namespace agora::fuzz
