// Tests ending a user's sessions over HTTP through the auth module's internal route.
#include "../client/ClientTestSupport.h"
#include "AuthTestSupport.h"
#include "modules/auth/RemoteSessionRevoker.h"

namespace agora::auth::testing {
namespace {

class RemoteSessionRevokerTest : public AuthFixture {
 protected:
  void SetUp() override {
    AuthFixture::SetUp();
    peer = std::make_unique<client::testing::FakePeer>(router);
    revoker = std::make_unique<RemoteSessionRevoker>(
        std::make_shared<client::ServiceClient>(client::testing::settingsFor(peer->port(), "auth"),
                                                std::make_shared<client::testing::NumberedTokens>(),
                                                std::make_shared<metrics::Registry>()));
  }
  void TearDown() override { peer.reset(); }

  std::unique_ptr<client::testing::FakePeer> peer;
  std::unique_ptr<RemoteSessionRevoker> revoker;
};

// Test that every session but the kept one ends and the count comes back.
TEST_F(RemoteSessionRevokerTest, RevokesAllButKept) {
  std::string kept_session = loginAda().body->getValue<std::string>("session_id");
  loginAda();
  loginAda();

  EXPECT_EQ(revoker->revokeAllSessions("user-1", kept_session), 2);
  auto left = store->listForUser("user-1");
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].id, kept_session);
}

// Test that an empty keep id ends every session.
TEST_F(RemoteSessionRevokerTest, EmptyKeepRevokesAll) {
  loginAda();
  loginAda();

  EXPECT_EQ(revoker->revokeAllSessions("user-1", ""), 2);
  EXPECT_TRUE(store->listForUser("user-1").empty());
}

// Test that the internal route admits only service tokens.
TEST_F(RemoteSessionRevokerTest, RouteNeedsServiceAccess) {
  http::RouteMatch match = router.match("POST", "/internal/auth/users/user-1/sessions/revoke");

  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(match.route->access, http::Access::kService);
}

// Test that an unreachable auth role is a 503 problem.
TEST_F(RemoteSessionRevokerTest, UnreachableAuthIsUnavailable) {
  peer.reset();
  try {
    revoker->revokeAllSessions("user-1", "");
    ADD_FAILURE() << "a stopped auth role responded";
  } catch (const http::Problem& problem) {
    EXPECT_EQ(problem.status(), 503);
  }
}

}  // namespace
}  // namespace agora::auth::testing
