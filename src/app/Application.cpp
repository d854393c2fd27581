// Builds and runs one agora process from configuration and the selected roles.
#include "app/Application.h"

#include "app/BackendFactory.h"
#include "app/DatabaseFactory.h"
#include "app/SessionStoreFactory.h"
#include "app/DemoData.h"
#include "app/OpenApiDocument.h"
#include "app/PoolMetrics.h"
#include "app/RemoteServices.h"
#include "app/WebFiles.h"
#include "modules/auth/AuthModule.h"
#include "modules/catalog/CatalogModule.h"
#include "modules/orders/OrdersModule.h"
#include "modules/users/UsersModule.h"
#include "platform/Clock.h"
#include "platform/data/Migrations.h"
#include "platform/http/StaticFiles.h"
#include "platform/log/Audit.h"
#include "platform/log/Log.h"
#include "platform/security/KeyFiles.h"
#include "platform/sessions/SessionAuthenticator.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <thread>

namespace agora::app {

struct Application::Parts {
  config::Config config;
  std::vector<std::string> roles;
  std::string role_label;
  Clock clock = systemClock();

  std::shared_ptr<metrics::Registry> registry = std::make_shared<metrics::Registry>();
  std::shared_ptr<sessions::SessionStore> session_store;
  std::shared_ptr<security::SigningKey> signing_key;
  std::shared_ptr<security::PublicKeySet> public_keys = std::make_shared<security::PublicKeySet>();
  std::shared_ptr<http::Authenticator> authenticator;
  std::unique_ptr<RemoteServices> remote;

  std::map<std::string, std::shared_ptr<data::Database>> databases;
  std::vector<std::shared_ptr<redis::RedisClientPool>> redis_pools;
  std::shared_ptr<users::UsersModule> users;
  std::shared_ptr<auth::AuthModule> auth;
  std::shared_ptr<catalog::CatalogModule> catalog;
  std::shared_ptr<orders::OrdersModule> orders;
  std::vector<std::shared_ptr<http::Module>> modules;

  http::Router router;
  std::unique_ptr<http::HttpServer> api_server;
  std::unique_ptr<http::AdminServer> admin_server;

