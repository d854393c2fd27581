// Tests of POST /api/auth/login: the grant, the access token, credential errors and throttling.
#include <Poco/JSON/Array.h>

#include "AuthTestSupport.h"
#include "modules/auth/AuthService.h"
#include "platform/security/Digest.h"

namespace agora::auth::testing {
namespace {

using AuthLogin = AuthFixture;

Poco::JSON::Object::Ptr decodeJwtPart(const std::string& token, int part) {
  std::size_t start = 0;
  for (int i = 0; i < part; ++i) start = token.find('.', start) + 1;
  const std::size_t end = token.find('.', start);
  const auto json = security::base64UrlDecode(token.substr(start, end - start));
  return Poco::JSON::Parser().parse(json.value()).extract<Poco::JSON::Object::Ptr>();
}

TEST_F(AuthLogin, SuccessReturnsEveryField) {
  const Reply reply = loginAda();
  ASSERT_EQ(reply.status, 200) << reply.bodyText();
  EXPECT_FALSE(reply.text("access_token").empty());
  EXPECT_EQ(reply.text("token_type"), "Bearer");
  EXPECT_EQ(reply.body->getValue<int64_t>("expires_in"), 600);
  EXPECT_EQ(reply.text("refresh_token").rfind(reply.text("session_id") + ".", 0), 0u);
  const auto user = reply.body->getObject("user");
  ASSERT_TRUE(user);
  EXPECT_EQ(user->getValue<std::string>("id"), "user-1");
  EXPECT_EQ(user->getValue<std::string>("email"), "Ada@Example.com");
  EXPECT_EQ(user->getValue<std::string>("display_name"), "Ada");
  EXPECT_EQ(user->getArray("roles")->getElement<std::string>(0), "customer");
}

TEST_F(AuthLogin, SetsRefreshCookie) {
  const Reply reply = loginAda();
  EXPECT_EQ(reply.header("Set-Cookie"),
            "agora_refresh=" + reply.text("refresh_token") +
                "; HttpOnly; Secure; SameSite=Strict; Path=/api/auth; Max-Age=604800");
}

TEST_F(AuthLogin, AccessTokenIsRs256WithKid) {
  const std::string token = loginAda().text("access_token");
  const auto header = decodeJwtPart(token, 0);
  EXPECT_EQ(header->getValue<std::string>("alg"), "RS256");
  EXPECT_EQ(header->getValue<std::string>("kid"), key->keyId());
}

TEST_F(AuthLogin, AccessTokenCarriesClaims) {
  const Reply reply = loginAda();
  const security::VerifyResult result = verifier->verify(reply.text("access_token"), now);
  ASSERT_TRUE(result.ok) << result.error;
  EXPECT_EQ(result.claims.subject, "user-1");
  EXPECT_EQ(result.claims.session_id, reply.text("session_id"));
  EXPECT_EQ(result.claims.roles, std::vector<std::string>{"customer"});
  EXPECT_EQ(result.claims.issuer, "agora");
  EXPECT_EQ(result.claims.audience, "agora-api");
  EXPECT_EQ(result.claims.expires_at - result.claims.issued_at, 600);
  EXPECT_FALSE(result.claims.token_id.empty());
}

TEST_F(AuthLogin, StoresSessionWithOnlyTokenDigest) {
  const Reply reply = loginAda();
  const auto session = store->find(reply.text("session_id"));
  ASSERT_TRUE(session);
  EXPECT_EQ(session->user_id, "user-1");
  EXPECT_EQ(session->ip, "192.0.2.10");
  EXPECT_EQ(session->user_agent, "agora-tests/1.0");
  EXPECT_EQ(session->absolute_expires_at, kStart + 604800);
  EXPECT_EQ(session->refresh_hash, security::sha256Hex(reply.text("refresh_token")));
}

TEST_F(AuthLogin, WrongPasswordMatchesUnknownEmail) {
  const Reply wrong_password = login("ada@example.com", "not the password");
  const Reply unknown_email = login("nobody@example.com", "correct horse battery");
  EXPECT_EQ(wrong_password.status, 401);
  EXPECT_EQ(wrong_password.text("type"), "/problems/invalid-credentials");
  EXPECT_EQ(wrong_password.bodyText(), unknown_email.bodyText());
  EXPECT_EQ(unknown_email.status, 401);
}

TEST_F(AuthLogin, DisabledAccountMatchesWrongPassword) {
  users->setDisabled("ada@example.com", true);
  const Reply disabled = loginAda();
  const Reply wrong_password = login("bob@example.com", "not the password");
  EXPECT_EQ(disabled.status, 401);
  EXPECT_EQ(disabled.bodyText(), wrong_password.bodyText());
}

TEST_F(AuthLogin, UnknownFieldIs400) {
  Call call;
  call.method = "POST";
  call.path = "/api/auth/login";
  call.body = R"({"email":"ada@example.com","password":"correct horse battery","admin":true})";
  EXPECT_EQ(send(call).status, 400);
}

TEST_F(AuthLogin, LocksAccountAfterFiveFailures) {
  for (int i = 0; i < 5; ++i) EXPECT_EQ(login("ada@example.com", "wrong").status, 401);
  const Reply locked = loginAda();
  EXPECT_EQ(locked.status, 429);
  EXPECT_EQ(locked.header("Retry-After"), "300");
}

TEST_F(AuthLogin, LockoutIsBounded) {
  for (int i = 0; i < 5; ++i) login("ada@example.com", "wrong");
  now += 300;
  EXPECT_EQ(loginAda().status, 200);
}

TEST_F(AuthLogin, LockoutMatchesEmailCaseAndSpaces) {
  for (int i = 0; i < 5; ++i) login(" ADA@example.COM ", "wrong");
  EXPECT_EQ(loginAda().status, 429);
}

TEST_F(AuthLogin, SuccessResetsAccountCount) {
  for (int i = 0; i < 4; ++i) login("ada@example.com", "wrong");
  ASSERT_EQ(loginAda().status, 200);
  for (int i = 0; i < 4; ++i) login("ada@example.com", "wrong");
  EXPECT_EQ(loginAda().status, 200);
}

TEST_F(AuthLogin, LimitsFailuresPerAddress) {
  for (int i = 0; i < 50; ++i) {
    login("stranger" + std::to_string(i) + "@example.com", "wrong", "198.51.100.7");
  }
  EXPECT_EQ(login("ada@example.com", "correct horse battery", "198.51.100.7").status, 429);
  EXPECT_EQ(login("ada@example.com", "correct horse battery", "198.51.100.8").status, 200);
}

TEST_F(AuthLogin, AccountKeyHidesEmail) {
  const std::string key = AuthService::accountKey("Ada@Example.com");
  EXPECT_EQ(key, "account:" + security::sha256Hex("ada@example.com"));
}

}  // namespace
}  // namespace agora::auth::testing
