// Tests how a route's Access turns bearer tokens into callers, 401s and 403s.
#include <gtest/gtest.h>

#include <map>

#include "platform/http/AccessCheck.h"
#include "platform/http/Problem.h"

namespace agora::http {
namespace {

/** Maps a fixed set of tokens to principals in place of JWT verification (tested elsewhere). */
class TokenTable : public Authenticator {
 public:
  TokenTable() {
    principals_["customer"] = Principal{"u1", "s1", {"customer"}, "j1", 0};
    principals_["admin"] = Principal{"u2", "s2", {"customer", "admin"}, "j2", 0};
    principals_["service"] = Principal{"orders", "", {"service"}, "j3", 0};
  }
  AuthenticationResult authenticate(const std::string& token) override {
    last_token = token;
    auto found = principals_.find(token);
    if (found == principals_.end()) return {std::nullopt, "unknown token"};
    return {found->second, ""};
  }
  std::string last_token;

 private:
  std::map<std::string, Principal> principals_;
};

int statusOf(Access access, std::optional<std::string> authorization) {
  TokenTable tokens;
  try {
    checkAccess(access, authorization, tokens);
    return 200;
  } catch (const Problem& problem) {
    return problem.status();
  }
}

TEST(AccessCheck, PublicNeedsNoToken) {
  TokenTable tokens;
  EXPECT_FALSE(checkAccess(Access::kPublic, std::nullopt, tokens).has_value());
}

TEST(AccessCheck, MissingTokenIs401) {
  EXPECT_EQ(statusOf(Access::kUser, std::nullopt), 401);
}

TEST(AccessCheck, UnknownTokenIs401) {
  EXPECT_EQ(statusOf(Access::kUser, std::string("Bearer forged")), 401);
}

TEST(AccessCheck, OtherSchemeIs401) {
  EXPECT_EQ(statusOf(Access::kUser, std::string("Basic customer")), 401);
}

TEST(AccessCheck, SchemeIsCaseInsensitive) {
  TokenTable tokens;
  auto principal = checkAccess(Access::kUser, std::string("bEaReR  customer "), tokens);
  ASSERT_TRUE(principal);
  EXPECT_EQ(principal->user_id, "u1");
  EXPECT_EQ(tokens.last_token, "customer");
}

TEST(AccessCheck, CustomerOnAdminRouteIs403) {
  EXPECT_EQ(statusOf(Access::kAdmin, std::string("Bearer customer")), 403);
}

TEST(AccessCheck, AdminOnAdminRoutePasses) {
  EXPECT_EQ(statusOf(Access::kAdmin, std::string("Bearer admin")), 200);
}

TEST(AccessCheck, ServiceOnUserRouteIs403) {
  EXPECT_EQ(statusOf(Access::kUser, std::string("Bearer service")), 403);
}

TEST(AccessCheck, UserOnServiceRouteIs401) {
  EXPECT_EQ(statusOf(Access::kService, std::string("Bearer admin")), 401);
}

TEST(AccessCheck, ServiceOnServiceRoutePasses) {
  EXPECT_EQ(statusOf(Access::kService, std::string("Bearer service")), 200);
}

}  // namespace
}  // namespace agora::http
