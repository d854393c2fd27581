// Tests the API server end to end over loopback with a real Poco client.
#include <Poco/Exception.h>
#include <Poco/Net/StreamSocket.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <stdexcept>
#include <string>

#include "ServerTestSupport.h"
#include "platform/http/HttpServer.h"
#include "platform/log/Log.h"

namespace agora::http {
namespace {

using testing::exchange;
using testing::Reply;

constexpr std::size_t kTestBodyLimit = 1024;

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerSettings settings;
    settings.role = "test";
    settings.port = 0;
    settings.max_threads = 8;
    settings.max_body_bytes = kTestBodyLimit;
    registry_ = std::make_shared<metrics::Registry>();
    server_ = std::make_unique<HttpServer>(settings, router_,
                                           std::make_shared<testing::TokenTable>(), registry_);
    server_->start();
    session_ = std::make_unique<Poco::Net::HTTPClientSession>("127.0.0.1", server_->port());
    session_->setTimeout(Poco::Timespan(10, 0));
    session_->setKeepAlive(true);
  }
  void TearDown() override {
    session_.reset();
    server_->stop(1);
  }

  Reply send(const std::string& method, const std::string& uri,
             const std::map<std::string, std::string>& headers = {}, const std::string& body = {}) {
    Poco::Net::HTTPRequest request(method, uri, Poco::Net::HTTPMessage::HTTP_1_1);
    for (const auto& [name, value] : headers) request.set(name, value);
    return exchange(*session_, request, body);
  }

  Router router_ = testing::makeTestRouter();
  std::shared_ptr<metrics::Registry> registry_;
  std::unique_ptr<HttpServer> server_;
  std::unique_ptr<Poco::Net::HTTPClientSession> session_;
};

TEST_F(HttpServerTest, PublicRouteAnswers200) {
  Reply reply = send("GET", "/api/things/a%20b?q=red+shoe");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.header("Content-Type"), "application/json; charset=utf-8");
  EXPECT_EQ(reply.header("X-Thing"), "yes");
  EXPECT_EQ(reply.json()->getValue<std::string>("id"), "a b");
  EXPECT_EQ(reply.json()->getValue<std::string>("q"), "red shoe");
}

