// Refresh rotation, reuse detection and revocation, against the real binary.
#include "AgoraProcess.h"

#include <gtest/gtest.h>

#include <Poco/JSON/Array.h>

#include <chrono>
#include <future>
#include <set>
#include <thread>
#include <vector>

namespace agora::testing {
namespace {

class SessionsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // A short grace window keeps the reuse test fast; the default is 10 seconds.
    agora_ = new AgoraProcess({"--set", "auth.refresh_grace_seconds=2"});
  }
  static void TearDownTestSuite() {
    delete agora_;
    agora_ = nullptr;
  }

  static HttpResult refresh(const std::string& refresh_token) {
    return agora_->post("/api/auth/refresh", R"({"refresh_token":")" + refresh_token + R"("})");
  }

  // Registers a user and returns the login body.
  static Poco::JSON::Object::Ptr newSession(const std::string& name) {
    auto [email, token] = registerAndLogin(*agora_, name);
    return login(*agora_, email, "a long enough passphrase for " + name);
  }

  static AgoraProcess* agora_;
};

AgoraProcess* SessionsTest::agora_ = nullptr;

TEST_F(SessionsTest, RefreshRotatesBothTokens) {
  auto session = newSession("rotate");
  std::string refresh_token = session->getValue<std::string>("refresh_token");

  HttpResult rotated = refresh(refresh_token);
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  auto pair = rotated.json();
  EXPECT_NE(pair->getValue<std::string>("refresh_token"), refresh_token);
  EXPECT_NE(pair->getValue<std::string>("access_token"), session->getValue<std::string>("access_token"));
  EXPECT_EQ(agora_->get("/api/users/me", pair->getValue<std::string>("access_token")).status, 200);

  bool cookie_set = false;
  for (const auto& cookie : rotated.set_cookies) {
    if (cookie.rfind("agora_refresh=", 0) == 0 && cookie.find("HttpOnly") != std::string::npos &&
        cookie.find("Secure") != std::string::npos &&
        cookie.find("SameSite=Strict") != std::string::npos &&
        cookie.find("Path=/api/auth") != std::string::npos) {
      cookie_set = true;
    }
  }
  EXPECT_TRUE(cookie_set);
}

TEST_F(SessionsTest, RefreshByCookie) {
  auto session = newSession("cookie");
  HttpCall call;
  call.method = "POST";
  call.path = "/api/auth/refresh";
  call.content_type.clear();
  call.headers["Cookie"] = "agora_refresh=" + session->getValue<std::string>("refresh_token");
  HttpResult rotated = agora_->call(call);
  EXPECT_EQ(rotated.status, 200) << rotated.body;
}

TEST_F(SessionsTest, ConcurrentRefreshesGetOnePair) {
  auto session = newSession("concurrent");
  std::string refresh_token = session->getValue<std::string>("refresh_token");

  std::vector<std::future<HttpResult>> calls;
  for (int i = 0; i < 8; ++i) {
    calls.push_back(std::async(std::launch::async, [&] { return refresh(refresh_token); }));
  }
  std::set<std::string> pairs;
  for (auto& call : calls) {
    HttpResult result = call.get();
    ASSERT_EQ(result.status, 200) << result.body;
    pairs.insert(result.json()->getValue<std::string>("refresh_token") + " " +
                 result.json()->getValue<std::string>("access_token"));
  }
  EXPECT_EQ(pairs.size(), 1u);
}

TEST_F(SessionsTest, ReuseAfterGraceWindowRevokesSession) {
  auto session = newSession("reuse");
  std::string first = session->getValue<std::string>("refresh_token");
  HttpResult rotated = refresh(first);
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  std::string successor = rotated.json()->getValue<std::string>("refresh_token");
  std::string access = rotated.json()->getValue<std::string>("access_token");

  // Within the grace window the old token gets the same successor.
  HttpResult retried = refresh(first);
  ASSERT_EQ(retried.status, 200) << retried.body;
  EXPECT_EQ(retried.json()->getValue<std::string>("refresh_token"), successor);

  std::this_thread::sleep_for(std::chrono::milliseconds(3200));
  EXPECT_EQ(refresh(first).status, 401);
  // The whole session is gone: its successor and its access token no longer work.
  EXPECT_EQ(refresh(successor).status, 401);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_EQ(agora_->get("/api/users/me", access).status, 401);
}

