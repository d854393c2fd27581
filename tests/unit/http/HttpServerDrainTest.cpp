// Tests how the API server drains and stops: closing keep-alive connections, refusing new ones,
// and letting in-flight requests finish.
#include <Poco/Exception.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/String.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "ServerTestSupport.h"
#include "platform/http/HttpServer.h"

namespace agora::http {
namespace {

using testing::exchange;
using testing::Reply;

constexpr auto kSlowRequest = std::chrono::milliseconds(800);

class HttpServerDrainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.add({"GET", "/api/slow", Access::kPublic, [this](Request&) {
                   slow_started_ = true;
                   std::this_thread::sleep_for(kSlowRequest);
                   return Response::json(200, Poco::JSON::Object::Ptr(new Poco::JSON::Object));
                 }});
    router_.add({"GET", "/api/fast", Access::kPublic, [](Request&) {
                   return Response::json(200, Poco::JSON::Object::Ptr(new Poco::JSON::Object));
                 }});
    ServerSettings settings;
    settings.role = "test";
    settings.port = 0;
    settings.max_threads = 8;
    server_ =
        std::make_unique<HttpServer>(settings, router_, std::make_shared<testing::TokenTable>(),
                                     std::make_shared<metrics::Registry>());
    server_->start();
    port_ = server_->port();
  }
  void TearDown() override { server_->stop(1); }

  std::unique_ptr<Poco::Net::HTTPClientSession> keepAliveSession() const {
    auto session = std::make_unique<Poco::Net::HTTPClientSession>("127.0.0.1", port_);
    session->setTimeout(Poco::Timespan(10, 0));
    session->setKeepAlive(true);
    return session;
  }

  static Reply get(Poco::Net::HTTPClientSession& session, const std::string& path) {
    Poco::Net::HTTPRequest request("GET", path, Poco::Net::HTTPMessage::HTTP_1_1);
    return exchange(session, request);
  }

  // Waits until the slow handler runs, so a stop that follows finds it in flight.
  void waitForSlowRequest() const {
    for (int i = 0; i < 200 && !slow_started_; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_TRUE(slow_started_.load());
  }

  bool connectionRefused() const {
    try {
      Poco::Net::StreamSocket socket;
      socket.connect(Poco::Net::SocketAddress("127.0.0.1", static_cast<Poco::UInt16>(port_)),
                     Poco::Timespan(2, 0));
      return false;
    } catch (const Poco::Net::ConnectionRefusedException&) {
      return true;
    }
  }

  Router router_;
  std::atomic<bool> slow_started_{false};
  std::unique_ptr<HttpServer> server_;
  int port_ = 0;
};

TEST_F(HttpServerDrainTest, KeepAliveBeforeDrain) {
  auto session = keepAliveSession();
  EXPECT_EQ(get(*session, "/api/fast").header("Connection"), "Keep-Alive");
}

TEST_F(HttpServerDrainTest, DrainingResponsesCloseConnection) {
  auto session = keepAliveSession();
  ASSERT_EQ(get(*session, "/api/fast").status, 200);
  server_->drain();
  Reply reply = get(*session, "/api/fast");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(Poco::toLower(reply.header("Connection")), "close");
}

TEST_F(HttpServerDrainTest, InFlightRequestFinishesDuringStop) {
  auto in_flight = std::async(std::launch::async, [this] {
    auto session = keepAliveSession();
    return get(*session, "/api/slow");
  });
  waitForSlowRequest();
  server_->stop(10);
  EXPECT_EQ(in_flight.get().status, 200);
}

TEST_F(HttpServerDrainTest, StopRefusesNewConnectionsAtOnce) {
  auto in_flight = std::async(std::launch::async, [this] {
    auto session = keepAliveSession();
    return get(*session, "/api/slow");
  });
  waitForSlowRequest();
  auto stopping = std::async(std::launch::async, [this] { server_->stop(10); });
  // Poco's accept loop notices the stop within its 250 ms poll; the slow request lasts longer.
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  EXPECT_TRUE(connectionRefused());
  EXPECT_EQ(in_flight.get().status, 200);
  stopping.get();
}

TEST_F(HttpServerDrainTest, StopEndsWhenClientCloses) {
  auto session = keepAliveSession();
  ASSERT_EQ(get(*session, "/api/fast").status, 200);
  auto closing = std::async(std::launch::async, [&session] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    session->reset();
  });
  auto started = std::chrono::steady_clock::now();
  server_->stop(10);
  closing.get();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(3));
}

TEST_F(HttpServerDrainTest, StopClosesIdleConnectionAfterGrace) {
  auto session = keepAliveSession();
  ASSERT_EQ(get(*session, "/api/fast").status, 200);
  auto started = std::chrono::steady_clock::now();
  server_->stop(1);
  auto took = std::chrono::steady_clock::now() - started;
  EXPECT_GE(took, std::chrono::milliseconds(900));
  EXPECT_LT(took, std::chrono::seconds(3));
}

}  // namespace
}  // namespace agora::http
