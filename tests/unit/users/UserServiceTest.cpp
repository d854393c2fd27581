// Tests of the user service: registration, credential checks, password changes and roles.
#include <gtest/gtest.h>

#include "UsersTestSupport.h"
#include "modules/users/UserService.h"

namespace agora::users {
namespace {

using testing::UserServiceTest;

const std::string kPassword = "tulip-ocean-granite";
// "Crème brûlée rêve" composed (U+00E8, U+00FB, U+00E9, U+00EA) and decomposed.
const std::string kComposedPassword = "Cr\xC3\xA8me br\xC3\xBBl\xC3\xA9\x65 r\xC3\xAAve";
const std::string kDecomposedPassword = "Cre\xCC\x80me bru\xCC\x82le\xCC\x81\x65 re\xCC\x82ve";

using RegistrationTest = UserServiceTest;

TEST_F(RegistrationTest, NewUserIsCustomer) {
  UserView user = registerCustomer("carol@example.com");
  EXPECT_EQ(user.roles, std::vector<std::string>{"customer"});
}

TEST_F(RegistrationTest, StampsCreationTime) {
  UserView user = registerCustomer("carol@example.com");
  EXPECT_EQ(user.created_at, now_);
}

TEST_F(RegistrationTest, StoresEmailAsEntered) {
  registerCustomer("  Carol.Smith@Example.com ");
  auto stored = repository_->findByEmailKey("carol.smith@example.com");
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->view.email, "Carol.Smith@Example.com");
}

TEST_F(RegistrationTest, StoresArgon2idHash) {
  UserView user = registerCustomer("carol@example.com");
  auto stored = repository_->findById(user.id);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->password_hash.rfind("$argon2id$", 0), 0u);
}

TEST_F(RegistrationTest, EmailInOtherCaseConflicts) {
  registerCustomer("Bob@Example.com");
  http::Problem problem = problemOf([&] { registerCustomer(" bob@EXAMPLE.com"); });
  EXPECT_EQ(problem.status(), 409);
  EXPECT_EQ(problem.type(), "/problems/email-taken");
}

TEST_F(RegistrationTest, DecomposedEmailConflicts) {
  registerCustomer("jos\xC3\xA9@example.org");
  http::Problem problem = problemOf([&] { registerCustomer("jose\xCC\x81@example.org"); });
  EXPECT_EQ(problem.status(), 409);
}

TEST_F(RegistrationTest, TakenEmailCostsOneHash) {
  registerCustomer("dave@example.com");
  uint64_t before = hasher_->computations();
  problemOf([&] { registerCustomer("DAVE@example.com"); });
  EXPECT_EQ(hasher_->computations() - before, 1u);
}

TEST_F(RegistrationTest, FreshEmailCostsOneHash) {
  uint64_t before = hasher_->computations();
  registerCustomer("erin@example.com");
  EXPECT_EQ(hasher_->computations() - before, 1u);
}

TEST_F(RegistrationTest, ListsEveryInvalidField) {
  http::Problem problem = problemOf([&] { service_.registerUser("not-an-email", "short", "  "); });
  EXPECT_EQ(problem.status(), 400);
  EXPECT_EQ(problem.errors().size(), 3u);
}

TEST_F(RegistrationTest, OverlongPasswordNotHashed) {
  uint64_t before = hasher_->computations();
  http::Problem problem = problemOf(
      [&] { service_.registerUser("frank@example.com", std::string(129, 'x'), "Frank"); });
  EXPECT_EQ(problem.status(), 400);
  EXPECT_EQ(hasher_->computations(), before);
}

TEST_F(RegistrationTest, PasswordEqualToEmailRejected) {
  http::Problem problem = problemOf(
      [&] { service_.registerUser("grace.hopper@example.com", "Grace.Hopper@example.com", "G"); });
  EXPECT_EQ(problem.status(), 400);
}

TEST_F(RegistrationTest, UnknownRoleRejected) {
  http::Problem problem =
      problemOf([&] { service_.createUser("heidi@example.com", kPassword, "Heidi", {"root"}); });
  EXPECT_EQ(problem.status(), 400);
}

