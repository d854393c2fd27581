// Tests of logout, logout-all, the session list, deleting a session and the SessionRevoker.
#include <Poco/JSON/Array.h>

#include "AuthTestSupport.h"

namespace agora::auth::testing {
namespace {

using AuthSessions = AuthFixture;

TEST_F(AuthSessions, LogoutAnswers204) {
  const Reply session = loginAda();
  EXPECT_EQ(withBearer("POST", "/api/auth/logout", session.text("access_token")).status, 204);
}

TEST_F(AuthSessions, LogoutRejectsTokenAtOnce) {
  const Reply session = loginAda();
  const std::string token = session.text("access_token");
  // A first check fills the authenticator's short cache, which logout must clear.
  ASSERT_EQ(withBearer("GET", "/internal/auth/verify", token).status, 204);
  withBearer("POST", "/api/auth/logout", token);
  EXPECT_EQ(withBearer("GET", "/internal/auth/verify", token).status, 401);
}

TEST_F(AuthSessions, LogoutEndsRefreshToken) {
  const Reply session = loginAda();
  withBearer("POST", "/api/auth/logout", session.text("access_token"));
  EXPECT_EQ(refresh(session.text("refresh_token")).status, 401);
}

TEST_F(AuthSessions, LogoutClearsCookie) {
  const Reply reply = withBearer("POST", "/api/auth/logout", loginAda().text("access_token"));
  EXPECT_NE(reply.header("Set-Cookie").find("agora_refresh=;"), std::string::npos);
  EXPECT_NE(reply.header("Set-Cookie").find("Max-Age=0"), std::string::npos);
}

TEST_F(AuthSessions, LogoutAllEndsEverySession) {
  const Reply first = loginAda();
  const Reply second = loginAda();
  ASSERT_EQ(withBearer("GET", "/internal/auth/verify", first.text("access_token")).status, 204);
  EXPECT_EQ(withBearer("POST", "/api/auth/logout-all", second.text("access_token")).status, 204);
  EXPECT_EQ(withBearer("GET", "/internal/auth/verify", first.text("access_token")).status, 401);
  EXPECT_TRUE(store->listForUser("user-1").empty());
}

TEST_F(AuthSessions, LogoutAllSparesOtherUsers) {
  const Reply ada = loginAda();
  const Reply bob = login("bob@example.com", "another long password");
  withBearer("POST", "/api/auth/logout-all", ada.text("access_token"));
  EXPECT_EQ(withBearer("GET", "/internal/auth/verify", bob.text("access_token")).status, 204);
}

TEST_F(AuthSessions, ListIsNewestFirstAndMarksCurrent) {
  const Reply older = loginAda();
  now += 100;
  const Reply newer = loginAda();
  const Reply list = withBearer("GET", "/api/auth/sessions", older.text("access_token"));
  ASSERT_EQ(list.status, 200) << list.bodyText();
  const auto items = list.body->getArray("items");
  ASSERT_EQ(items->size(), 2u);
  EXPECT_EQ(items->getObject(0)->getValue<std::string>("id"), newer.text("session_id"));
  EXPECT_FALSE(items->getObject(0)->getValue<bool>("current"));
  EXPECT_EQ(items->getObject(1)->getValue<std::string>("id"), older.text("session_id"));
  EXPECT_TRUE(items->getObject(1)->getValue<bool>("current"));
}

TEST_F(AuthSessions, ListShowsSessionDetails) {
  const Reply session = loginAda();
  const Reply list = withBearer("GET", "/api/auth/sessions", session.text("access_token"));
  const auto item = list.body->getArray("items")->getObject(0);
  EXPECT_EQ(item->getValue<std::string>("created_at"), formatRfc3339(kStart));
  EXPECT_EQ(item->getValue<std::string>("last_seen_at"), formatRfc3339(kStart));
  EXPECT_EQ(item->getValue<std::string>("ip"), "192.0.2.10");
  EXPECT_EQ(item->getValue<std::string>("user_agent"), "agora-tests/1.0");
}

TEST_F(AuthSessions, DeleteOwnSessionAnswers204) {
  const Reply current = loginAda();
  const Reply other = loginAda();
  const Reply reply = withBearer("DELETE", "/api/auth/sessions/" + other.text("session_id"),
                                 current.text("access_token"));
  EXPECT_EQ(reply.status, 204);
  EXPECT_FALSE(store->find(other.text("session_id")).has_value());
}

TEST_F(AuthSessions, DeleteOthersSessionIs404) {
  const Reply ada = loginAda();
  const Reply bob = login("bob@example.com", "another long password");
  const Reply reply = withBearer("DELETE", "/api/auth/sessions/" + bob.text("session_id"),
                                 ada.text("access_token"));
  EXPECT_EQ(reply.status, 404);
  EXPECT_TRUE(store->find(bob.text("session_id")).has_value());
}

TEST_F(AuthSessions, DeleteUnknownSessionIs404) {
  const Reply reply =
      withBearer("DELETE", "/api/auth/sessions/no-such-session", loginAda().text("access_token"));
  EXPECT_EQ(reply.status, 404);
}

TEST_F(AuthSessions, RevokerKeepsNamedSession) {
  const Reply keep = loginAda();
  const Reply drop = loginAda();
  ASSERT_EQ(withBearer("GET", "/internal/auth/verify", drop.text("access_token")).status, 204);
  EXPECT_EQ(module->sessionRevoker()->revokeAllSessions("user-1", keep.text("session_id")), 1);
  EXPECT_EQ(withBearer("GET", "/internal/auth/verify", keep.text("access_token")).status, 204);
  EXPECT_EQ(withBearer("GET", "/internal/auth/verify", drop.text("access_token")).status, 401);
}

TEST_F(AuthSessions, ReadyWithMemoryStore) {
  EXPECT_EQ(module->readinessProblem(), "");
}

}  // namespace
}  // namespace agora::auth::testing
