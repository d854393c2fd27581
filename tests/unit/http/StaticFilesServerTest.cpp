// Tests the storefront fallback behind the real server: headers, HEAD, 405 and API paths.
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>

#include <sstream>

#include "ServerTestSupport.h"
#include "platform/http/HttpServer.h"
#include "platform/http/ResponseWriter.h"
#include "platform/http/StaticFiles.h"

namespace agora::http {
namespace {

constexpr const char* kPage = "<!doctype html><title>Shop</title>";

/** A response with every header kept, repeated names included. */
struct RawReply {
  int status = 0;
  std::multimap<std::string, std::string> headers;
  std::string body;

  std::size_t count(const std::string& name) const { return headers.count(name); }
  std::string header(const std::string& name) const {
    auto found = headers.find(name);
    return found == headers.end() ? std::string() : found->second;
  }
};

class StaticFilesServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_ = testing::makeTestRouter();
    auto files = std::make_shared<const StaticFiles>(
        std::map<std::string, std::string>{{"/index.html", kPage}, {"/assets/app.js", "42;"}});
    StaticFiles::registerRoutes(files, router_, {"/api/", "/internal/"});

    ServerSettings settings;
    settings.role = "test";
    settings.port = 0;
    settings.max_threads = 4;
    server_ =
        std::make_unique<HttpServer>(settings, router_, std::make_shared<testing::TokenTable>(),
                                     std::make_shared<metrics::Registry>());
    server_->start();
  }
  void TearDown() override { server_->stop(1); }

  RawReply send(const std::string& method, const std::string& uri) {
    Poco::Net::HTTPClientSession session("127.0.0.1", server_->port());
    session.setTimeout(Poco::Timespan(10, 0));
    Poco::Net::HTTPRequest request(method, uri, Poco::Net::HTTPMessage::HTTP_1_1);
    session.sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    RawReply reply;
    reply.status = response.getStatus();
    for (const auto& [name, value] : response) reply.headers.emplace(name, value);
    std::ostringstream body;
    Poco::StreamCopier::copyStream(in, body);
    reply.body = body.str();
    return reply;
  }

  Router router_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(StaticFilesServerTest, PageHasOnlyStorefrontPolicy) {
  RawReply reply = send("GET", "/");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body, kPage);
  EXPECT_EQ(reply.count("Content-Security-Policy"), 1u);
  EXPECT_EQ(reply.header("Content-Security-Policy"), kStorefrontContentSecurityPolicy);
  EXPECT_EQ(reply.count("Cache-Control"), 1u);
  EXPECT_EQ(reply.header("Cache-Control"), "no-cache");
  EXPECT_EQ(reply.header("X-Frame-Options"), "DENY");
}

TEST_F(StaticFilesServerTest, ApiKeepsItsOwnPolicy) {
  RawReply reply = send("GET", "/api/things/1");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.header("Content-Security-Policy"), "default-src 'none'; frame-ancestors 'none'");
  EXPECT_EQ(reply.header("Cache-Control"), "no-store");
}

TEST_F(StaticFilesServerTest, HeadSendsNoBody) {
  RawReply reply = send("HEAD", "/assets/app.js");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.header("Content-Length"), "3");
  EXPECT_EQ(reply.header("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_TRUE(reply.body.empty());
}

TEST_F(StaticFilesServerTest, PostToFileIs405) {
  RawReply reply = send("POST", "/index.html");
  EXPECT_EQ(reply.status, 405);
  EXPECT_EQ(reply.header("Allow"), "GET, HEAD");
}

TEST_F(StaticFilesServerTest, UnknownApiPathStaysProblem) {
  RawReply reply = send("POST", "/api/nothing-here");
  EXPECT_EQ(reply.status, 404);
  EXPECT_EQ(reply.header("Content-Type"), kProblemContentType);
}

TEST_F(StaticFilesServerTest, InternalPathIsNotServed) {
  EXPECT_EQ(send("GET", "/internal/index.html").status, 404);
}

TEST_F(StaticFilesServerTest, MissingFileIsProblem) {
  RawReply reply = send("GET", "/assets/missing.js");
  EXPECT_EQ(reply.status, 404);
  EXPECT_EQ(reply.header("Content-Type"), kProblemContentType);
}

TEST_F(StaticFilesServerTest, RawTraversalIsRefused) {
  EXPECT_EQ(send("GET", "/assets/../index.html").status, 400);
  EXPECT_EQ(send("GET", "/assets/%2e%2e/index.html").status, 400);
}

}  // namespace
}  // namespace agora::http
