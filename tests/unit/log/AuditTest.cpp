// Tests the audit stream: its line format, the request's ids and client, the email digest and
// the audit file.
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "platform/http/RequestContext.h"
#include "platform/log/Audit.h"
#include "platform/log/Log.h"
#include "platform/security/Random.h"

namespace agora::log {
namespace {

/** Reads the lines of `path` as JSON objects. */
std::vector<Poco::JSON::Object::Ptr> readLines(const std::string& path) {
  std::vector<Poco::JSON::Object::Ptr> lines;
  std::ifstream file(path);
  std::string line;
  while (std::getline(file, line)) {
    lines.push_back(Poco::JSON::Parser().parse(line).extract<Poco::JSON::Object::Ptr>());
  }
  return lines;
}

/** Captures audit lines in a temporary file for the length of a test. */
class AuditTest : public ::testing::Test {
 protected:
  void SetUp() override {
    file_ = std::tmpfile();
    ASSERT_NE(file_, nullptr);
    setAuditOutput(file_);
  }
  void TearDown() override {
    setAuditOutput(nullptr);
    setLevel(Level::kInfo);
    std::fclose(file_);
  }
  std::vector<Poco::JSON::Object::Ptr> lines() {
    std::rewind(file_);
    std::vector<Poco::JSON::Object::Ptr> result;
    char buffer[8192];
    while (std::fgets(buffer, sizeof(buffer), file_) != nullptr) {
      result.push_back(Poco::JSON::Parser().parse(buffer).extract<Poco::JSON::Object::Ptr>());
    }
    return result;
  }

  static http::RequestContext requestContext() {
    http::RequestContext context = http::startRequestContext(
        "audit-request-1",
        std::string("00-") + "4bf92f3577b34da6a3ce929d0e0e4736-" + "00f067aa0ba902b7-01");
    context.client_ip = "192.0.2.7";
    context.user_agent = "agora-tests/2.0";
    return context;
  }

