// Tests the auth module's business counters and audit lines: logins by result, lockouts,
// sessions created and ended, refresh rotations and reuse.
#include <cstdio>

#include "AuthTestSupport.h"
#include "platform/log/Audit.h"
#include "platform/metrics/Metrics.h"

namespace agora::auth::testing {
namespace {

class AuthMonitoring : public AuthFixture {
 protected:
  void SetUp() override {
    AuthFixture::SetUp();
    registry = std::make_shared<metrics::Registry>();
    module->setMetrics(registry);
    audit_file_ = std::tmpfile();
    ASSERT_NE(audit_file_, nullptr);
    log::setAuditOutput(audit_file_);
  }
  void TearDown() override {
    log::setAuditOutput(nullptr);
    std::fclose(audit_file_);
  }

  /** Returns the value of one series in the rendered registry, or -1 when it is missing. */
  double metric(const std::string& series) {
    const std::string text = registry->render();
    const auto at = text.find("\n" + series + " ");
    if (at == std::string::npos) return -1;
    return std::stod(text.substr(at + series.size() + 2));
  }

  /** Returns the audit lines with event `event`. */
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

  /** Every audit line as text, to look for what must never be there. */
  std::string auditText() {
    std::fflush(audit_file_);
    std::rewind(audit_file_);
    std::string text;
    char buffer[8192];
    while (std::fgets(buffer, sizeof(buffer), audit_file_) != nullptr) text += buffer;
    return text;
  }

  std::shared_ptr<metrics::Registry> registry;

 private:
  std::FILE* audit_file_ = nullptr;
};

// Test that every login result has a series from the start.
TEST_F(AuthMonitoring, LoginSeriesStartAtZero) {
  for (const char* result : {"success", "invalid", "disabled", "locked"}) {
    EXPECT_EQ(metric(std::string("agora_logins_total{result=\"") + result + "\"}"), 0) << result;
  }
}

// Test that a login counts a success and a session and audits the account.
TEST_F(AuthMonitoring, SuccessCountedAndAudited) {
  ASSERT_EQ(loginAda().status, 200);
  EXPECT_EQ(metric("agora_logins_total{result=\"success\"}"), 1);
  EXPECT_EQ(metric("agora_sessions_created_total"), 1);

  auto lines = audited("login_succeeded");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]->getValue<std::string>("user_id"), "user-1");
  EXPECT_EQ(lines[0]->getValue<std::string>("email_sha256"), log::emailDigest("ada@example.com"));
  EXPECT_EQ(lines[0]->getValue<std::string>("client_ip"), "192.0.2.10");
  EXPECT_EQ(lines[0]->getValue<std::string>("user_agent"), "agora-tests/1.0");
}

// Test that a failed login is audited without the password or the address itself.
TEST_F(AuthMonitoring, FailureAuditedWithoutSecrets) {
  ASSERT_EQ(login("Ada@Example.com", "a wrong password 123").status, 401);
  EXPECT_EQ(metric("agora_logins_total{result=\"invalid\"}"), 1);

  auto lines = audited("login_failed");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]->getValue<std::string>("reason"), "invalid");
  EXPECT_EQ(lines[0]->getValue<std::string>("email_sha256"), log::emailDigest("ada@example.com"));
  const std::string text = auditText();
  EXPECT_EQ(text.find("a wrong password 123"), std::string::npos) << text;
  EXPECT_EQ(text.find("Ada@Example.com"), std::string::npos) << text;
  EXPECT_EQ(text.find("ada@example.com"), std::string::npos) << text;
}

// Test that a disabled account's right password counts as disabled.
TEST_F(AuthMonitoring, DisabledCounted) {
  users->setDisabled("ada@example.com", true);
  ASSERT_EQ(loginAda().status, 401);
  EXPECT_EQ(metric("agora_logins_total{result=\"disabled\"}"), 1);
  auto lines = audited("login_failed");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]->getValue<std::string>("reason"), "disabled");
}