TEST_F(RegistrationTest, AdminAlsoGetsCustomer) {
  UserView admin = service_.createUser("ivan@example.com", kPassword, "Ivan", {"admin"});
  EXPECT_EQ(admin.roles, (std::vector<std::string>{"customer", "admin"}));
}

TEST_F(RegistrationTest, HasAnyAdminAfterCreatingOne) {
  registerCustomer("judy@example.com");
  EXPECT_FALSE(service_.hasAnyAdmin());
  service_.createUser("ivan@example.com", kPassword, "Ivan", {"customer", "admin"});
  EXPECT_TRUE(service_.hasAnyAdmin());
}

using AuthenticateTest = UserServiceTest;

TEST_F(AuthenticateTest, RightPasswordIsValid) {
  UserView user = registerCustomer("kim@example.com");
  AuthenticationOutcome outcome = service_.authenticate("kim@example.com", kPassword);
  EXPECT_EQ(outcome.check, CredentialCheck::kValid);
  ASSERT_TRUE(outcome.user);
  EXPECT_EQ(outcome.user->id, user.id);
}

TEST_F(AuthenticateTest, EmailMatchesIgnoringCase) {
  registerCustomer("kim@example.com");
  EXPECT_EQ(service_.authenticate(" KIM@Example.com ", kPassword).check, CredentialCheck::kValid);
}

TEST_F(AuthenticateTest, WrongPasswordIsInvalid) {
  registerCustomer("kim@example.com");
  AuthenticationOutcome outcome = service_.authenticate("kim@example.com", kPassword + "x");
  EXPECT_EQ(outcome.check, CredentialCheck::kInvalid);
  EXPECT_FALSE(outcome.user);
}

TEST_F(AuthenticateTest, UnknownEmailIsInvalid) {
  EXPECT_EQ(service_.authenticate("nobody@example.com", kPassword).check,
            CredentialCheck::kInvalid);
}

TEST_F(AuthenticateTest, UnknownEmailBurnsOneHash) {
  uint64_t before = hasher_->computations();
  service_.authenticate("nobody@example.com", kPassword);
  EXPECT_EQ(hasher_->computations() - before, 1u);
}

TEST_F(AuthenticateTest, DisabledWithRightPassword) {
  UserView admin = service_.createUser("root@example.com", kPassword, "Admin", {"admin"});
  UserView user = registerCustomer("mallory@example.com");
  service_.updateUser(admin.id, user.id, {std::nullopt, true});
  EXPECT_EQ(service_.authenticate("mallory@example.com", kPassword).check,
            CredentialCheck::kDisabled);
}

TEST_F(AuthenticateTest, DisabledWithWrongPasswordIsInvalid) {
  UserView admin = service_.createUser("root@example.com", kPassword, "Admin", {"admin"});
  UserView user = registerCustomer("mallory@example.com");
  service_.updateUser(admin.id, user.id, {std::nullopt, true});
  EXPECT_EQ(service_.authenticate("mallory@example.com", "wrong-password-here").check,
            CredentialCheck::kInvalid);
}

TEST_F(AuthenticateTest, DecomposedLoginMatchesComposedPassword) {
  service_.registerUser("nina@example.com", kComposedPassword, "Nina");
  EXPECT_EQ(service_.authenticate("nina@example.com", kDecomposedPassword).check,
            CredentialCheck::kValid);
}

TEST_F(AuthenticateTest, ComposedLoginMatchesDecomposedPassword) {
  service_.registerUser("nina@example.com", kDecomposedPassword, "Nina");
  EXPECT_EQ(service_.authenticate("nina@example.com", kComposedPassword).check,
            CredentialCheck::kValid);
}