  bool has(const std::string& role) const {
    return std::find(roles.begin(), roles.end(), role) != roles.end();
  }
};

namespace {

// The operations and documentation routes every role serves besides its modules' routes.
void registerCommonRoutes(http::Router& router) {
  router.add({"GET", "/api/openapi.json", http::Access::kPublic, [](http::Request&) {
                http::Response response;
                response.raw_body = openApiDocument();
                return response;
              }});
}

/** Points the audit stream at `log.audit_file` (stdout when empty). */
void applyAuditFile(const config::Config& config) {
  try {
    log::setAuditFile(config.getString("log.audit_file"));
  } catch (const std::runtime_error& error) {
    throw config::ConfigError(error.what());
  }
}

std::string joinRoles(const std::vector<std::string>& roles) {
  if (roles.size() == 4) return "all";
  std::string joined;
  for (const auto& role : roles) joined += (joined.empty() ? "" : ",") + role;
  return joined;
}

}  // namespace

Application::Application(const config::Config& config, std::vector<std::string> roles)
    : parts_(std::make_unique<Parts>()) {
  Parts& parts = *parts_;
  parts.config = config;
  parts.roles = std::move(roles);
  parts.role_label = joinRoles(parts.roles);
  applyLogLevels(parts.config);
  applyAuditFile(parts.config);
  const RedisPoolHook watch_pool = [&parts](const std::string& name,
                                            std::shared_ptr<redis::RedisClientPool> pool) {
    addRedisPoolMetrics(*parts.registry, name, pool);
    parts.redis_pools.push_back(std::move(pool));
  };

  // Keys first: every module verifies tokens, and the auth module signs them.
  loadTokenKeys(parts.config, parts.has("auth"), parts.signing_key, *parts.public_keys);
  parts.session_store = makeSessionStore(parts.config, parts.clock, watch_pool);
  auto verifier = std::make_shared<security::TokenVerifier>(
      parts.public_keys, parts.config.getString("auth.issuer"),
      parts.config.getString("auth.audience"), parts.config.getInt("auth.leeway_seconds", 0, 30));
  parts.authenticator = std::make_shared<sessions::SessionAuthenticator>(
      verifier, parts.session_store, parts.clock,
      parts.config.getInt("auth.session_check_cache_milliseconds", 0, 1000));
  parts.remote = std::make_unique<RemoteServices>(parts.config, parts.role_label, parts.registry,
                                                  parts.signing_key);
  if (!parts.has("auth") && parts.remote->hasAuthUrl()) {
    parts.authenticator = parts.remote->refreshingKeys(parts.authenticator, parts.public_keys);
  }

  for (const auto& role : parts.roles) {
    if (role == "auth") continue;
    parts.databases[role] = makeDatabase(parts.config, role);
    addDatabasePoolMetrics(*parts.registry, role, parts.databases[role]);
  }

  if (parts.has("users")) {
    parts.users = std::make_shared<users::UsersModule>(parts.config, parts.databases["users"],
                                                       parts.clock);
    parts.users->setMetrics(parts.registry);
    parts.modules.push_back(parts.users);
  }
  if (parts.has("auth")) {
    auto users_api = parts.users ? parts.users->api() : parts.remote->usersApi();
    parts.auth = std::make_shared<auth::AuthModule>(parts.config, parts.session_store,
                                                    users_api, parts.signing_key,
                                                    parts.public_keys, parts.authenticator,
                                                    parts.clock,
                                                    makeLoginThrottle(parts.config, parts.clock,
                                                                      watch_pool));
    parts.auth->setMetrics(parts.registry);
    if (parts.users) parts.users->setSessionRevoker(parts.auth->sessionRevoker());
    parts.modules.push_back(parts.auth);
  } else if (parts.users) {
    parts.users->setSessionRevoker(parts.remote->sessionRevoker());
  }
  if (parts.has("catalog")) {
    parts.catalog = std::make_shared<catalog::CatalogModule>(parts.config,
                                                             parts.databases["catalog"], parts.clock);
    parts.catalog->setMetrics(parts.registry);
    parts.modules.push_back(parts.catalog);
  }
  if (parts.has("orders")) {
    auto catalog_api = parts.catalog ? parts.catalog->api() : parts.remote->catalogApi();
    parts.orders = std::make_shared<orders::OrdersModule>(parts.config, parts.databases["orders"],
                                                          catalog_api, parts.clock);
    parts.orders->setMetrics(parts.registry);
    parts.modules.push_back(parts.orders);
  }

  for (const auto& module : parts.modules) module->registerRoutes(parts.router);
  registerCommonRoutes(parts.router);
  // The built-in edge (every role in one process) also serves the web storefront; behind
  // nginx the edge serves it instead.
  if (parts.roles.size() == 4) {
    http::StaticFiles::registerRoutes(std::make_shared<const http::StaticFiles>(webFiles()),
                                      parts.router, {"/api/", "/internal/"});
  }
}

Application::~Application() = default;

namespace {

/** The migrations of each selected module that has a database. */
std::vector<std::pair<std::string, std::vector<data::Migration>>> migrationsOf(
    const std::vector<std::string>& roles) {
  std::vector<std::pair<std::string, std::vector<data::Migration>>> all;
  for (const auto& role : roles) {
    if (role == "users") all.emplace_back(role, users::UsersModule::migrations());
    if (role == "catalog") all.emplace_back(role, catalog::CatalogModule::migrations());
    if (role == "orders") all.emplace_back(role, orders::OrdersModule::migrations());
  }
  return all;
}

}  // namespace

void Application::migrate() {
  Parts& parts = *parts_;
  const bool create_schema = parts.config.getBool("database.create_schema");
  for (const auto& [module, migrations] : migrationsOf(parts.roles)) {
    data::Database& database = *parts.databases.at(module);
    if (create_schema) database.createSchema();
    int applied = data::applyMigrations(database, module, migrations);
    Poco::JSON::Object fields;
    fields.set("applied", applied);
    fields.set("version", data::appliedVersion(database, module));
    log::info(module, "migrations_applied", fields);
  }
}

void Application::requireCurrentSchemas() {
  Parts& parts = *parts_;
  for (const auto& [module, migrations] : migrationsOf(parts.roles)) {
    const int applied = data::appliedVersion(*parts.databases.at(module), module);
    const int expected = data::latestVersion(migrations);
    if (applied >= expected) continue;
    throw std::runtime_error("the " + module + " schema is at migration version " +
                             std::to_string(applied) + " but this agora needs version " +
                             std::to_string(expected) + ": run `agora migrate --role=" + module +
                             "` or set database.migrate_on_start=true");
  }
}

void Application::seedDemo() {
  Parts& parts = *parts_;
  seedDemoData(parts.config, parts.users.get(), parts.catalog.get());
}

std::string Application::createUser(const std::string& email, const std::string& password,
                                    const std::string& display_name, const std::string& role) {
  if (!parts_->users) throw config::ConfigError("user create needs the users role");
  std::vector<std::string> roles = {"customer"};
  if (role == "admin") roles.push_back("admin");
  return parts_->users->service().createUser(email, password, display_name, roles).id;
}

const http::Router& Application::router() const { return parts_->router; }

void Application::start() {
  Parts& parts = *parts_;
  const config::Config& config = parts.config;

  parts.remote->loadKeysAtStartup();
  if (parts.public_keys->size() == 0) {
    throw config::ConfigError("role " + parts.role_label +
                              " has no key to verify tokens with: set services.auth.url to the "
                              "auth role (e.g. http://auth:8080) to load its keys");
  }

  http::ServerSettings settings = apiServerSettings(config, parts.role_label);
  if (settings.tls) {
    security::loadOrCreateSelfSignedCertificate(settings.tls_certificate_file,
                                                settings.tls_private_key_file, "localhost");
  }
  parts.api_server = std::make_unique<http::HttpServer>(settings, parts.router,
                                                        parts.authenticator, parts.registry);

  auto readiness = [&parts]() -> std::string {
    // Every role checks bearer tokens against the session store.
    std::string store_problem = parts.session_store->ping();
    if (!store_problem.empty()) return "session store: " + store_problem;
    for (const auto& module : parts.modules) {
      std::string problem = module->readinessProblem();
      if (!problem.empty()) return module->name() + ": " + problem;
    }
    return {};
  };
  parts.admin_server = std::make_unique<http::AdminServer>(
      config.getString("admin.bind"), static_cast<int>(config.getInt("admin.port", 0, 65535)),
      readiness, parts.registry);
  metrics::addProcessCollector(*parts.registry);

  parts.api_server->start();
  parts.admin_server->start();

  Poco::JSON::Object fields;
  fields.set("role", parts.role_label);
  fields.set("api_port", parts.api_server->port());
  fields.set("admin_port", parts.admin_server->port());
  fields.set("tls", settings.tls);
  fields.set("version", AGORA_VERSION);
  log::info("app", "started", fields);
}

void Application::shutdown() {
  Parts& parts = *parts_;
  int drain_seconds = static_cast<int>(parts.config.getInt("shutdown.drain_seconds", 0, 300));
  int grace_seconds = static_cast<int>(parts.config.getInt("shutdown.grace_seconds", 0, 300));

  Poco::JSON::Object fields;
  fields.set("drain_seconds", drain_seconds);
  fields.set("grace_seconds", grace_seconds);
  log::info("app", "draining", fields);
  // Load balancers see /readyz fail at once. The listener stays open for the drain period, for
  // requests routed here before they noticed, and each response closes its connection so
  // that keep-alive clients reconnect to another replica.
  if (parts.admin_server) parts.admin_server->markDraining();
  if (parts.api_server) parts.api_server->drain();
  std::this_thread::sleep_for(std::chrono::seconds(drain_seconds));

  if (parts.api_server) parts.api_server->stop(grace_seconds);
  if (parts.admin_server) parts.admin_server->stop();
  log::info("app", "stopped");
}

void Application::waitForTermination(const std::function<config::Config()>& reload) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  while (true) {
    int received = 0;
    if (sigwait(&signals, &received) != 0) continue;
    if (received == SIGHUP) {
      try {
        reconfigure(reload());
      } catch (const std::exception& error) {
        Poco::JSON::Object fields;
        fields.set("error", error.what());
        log::error("app", "configuration_reload_failed", fields);
      }
      continue;
    }
    Poco::JSON::Object fields;
    fields.set("signal", received == SIGTERM ? "SIGTERM" : "SIGINT");
    log::info("app", "termination_requested", fields);
    return;
  }
}

