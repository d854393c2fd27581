// The ConnectionGuard over real loopback sockets: deadlines, eviction under a queue, stop.
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "platform/http/ConnectionGuard.h"

namespace agora::http {
namespace {

using namespace std::chrono_literals;

/** A connected pair of loopback sockets: the server's end and the client's. */
struct SocketPair {
  Poco::Net::StreamSocket server;
  Poco::Net::StreamSocket client;
};

class ConnectionGuardTest : public ::testing::Test {
 protected:
  SocketPair connect() {
    SocketPair pair;
    pair.client.connect(Poco::Net::SocketAddress("127.0.0.1", listener_.address().port()));
    pair.server = listener_.acceptConnection();
    return pair;
  }

  /** True once the server's end was shut down: the client reads the end of the stream. */
  static bool closedWithin(Poco::Net::StreamSocket& client, std::chrono::milliseconds limit) {
    client.setReceiveTimeout(Poco::Timespan(0, static_cast<long>(limit.count()) * 1000));
    char byte;
    try {
      return client.receiveBytes(&byte, 1) == 0;
    } catch (const Poco::Exception&) {
      return false;  // timed out: still open
    }
  }

  ConnectionLimits limits(std::chrono::milliseconds head, std::chrono::milliseconds request) {
    ConnectionLimits result;
    result.head_timeout = head;
    result.request_timeout = request;
    result.eviction_grace = 100ms;
    result.idle_grace = 200ms;
    result.check_interval = 10ms;
    return result;
  }

  Poco::Net::ServerSocket listener_{Poco::Net::SocketAddress("127.0.0.1", 0)};
  std::shared_ptr<metrics::Registry> registry_ = std::make_shared<metrics::Registry>();
  std::atomic<int> queued_{0};
};

TEST_F(ConnectionGuardTest, SlowHeadIsCut) {
  ConnectionGuard guard(
      limits(200ms, 5s), [] { return 0; }, registry_, "test");
  SocketPair pair = connect();
  auto watch = guard.watch(pair.server);
  watch->awaitRequest();
  watch->readHead();
  EXPECT_TRUE(closedWithin(pair.client, 2s));
  EXPECT_TRUE(watch->wasCut());
}

TEST_F(ConnectionGuardTest, ServedRequestKeepsItsConnection) {
  ConnectionGuard guard(
      limits(200ms, 5s), [] { return 0; }, registry_, "test");
  SocketPair pair = connect();
  auto watch = guard.watch(pair.server);
  watch->serve();
  EXPECT_FALSE(closedWithin(pair.client, 500ms));
  EXPECT_FALSE(watch->wasCut());
}

TEST_F(ConnectionGuardTest, RequestTimeoutCutsTooSlowRequests) {
  ConnectionGuard guard(
      limits(5s, 200ms), [] { return 0; }, registry_, "test");
  SocketPair pair = connect();
  auto watch = guard.watch(pair.server);
  watch->serve();
  EXPECT_TRUE(closedWithin(pair.client, 2s));
}

TEST_F(ConnectionGuardTest, IdleEvictedFirstWhenQueued) {
  ConnectionGuard guard(
      limits(5s, 5s), [this] { return queued_.load(); }, registry_, "test");
  SocketPair opening = connect();
  SocketPair idle = connect();
  SocketPair serving = connect();
  auto opening_watch = guard.watch(opening.server);
  opening_watch->awaitRequest();
  auto idle_watch = guard.watch(idle.server);
  idle_watch->serve();
  idle_watch->awaitRequest();  // after its first response: idle between requests
  auto serving_watch = guard.watch(serving.server);
  serving_watch->serve();

  // No connection waits, so none is cut.
  EXPECT_FALSE(closedWithin(idle.client, 300ms));
  queued_ = 1;
  EXPECT_TRUE(closedWithin(idle.client, 2s));
  // One waiting connection costs one connection, and never one being served.
  EXPECT_FALSE(closedWithin(opening.client, 300ms));
  EXPECT_FALSE(closedWithin(serving.client, 100ms));
  queued_ = 0;
}

TEST_F(ConnectionGuardTest, IdleKeptDuringItsGrace) {
  ConnectionLimits settings = limits(5s, 5s);
  settings.idle_grace = 1500ms;
  ConnectionGuard guard(
      settings, [this] { return queued_.load(); }, registry_, "test");
  SocketPair idle = connect();
  auto idle_watch = guard.watch(idle.server);
  idle_watch->serve();
  idle_watch->awaitRequest();
  queued_ = 1;

  EXPECT_FALSE(closedWithin(idle.client, 600ms));
  EXPECT_TRUE(closedWithin(idle.client, 3s));
  queued_ = 0;
}

TEST_F(ConnectionGuardTest, OpeningIsEvictedAfterGrace) {
  ConnectionGuard guard(
      limits(5s, 5s), [this] { return queued_.load(); }, registry_, "test");
  SocketPair opening = connect();
  SocketPair serving = connect();
  auto opening_watch = guard.watch(opening.server);
  opening_watch->awaitRequest();
  auto serving_watch = guard.watch(serving.server);
  serving_watch->serve();
  queued_ = 5;
  EXPECT_TRUE(closedWithin(opening.client, 2s));
  EXPECT_FALSE(closedWithin(serving.client, 300ms));
}

TEST_F(ConnectionGuardTest, ShutdownAllCutsEveryConnection) {
  ConnectionGuard guard(
      limits(5s, 5s), [] { return 0; }, registry_, "test");
  SocketPair pair = connect();
  auto watch = guard.watch(pair.server);
  watch->serve();
  guard.shutdownAll();
  EXPECT_TRUE(closedWithin(pair.client, 1s));
}

}  // namespace
}  // namespace agora::http
