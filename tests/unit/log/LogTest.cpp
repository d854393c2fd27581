// Tests the JSON log line format and the per-module levels.
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <regex>

#include "platform/http/RequestContext.h"
#include "platform/log/Log.h"

namespace agora::log {
namespace {

/** Captures log lines in a temporary file for the length of a test. */
class LogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    file_ = std::tmpfile();
    ASSERT_NE(file_, nullptr);
    setOutput(file_);
    setLevel(Level::kInfo);
  }
  void TearDown() override {
    setOutput(nullptr);
    setLevel(Level::kInfo);
    setModuleLevel("quiet", Level::kInfo);
    setModuleLevel("chatty", Level::kInfo);
    std::fclose(file_);
  }
  std::vector<std::string> lines() {
    std::rewind(file_);
    std::vector<std::string> result;
    char buffer[4096];
    while (std::fgets(buffer, sizeof(buffer), file_) != nullptr) result.emplace_back(buffer);
    return result;
  }

 private:
  std::FILE* file_ = nullptr;
};

TEST_F(LogTest, LineIsOneJsonObject) {
  Poco::JSON::Object fields;
  fields.set("request_id", "r-1");
  fields.set("status", 201);
  info("http", "request", fields);

  auto written = lines();
  ASSERT_EQ(written.size(), 1u);
  EXPECT_EQ(written[0].back(), '\n');
  auto object = Poco::JSON::Parser().parse(written[0]).extract<Poco::JSON::Object::Ptr>();
  EXPECT_EQ(object->getValue<std::string>("level"), "info");
  EXPECT_EQ(object->getValue<std::string>("module"), "http");
  EXPECT_EQ(object->getValue<std::string>("event"), "request");
  EXPECT_EQ(object->getValue<std::string>("request_id"), "r-1");
  EXPECT_EQ(object->getValue<int>("status"), 201);
}

TEST_F(LogTest, LineStartsWithTimestampLevelModuleEvent) {
  warn("auth", "login_failed");
  auto written = lines();
  ASSERT_EQ(written.size(), 1u);
  std::regex expected(
      R"(^\{"ts":"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z","level":"warn","module":"auth","event":"login_failed"\}\n$)");
  EXPECT_TRUE(std::regex_match(written[0], expected)) << written[0];
}

TEST_F(LogTest, ValuesAreEscaped) {
  Poco::JSON::Object fields;
  fields.set("path", "a\"b\nc");
  info("http", "odd", fields);
  auto written = lines();
  ASSERT_EQ(written.size(), 1u);
  auto object = Poco::JSON::Parser().parse(written[0]).extract<Poco::JSON::Object::Ptr>();
  EXPECT_EQ(object->getValue<std::string>("path"), "a\"b\nc");
}

TEST_F(LogTest, BelowLevelIsDropped) {
  debug("http", "detail");
  EXPECT_TRUE(lines().empty());
}

TEST_F(LogTest, ModuleLevelOverridesDefault) {
  setModuleLevel("quiet", Level::kError);
  setModuleLevel("chatty", Level::kDebug);
  warn("quiet", "dropped");
  debug("chatty", "kept");
  auto written = lines();
  ASSERT_EQ(written.size(), 1u);
  EXPECT_NE(written[0].find("\"kept\""), std::string::npos);
}

TEST_F(LogTest, OffSilencesModule) {
  setModuleLevel("quiet", Level::kOff);
  EXPECT_FALSE(enabled("quiet", Level::kError));
}

TEST_F(LogTest, LineInRequestCarriesItsIds) {
  http::RequestContext context = http::startRequestContext("log-request-1", std::nullopt);
  const std::string trace_id = context.trace_id;
  {
    http::RequestContextScope scope(std::move(context));
    info("orders", "order_placed");
  }
  auto written = lines();
  ASSERT_EQ(written.size(), 1u);
  auto object = Poco::JSON::Parser().parse(written[0]).extract<Poco::JSON::Object::Ptr>();
  EXPECT_EQ(object->getValue<std::string>("request_id"), "log-request-1");
  EXPECT_EQ(object->getValue<std::string>("trace_id"), trace_id);
  EXPECT_EQ(object->getValue<std::string>("span_id").size(), 16u);
}

TEST_F(LogTest, FieldsKeepTheirOwnIds) {
  {
    http::RequestContextScope scope(http::startRequestContext("log-request-2", std::nullopt));
    Poco::JSON::Object fields;
    fields.set("request_id", "explicit");
    info("client", "call_failed", fields);
  }
  auto written = lines();
  ASSERT_EQ(written.size(), 1u);
  EXPECT_EQ(written[0].find("log-request-2"), std::string::npos) << written[0];
  auto object = Poco::JSON::Parser().parse(written[0]).extract<Poco::JSON::Object::Ptr>();
  EXPECT_EQ(object->getValue<std::string>("request_id"), "explicit");
  EXPECT_TRUE(object->has("trace_id"));
}

TEST_F(LogTest, ModuleLevelsReplacedWhole) {
  setModuleLevel("quiet", Level::kError);
  setModuleLevels({{"chatty", Level::kDebug}});
  warn("quiet", "kept_again");
  debug("chatty", "detail");
  setModuleLevels({});
  EXPECT_EQ(lines().size(), 2u);
}

TEST(LogLevel, ParsesNames) {
  EXPECT_EQ(parseLevel("debug"), Level::kDebug);
  EXPECT_EQ(parseLevel("warn"), Level::kWarn);
  EXPECT_EQ(parseLevel("off"), Level::kOff);
  EXPECT_FALSE(parseLevel("verbose").has_value());
}

}  // namespace
}  // namespace agora::log
