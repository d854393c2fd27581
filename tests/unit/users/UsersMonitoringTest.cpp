// Tests the users service's counters and audit lines: registrations, password changes, role
// changes and disabled accounts, with the sessions each ends.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <cstdio>

#include "UsersTestSupport.h"
#include "platform/log/Audit.h"
#include "platform/metrics/Metrics.h"

namespace agora::users {
namespace {

const std::string kPassword = "tulip-ocean-granite";

class UsersMonitoringTest : public testing::UserServiceTest {
 protected:
  void SetUp() override {
    registry_ = std::make_shared<metrics::Registry>();
    service_.setMetrics(registry_);
    audit_file_ = std::tmpfile();
    ASSERT_NE(audit_file_, nullptr);
    log::setAuditOutput(audit_file_);
  }
  void TearDown() override {
    log::setAuditOutput(nullptr);
    std::fclose(audit_file_);
  }

  double metric(const std::string& series) {
    const std::string text = registry_->render();
    const auto at = text.find("\n" + series + " ");
    if (at == std::string::npos) return -1;
    return std::stod(text.substr(at + series.size() + 2));
  }

  std::vector<Poco::JSON::Object::Ptr> audited(const std::string& event) {
    std::fflush(audit_file_);
    std::rewind(audit_file_);
    std::vector<Poco::JSON::Object::Ptr> found;
    char buffer[8192];
    while (std::fgets(buffer, sizeof(buffer), audit_file_) != nullptr) {
      auto line = Poco::JSON::Parser().parse(buffer).extract<Poco::JSON::Object::Ptr>();
      if (line->getValue<std::string>("event") == event) found.push_back(line);
    }
    return found;
  }

  static std::vector<std::string> strings(const Poco::JSON::Array::Ptr& array) {
    std::vector<std::string> values;
    for (std::size_t i = 0; i < array->size(); ++i)
      values.push_back(array->getElement<std::string>(i));
    return values;
  }

  UserView admin() { return service_.createUser("root@example.com", kPassword, "Root", {"admin"}); }

  std::shared_ptr<metrics::Registry> registry_;

 private:
  std::FILE* audit_file_ = nullptr;
};

// Test that a registration through the API counts, and one by an operator does not.
TEST_F(UsersMonitoringTest, RegistrationCounted) {
  EXPECT_EQ(metric("agora_registrations_total"), 0);
  registerCustomer("carol@example.com");
  admin();
  EXPECT_EQ(metric("agora_registrations_total"), 1);
  auto created = audited("account_created");
  ASSERT_EQ(created.size(), 2u);
  EXPECT_EQ(created[0]->getValue<std::string>("email_sha256"),
            log::emailDigest("carol@example.com"));
}

// Test that a password change audits the user and counts the sessions it ended.
TEST_F(UsersMonitoringTest, PasswordChangeCountsRevokedSessions) {
  UserView user = registerCustomer("carol@example.com");
  service_.changePassword(user.id, "session-1", kPassword, "new-granite-tulip");
  EXPECT_EQ(metric("agora_sessions_revoked_total{reason=\"password_change\"}"), 2);
  auto lines = audited("password_changed");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]->getValue<std::string>("user_id"), user.id);
  EXPECT_EQ(lines[0]->getValue<int>("sessions_revoked"), 2);
}

// Test that a role change is audited with the old and new roles and the admin who acted.
TEST_F(UsersMonitoringTest, RoleChangeAuditedWithActor) {
  UserView root = admin();
  UserView user = registerCustomer("carol@example.com");
  service_.updateUser(root.id, user.id, {std::vector<std::string>{"customer", "admin"}, {}});

  auto lines = audited("roles_changed");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]->getValue<std::string>("actor_id"), root.id);
  EXPECT_EQ(lines[0]->getValue<std::string>("user_id"), user.id);
  EXPECT_EQ(strings(lines[0]->getArray("old_roles")), std::vector<std::string>{"customer"});
  EXPECT_EQ(strings(lines[0]->getArray("new_roles")),
            (std::vector<std::string>{"customer", "admin"}));
  EXPECT_EQ(metric("agora_sessions_revoked_total{reason=\"admin\"}"), 0);
}

// Test that disabling audits the account and the sessions an admin ended, and enabling too.
TEST_F(UsersMonitoringTest, DisableAndEnableAudited) {
  UserView root = admin();
  UserView user = registerCustomer("carol@example.com");
  service_.updateUser(root.id, user.id, {std::nullopt, true});
  service_.updateUser(root.id, user.id, {std::nullopt, false});

  ASSERT_EQ(audited("account_disabled").size(), 1u);
  ASSERT_EQ(audited("account_enabled").size(), 1u);
  auto revoked = audited("sessions_revoked_by_admin");
  ASSERT_EQ(revoked.size(), 1u);
  EXPECT_EQ(revoked[0]->getValue<std::string>("reason"), "account_disabled");
  EXPECT_EQ(revoked[0]->getValue<std::string>("actor_id"), root.id);
  EXPECT_EQ(metric("agora_sessions_revoked_total{reason=\"admin\"}"), 2);
  EXPECT_TRUE(audited("roles_changed").empty());
}

// Test that removing a role counts the ended sessions as an admin's revocation.
TEST_F(UsersMonitoringTest, RoleRemovalCountsRevokedSessions) {
  UserView root = admin();
  UserView other = service_.createUser("second@example.com", kPassword, "Second", {"admin"});
  service_.updateUser(root.id, other.id, {std::vector<std::string>{"customer"}, std::nullopt});
  EXPECT_EQ(metric("agora_sessions_revoked_total{reason=\"admin\"}"), 2);
  auto revoked = audited("sessions_revoked_by_admin");
  ASSERT_EQ(revoked.size(), 1u);
  EXPECT_EQ(revoked[0]->getValue<std::string>("reason"), "roles_reduced");
}

}  // namespace
}  // namespace agora::users
