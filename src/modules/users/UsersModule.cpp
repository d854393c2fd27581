// Routes of the users module: JSON in and out around the user service.
#include "modules/users/UsersModule.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <algorithm>
#include <chrono>
#include <limits>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>

#include "modules/users/InProcessUsersApi.h"
#include "platform/http/Pagination.h"
#include "platform/json/JsonReader.h"
#include "platform/log/Log.h"

namespace agora::users {
namespace {

// Lengths are the service's to check, with messages that name its rules.
constexpr std::size_t kAnyLength = std::numeric_limits<std::size_t>::max();
constexpr std::size_t kMaxRequestedRoles = 10;

// OWASP's argon2id minimum is 19 MiB with 2 passes, or an equivalent trade of memory for
// passes down to 7 MiB with 5 (memory times passes never below 7168 KiB x 5).
constexpr int64_t kOwaspMinMemoryKib = 7168;
constexpr int64_t kOwaspMinMemoryPasses = 7168 * 5;

Poco::JSON::Array::Ptr rolesJson(const std::vector<std::string>& roles) {
  Poco::JSON::Array::Ptr array = new Poco::JSON::Array();
  for (const auto& role : roles) array->add(role);
  return array;
}

/** Builds the profile a user gets of their own account. */
Poco::JSON::Object::Ptr profileJson(const UserView& user) {
  Poco::JSON::Object::Ptr json = new Poco::JSON::Object();
  json->set("id", user.id);
  json->set("email", user.email);
  json->set("display_name", user.display_name);
  json->set("roles", rolesJson(user.roles));
  json->set("created_at", formatRfc3339(user.created_at));
  return json;
}

/** Builds the admin view of an account: the profile plus `disabled` and `updated_at`. */
Poco::JSON::Object::Ptr adminJson(const UserView& user) {
  Poco::JSON::Object::Ptr json = profileJson(user);
  json->set("disabled", user.disabled);
  json->set("updated_at", formatRfc3339(user.updated_at));
  return json;
}

Poco::JSON::Object::Ptr identityJson(const UserIdentity& user) {
  Poco::JSON::Object::Ptr json = new Poco::JSON::Object();
  json->set("id", user.id);
  json->set("email", user.email);
  json->set("display_name", user.display_name);
  json->set("roles", rolesJson(user.roles));
  return json;
}

security::PasswordHasher::Parameters readArgon2Parameters(const config::Config& config) {
  security::PasswordHasher::Parameters parameters;
  parameters.memory_kib =
      static_cast<uint32_t>(config.getInt("users.argon2.memory_kib", 8, 4 * 1024 * 1024));
  parameters.iterations = static_cast<uint32_t>(config.getInt("users.argon2.iterations", 1, 64));
  parameters.parallelism = static_cast<uint32_t>(config.getInt("users.argon2.parallelism", 1, 64));

  const int64_t memory = parameters.memory_kib;
  if (memory < kOwaspMinMemoryKib || memory * parameters.iterations < kOwaspMinMemoryPasses) {
    Poco::JSON::Object fields;
    fields.set("memory_kib", memory);
    fields.set("iterations", static_cast<int64_t>(parameters.iterations));
    fields.set("fix", "use at least users.argon2.memory_kib=19456 with iterations=2");
    log::warn("users", "password_hashing_below_owasp_minimum", fields);
  }
  return parameters;
}

std::shared_ptr<BoundedPasswordHasher> makeHasher(const config::Config& config) {
  security::PasswordHasher::Parameters parameters = readArgon2Parameters(config);
  const int concurrency = static_cast<int>(config.getInt("users.hashing_concurrency", 1, 256));
  const auto wait =
      std::chrono::milliseconds(config.getInt("users.hashing_wait_milliseconds", 1, 600000));
  try {
    return std::make_shared<BoundedPasswordHasher>(parameters, concurrency, wait);
  } catch (const std::invalid_argument& e) {
    throw config::ConfigError(std::string("invalid users.argon2.* settings: ") + e.what() +
                              " (memory_kib must be at least 8 per lane)");
  }
}

std::shared_ptr<const PasswordPolicy> makePolicy(const config::Config& config) {
  const std::string path = config.getString("users.common_passwords_file", "");
  std::vector<std::string> extra;
  if (!path.empty()) extra = PasswordPolicy::readListFile(path);
  return std::make_shared<const PasswordPolicy>(extra);
}

int defaultHashingConcurrency() {
  return std::max(1, static_cast<int>(std::thread::hardware_concurrency() / 2));
}

http::Problem invalidCredentials() {
  // Same body for an unknown email, a wrong password and a disabled account.
  return http::Problem(401, "/problems/invalid-credentials", "Invalid credentials",
                       "wrong email or password");
}

}  // namespace

void UsersModule::addDefaults(config::Config& config) {
  config.setDefault("users.argon2.memory_kib", "19456");
  config.setDefault("users.argon2.iterations", "2");
  config.setDefault("users.argon2.parallelism", "1");
  // Half the cores, so a login flood leaves the other half to the requests that need no
  // password (the hashing threads also run at a lower priority).
  config.setDefault("users.hashing_concurrency", std::to_string(defaultHashingConcurrency()));
  // Below the 3 s that other roles wait for a response (services.read_timeout_milliseconds), so
  // a saturated pool responds 503 with Retry-After before the caller times out, and spends no
  // hashing on a request whose caller is gone.
  config.setDefault("users.hashing_wait_milliseconds", "2000");
  config.setDefault("users.common_passwords_file", "");
}

UsersModule::UsersModule(const config::Config& config, std::shared_ptr<data::Database> database,
                         Clock clock)
    : repository_(std::make_shared<UserRepository>(std::move(database))),
      service_(std::make_shared<UserService>(repository_, makePolicy(config), makeHasher(config),
                                             std::move(clock))),
      api_(std::make_shared<InProcessUsersApi>(service_)) {}

void UsersModule::setSessionRevoker(std::shared_ptr<auth::SessionRevoker> revoker) {
  service_->setSessionRevoker(std::move(revoker));
}

std::shared_ptr<UsersApi> UsersModule::api() {
  return api_;
}

void UsersModule::setMetrics(std::shared_ptr<metrics::Registry> registry) {
  service_->setMetrics(std::move(registry));
}

UserService& UsersModule::service() {
  return *service_;
}

std::string UsersModule::readinessProblem() {
  std::string problem = repository_->ping();
  return problem.empty() ? problem : "users database: " + problem;
}

void UsersModule::registerRoutes(http::Router& router) {
  using http::Access;
  auto bound = [this](http::Response (UsersModule::*handler)(http::Request&)) {
    return [this, handler](http::Request& request) { return (this->*handler)(request); };
  };
  router.add({"POST", "/api/users", Access::kPublic, bound(&UsersModule::registerUser), true});
  router.add({"GET", "/api/users/me", Access::kUser, bound(&UsersModule::getMe), false});
  router.add({"PATCH", "/api/users/me", Access::kUser, bound(&UsersModule::patchMe), true});
  router.add(
      {"POST", "/api/users/me/password", Access::kUser, bound(&UsersModule::changePassword), true});
  router.add({"GET", "/api/users", Access::kAdmin, bound(&UsersModule::listUsers), false});
  router.add({"GET", "/api/users/{id}", Access::kAdmin, bound(&UsersModule::getUser), false});
  router.add({"PATCH", "/api/users/{id}", Access::kAdmin, bound(&UsersModule::patchUser), true});
  router.add({"POST", "/internal/users/authenticate", Access::kService,
              bound(&UsersModule::authenticate), true});
  router.add(
      {"GET", "/internal/users/{id}", Access::kService, bound(&UsersModule::getIdentity), false});
}

http::Response UsersModule::registerUser(http::Request& request) {
  auto reader = json::JsonReader::parse(request.body);
  reader.rejectUnknown({"email", "password", "display_name"});
  std::string email = reader.requiredString("email", 0, kAnyLength);
  std::string password = reader.requiredString("password", 0, kAnyLength);
  std::string display_name = reader.requiredString("display_name", 0, kAnyLength);
  reader.finish();

  UserView user = service_->registerUser(email, password, display_name);
  return http::Response::json(201, profileJson(user))
      .withHeader("Location", "/api/users/" + user.id);
}

http::Response UsersModule::getMe(http::Request& request) {
  return http::Response::json(200, profileJson(service_->getUser(request.caller().user_id)));
}

http::Response UsersModule::patchMe(http::Request& request) {
  auto reader = json::JsonReader::parse(request.body);
  reader.rejectUnknown({"display_name"});
  std::optional<std::string> display_name = reader.optionalString("display_name", 0, kAnyLength);
  reader.finish();

  const std::string& user_id = request.caller().user_id;
  UserView user = display_name ? service_->changeDisplayName(user_id, *display_name)
                               : service_->getUser(user_id);
  return http::Response::json(200, profileJson(user));
}

http::Response UsersModule::changePassword(http::Request& request) {
  auto reader = json::JsonReader::parse(request.body);
  reader.rejectUnknown({"current_password", "new_password"});
  std::string current_password = reader.requiredString("current_password", 0, kAnyLength);
  std::string new_password = reader.requiredString("new_password", 0, kAnyLength);
  reader.finish();

  const http::Principal& caller = request.caller();
  service_->changePassword(caller.user_id, caller.session_id, current_password, new_password);
  return http::Response::noContent();
}

http::Response UsersModule::listUsers(http::Request& request) {
  http::PageRequest page = http::readPageRequest(request, 2);
  UserPage result = service_->listUsers(request.queryValue("email"), page);

  Poco::JSON::Array::Ptr items = new Poco::JSON::Array();
  for (const auto& user : result.items) items->add(adminJson(user));
  Poco::JSON::Object::Ptr json = new Poco::JSON::Object();
  json->set("items", items);
  json->set("next_cursor",
            result.next_cursor ? Poco::Dynamic::Var(*result.next_cursor) : Poco::Dynamic::Var());
  return http::Response::json(200, json);
}

http::Response UsersModule::getUser(http::Request& request) {
  return http::Response::json(200, adminJson(service_->getUser(request.param("id"))));
}

http::Response UsersModule::patchUser(http::Request& request) {
  auto reader = json::JsonReader::parse(request.body);
  reader.rejectUnknown({"roles", "disabled"});
  UserUpdate update;
  update.roles = reader.optionalStringArray("roles", kMaxRequestedRoles);
  update.disabled = reader.optionalBool("disabled");
  reader.finish();

  UserView user = service_->updateUser(request.caller().user_id, request.param("id"), update);
  return http::Response::json(200, adminJson(user));
}

http::Response UsersModule::authenticate(http::Request& request) {
  auto reader = json::JsonReader::parse(request.body);
  reader.rejectUnknown({"email", "password"});
  std::string email = reader.requiredString("email", 0, kAnyLength);
  std::string password = reader.requiredString("password", 0, kAnyLength);
  reader.finish();

  AuthenticationOutcome outcome = service_->authenticate(email, password);
  if (outcome.check != CredentialCheck::kValid || !outcome.user) throw invalidCredentials();
  return http::Response::json(200, identityJson(*outcome.user));
}

http::Response UsersModule::getIdentity(http::Request& request) {
  UserView user = service_->getUser(request.param("id"));
  Poco::JSON::Object::Ptr json = identityJson(toIdentity(user));
  json->set("disabled", user.disabled);
  return http::Response::json(200, json);
}

}  // namespace agora::users