 private:
  std::FILE* file_ = nullptr;
};

// Test that an audit line names its stream, module and event and contains the fields.
TEST_F(AuditTest, LineMarkedAsAuditStream) {
  Poco::JSON::Object fields;
  fields.set("user_id", "user-1");
  audit("auth", "logout", fields);
  auto written = lines();
  ASSERT_EQ(written.size(), 1u);
  EXPECT_EQ(written[0]->getValue<std::string>("stream"), "audit");
  EXPECT_EQ(written[0]->getValue<std::string>("module"), "auth");
  EXPECT_EQ(written[0]->getValue<std::string>("event"), "logout");
  EXPECT_EQ(written[0]->getValue<std::string>("user_id"), "user-1");
  EXPECT_FALSE(written[0]->has("level"));
}

// Test that switching the log off does not silence the audit stream.
TEST_F(AuditTest, WrittenWhateverLogLevel) {
  setLevel(Level::kOff);
  setModuleLevel("auth", Level::kOff);
  audit("auth", "lockout");
  setModuleLevels({});
  EXPECT_EQ(lines().size(), 1u);
}

// Test that a line written during a request carries its ids, address and user agent.
TEST_F(AuditTest, CarriesRequestIdsAndClient) {
  {
    http::RequestContextScope scope(requestContext());
    audit("users", "password_changed");
  }
  auto written = lines();
  ASSERT_EQ(written.size(), 1u);
  EXPECT_EQ(written[0]->getValue<std::string>("request_id"), "audit-request-1");
  EXPECT_EQ(written[0]->getValue<std::string>("trace_id"), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(written[0]->getValue<std::string>("span_id").size(), 16u);
  EXPECT_EQ(written[0]->getValue<std::string>("client_ip"), "192.0.2.7");
  EXPECT_EQ(written[0]->getValue<std::string>("user_agent"), "agora-tests/2.0");
}

// Test that fields win over the request's values of the same name.
TEST_F(AuditTest, FieldsWinOverContext) {
  {
    http::RequestContextScope scope(requestContext());
    Poco::JSON::Object fields;
    fields.set("client_ip", "198.51.100.4");
    audit("auth", "login_failed", fields);
  }
  auto written = lines();
  ASSERT_EQ(written.size(), 1u);
  EXPECT_EQ(written[0]->getValue<std::string>("client_ip"), "198.51.100.4");
}

// Test that a user agent with control characters and excess length is made printable and cut.
TEST_F(AuditTest, UserAgentPrintableAndCut) {
  http::RequestContext context = requestContext();
  context.user_agent = "evil\x01\nagent" + std::string(400, 'x');
  {
    http::RequestContextScope scope(std::move(context));
    audit("auth", "logout");
  }
  auto written = lines();
  ASSERT_EQ(written.size(), 1u);
  const std::string agent = written[0]->getValue<std::string>("user_agent");
  EXPECT_EQ(agent.size(), 256u);
  EXPECT_EQ(agent.substr(0, 12), "evil  agentx");
}

// Test that invalid UTF-8 in a user agent cannot break the JSON line.
TEST_F(AuditTest, InvalidUtf8UserAgentReplaced) {
  http::RequestContext context = requestContext();
  context.user_agent = "bad\xff\xfe";
  {
    http::RequestContextScope scope(std::move(context));
    audit("auth", "logout");
  }
  auto written = lines();
  ASSERT_EQ(written.size(), 1u);
  EXPECT_EQ(written[0]->getValue<std::string>("user_agent"), "bad??");
}

// Test that the digest ignores case and surrounding space and differs between addresses.
TEST(EmailDigest, NormalizesCaseAndSpace) {
  const std::string digest = emailDigest("ada@example.com");
  EXPECT_EQ(digest.size(), 64u);
  EXPECT_EQ(emailDigest("  Ada@Example.COM \t"), digest);
  EXPECT_NE(emailDigest("bob@example.com"), digest);
  EXPECT_EQ(digest.find('@'), std::string::npos);
}

/** A folder for audit files, removed with the test. */
class AuditFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    folder_ = std::filesystem::temp_directory_path() / ("agora-audit-" + security::randomToken(9));
    std::filesystem::create_directories(folder_);
  }
  void TearDown() override {
    setAuditFile("");
    std::error_code ignored;
    std::filesystem::remove_all(folder_, ignored);
  }
  std::string path(const std::string& name) const { return (folder_ / name).string(); }

 private:
  std::filesystem::path folder_;
};

// Test that the audit file receives the lines and a second call after rotation starts anew.
TEST_F(AuditFileTest, ReopenedAfterRotation) {
  setAuditFile(path("audit.log"));
  audit("auth", "first");
  std::filesystem::rename(path("audit.log"), path("audit.log.1"));
  setAuditFile(path("audit.log"));
  audit("auth", "second");

  auto rotated = readLines(path("audit.log.1"));
  auto current = readLines(path("audit.log"));
  ASSERT_EQ(rotated.size(), 1u);
  ASSERT_EQ(current.size(), 1u);
  EXPECT_EQ(rotated[0]->getValue<std::string>("event"), "first");
  EXPECT_EQ(current[0]->getValue<std::string>("event"), "second");
  EXPECT_EQ(
      std::filesystem::status(path("audit.log")).permissions() & std::filesystem::perms::others_all,
      std::filesystem::perms::none);
}

// Test that an unopenable file is refused and the previous file stays in use.
TEST_F(AuditFileTest, UnopenableFileKeepsPrevious) {
  setAuditFile(path("audit.log"));
  const std::string missing = path("no-such-folder/audit.log");
  try {
    setAuditFile(missing);
    FAIL() << "setAuditFile accepted " << missing;
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find(missing), std::string::npos) << error.what();
  }
  audit("auth", "still_here");
  auto written = readLines(path("audit.log"));
  ASSERT_EQ(written.size(), 1u);
  EXPECT_EQ(written[0]->getValue<std::string>("event"), "still_here");
}

}  // namespace
}  // namespace agora::log
