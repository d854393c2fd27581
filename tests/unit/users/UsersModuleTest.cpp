// Tests of the users routes through the router: status codes, bodies, access levels.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "UsersTestSupport.h"
#include "modules/users/UsersModule.h"
#include "platform/http/Router.h"

namespace agora::users {
namespace {

const std::string kPassword = "tulip-ocean-granite";

class UsersModuleTest : public ::testing::Test {
 protected:
  UsersModuleTest() : database_(testing::migratedDatabase(folder_)) {
    UsersModule::addDefaults(config_);
    config_.set("users.argon2.memory_kib", "8");
    config_.set("users.argon2.iterations", "1");
    module_ = std::make_unique<UsersModule>(config_, database_, [this] { return now_; });
    module_->setSessionRevoker(revoker_);
    module_->registerRoutes(router_);
  }

  /** Runs the handler of the route matching `method` and `path` as `principal`. */
  http::Response call(const std::string& method, const std::string& path,
                      const std::string& body = "",
                      std::optional<http::Principal> principal = std::nullopt,
                      std::multimap<std::string, std::string> query = {}) {
    http::RouteMatch match = router_.match(method, path);
    if (!match.route) throw std::runtime_error("no route for " + method + " " + path);
    http::Request request;
    request.method = method;
    request.path = path;
    request.route = match.route->path_template;
    request.body = body;
    request.path_params = match.path_params;
    request.query = std::move(query);
    request.principal = std::move(principal);
    return match.route->handler(request);
  }

  http::Access accessOf(const std::string& method, const std::string& path) {
    http::RouteMatch match = router_.match(method, path);
    if (!match.route) throw std::runtime_error("no route for " + method + " " + path);
    return match.route->access;
  }

  http::Problem problemOf(const std::string& method, const std::string& path,
                          const std::string& body,
                          std::optional<http::Principal> principal = std::nullopt) {
    try {
      call(method, path, body, std::move(principal));
    } catch (const http::Problem& problem) {
      return problem;
    }
    ADD_FAILURE() << "expected an http::Problem from " << method << " " << path;
    return http::Problem(0, "", "");
  }

  static Poco::JSON::Object::Ptr bodyOf(const http::Response& response) {
    return response.body.extract<Poco::JSON::Object::Ptr>();
  }

  static http::Principal userPrincipal(const UserView& user, const std::string& session_id) {
    http::Principal principal;
    principal.user_id = user.id;
    principal.session_id = session_id;
    principal.roles = user.roles;
    return principal;
  }

  static std::string registration(const std::string& email) {
    return R"({"email":")" + email + R"(","password":")" + kPassword +
           R"(","display_name":"Test User"})";
  }

  testing::TempFolder folder_;
  int64_t now_ = 1'780'000'000;
  std::shared_ptr<data::Database> database_;
  config::Config config_;
  std::shared_ptr<testing::RecordingSessionRevoker> revoker_ =
      std::make_shared<testing::RecordingSessionRevoker>();
  std::unique_ptr<UsersModule> module_;
  http::Router router_;
};

TEST_F(UsersModuleTest, RegisterAnswersCreated) {
  http::Response response = call("POST", "/api/users", registration("amy@example.com"));
  EXPECT_EQ(response.status, 201);
}

TEST_F(UsersModuleTest, RegisterSetsLocation) {
  http::Response response = call("POST", "/api/users", registration("amy@example.com"));
  std::string id = bodyOf(response)->getValue<std::string>("id");
  ASSERT_EQ(response.headers.size(), 1u);
  EXPECT_EQ(response.headers[0].first, "Location");
  EXPECT_EQ(response.headers[0].second, "/api/users/" + id);
}

TEST_F(UsersModuleTest, RegisterBodyHasProfileFields) {
  Poco::JSON::Object::Ptr body =
      bodyOf(call("POST", "/api/users", registration("amy@example.com")));
  EXPECT_EQ(body->getValue<std::string>("email"), "amy@example.com");
  EXPECT_EQ(body->getValue<std::string>("display_name"), "Test User");
  EXPECT_EQ(body->getArray("roles")->getElement<std::string>(0), "customer");
  EXPECT_EQ(body->getValue<std::string>("created_at"), formatRfc3339(now_));
  EXPECT_FALSE(body->has("disabled"));
}

TEST_F(UsersModuleTest, RegisterRejectsUnknownField) {
  std::string body = R"({"email":"amy@example.com","password":")" + kPassword +
                     R"(","display_name":"Amy","roles":["admin"]})";
  http::Problem problem = problemOf("POST", "/api/users", body);
  EXPECT_EQ(problem.status(), 400);
  ASSERT_EQ(problem.errors().size(), 1u);
  EXPECT_EQ(problem.errors()[0].field, "roles");
}

TEST_F(UsersModuleTest, RegisterTakenEmailConflicts) {
  call("POST", "/api/users", registration("amy@example.com"));
  EXPECT_EQ(problemOf("POST", "/api/users", registration("AMY@example.com")).status(), 409);
}

TEST_F(UsersModuleTest, RoutesDeclareAccess) {
  EXPECT_EQ(accessOf("POST", "/api/users"), http::Access::kPublic);
  EXPECT_EQ(accessOf("GET", "/api/users/me"), http::Access::kUser);
  EXPECT_EQ(accessOf("PATCH", "/api/users/me"), http::Access::kUser);
  EXPECT_EQ(accessOf("POST", "/api/users/me/password"), http::Access::kUser);
  EXPECT_EQ(accessOf("GET", "/api/users"), http::Access::kAdmin);
  EXPECT_EQ(accessOf("GET", "/api/users/some-id"), http::Access::kAdmin);
  EXPECT_EQ(accessOf("PATCH", "/api/users/some-id"), http::Access::kAdmin);
  EXPECT_EQ(accessOf("POST", "/internal/users/authenticate"), http::Access::kService);
}

