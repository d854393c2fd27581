// Tests that a call survives a server closing a kept-alive connection while it sat idle.
#include <Poco/JSON/Object.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "ClientTestSupport.h"
#include "platform/client/ServiceClient.h"

namespace agora::client {
namespace {

/**
 * A loopback HTTP/1.1 server that responds 200 with keep-alive to each connection's first
 * request and then closes the connection, as a server shedding idle connections does.
 */
class ClosingServer {
 public:
  ClosingServer() : socket_(Poco::Net::SocketAddress("127.0.0.1", 0)) {
    thread_ = std::thread([this] { serve(); });
  }
  ~ClosingServer() {
    stopping_ = true;
    // Wakes the blocking accept.
    try {
      Poco::Net::StreamSocket wake(Poco::Net::SocketAddress("127.0.0.1", port()));
    } catch (const Poco::Exception&) {
    }
    thread_.join();
  }
  int port() const { return socket_.address().port(); }
  int requests() const { return requests_; }

 private:
  void serve() {
    while (!stopping_) {
      Poco::Net::StreamSocket connection = socket_.acceptConnection();
      if (stopping_) break;
      connection.setReceiveTimeout(Poco::Timespan(2, 0));
      std::string request;
      char buffer[4096];
      try {
        // The client sends a small head and a body of the length it declares.
        while (true) {
          int n = connection.receiveBytes(buffer, sizeof buffer);
          if (n <= 0) break;
          request.append(buffer, static_cast<std::size_t>(n));
          std::size_t head_end = request.find("\r\n\r\n");
          if (head_end == std::string::npos) continue;
          std::size_t length_at = request.find("Content-Length: ");
          std::size_t length =
              length_at == std::string::npos ? 0 : std::stoul(request.substr(length_at + 16));
          if (request.size() >= head_end + 4 + length) break;
        }
      } catch (const Poco::Exception&) {
        continue;
      }
      if (request.empty()) continue;
      ++requests_;
      const std::string response =
          "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\n"
          "Connection: keep-alive\r\n\r\n{\"ok\":true}";
      connection.sendBytes(response.data(), static_cast<int>(response.size()));
      // Gives the client time to put the connection back in its pool, then drops it.
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      connection.close();
    }
  }

  Poco::Net::ServerSocket socket_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> requests_{0};
  std::thread thread_;
};

// Test that a call that is not idempotent is sent again on a new connection, exactly once,
// when its kept-alive connection turns out to be closed.
TEST(StaleConnection, PostGoesOutOnNewConnection) {
  ClosingServer server;
  const Poco::Dynamic::Var kBody = Poco::JSON::Object::Ptr(new Poco::JSON::Object);
  ServiceClient client(testing::settingsFor(server.port()),
                       std::make_shared<testing::NumberedTokens>(),
                       std::make_shared<metrics::Registry>());

  CallResult first = client.call("POST", "/first", kBody, Idempotency::kNo);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  CallResult second = client.call("POST", "/second", kBody, Idempotency::kNo);

  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(second.status, 200);
  EXPECT_EQ(server.requests(), 2);
}

}  // namespace
}  // namespace agora::client