TEST_F(AuthenticateTest, WeakHashUpgradedOnLogin) {
  UserView user = registerCustomer("olga@example.com");
  auto stronger = std::make_shared<BoundedPasswordHasher>(
      security::PasswordHasher::Parameters{16, 1, 1}, 1, std::chrono::milliseconds(5000));
  UserService upgraded(repository_, std::make_shared<const PasswordPolicy>(), stronger,
                       [this] { return now_; });

  ASSERT_EQ(upgraded.authenticate("olga@example.com", kPassword).check, CredentialCheck::kValid);
  auto stored = repository_->findById(user.id);
  ASSERT_TRUE(stored);
  EXPECT_FALSE(stronger->needsRehash(stored->password_hash));
}

using PasswordChangeTest = UserServiceTest;

TEST_F(PasswordChangeTest, WrongCurrentPasswordForbidden) {
  UserView user = registerCustomer("peggy@example.com");
  http::Problem problem = problemOf([&] {
    service_.changePassword(user.id, "session-1", "not-the-password", "new-granite-tulip");
  });
  EXPECT_EQ(problem.status(), 403);
  EXPECT_EQ(problem.type(), "/problems/wrong-password");
}

TEST_F(PasswordChangeTest, WrongCurrentPasswordRevokesNothing) {
  UserView user = registerCustomer("peggy@example.com");
  problemOf([&] {
    service_.changePassword(user.id, "session-1", "not-the-password", "new-granite-tulip");
  });
  EXPECT_TRUE(revoker_->calls.empty());
}

TEST_F(PasswordChangeTest, WeakNewPasswordRejected) {
  UserView user = registerCustomer("peggy@example.com");
  http::Problem problem =
      problemOf([&] { service_.changePassword(user.id, "session-1", kPassword, "password1234"); });
  EXPECT_EQ(problem.status(), 400);
}

TEST_F(PasswordChangeTest, RevokesOtherSessions) {
  UserView user = registerCustomer("peggy@example.com");
  service_.changePassword(user.id, "session-1", kPassword, "new-granite-tulip");
  ASSERT_EQ(revoker_->calls.size(), 1u);
  EXPECT_EQ(revoker_->calls[0].user_id, user.id);
  EXPECT_EQ(revoker_->calls[0].keep_session_id, "session-1");
}

TEST_F(PasswordChangeTest, NewPasswordLogsIn) {
  UserView user = registerCustomer("peggy@example.com");
  service_.changePassword(user.id, "session-1", kPassword, "new-granite-tulip");
  EXPECT_EQ(service_.authenticate("peggy@example.com", "new-granite-tulip").check,
            CredentialCheck::kValid);
}

TEST_F(PasswordChangeTest, OldPasswordStopsWorking) {
  UserView user = registerCustomer("peggy@example.com");
  service_.changePassword(user.id, "session-1", kPassword, "new-granite-tulip");
  EXPECT_EQ(service_.authenticate("peggy@example.com", kPassword).check, CredentialCheck::kInvalid);
}

using UserUpdateTest = UserServiceTest;

TEST_F(UserUpdateTest, AdminCannotDropOwnAdminRole) {
  UserView admin = service_.createUser("root@example.com", kPassword, "Admin", {"admin"});
  http::Problem problem = problemOf([&] {
    service_.updateUser(admin.id, admin.id, {std::vector<std::string>{"customer"}, std::nullopt});
  });
  EXPECT_EQ(problem.status(), 409);
  EXPECT_EQ(problem.type(), "/problems/self-demotion");
}

TEST_F(UserUpdateTest, AdminCannotDisableSelf) {
  UserView admin = service_.createUser("root@example.com", kPassword, "Admin", {"admin"});
  http::Problem problem = problemOf([&] {
    service_.updateUser(admin.id, admin.id, {std::nullopt, true});
  });
  EXPECT_EQ(problem.type(), "/problems/self-demotion");
}

TEST_F(UserUpdateTest, SelfDemotionChangesNothing) {
  UserView admin = service_.createUser("root@example.com", kPassword, "Admin", {"admin"});
  problemOf([&] {
    service_.updateUser(admin.id, admin.id, {std::vector<std::string>{"customer"}, std::nullopt});
  });
  EXPECT_TRUE(service_.getUser(admin.id).isAdmin());
}

