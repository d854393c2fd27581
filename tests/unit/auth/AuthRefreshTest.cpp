// Tests of POST /api/auth/refresh: rotation, the grace window, reuse detection and the cookie.
#include <thread>

#include "AuthTestSupport.h"
#include "platform/security/Digest.h"

namespace agora::auth::testing {
namespace {

using AuthRefresh = AuthFixture;

TEST_F(AuthRefresh, RotationGivesNewPair) {
  const Reply first = loginAda();
  const Reply second = refresh(first.text("refresh_token"));
  ASSERT_EQ(second.status, 200) << second.bodyText();
  EXPECT_NE(second.text("refresh_token"), first.text("refresh_token"));
  EXPECT_NE(second.text("access_token"), first.text("access_token"));
  EXPECT_EQ(second.text("session_id"), first.text("session_id"));
}

TEST_F(AuthRefresh, RotatedPairIsUsable) {
  const Reply second = refresh(loginAda().text("refresh_token"));
  now += 30;
  EXPECT_EQ(refresh(second.text("refresh_token")).status, 200);
  EXPECT_EQ(withBearer("GET", "/internal/auth/verify", second.text("access_token")).status, 204);
}

TEST_F(AuthRefresh, ReplyHasUserAndCookie) {
  const Reply reply = refresh(loginAda().text("refresh_token"));
  EXPECT_EQ(reply.body->getObject("user")->getValue<std::string>("id"), "user-1");
  EXPECT_EQ(reply.header("Set-Cookie").rfind("agora_refresh=" + reply.text("refresh_token"), 0),
            0u);
}

TEST_F(AuthRefresh, OldTokenInGraceGetsSamePair) {
  const std::string original = loginAda().text("refresh_token");
  const Reply rotated = refresh(original);
  now += 10;
  const Reply retried = refresh(original);
  ASSERT_EQ(retried.status, 200);
  EXPECT_EQ(retried.text("refresh_token"), rotated.text("refresh_token"));
  EXPECT_EQ(retried.text("access_token"), rotated.text("access_token"));
}

TEST_F(AuthRefresh, ReuseAfterGraceEndsSession) {
  const Reply login_reply = loginAda();
  const std::string original = login_reply.text("refresh_token");
  const Reply rotated = refresh(original);
  now += 11;
  EXPECT_EQ(refresh(original).status, 401);
  EXPECT_FALSE(store->find(login_reply.text("session_id")).has_value());
  EXPECT_EQ(refresh(rotated.text("refresh_token")).status, 401);
  EXPECT_EQ(withBearer("GET", "/internal/auth/verify", rotated.text("access_token")).status, 401);
}

TEST_F(AuthRefresh, UnknownSecretEndsSession) {
  const Reply login_reply = loginAda();
  EXPECT_EQ(refresh(login_reply.text("session_id") + ".forged").status, 401);
  EXPECT_FALSE(store->find(login_reply.text("session_id")).has_value());
}

TEST_F(AuthRefresh, MissingSessionIs401) {
  EXPECT_EQ(refresh("00000000-0000-4000-8000-000000000000.secret").status, 401);
}

TEST_F(AuthRefresh, TokenWithoutSessionPartIs401) {
  EXPECT_EQ(refresh("no-separator-here").status, 401);
}

TEST_F(AuthRefresh, ConcurrentRefreshesShareOnePair) {
  const Reply login_reply = loginAda();
  const std::string original = login_reply.text("refresh_token");
  std::vector<Reply> replies(16);
  std::vector<std::thread> threads;
  for (auto& reply : replies) {
    threads.emplace_back([&, target = &reply] { *target = refresh(original); });
  }
  for (auto& thread : threads) thread.join();

  for (const auto& reply : replies) {
    ASSERT_EQ(reply.status, 200);
    EXPECT_EQ(reply.text("refresh_token"), replies[0].text("refresh_token"));
    EXPECT_EQ(reply.text("access_token"), replies[0].text("access_token"));
  }
  const auto session = store->find(login_reply.text("session_id"));
  ASSERT_TRUE(session);
  EXPECT_EQ(session->previous_refresh_hash, security::sha256Hex(original));
  EXPECT_EQ(session->refresh_hash, security::sha256Hex(replies[0].text("refresh_token")));
}

TEST_F(AuthRefresh, CookieWorksWithoutBody) {
  const std::string original = loginAda().text("refresh_token");
  Call call;
  call.method = "POST";
  call.path = "/api/auth/refresh";
  call.headers["cookie"] = "theme=dark; agora_refresh=" + original;
  const Reply reply = send(call);
  ASSERT_EQ(reply.status, 200) << reply.bodyText();
  EXPECT_NE(reply.text("refresh_token"), original);
}

TEST_F(AuthRefresh, NoTokenAtAllIs401) {
  Call call;
  call.method = "POST";
  call.path = "/api/auth/refresh";
  EXPECT_EQ(send(call).status, 401);
}

TEST_F(AuthRefresh, BodyWithUnknownFieldIs400) {
  Call call;
  call.method = "POST";
  call.path = "/api/auth/refresh";
  call.body = R"({"refresh_token":"a.b","extra":1})";
  call.headers["content-type"] = "application/json";
  EXPECT_EQ(send(call).status, 400);
}

TEST_F(AuthRefresh, BodyNeedsJsonMediaType) {
  Call call;
  call.method = "POST";
  call.path = "/api/auth/refresh";
  call.body = R"({"refresh_token":")" + loginAda().text("refresh_token") + R"("})";
  call.headers["content-type"] = "text/plain";
  EXPECT_EQ(send(call).status, 415);
}

TEST_F(AuthRefresh, DisabledUserEndsSession) {
  const Reply login_reply = loginAda();
  users->setDisabled("ada@example.com", true);
  EXPECT_EQ(refresh(login_reply.text("refresh_token")).status, 401);
  EXPECT_FALSE(store->find(login_reply.text("session_id")).has_value());
}

TEST_F(AuthRefresh, RolesFollowTheUser) {
  const Reply login_reply = loginAda();
  users->add({"user-1", "Ada@Example.com", "Ada", {"customer", "admin"}, false},
             "correct horse battery");
  const Reply reply = refresh(login_reply.text("refresh_token"));
  const auto result = verifier->verify(reply.text("access_token"), now);
  ASSERT_TRUE(result.ok) << result.error;
  EXPECT_EQ(result.claims.roles, (std::vector<std::string>{"customer", "admin"}));
}

}  // namespace
}  // namespace agora::auth::testing