TEST_F(UsersModuleTest, MeReturnsOwnProfile) {
  UserView user = module_->service().registerUser("bea@example.com", kPassword, "Bea");
  Poco::JSON::Object::Ptr body =
      bodyOf(call("GET", "/api/users/me", "", userPrincipal(user, "s-1")));
  EXPECT_EQ(body->getValue<std::string>("id"), user.id);
}

TEST_F(UsersModuleTest, PatchMeChangesDisplayName) {
  UserView user = module_->service().registerUser("bea@example.com", kPassword, "Bea");
  Poco::JSON::Object::Ptr body = bodyOf(
      call("PATCH", "/api/users/me", R"({"display_name":" Beatrice "})", userPrincipal(user, "s")));
  EXPECT_EQ(body->getValue<std::string>("display_name"), "Beatrice");
}

TEST_F(UsersModuleTest, PasswordChangeAnswersNoContent) {
  UserView user = module_->service().registerUser("bea@example.com", kPassword, "Bea");
  std::string body =
      R"({"current_password":")" + kPassword + R"(","new_password":"granite-tulip-ocean"})";
  http::Response response =
      call("POST", "/api/users/me/password", body, userPrincipal(user, "s-7"));
  EXPECT_EQ(response.status, 204);
  ASSERT_EQ(revoker_->calls.size(), 1u);
  EXPECT_EQ(revoker_->calls[0].keep_session_id, "s-7");
}

TEST_F(UsersModuleTest, ListPagesWithCursor) {
  UserView admin = module_->service().createUser("root@example.com", kPassword, "Admin", {"admin"});
  for (const char* email : {"b1@example.com", "b2@example.com"}) {
    ++now_;
    module_->service().registerUser(email, kPassword, "B");
  }

  Poco::JSON::Object::Ptr first =
      bodyOf(call("GET", "/api/users", "", userPrincipal(admin, "s"), {{"limit", "2"}}));
  ASSERT_EQ(first->getArray("items")->size(), 2u);
  ASSERT_FALSE(first->isNull("next_cursor"));

  Poco::JSON::Object::Ptr second =
      bodyOf(call("GET", "/api/users", "", userPrincipal(admin, "s"),
                  {{"limit", "2"}, {"cursor", first->getValue<std::string>("next_cursor")}}));
  EXPECT_EQ(second->getArray("items")->size(), 1u);
  EXPECT_TRUE(second->isNull("next_cursor"));
}

TEST_F(UsersModuleTest, AdminViewHasDisabledFlag) {
  UserView admin = module_->service().createUser("root@example.com", kPassword, "Admin", {"admin"});
  UserView user = module_->service().registerUser("cy@example.com", kPassword, "Cy");
  Poco::JSON::Object::Ptr body = bodyOf(
      call("PATCH", "/api/users/" + user.id, R"({"disabled":true})", userPrincipal(admin, "s")));
  EXPECT_TRUE(body->getValue<bool>("disabled"));
  EXPECT_TRUE(body->has("updated_at"));
}

TEST_F(UsersModuleTest, UnknownUserNotFound) {
  UserView admin = module_->service().createUser("root@example.com", kPassword, "Admin", {"admin"});
  EXPECT_EQ(problemOf("GET", "/api/users/nope", "", userPrincipal(admin, "s")).status(), 404);
}

TEST_F(UsersModuleTest, AuthenticateReturnsIdentity) {
  UserView user = module_->service().registerUser("dee@example.com", kPassword, "Dee");
  std::string body = R"({"email":"dee@example.com","password":")" + kPassword + R"("})";
  Poco::JSON::Object::Ptr identity = bodyOf(call("POST", "/internal/users/authenticate", body));
  EXPECT_EQ(identity->getValue<std::string>("id"), user.id);
}

TEST_F(UsersModuleTest, AuthenticateWrongPasswordUnauthorized) {
  module_->service().registerUser("dee@example.com", kPassword, "Dee");
  std::string body = R"({"email":"dee@example.com","password":"something-else-entirely"})";
  http::Problem problem = problemOf("POST", "/internal/users/authenticate", body);
  EXPECT_EQ(problem.status(), 401);
  EXPECT_EQ(problem.type(), "/problems/invalid-credentials");
}

TEST_F(UsersModuleTest, ApiFindsUserById) {
  UserView user = module_->service().registerUser("eve@example.com", kPassword, "Eve");
  auto identity = module_->api()->findUser(user.id);
  ASSERT_TRUE(identity);
  EXPECT_EQ(identity->email, "eve@example.com");
}

TEST_F(UsersModuleTest, ReadyWithDatabase) {
  EXPECT_EQ(module_->readinessProblem(), "");
}

TEST(UsersModuleConfig, DefaultsAreOwaspMinimum) {
  config::Config config;
  UsersModule::addDefaults(config);
  EXPECT_EQ(config.getInt("users.argon2.memory_kib", 0, 1 << 30), 19456);
  EXPECT_EQ(config.getInt("users.argon2.iterations", 0, 100), 2);
  EXPECT_EQ(config.getInt("users.argon2.parallelism", 0, 100), 1);
  // Half the cores, at least one.
  EXPECT_EQ(config.getInt("users.hashing_concurrency", 0, 1024),
            std::max(1, static_cast<int>(std::thread::hardware_concurrency() / 2)));
}

}  // namespace
}  // namespace agora::users
