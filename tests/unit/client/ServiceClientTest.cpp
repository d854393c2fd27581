// Tests the service client against a real HTTP server on loopback: headers, retries, breaker.
#include <Poco/JSON/Parser.h>
#include <Poco/String.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "ClientTestSupport.h"
#include "platform/client/ServiceClient.h"
#include "platform/http/RequestContext.h"
#include "platform/http/TraceParent.h"

namespace agora::client {
namespace {

using std::chrono::milliseconds;
using testing::FakePeer;
using testing::NumberedTokens;
using testing::SeenRequests;
using testing::settingsFor;

constexpr const char* kIncomingTrace = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

class ServiceClientTest : public ::testing::Test {
 protected:
  ServiceClientTest() {
    auto ok = [this](http::Request& request) {
      seen_.add(request);
      Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
      body->set("ok", true);
      return http::Response::json(200, body);
    };
    // Responds 503 while `failures_left_` is above zero, then 200.
    auto flaky = [this, ok](http::Request& request) -> http::Response {
      if (failures_left_.fetch_sub(1) > 0) {
        seen_.add(request);
        throw http::Problem::unavailable("warming up");
      }
      return ok(request);
    };
    router_.add({"GET", "/echo", http::Access::kService, ok});
    router_.add({"GET", "/flaky", http::Access::kService, flaky});
    router_.add({"POST", "/flaky", http::Access::kService, flaky, true});
    router_.add({"GET", "/broken", http::Access::kService, [this](http::Request& request) {
                   seen_.add(request);
                   return http::Response::json(500,
                                               Poco::JSON::Object::Ptr(new Poco::JSON::Object));
                 }});
    router_.add({"GET", "/slow", http::Access::kService, [this](http::Request& request) {
                   seen_.add(request);
                   std::this_thread::sleep_for(milliseconds(600));
                   return http::Response::noContent();
                 }});
    router_.add({"GET", "/conflict", http::Access::kService, [](http::Request&) -> http::Response {
                   throw http::Problem::conflict("/problems/out-of-stock", "Out of stock", "short");
                 }});
    router_.add({"GET", "/unauthorized", http::Access::kPublic,
                 [this](http::Request& request) -> http::Response {
                   seen_.add(request);
                   throw http::Problem::unauthorized();
                 }});
  }

  ServiceClient client(ServiceClientSettings settings) {
    return ServiceClient(std::move(settings), tokens_, registry_);
  }

  /** The 503 problem a call throws, or nullopt. */
  template <typename Call>
  std::optional<http::Problem> problemOf(Call&& call) {
    try {
      call();
    } catch (const http::Problem& problem) {
      return problem;
    }
    return std::nullopt;
  }

