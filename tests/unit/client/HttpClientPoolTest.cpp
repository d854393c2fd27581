// Tests the keep-alive connection pool against a real HTTP server on loopback.
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>

#include "ClientTestSupport.h"
#include "platform/client/HttpClientPool.h"

namespace agora::client {
namespace {

using std::chrono::milliseconds;

class HttpClientPoolTest : public ::testing::Test {
 protected:
  HttpClientPoolTest() {
    router_.add({"GET", "/ping", http::Access::kPublic,
                 [](http::Request&) { return http::Response::noContent(); }});
  }

  PoolSettings settings(std::size_t size) {
    PoolSettings pool;
    pool.connect_timeout = milliseconds(200);
    pool.read_timeout = milliseconds(1000);
    pool.max_connections = size;
    return pool;
  }

  /** Sends GET /ping on the lease and returns the local port of its socket. */
  static int ping(HttpClientPool::Lease& lease) {
    Poco::Net::HTTPRequest request("GET", "/ping", Poco::Net::HTTPMessage::HTTP_1_1);
    lease.session().sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::istream& in = lease.session().receiveResponse(response);
    std::string ignored;
    Poco::StreamCopier::copyToString(in, ignored);
    EXPECT_EQ(response.getStatus(), 204);
    return lease.session().socket().address().port();
  }

  http::Router router_;
};

// Test that a returned connection is reused for the next call on the same socket.
TEST_F(HttpClientPoolTest, ReusesConnection) {
  testing::FakePeer peer(router_);
  HttpClientPool pool(ServiceEndpoint::parse(peer.url()), settings(4));

  int first_port = 0;
  {
    HttpClientPool::Lease lease = pool.acquire();
    first_port = ping(lease);
  }
  HttpClientPool::Lease lease = pool.acquire();
  int second_port = ping(lease);

  EXPECT_EQ(first_port, second_port);
  EXPECT_EQ(pool.openConnections(), 1u);
}

// Test that a discarded connection is closed and not handed out again.
TEST_F(HttpClientPoolTest, DiscardedConnectionIsClosed) {
  testing::FakePeer peer(router_);
  HttpClientPool pool(ServiceEndpoint::parse(peer.url()), settings(4));

  {
    HttpClientPool::Lease lease = pool.acquire();
    ping(lease);
    lease.discard();
  }

  EXPECT_EQ(pool.openConnections(), 0u);
  EXPECT_EQ(pool.idleConnections(), 0u);
}

// Test that the pool opens no more connections than its size and then gives up in time.
TEST_F(HttpClientPoolTest, SizeIsBounded) {
  testing::FakePeer peer(router_);
  HttpClientPool pool(ServiceEndpoint::parse(peer.url()), settings(2));
  HttpClientPool::Lease first = pool.acquire();
  HttpClientPool::Lease second = pool.acquire();

  auto started = std::chrono::steady_clock::now();
  EXPECT_THROW(pool.acquire(), PoolExhausted);
  EXPECT_GE(std::chrono::steady_clock::now() - started, milliseconds(150));
  EXPECT_EQ(pool.openConnections(), 2u);
}

// Test that a waiting caller gets the connection another call returns.
TEST_F(HttpClientPoolTest, WaiterGetsReturnedConnection) {
  testing::FakePeer peer(router_);
  HttpClientPool pool(ServiceEndpoint::parse(peer.url()), settings(1));
  auto first = std::make_unique<HttpClientPool::Lease>(pool.acquire());

  std::thread returner([&first] {
    std::this_thread::sleep_for(milliseconds(50));
    first.reset();
  });
  HttpClientPool::Lease second = pool.acquire();
  returner.join();

  EXPECT_EQ(ping(second), ping(second));
  EXPECT_EQ(pool.openConnections(), 1u);
}

}  // namespace
}  // namespace agora::client
