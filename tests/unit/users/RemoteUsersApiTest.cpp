// Tests the HTTP adapter of UsersApi against the real users routes on a loopback server.
#include <gtest/gtest.h>

#include "../client/ClientTestSupport.h"
#include "UsersTestSupport.h"
#include "modules/users/RemoteUsersApi.h"
#include "modules/users/UsersModule.h"

namespace agora::users {
namespace {

using client::testing::FakePeer;

const std::string kPassword = "tulip-ocean-granite";

class RemoteUsersApiTest : public ::testing::Test {
 protected:
  RemoteUsersApiTest() : database_(testing::migratedDatabase(folder_)) {
    UsersModule::addDefaults(config_);
    config_.set("users.argon2.memory_kib", "8");
    config_.set("users.argon2.iterations", "1");
    module_ = std::make_unique<UsersModule>(config_, database_, [] { return 1'800'000'000; });
    module_->setSessionRevoker(std::make_shared<testing::RecordingSessionRevoker>());
    module_->registerRoutes(router_);
    peer_ = std::make_unique<FakePeer>(router_);
    remote_ = std::make_unique<RemoteUsersApi>(std::make_shared<client::ServiceClient>(
        client::testing::settingsFor(peer_->port(), "users"),
        std::make_shared<client::testing::NumberedTokens>(),
        std::make_shared<metrics::Registry>()));
    ada_ = module_->service().createUser("ada@example.com", kPassword, "Ada", {"customer"}).id;
  }

  testing::TempFolder folder_;
  config::Config config_;
  std::shared_ptr<data::Database> database_;
  std::unique_ptr<UsersModule> module_;
  http::Router router_;
  std::unique_ptr<FakePeer> peer_;
  std::unique_ptr<RemoteUsersApi> remote_;
  std::string ada_;
};

// Test that valid credentials come back as the user's identity.
TEST_F(RemoteUsersApiTest, ValidCredentialsGiveIdentity) {
  AuthenticationOutcome outcome = remote_->authenticate("ada@example.com", kPassword);

  EXPECT_EQ(outcome.check, CredentialCheck::kValid);
  ASSERT_TRUE(outcome.user);
  EXPECT_EQ(outcome.user->id, ada_);
  EXPECT_EQ(outcome.user->display_name, "Ada");
  EXPECT_EQ(outcome.user->roles, std::vector<std::string>{"customer"});
}

// Test that a wrong password is reported as invalid, not as an error.
TEST_F(RemoteUsersApiTest, WrongPasswordIsInvalid) {
  AuthenticationOutcome outcome = remote_->authenticate("ada@example.com", "wrong password here");

  EXPECT_EQ(outcome.check, CredentialCheck::kInvalid);
  EXPECT_FALSE(outcome.user);
}

// Test that a disabled account cannot log in through the adapter.
TEST_F(RemoteUsersApiTest, DisabledAccountIsNotValid) {
  UserUpdate update;
  update.disabled = true;
  module_->service().updateUser("admin-id", ada_, update);

  EXPECT_NE(remote_->authenticate("ada@example.com", kPassword).check, CredentialCheck::kValid);
}

// Test that a user is found by id with the disabled flag.
TEST_F(RemoteUsersApiTest, FindsUserWithDisabledFlag) {
  UserUpdate update;
  update.disabled = true;
  module_->service().updateUser("admin-id", ada_, update);

  std::optional<UserIdentity> user = remote_->findUser(ada_);

  ASSERT_TRUE(user);
  EXPECT_EQ(user->email, "ada@example.com");
  EXPECT_TRUE(user->disabled);
}

// Test that an unknown id is no user rather than an error.
TEST_F(RemoteUsersApiTest, UnknownUserIsNullopt) {
  EXPECT_FALSE(remote_->findUser("no-such-user"));
  EXPECT_FALSE(remote_->findUser("odd/../id"));
}

// Test that an unreachable users role is a 503 problem.
TEST_F(RemoteUsersApiTest, UnreachableUsersIsUnavailable) {
  peer_->stop();
  try {
    remote_->findUser(ada_);
    ADD_FAILURE() << "a stopped users role responded";
  } catch (const http::Problem& problem) {
    EXPECT_EQ(problem.status(), 503);
  }
}

}  // namespace
}  // namespace agora::users