  http::Router router_;
  SeenRequests seen_;
  std::atomic<int> failures_left_{0};
  std::shared_ptr<NumberedTokens> tokens_ = std::make_shared<NumberedTokens>();
  std::shared_ptr<metrics::Registry> registry_ = std::make_shared<metrics::Registry>();
};

// Test that a call carries the service token, the request id and the request's trace.
TEST_F(ServiceClientTest, CarriesTokenRequestIdAndTrace) {
  FakePeer peer(router_);
  ServiceClient peer_client = client(settingsFor(peer.port()));
  http::RequestContextScope scope(http::startRequestContext("req-42", std::string(kIncomingTrace)));

  CallResult result = peer_client.call("GET", "/echo", {}, Idempotency::kYes);

  ASSERT_EQ(result.status, 200);
  ASSERT_EQ(seen_.count(), 1u);
  auto headers = seen_.all().front();
  EXPECT_EQ(headers["authorization"], "Bearer service-token-1");
  EXPECT_EQ(headers["x-request-id"], "req-42");
  auto trace = http::parseTraceParent(headers["traceparent"]);
  ASSERT_TRUE(trace);
  EXPECT_EQ(trace->trace_id, "0af7651916cd43dd8448eb211c80319c");
  EXPECT_NE(trace->parent_id, scope.context().span_id);
  EXPECT_NE(trace->parent_id, "b7ad6b7169203331");
}

// Test that a call outside of a request gets a request id and a fresh trace.
TEST_F(ServiceClientTest, StartsTraceOutsideRequest) {
  FakePeer peer(router_);
  ServiceClient peer_client = client(settingsFor(peer.port()));

  peer_client.call("GET", "/echo", {}, Idempotency::kYes);

  auto headers = seen_.all().at(0);
  EXPECT_FALSE(headers["x-request-id"].empty());
  EXPECT_TRUE(http::parseTraceParent(headers["traceparent"]));
}

// Test that the client does not ask to close the connection (HTTP/1.1 keeps it by default).
TEST_F(ServiceClientTest, KeepsConnectionOpen) {
  FakePeer peer(router_);
  ServiceClient peer_client = client(settingsFor(peer.port()));

  peer_client.call("GET", "/echo", {}, Idempotency::kYes);

  EXPECT_NE(Poco::toLower(seen_.all().at(0)["connection"]), "close");
}

// Test that an idempotent call is repeated after 503 responses and then succeeds.
TEST_F(ServiceClientTest, RetriesIdempotentAfter503) {
  FakePeer peer(router_);
  ServiceClient peer_client = client(settingsFor(peer.port()));
  failures_left_ = 2;

  CallResult result = peer_client.call("GET", "/flaky", {}, Idempotency::kYes);

  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(seen_.count(), 3u);
  EXPECT_NE(registry_->render().find("agora_client_retries_total{target=\"peer\"} 2"),
            std::string::npos);
}

// Test that a call that is not idempotent is sent once and its 503 reported.
TEST_F(ServiceClientTest, NoRetryWhenNotIdempotent) {
  FakePeer peer(router_);
  ServiceClient peer_client = client(settingsFor(peer.port()));
  failures_left_ = 2;

  auto problem = problemOf([&] { peer_client.call("POST", "/flaky", {}, Idempotency::kNo); });

  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->status(), 503);
  EXPECT_EQ(seen_.count(), 1u);
  EXPECT_NE(registry_->render().find("agora_client_retries_total{target=\"peer\"} 0"),
            std::string::npos);
}

// Test that retries stop after the configured number of attempts.
TEST_F(ServiceClientTest, AttemptsAreBounded) {
  FakePeer peer(router_);
  ServiceClient peer_client = client(settingsFor(peer.port()));
  failures_left_ = 10;

  auto problem = problemOf([&] { peer_client.call("GET", "/flaky", {}, Idempotency::kYes); });

  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->detail(), "peer is unavailable: try again shortly");
  EXPECT_EQ(seen_.count(), 3u);
}

// Test that a 500 response is reported as unavailable without a retry.
TEST_F(ServiceClientTest, ServerErrorNotRetried) {
  FakePeer peer(router_);
  ServiceClient peer_client = client(settingsFor(peer.port()));

  auto problem = problemOf([&] { peer_client.call("GET", "/broken", {}, Idempotency::kYes); });

  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->status(), 503);
  EXPECT_EQ(seen_.count(), 1u);
}

// Test that read timeouts are retried and the call ends within its bounds.
TEST_F(ServiceClientTest, TimeoutsAreRetriedAndBounded) {
  FakePeer peer(router_);
  ServiceClientSettings settings = settingsFor(peer.port());
  settings.pool.read_timeout = milliseconds(150);
  settings.retry.max_attempts = 2;
  ServiceClient peer_client = client(settings);

  auto started = std::chrono::steady_clock::now();
  auto problem = problemOf([&] { peer_client.call("GET", "/slow", {}, Idempotency::kYes); });
  auto took = std::chrono::steady_clock::now() - started;

  ASSERT_TRUE(problem);
  EXPECT_EQ(seen_.count(), 2u);
  EXPECT_LT(took, milliseconds(600));
  EXPECT_NE(registry_->render().find("outcome=\"timeout\"} 2"), std::string::npos);
}

// Test that a 4xx problem response is handed back to the caller.
TEST_F(ServiceClientTest, ClientErrorIsReturned) {
  FakePeer peer(router_);
  ServiceClient peer_client = client(settingsFor(peer.port()));

  CallResult result = peer_client.call("GET", "/conflict", {}, Idempotency::kYes);

  EXPECT_EQ(result.status, 409);
  ASSERT_TRUE(result.object());
  EXPECT_EQ(result.object()->getValue<std::string>("type"), "/problems/out-of-stock");
}

