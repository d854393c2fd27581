// Tests that the request pipeline carries the trace: the traceparent it returns, the ids on
// every log line written while a request runs, and the request metrics it keeps.
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <regex>

#include "ServerTestSupport.h"
#include "platform/http/HttpServer.h"
#include "platform/log/Log.h"

namespace agora::http {
namespace {

using testing::exchange;
using testing::Reply;

constexpr const char* kTraceId = "4bf92f3577b34da6a3ce929d0e0e4736";

class RequestTracingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log_file_ = std::tmpfile();
    ASSERT_NE(log_file_, nullptr);
    log::setOutput(log_file_);

    router_.add({"GET", "/api/traced/{id}", Access::kPublic, [](Request& request) {
                   Poco::JSON::Object fields;
                   fields.set("id", request.param("id"));
                   log::info("tracing", "handler_ran", fields);
                   return Response::noContent();
                 }});
    ServerSettings settings;
    settings.role = "test";
    settings.port = 0;
    settings.max_threads = 4;
    registry_ = std::make_shared<metrics::Registry>();
    server_ = std::make_unique<HttpServer>(settings, router_,
                                           std::make_shared<testing::TokenTable>(), registry_);
    server_->start();
  }
  void TearDown() override {
    server_->stop(1);
    log::setOutput(nullptr);
    std::fclose(log_file_);
  }

  Reply get(const std::string& uri, const std::map<std::string, std::string>& headers = {}) {
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(server_->port()));
    session.setTimeout(Poco::Timespan(10, 0));
    Poco::Net::HTTPRequest request("GET", uri, Poco::Net::HTTPMessage::HTTP_1_1);
    for (const auto& [name, value] : headers) request.set(name, value);
    return exchange(session, request);
  }

  /** Returns the log lines whose event is `event`, parsed. */
  std::vector<Poco::JSON::Object::Ptr> logLines(const std::string& event) {
    std::fflush(log_file_);
    std::rewind(log_file_);
    std::vector<Poco::JSON::Object::Ptr> found;
    char buffer[8192];
    while (std::fgets(buffer, sizeof(buffer), log_file_) != nullptr) {
      auto line = Poco::JSON::Parser().parse(buffer).extract<Poco::JSON::Object::Ptr>();
      if (line->optValue<std::string>("event", "") == event) found.push_back(line);
    }
    return found;
  }

  std::FILE* log_file_ = nullptr;
  Router router_ = testing::makeTestRouter();
  std::shared_ptr<metrics::Registry> registry_;
  std::unique_ptr<HttpServer> server_;
};

// Test that the response names the caller's trace and this request's own span.
TEST_F(RequestTracingTest, ResponseContinuesIncomingTrace) {
  Reply reply = get("/api/traced/1",
                    {{"traceparent", std::string("00-") + kTraceId + "-00f067aa0ba902b7-01"}});
  ASSERT_EQ(reply.status, 204);
  std::regex expected(std::string("^00-") + kTraceId + "-[0-9a-f]{16}-01$");
  EXPECT_TRUE(std::regex_match(reply.header("traceparent"), expected))
      << reply.header("traceparent");
  EXPECT_EQ(reply.header("traceparent").find("00f067aa0ba902b7"), std::string::npos);
}

// Test that a request without a traceparent gets a new trace in the response.
TEST_F(RequestTracingTest, ResponseStartsTraceWithoutOne) {
  Reply reply = get("/api/traced/2", {{"traceparent", "not-a-trace"}});
  ASSERT_EQ(reply.status, 204);
  std::regex expected("^00-[0-9a-f]{32}-[0-9a-f]{16}-00$");
  EXPECT_TRUE(std::regex_match(reply.header("traceparent"), expected))
      << reply.header("traceparent");
}

// Test that a line the handler logs carries the request's ids like the request line.
TEST_F(RequestTracingTest, HandlerLogLineCarriesIds) {
  Reply reply =
      get("/api/traced/3", {{"traceparent", std::string("00-") + kTraceId + "-00f067aa0ba902b7-01"},
                            {"X-Request-Id", "traced-request-3"}});
  ASSERT_EQ(reply.status, 204);
  server_->stop(1);

  auto handler_lines = logLines("handler_ran");
  auto request_lines = logLines("request");
  ASSERT_EQ(handler_lines.size(), 1u);
  ASSERT_EQ(request_lines.size(), 1u);
  EXPECT_EQ(handler_lines[0]->getValue<std::string>("request_id"), "traced-request-3");
  EXPECT_EQ(handler_lines[0]->getValue<std::string>("trace_id"), kTraceId);
  EXPECT_EQ(handler_lines[0]->getValue<std::string>("span_id"),
            request_lines[0]->getValue<std::string>("span_id"));
  EXPECT_EQ(handler_lines[0]->getValue<std::string>("id"), "3");
}

// Test that the span id in the log is the one the response returned.
TEST_F(RequestTracingTest, LoggedSpanMatchesResponse) {
  Reply reply = get("/api/traced/4");
  ASSERT_EQ(reply.status, 204);
  server_->stop(1);
  auto lines = logLines("request");
  ASSERT_EQ(lines.size(), 1u);
  const std::string traceparent = "00-" + lines[0]->getValue<std::string>("trace_id") + "-" +
                                  lines[0]->getValue<std::string>("span_id") + "-00";
  EXPECT_EQ(reply.header("traceparent"), traceparent);
}

// Test that the in-flight gauge exists at 0 before any request and returns to 0 after.
TEST_F(RequestTracingTest, InFlightGaugeStartsAndEndsAtZero) {
  EXPECT_NE(registry_->render().find("http_server_requests_in_flight{role=\"test\"} 0\n"),
            std::string::npos);
  ASSERT_EQ(get("/api/traced/5").status, 204);
  EXPECT_NE(registry_->render().find("http_server_requests_in_flight{role=\"test\"} 0\n"),
            std::string::npos);
}

// Test that the duration histogram uses the route template and the status class.
TEST_F(RequestTracingTest, DurationHistogramByTemplate) {
  ASSERT_EQ(get("/api/traced/6").status, 204);
  ASSERT_EQ(get("/api/traced/7").status, 204);
  const std::string text = registry_->render();
  EXPECT_NE(text.find("http_server_request_duration_seconds_count{role=\"test\",route=\"/api/"
                      "traced/{id}\",method=\"GET\",status_class=\"2xx\"} 2\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("http_server_request_duration_seconds_bucket{role=\"test\",route=\"/api/"
                      "traced/{id}\",method=\"GET\",status_class=\"2xx\",le=\"+Inf\"} 2\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("/api/traced/6"), std::string::npos) << text;
}

// Test that a line logged outside any request carries no request ids.
TEST_F(RequestTracingTest, LineOutsideRequestHasNoIds) {
  log::info("tracing", "outside");
  auto lines = logLines("outside");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_FALSE(lines[0]->has("trace_id"));
  EXPECT_FALSE(lines[0]->has("request_id"));
}

}  // namespace
}  // namespace agora::http
