// Tests caching and renewal of service tokens against a fake token exchange on loopback.
#include <gtest/gtest.h>

#include <thread>

#include "ClientTestSupport.h"
#include "platform/client/ServiceTokenProvider.h"

namespace agora::client {
namespace {

using std::chrono::milliseconds;
using testing::FakePeer;
using testing::settingsFor;

constexpr const char* kSecret = "orders-secret";

class ServiceTokenProviderTest : public ::testing::Test {
 protected:
  ServiceTokenProviderTest() {
    router_.add({"POST", "/internal/auth/service-token", http::Access::kPublic,
                 [this](http::Request& request) {
                   auto body =
                       Poco::JSON::Parser().parse(request.body).extract<Poco::JSON::Object::Ptr>();
                   if (body->getValue<std::string>("client_secret") != kSecret) {
                     throw http::Problem::unauthorized("the client id or secret is wrong");
                   }
                   std::this_thread::sleep_for(milliseconds(exchange_delay_ms_));
                   int number = ++issued_;
                   Poco::JSON::Object::Ptr response = new Poco::JSON::Object;
                   response->set("access_token", "service-token-" + std::to_string(number));
                   response->set("token_type", "Bearer");
                   response->set("expires_in", lifetime_.load());
                   return http::Response::json(200, response);
                 },
                 true});
    router_.add({"GET", "/internal/things", http::Access::kService, [](http::Request& request) {
                   Poco::JSON::Object::Ptr response = new Poco::JSON::Object;
                   response->set("caller", request.caller().token_id);
                   return http::Response::json(200, response);
                 }});
  }

  std::shared_ptr<ServiceTokenProvider> provider(const FakePeer& peer,
                                                 const std::string& secret = kSecret) {
    auto auth =
        std::make_shared<ServiceClient>(settingsFor(peer.port(), "auth"), nullptr, registry_);
    return std::make_shared<ServiceTokenProvider>(auth, "orders", secret,
                                                  [this] { return now_.load(); });
  }

  http::Router router_;
  std::atomic<int> issued_{0};
  std::atomic<int64_t> lifetime_{300};
  std::atomic<int> exchange_delay_ms_{0};
  std::atomic<int64_t> now_{1'800'000'000};
  std::shared_ptr<metrics::Registry> registry_ = std::make_shared<metrics::Registry>();
};

// Test that the token is fetched once and then served from the cache.
TEST_F(ServiceTokenProviderTest, CachesToken) {
  FakePeer peer(router_);
  auto tokens = provider(peer);

  EXPECT_EQ(tokens->token(), "service-token-1");
  EXPECT_EQ(tokens->token(), "service-token-1");
  EXPECT_EQ(issued_.load(), 1);
}

// Test that a 300-second token is renewed 30 seconds before it expires.
TEST_F(ServiceTokenProviderTest, RenewsThirtySecondsEarly) {
  FakePeer peer(router_);
  auto tokens = provider(peer);
  tokens->token();

  now_ += 269;
  EXPECT_EQ(tokens->token(), "service-token-1");
  now_ += 1;
  EXPECT_EQ(tokens->token(), "service-token-2");
}

// Test that a short-lived token is renewed a tenth of its lifetime early.
TEST_F(ServiceTokenProviderTest, ShortLifetimeRenewsTenthEarly) {
  lifetime_ = 60;
  FakePeer peer(router_);
  auto tokens = provider(peer);
  tokens->token();

  now_ += 53;
  EXPECT_EQ(tokens->token(), "service-token-1");
  now_ += 1;
  EXPECT_EQ(tokens->token(), "service-token-2");
}

// Test that a rejected token is replaced and a stale rejection changes nothing.
TEST_F(ServiceTokenProviderTest, RejectedTokenIsReplaced) {
  FakePeer peer(router_);
  auto tokens = provider(peer);
  tokens->token();

  tokens->rejected("service-token-0");
  EXPECT_EQ(tokens->token(), "service-token-1");
  tokens->rejected("service-token-1");
  EXPECT_EQ(tokens->token(), "service-token-2");
}

// Test that a callee's 401 makes the client fetch a new token once and succeed.
TEST_F(ServiceTokenProviderTest, RefreshesOn401FromCallee) {
  FakePeer auth(router_);
  FakePeer callee(router_, "service-token-1");
  ServiceClient client(settingsFor(callee.port()), provider(auth), registry_);

  CallResult result = client.call("GET", "/internal/things", {}, Idempotency::kYes);

  ASSERT_EQ(result.status, 200);
  EXPECT_EQ(result.object()->getValue<std::string>("caller"), "service-token-2");
  EXPECT_EQ(issued_.load(), 2);
}

// Test that rejected credentials end in a 503 problem rather than a token.
TEST_F(ServiceTokenProviderTest, WrongSecretIsUnavailable) {
  FakePeer peer(router_);
  auto tokens = provider(peer, "wrong-secret");

  try {
    tokens->token();
    ADD_FAILURE() << "a token was handed out";
  } catch (const http::Problem& problem) {
    EXPECT_EQ(problem.status(), 503);
  }
  EXPECT_EQ(issued_.load(), 0);
}

// Test that concurrent callers share one fetch.
TEST_F(ServiceTokenProviderTest, OneFetchAtATime) {
  exchange_delay_ms_ = 100;
  FakePeer peer(router_);
  auto tokens = provider(peer);

  std::vector<std::thread> callers;
  std::vector<std::string> seen(6);
  for (std::size_t i = 0; i < seen.size(); ++i) {
    callers.emplace_back([&, i] { seen[i] = tokens->token(); });
  }
  for (auto& caller : callers) caller.join();

  EXPECT_EQ(issued_.load(), 1);
  for (const auto& token : seen) EXPECT_EQ(token, "service-token-1");
}

// Test the renewal arithmetic directly.
TEST(RenewalTime, MarginIsThirtySecondsOrTenth) {
  EXPECT_EQ(renewalTime(1000, 600), 1000 + 570);
  EXPECT_EQ(renewalTime(1000, 300), 1000 + 270);
  EXPECT_EQ(renewalTime(1000, 100), 1000 + 90);
  EXPECT_EQ(renewalTime(1000, 0), 1000);
}

}  // namespace
}  // namespace agora::client