// Test that a 401 renews the token once and the call then succeeds.
TEST_F(ServiceClientTest, RenewsTokenOnceOn401) {
  FakePeer peer(router_, "service-token-1");
  ServiceClient peer_client = client(settingsFor(peer.port()));

  CallResult result = peer_client.call("GET", "/echo", {}, Idempotency::kNo);

  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(tokens_->number(), 2);
  EXPECT_EQ(seen_.all().at(0)["authorization"], "Bearer service-token-2");
}

// Test that a second 401 in a row is handed back instead of renewing again.
TEST_F(ServiceClientTest, RenewsTokenOnlyOnce) {
  FakePeer peer(router_);
  ServiceClient peer_client = client(settingsFor(peer.port()));

  CallResult result = peer_client.call("GET", "/unauthorized", {}, Idempotency::kYes);

  EXPECT_EQ(result.status, 401);
  EXPECT_EQ(seen_.count(), 2u);
  EXPECT_EQ(tokens_->number(), 2);
}

// Test that a refused connection becomes a 503 problem naming the target.
TEST_F(ServiceClientTest, RefusedConnectionIsUnavailable) {
  int port = 0;
  {
    FakePeer peer(router_);
    port = peer.port();
  }
  ServiceClient peer_client = client(settingsFor(port, "catalog"));

  auto problem = problemOf([&] { peer_client.call("GET", "/echo", {}, Idempotency::kYes); });

  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->status(), 503);
  EXPECT_EQ(problem->detail(), "catalog is unavailable: try again shortly");
}

// Test that repeated failures open the breaker, which then fails fast and later recovers.
TEST_F(ServiceClientTest, BreakerOpensFailsFastAndRecovers) {
  FakePeer peer(router_);
  ServiceClientSettings settings = settingsFor(peer.port());
  settings.retry.max_attempts = 1;
  settings.breaker_failures = 2;
  settings.breaker_cooldown = milliseconds(300);
  ServiceClient peer_client = client(settings);
  failures_left_ = 2;

  problemOf([&] { peer_client.call("GET", "/flaky", {}, Idempotency::kYes); });
  problemOf([&] { peer_client.call("GET", "/flaky", {}, Idempotency::kYes); });
  ASSERT_EQ(peer_client.breakerState(), BreakerState::kOpen);
  auto rejected = problemOf([&] { peer_client.call("GET", "/flaky", {}, Idempotency::kYes); });

  EXPECT_TRUE(rejected);
  EXPECT_EQ(seen_.count(), 2u);
  EXPECT_NE(registry_->render().find("agora_client_circuit_state{target=\"peer\"} 1"),
            std::string::npos);
  EXPECT_NE(registry_->render().find("outcome=\"circuit_open\"} 1"), std::string::npos);

  std::this_thread::sleep_for(milliseconds(350));
  CallResult probe = peer_client.call("GET", "/flaky", {}, Idempotency::kYes);
  EXPECT_EQ(probe.status, 200);
  EXPECT_EQ(peer_client.breakerState(), BreakerState::kClosed);
}

// Test that a JSON body is sent with its media type and parsed on the way back.
TEST_F(ServiceClientTest, SendsAndParsesJson) {
  router_.add({"POST", "/double", http::Access::kService,
               [](http::Request& request) {
                 auto parsed = Poco::JSON::Parser().parse(request.body);
                 int value = parsed.extract<Poco::JSON::Object::Ptr>()->getValue<int>("value");
                 Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
                 body->set("value", value * 2);
                 return http::Response::json(200, body);
               },
               true});
  FakePeer peer(router_);
  ServiceClient peer_client = client(settingsFor(peer.port()));
  Poco::JSON::Object::Ptr request = new Poco::JSON::Object;
  request->set("value", 21);

  CallResult result = peer_client.call("POST", "/double", request, Idempotency::kYes);

  ASSERT_TRUE(result.object());
  EXPECT_EQ(result.object()->getValue<int>("value"), 42);
}

// Test that path segments are percent-encoded.
TEST(EncodePathSegment, EncodesReservedCharacters) {
  EXPECT_EQ(encodePathSegment("a b/c?d"), "a%20b%2Fc%3Fd");
  EXPECT_EQ(encodePathSegment("0b9989cc-58ad"), "0b9989cc-58ad");
}

}  // namespace
}  // namespace agora::client