TEST_F(HttpServerTest, SecurityHeadersOnEveryResponse) {
  for (const std::string uri : {"/api/things/1", "/nowhere"}) {
    Reply reply = send("GET", uri);
    EXPECT_EQ(reply.header("Strict-Transport-Security"), "max-age=63072000; includeSubDomains");
    EXPECT_EQ(reply.header("X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(reply.header("X-Frame-Options"), "DENY");
    EXPECT_EQ(reply.header("Referrer-Policy"), "no-referrer");
    EXPECT_EQ(reply.header("Content-Security-Policy"),
              "default-src 'none'; frame-ancestors 'none'");
    EXPECT_EQ(reply.header("Cache-Control"), "no-store");
    EXPECT_EQ(reply.header("Cross-Origin-Opener-Policy"), "same-origin");
  }
}

TEST_F(HttpServerTest, UnknownPathIs404Problem) {
  Reply reply = send("GET", "/nowhere?x=1");
  EXPECT_EQ(reply.status, 404);
  EXPECT_EQ(reply.header("Content-Type"), "application/problem+json");
  auto body = reply.json();
  EXPECT_EQ(body->getValue<std::string>("type"), "/problems/not-found");
  EXPECT_EQ(body->getValue<std::string>("instance"), "/nowhere");
  EXPECT_EQ(body->getValue<std::string>("request_id"), reply.header("X-Request-Id"));
}

TEST_F(HttpServerTest, OtherMethodIs405WithAllow) {
  Reply reply = send("PUT", "/api/things/1");
  EXPECT_EQ(reply.status, 405);
  EXPECT_EQ(reply.header("Allow"), "GET, DELETE");
}

TEST_F(HttpServerTest, OversizedBodyIs413) {
  Reply reply = send("POST", "/api/things", {{"Content-Type", "application/json"}},
                     std::string(kTestBodyLimit + 1, ' '));
  EXPECT_EQ(reply.status, 413);
  EXPECT_EQ(reply.json()->getValue<std::string>("type"), "/problems/payload-too-large");
}

TEST_F(HttpServerTest, ConnectionSurvivesDrained413) {
  Reply rejected = send("POST", "/api/things", {{"Content-Type", "application/json"}},
                        std::string(2 * kTestBodyLimit, ' '));
  EXPECT_EQ(rejected.status, 413);
  EXPECT_EQ(rejected.header("Connection"), "Keep-Alive");
  EXPECT_EQ(send("GET", "/api/things/1").status, 200);
}

TEST_F(HttpServerTest, HugeContentLengthIs413) {
  // Only the headers go out: a length far beyond the limit is rejected without reading.
  Poco::Net::HTTPRequest request("POST", "/api/things", Poco::Net::HTTPMessage::HTTP_1_1);
  request.setContentType("application/json");
  request.setContentLength64(1000 * 1000 * 1000);
  session_->sendRequest(request);
  Poco::Net::HTTPResponse response;
  session_->receiveResponse(response);
  EXPECT_EQ(response.getStatus(), 413);
  EXPECT_FALSE(response.getKeepAlive());
}

TEST_F(HttpServerTest, OversizedChunkedBodyIs413) {
  Poco::Net::HTTPRequest request("POST", "/api/things", Poco::Net::HTTPMessage::HTTP_1_1);
  request.setContentType("application/json");
  request.setChunkedTransferEncoding(true);
  Reply reply = exchange(*session_, request, std::string(kTestBodyLimit + 200, ' '));
  EXPECT_EQ(reply.status, 413);
  EXPECT_EQ(reply.json()->getValue<std::string>("type"), "/problems/payload-too-large");
}

TEST_F(HttpServerTest, BodyAtLimitAccepted) {
  Reply reply =
      send("POST", "/api/things",
           {{"Authorization", "Bearer customer-token"}, {"Content-Type", "application/json"}},
           std::string(kTestBodyLimit, ' '));
  EXPECT_EQ(reply.status, 201);
  EXPECT_EQ(reply.json()->getValue<int>("size"), static_cast<int>(kTestBodyLimit));
}

TEST_F(HttpServerTest, WrongMediaTypeIs415) {
  Reply reply =
      send("POST", "/api/things",
           {{"Authorization", "Bearer customer-token"}, {"Content-Type", "text/plain"}}, "{}");
  EXPECT_EQ(reply.status, 415);
}

TEST_F(HttpServerTest, JsonWithCharsetAccepted) {
  Reply reply = send("POST", "/api/things",
                     {{"Authorization", "Bearer customer-token"},
                      {"Content-Type", "Application/JSON; charset=UTF-8"}},
                     "{}");
  EXPECT_EQ(reply.status, 201);
  EXPECT_EQ(reply.json()->getValue<std::string>("caller"), "user-1");
}

TEST_F(HttpServerTest, MissingTokenIs401WithChallenge) {
  Reply reply = send("POST", "/api/things", {{"Content-Type", "application/json"}}, "{}");
  EXPECT_EQ(reply.status, 401);
  EXPECT_EQ(reply.header("WWW-Authenticate").rfind("Bearer", 0), 0u);
}

TEST_F(HttpServerTest, InvalidTokenIs401) {
  Reply reply =
      send("POST", "/api/things",
           {{"Authorization", "Bearer forged"}, {"Content-Type", "application/json"}}, "{}");
  EXPECT_EQ(reply.status, 401);
}

TEST_F(HttpServerTest, CustomerOnAdminRouteIs403) {
  Reply reply = send("DELETE", "/api/things/1", {{"Authorization", "Bearer customer-token"}});
  EXPECT_EQ(reply.status, 403);
  EXPECT_EQ(reply.json()->getValue<std::string>("type"), "/problems/forbidden");
}

TEST_F(HttpServerTest, NoContentHasItsReason) {
  Reply reply = send("DELETE", "/api/things/1", {{"Authorization", "Bearer admin-token"}});
  EXPECT_EQ(reply.status, 204);
  EXPECT_EQ(reply.reason, "No Content");
  EXPECT_TRUE(reply.body.empty());
}

TEST_F(HttpServerTest, SaneRequestIdEchoed) {
  Reply reply = send("GET", "/api/things/1", {{"X-Request-Id", "client-id.42"}});
  EXPECT_EQ(reply.header("X-Request-Id"), "client-id.42");
}

TEST_F(HttpServerTest, InvalidRequestIdReplaced) {
  Reply reply = send("GET", "/api/things/1", {{"X-Request-Id", "has spaces <script>"}});
  std::string id = reply.header("X-Request-Id");
  EXPECT_NE(id, "has spaces <script>");
  EXPECT_EQ(id.size(), 36u);
}

TEST_F(HttpServerTest, HandlerErrorIs500WithoutDetail) {
  Reply reply = send("GET", "/api/broken");
  EXPECT_EQ(reply.status, 500);
  EXPECT_EQ(reply.json()->getValue<std::string>("type"), "/problems/internal");
  EXPECT_EQ(reply.body.find("secret internal detail"), std::string::npos);
}

TEST_F(HttpServerTest, DatabaseUnavailableIs503) {
  Reply reply = send("GET", "/api/database-down");
  EXPECT_EQ(reply.status, 503);
  EXPECT_EQ(reply.json()->getValue<std::string>("type"), "/problems/unavailable");
}

TEST_F(HttpServerTest, ThrownProblemRendered) {
  Reply reply = send("GET", "/api/conflict");
  EXPECT_EQ(reply.status, 409);
  EXPECT_EQ(reply.json()->getValue<std::string>("type"), "/problems/out-of-stock");
}

TEST_F(HttpServerTest, HeaderWithNewlineRefused) {
  Reply reply = send("GET", "/api/bad-header");
  EXPECT_EQ(reply.status, 200);
  EXPECT_FALSE(reply.hasHeader("X-Injected"));
  EXPECT_FALSE(reply.hasHeader("Set-Cookie"));
}

TEST_F(HttpServerTest, BadQueryEncodingIs400) {
  EXPECT_EQ(send("GET", "/api/things/1?q=%zz").status, 400);
}

TEST_F(HttpServerTest, TooManyHeaderFieldsIs431) {
  std::map<std::string, std::string> headers;
  for (int i = 0; i < 120; ++i) headers["X-Filler-" + std::to_string(i)] = "x";
  Reply reply = send("GET", "/api/things/1", headers);
  EXPECT_EQ(reply.status, 431);
  EXPECT_EQ(reply.json()->getValue<std::string>("type"), "/problems/header-too-large");
}

TEST_F(HttpServerTest, KeepAliveServesSeveralRequests) {
  for (int i = 0; i < 3; ++i) {
    Reply reply = send("GET", "/api/things/1");
    EXPECT_EQ(reply.status, 200);
    EXPECT_EQ(reply.header("Connection"), "Keep-Alive");
  }
  EXPECT_EQ(send("DELETE", "/api/things/1", {{"Authorization", "Bearer admin-token"}}).status, 204);
  EXPECT_EQ(send("GET", "/api/things/2").status, 200);
}

TEST_F(HttpServerTest, RequestsCountedByRoute) {
  send("GET", "/api/things/7");
  send("GET", "/nowhere");
  std::string text = registry_->render();
  EXPECT_NE(text.find("http_server_requests_total{role=\"test\",route=\"/api/things/{id}\","
                      "method=\"GET\",status_class=\"2xx\"} 1"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("route=\"unmatched\",method=\"GET\",status_class=\"4xx\"} 1"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("http_server_request_duration_seconds_count{role=\"test\""),
            std::string::npos)
      << text;
}

TEST_F(HttpServerTest, LogLineOmitsToken) {
  std::FILE* file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  log::setOutput(file);
  send("POST", "/api/things",
       {{"Authorization", "Bearer customer-token"}, {"Content-Type", "application/json"}},
       "{\"password\":\"hunter2\"}");
  log::setOutput(nullptr);

  std::rewind(file);
  std::string lines;
  Poco::JSON::Object::Ptr request_line;
  char buffer[4096];
  while (std::fgets(buffer, sizeof(buffer), file) != nullptr) {
    lines += buffer;
    auto line = Poco::JSON::Parser().parse(buffer).extract<Poco::JSON::Object::Ptr>();
    if (line->getValue<std::string>("event") == "request") request_line = line;
  }
  std::fclose(file);
  ASSERT_TRUE(request_line) << lines;
  EXPECT_EQ(request_line->getValue<std::string>("route"), "/api/things");
  EXPECT_EQ(request_line->getValue<std::string>("user_id"), "user-1");
  EXPECT_EQ(request_line->getValue<int>("status"), 201);
  EXPECT_EQ(lines.find("customer-token"), std::string::npos) << lines;
  EXPECT_EQ(lines.find("hunter2"), std::string::npos) << lines;
}

TEST_F(HttpServerTest, PortClashFailsLoudly) {
  ServerSettings settings;
  settings.port = server_->port();
  HttpServer second(settings, router_, std::make_shared<testing::TokenTable>(), registry_);
  try {
    second.start();
    ADD_FAILURE() << "a second server started on port " << settings.port;
  } catch (const std::runtime_error& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find(":" + std::to_string(settings.port) + ": "), std::string::npos)
        << message;
    EXPECT_NE(message.find("in use"), std::string::npos) << message;
  }
}

}  // namespace
}  // namespace agora::http
