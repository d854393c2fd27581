// Shared setup of the catalog and orders tests: migrated SQLite files in a temp folder, a clock
// the test moves, and a way to catch the Problem a call throws.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "modules/catalog/CatalogModule.h"
#include "platform/Clock.h"
#include "platform/data/Database.h"
#include "platform/data/Migrations.h"
#include "platform/http/Problem.h"
#include "platform/http/Request.h"
#include "platform/http/Router.h"
#include "platform/security/Random.h"

namespace agora::catalog::testing {

/** A fresh temp folder, removed with everything in it at scope end. */
class TempFolder {
 public:
  TempFolder()
      : path_(std::filesystem::temp_directory_path() /
              ("agora-catalog-test-" + security::randomToken(9))) {
    std::filesystem::create_directories(path_);
  }
  ~TempFolder() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;

  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

/** A SQLite database file in `folder` with `migrations` applied. */
inline std::shared_ptr<data::Database> migratedDatabase(
    const TempFolder& folder, const std::string& module,
    const std::vector<data::Migration>& migrations) {
  data::DatabaseSettings settings;
  settings.dialect = data::Dialect::kSqlite;
  settings.sqlite_path = folder.file(module + ".db");
  auto database = std::make_shared<data::Database>(settings);
  data::applyMigrations(*database, module, migrations);
  return database;
}

/** A clock in seconds since the epoch that moves only when the test advances it. */
class ManualClock {
 public:
  explicit ManualClock(int64_t start = 1'700'000'000)
      : now_(std::make_shared<std::atomic<int64_t>>(start)) {}
  Clock clock() const {
    auto now = now_;
    return [now] { return now->load(); };
  }
  void advance(int64_t seconds) { *now_ += seconds; }
  int64_t now() const { return now_->load(); }

 private:
  std::shared_ptr<std::atomic<int64_t>> now_;
};

/** The Problem `call` throws, or nullopt when it returns normally. */
inline std::optional<http::Problem> problemOf(const std::function<void()>& call) {
  try {
    call();
  } catch (const http::Problem& problem) {
    return problem;
  }
  return std::nullopt;
}

/** Returns a configuration with the catalog module's defaults. */
inline config::Config catalogConfig() {
  config::Config config;
  CatalogModule::addDefaults(config);
  return config;
}

/** Who calls a route in a router-level test. */
inline http::Principal principal(const std::string& user_id, std::vector<std::string> roles) {
  http::Principal caller;
  caller.user_id = user_id;
  caller.session_id = "session-" + user_id;
  caller.roles = std::move(roles);
  return caller;
}

/** A request as the server would hand it to a route's handler. */
struct RouteCall {
  std::string method;
  std::string path;
  std::string body;
  std::optional<http::Principal> caller;
  std::multimap<std::string, std::string> query;
  std::map<std::string, std::string> headers;  // lower-cased names
};

/** Matches `call` against `router` and runs the handler, as the server does after its checks. */
inline http::Response runRoute(const http::Router& router, const RouteCall& call) {
  const http::RouteMatch match = router.match(call.method, call.path);
  if (match.route == nullptr) {
    throw std::logic_error("no route for " + call.method + " " + call.path);
  }
  http::Request request;
  request.method = call.method;
  request.path = call.path;
  request.route = match.route->path_template;
  request.request_id = "test-request";
  request.client_ip = "127.0.0.1";
  request.body = call.body;
  request.path_params = match.path_params;
  request.query = call.query;
  request.headers = call.headers;
  request.principal = call.caller;
  return match.route->handler(request);
}

/** The JSON object a handler put in the response body. */
inline Poco::JSON::Object::Ptr bodyObject(const http::Response& response) {
  return response.body.extract<Poco::JSON::Object::Ptr>();
}

}  // namespace agora::catalog::testing