void Application::reconfigure(const config::Config& config) {
  Parts& parts = *parts_;
  // Everything is read and checked before anything changes, so a bad file changes nothing.
  if (parts.auth) auth::AuthSettings::fromConfig(config);
  const int redis_pool_size =
      parts.redis_pools.empty() ? 0 : static_cast<int>(config.getInt("redis.pool_size", 1, 1024));
  applyAuditFile(config);
  applyLogLevels(config);

  Poco::JSON::Array::Ptr applied = new Poco::JSON::Array;
  applied->add("log.level");
  applied->add("log.level.<module>");
  applied->add("log.audit_file");
  if (parts.auth) {
    parts.auth->reconfigure(config);
    applied->add("auth.login.*");
  }
  for (const auto& pool : parts.redis_pools) pool->setPoolSize(redis_pool_size);
  if (!parts.redis_pools.empty()) applied->add("redis.pool_size");

  Poco::JSON::Object fields;
  fields.set("applied", applied);
  log::info("app", "configuration_reloaded", fields);
}

int Application::apiPort() const { return parts_->api_server ? parts_->api_server->port() : 0; }
int Application::adminPort() const {
  return parts_->admin_server ? parts_->admin_server->port() : 0;
}

void blockTerminationSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
}

}  // namespace agora::app
