// Tests the operations port: liveness, readiness, draining and metrics.
#include <gtest/gtest.h>

#include <atomic>

#include "ServerTestSupport.h"
#include "platform/http/HttpServer.h"

namespace agora::http {
namespace {

using testing::exchange;
using testing::Reply;

class AdminServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    registry_ = std::make_shared<metrics::Registry>();
    registry_->increment("admin_test_total", {});
    server_ = std::make_unique<AdminServer>(
        "127.0.0.1", 0, [this] { return std::string(not_ready_ ? "database: down" : ""); },
        registry_);
    server_->start();
  }
  void TearDown() override { server_->stop(); }

  Reply get(const std::string& path, const std::string& method = "GET") {
    Poco::Net::HTTPClientSession session("127.0.0.1", server_->port());
    session.setTimeout(Poco::Timespan(10, 0));
    Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    return exchange(session, request);
  }

  std::atomic<bool> not_ready_{false};
  std::shared_ptr<metrics::Registry> registry_;
  std::unique_ptr<AdminServer> server_;
};

TEST_F(AdminServerTest, HealthzIsOk) {
  Reply reply = get("/healthz");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.json()->getValue<std::string>("status"), "ok");
}

TEST_F(AdminServerTest, ReadyzWhenReady) {
  Reply reply = get("/readyz");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.json()->getValue<std::string>("status"), "ready");
}

TEST_F(AdminServerTest, ReadyzReportsReason) {
  not_ready_ = true;
  Reply reply = get("/readyz");
  EXPECT_EQ(reply.status, 503);
  EXPECT_EQ(reply.json()->getValue<std::string>("status"), "not ready");
  EXPECT_EQ(reply.json()->getValue<std::string>("reason"), "database: down");
}

TEST_F(AdminServerTest, DrainingIsNotReady) {
  server_->markDraining();
  Reply reply = get("/readyz");
  EXPECT_EQ(reply.status, 503);
  EXPECT_EQ(reply.json()->getValue<std::string>("reason"), "shutting down");
  EXPECT_EQ(get("/healthz").status, 200);
}

TEST_F(AdminServerTest, MetricsInTextFormat) {
  Reply reply = get("/metrics");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(reply.body.find("admin_test_total 1\n"), std::string::npos) << reply.body;
}

TEST_F(AdminServerTest, UnknownPathIs404) {
  EXPECT_EQ(get("/api/users").status, 404);
}

TEST_F(AdminServerTest, PostIsNotAllowed) {
  EXPECT_EQ(get("/healthz", "POST").status, 405);
}

}  // namespace
}  // namespace agora::http