TEST_F(SessionsTest, LogoutRevokesWithinOneSecond) {
  auto session = newSession("logout");
  std::string access = session->getValue<std::string>("access_token");
  ASSERT_EQ(agora_->get("/api/orders", access).status, 200);

  HttpResult out = agora_->post("/api/auth/logout", "", access);
  EXPECT_EQ(out.status, 204);
  EXPECT_EQ(out.reason, "No Content");
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  EXPECT_EQ(agora_->get("/api/orders", access).status, 401);
  EXPECT_EQ(agora_->get("/api/catalog/products/none", access).status, 404);  // public route
  EXPECT_EQ(refresh(session->getValue<std::string>("refresh_token")).status, 401);
}

TEST_F(SessionsTest, LogoutAllEndsEverySession) {
  auto [email, first_access] = registerAndLogin(*agora_, "everywhere");
  auto second = login(*agora_, email, "a long enough passphrase for everywhere");
  std::string second_access = second->getValue<std::string>("access_token");

  EXPECT_EQ(agora_->post("/api/auth/logout-all", "", first_access).status, 204);
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  EXPECT_EQ(agora_->get("/api/users/me", first_access).status, 401);
  EXPECT_EQ(agora_->get("/api/users/me", second_access).status, 401);
}

TEST_F(SessionsTest, SessionListAndRevokeOne) {
  auto [email, first_access] = registerAndLogin(*agora_, "devices");
  auto second = login(*agora_, email, "a long enough passphrase for devices");
  std::string second_id = second->getValue<std::string>("session_id");

  HttpResult list = agora_->get("/api/auth/sessions", first_access);
  ASSERT_EQ(list.status, 200) << list.body;
  auto items = list.json()->getArray("items");
  ASSERT_EQ(items->size(), 2u);
  int current = 0;
  for (std::size_t i = 0; i < items->size(); ++i) {
    if (items->getObject(static_cast<unsigned>(i))->getValue<bool>("current")) ++current;
  }
  EXPECT_EQ(current, 1);

  auto [other_email, other_access] = registerAndLogin(*agora_, "intruder");
  HttpCall steal;
  steal.method = "DELETE";
  steal.path = "/api/auth/sessions/" + second_id;
  steal.bearer = other_access;
  EXPECT_EQ(agora_->call(steal).status, 404);

  HttpCall revoke = steal;
  revoke.bearer = first_access;
  EXPECT_EQ(agora_->call(revoke).status, 204);
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  EXPECT_EQ(agora_->get("/api/users/me", second->getValue<std::string>("access_token")).status,
            401);
  EXPECT_EQ(agora_->get("/api/users/me", first_access).status, 200);
}

TEST_F(SessionsTest, PasswordChangeEndsOtherSessions) {
  auto [email, first_access] = registerAndLogin(*agora_, "changer");
  auto second = login(*agora_, email, "a long enough passphrase for changer");

  HttpResult changed = agora_->post(
      "/api/users/me/password",
      R"({"current_password":"a long enough passphrase for changer","new_password":"a brand new passphrase 2026"})",
      first_access);
  EXPECT_EQ(changed.status, 204) << changed.body;
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  EXPECT_EQ(agora_->get("/api/users/me", first_access).status, 200);
  EXPECT_EQ(agora_->get("/api/users/me", second->getValue<std::string>("access_token")).status,
            401);
  login(*agora_, email, "a brand new passphrase 2026");
}

TEST_F(SessionsTest, JwksPublishesSigningKey) {
  HttpResult jwks = agora_->get("/api/auth/jwks.json");
  ASSERT_EQ(jwks.status, 200) << jwks.body;
  auto keys = jwks.json()->getArray("keys");
  ASSERT_GE(keys->size(), 1u);
  EXPECT_EQ(keys->getObject(0)->getValue<std::string>("alg"), "RS256");
  EXPECT_FALSE(keys->getObject(0)->getValue<std::string>("kid").empty());
}

}  // namespace
}  // namespace agora::testing
