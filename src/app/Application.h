// Assembles a process from configuration: the selected modules, their backends and servers.
#pragma once

#include "platform/config/Config.h"
#include "platform/http/HttpServer.h"
#include "platform/http/Module.h"
#include "platform/http/Router.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace agora::app {

/** Sets the defaults of every configuration key the platform and the modules read. */
void addDefaults(config::Config& config);

/**
 * One agora process. The constructor opens the backends and builds the modules of the
 * selected roles, wiring in-process adapters where both sides of an interface run here.
 * Throws config::ConfigError for configuration that cannot work.
 */
class Application {
 public:
  Application(const config::Config& config, std::vector<std::string> roles);
  ~Application();

  /**
   * Applies pending migrations of every selected module's database, first creating a missing
   * MySQL schema when `database.create_schema` is on.
   */
  void migrate();
  /**
   * Throws std::runtime_error naming the module, its applied and the expected version when a
   * selected module's schema is older than this binary's migrations.
   */
  void requireCurrentSchemas();
  /** Creates demo products and the demo admin when missing; prints the admin password once. */
  void seedDemo();
  /** Creates an account from the command line (admin bootstrap); returns the user id. */
  std::string createUser(const std::string& email, const std::string& password,
                         const std::string& display_name, const std::string& role);

  /** The routes this process serves, for `agora routes` and the OpenAPI coverage test. */
  const http::Router& router() const;

  void start();
  /** Turns readiness off, keeps serving for the drain period, then stops the servers. */
  void shutdown();
  /** Blocks until SIGTERM or SIGINT; SIGHUP rereads the configuration through `reload`
   *  and applies it with reconfigure(), logging an error instead when it is invalid. */
  void waitForTermination(const std::function<config::Config()>& reload);

  /**
   * Applies what may change while requests run: `log.level` and `log.level.<module>`,
   * `log.audit_file` (reopened, also after rotation), the login throttle limits
   * (`auth.login.*`, auth role) and `redis.pool_size` (the Redis pools). Nothing else of
   * `config` takes effect before a restart. Throws config::ConfigError and changes nothing
   * when a value is invalid.
   */
  void reconfigure(const config::Config& config);

  int apiPort() const;
  int adminPort() const;

 private:
  struct Parts;
  std::unique_ptr<Parts> parts_;
};

/** Blocks SIGTERM, SIGINT and SIGHUP in this thread and the threads it starts later. */
void blockTerminationSignals();

}  // namespace agora::app