// Test that the fifth failure starts one lockout and a throttled try counts as locked.
TEST_F(AuthMonitoring, LockoutCountedOnceThenLocked) {
  for (int attempt = 0; attempt < 5; ++attempt) {
    ASSERT_EQ(login("ada@example.com", "a wrong password 123").status, 401);
  }
  EXPECT_EQ(metric("agora_login_lockouts_total{scope=\"account\"}"), 1);
  EXPECT_EQ(audited("lockout").size(), 1u);

  EXPECT_EQ(loginAda().status, 429);
  EXPECT_EQ(metric("agora_logins_total{result=\"locked\"}"), 1);
  EXPECT_EQ(metric("agora_login_lockouts_total{scope=\"account\"}"), 1);
  auto locked = audited("login_failed");
  ASSERT_EQ(locked.size(), 6u);
  EXPECT_EQ(locked[5]->getValue<std::string>("reason"), "locked");
}

// Test that new throttle limits apply to the next logins.
TEST_F(AuthMonitoring, ReconfiguredLimitApplies) {
  config.set("auth.login.max_failures", "2");
  module->reconfigure(config);
  ASSERT_EQ(login("ada@example.com", "a wrong password 123").status, 401);
  ASSERT_EQ(login("ada@example.com", "a wrong password 123").status, 401);
  EXPECT_EQ(loginAda().status, 429);
}

// Test that an invalid reload value is refused and the old limit stays.
TEST_F(AuthMonitoring, InvalidReconfigureChangesNothing) {
  config.set("auth.login.max_failures", "0");
  EXPECT_THROW(module->reconfigure(config), config::ConfigError);
  for (int attempt = 0; attempt < 4; ++attempt) {
    ASSERT_EQ(login("ada@example.com", "a wrong password 123").status, 401);
  }
  EXPECT_EQ(loginAda().status, 200);
}

// Test that a rotation and a reuse are counted and the reuse is audited.
TEST_F(AuthMonitoring, RotationAndReuseCounted) {
  const Reply first = loginAda();
  const std::string original = first.text("refresh_token");
  ASSERT_EQ(refresh(original).status, 200);
  now += 11;
  ASSERT_EQ(refresh(original).status, 401);

  EXPECT_EQ(metric("agora_refresh_rotations_total"), 1);
  EXPECT_EQ(metric("agora_refresh_reuse_detections_total"), 1);
  EXPECT_EQ(metric("agora_sessions_revoked_total{reason=\"reuse\"}"), 1);
  auto lines = audited("refresh_token_reused");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]->getValue<std::string>("session_id"), first.text("session_id"));
}

// Test that logout and logout-all count the sessions they end, by reason.
TEST_F(AuthMonitoring, LogoutsCountedByReason) {
  const Reply first = loginAda();
  const Reply second = loginAda();
  const Reply third = loginAda();
  ASSERT_EQ(withBearer("POST", "/api/auth/logout", first.text("access_token")).status, 204);
  ASSERT_EQ(withBearer("POST", "/api/auth/logout-all", second.text("access_token")).status, 204);

  EXPECT_EQ(metric("agora_sessions_revoked_total{reason=\"logout\"}"), 1);
  EXPECT_EQ(metric("agora_sessions_revoked_total{reason=\"logout_all\"}"), 2);
  ASSERT_EQ(audited("logout").size(), 1u);
  auto all = audited("logout_all");
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0]->getValue<int>("sessions_revoked"), 2);
  EXPECT_FALSE(store->find(third.text("session_id")).has_value());
}

// Test that ending one's own other session is counted and audited as revoked by the user.
TEST_F(AuthMonitoring, SessionRevokedByUserAudited) {
  const Reply first = loginAda();
  const Reply second = loginAda();
  ASSERT_EQ(withBearer("DELETE", "/api/auth/sessions/" + second.text("session_id"),
                       first.text("access_token"))
                .status,
            204);
  EXPECT_EQ(metric("agora_sessions_revoked_total{reason=\"user\"}"), 1);
  auto lines = audited("session_revoked");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]->getValue<std::string>("session_id"), second.text("session_id"));
  EXPECT_EQ(lines[0]->getValue<std::string>("reason"), "revoked_by_user");
}

}  // namespace
}  // namespace agora::auth::testing