TEST_F(UserUpdateTest, AdminMayKeepOwnAdminRole) {
  UserView admin = service_.createUser("root@example.com", kPassword, "Admin", {"admin"});
  UserView updated =
      service_.updateUser(admin.id, admin.id, {std::vector<std::string>{"admin"}, std::nullopt});
  EXPECT_EQ(updated.roles, (std::vector<std::string>{"customer", "admin"}));
}

TEST_F(UserUpdateTest, AdminDemotesAnotherAdmin) {
  UserView admin = service_.createUser("root@example.com", kPassword, "Admin", {"admin"});
  UserView other = service_.createUser("ops@example.com", kPassword, "Ops", {"admin"});
  service_.updateUser(admin.id, other.id, {std::vector<std::string>{}, std::nullopt});
  EXPECT_FALSE(service_.getUser(other.id).isAdmin());
}

TEST_F(UserUpdateTest, DisablingRevokesAllSessions) {
  UserView admin = service_.createUser("root@example.com", kPassword, "Admin", {"admin"});
  UserView user = registerCustomer("trent@example.com");
  service_.updateUser(admin.id, user.id, {std::nullopt, true});
  ASSERT_EQ(revoker_->calls.size(), 1u);
  EXPECT_EQ(revoker_->calls[0].user_id, user.id);
  EXPECT_EQ(revoker_->calls[0].keep_session_id, "");
}

TEST_F(UserUpdateTest, DisabledFlagIsStored) {
  UserView admin = service_.createUser("root@example.com", kPassword, "Admin", {"admin"});
  UserView user = registerCustomer("trent@example.com");
  now_ += 60;
  service_.updateUser(admin.id, user.id, {std::nullopt, true});
  UserView stored = service_.getUser(user.id);
  EXPECT_TRUE(stored.disabled);
  EXPECT_EQ(stored.updated_at, now_);
}

TEST_F(UserUpdateTest, PromotionRevokesNothing) {
  UserView admin = service_.createUser("root@example.com", kPassword, "Admin", {"admin"});
  UserView user = registerCustomer("trent@example.com");
  service_.updateUser(admin.id, user.id, {std::vector<std::string>{"admin"}, std::nullopt});
  EXPECT_TRUE(revoker_->calls.empty());
}

TEST_F(UserUpdateTest, DemotionRevokesAllSessions) {
  UserView admin = service_.createUser("root@example.com", kPassword, "Admin", {"admin"});
  UserView other = service_.createUser("ops@example.com", kPassword, "Ops", {"admin"});
  service_.updateUser(admin.id, other.id, {std::vector<std::string>{"customer"}, std::nullopt});
  ASSERT_EQ(revoker_->calls.size(), 1u);
  EXPECT_EQ(revoker_->calls[0].user_id, other.id);
  EXPECT_EQ(revoker_->calls[0].keep_session_id, "");
}

TEST_F(UserUpdateTest, UnknownRoleRejected) {
  UserView admin = service_.createUser("root@example.com", kPassword, "Admin", {"admin"});
  UserView user = registerCustomer("trent@example.com");
  http::Problem problem = problemOf([&] {
    service_.updateUser(admin.id, user.id, {std::vector<std::string>{"superuser"}, std::nullopt});
  });
  EXPECT_EQ(problem.status(), 400);
  ASSERT_EQ(problem.errors().size(), 1u);
  EXPECT_EQ(problem.errors()[0].field, "roles[0]");
}

TEST_F(UserUpdateTest, UnknownUserNotFound) {
  UserView admin = service_.createUser("root@example.com", kPassword, "Admin", {"admin"});
  http::Problem problem = problemOf([&] {
    service_.updateUser(admin.id, "no-such-id", {std::nullopt, true});
  });
  EXPECT_EQ(problem.status(), 404);
}

TEST_F(UserUpdateTest, DisplayNameTrimmed) {
  UserView user = registerCustomer("uma@example.com");
  service_.changeDisplayName(user.id, "  Uma Thurman  ");
  EXPECT_EQ(service_.getUser(user.id).display_name, "Uma Thurman");
}

}  // namespace
}  // namespace agora::users
