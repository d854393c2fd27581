// Shared pieces of the service client tests: a real HTTP server as the other role, and helpers.
#pragma once

#include <Poco/JSON/Parser.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "platform/client/ServiceClient.h"
#include "platform/client/TokenSource.h"
#include "platform/http/HttpServer.h"
#include "platform/http/Router.h"

namespace agora::client::testing {

/** Accepts every token that starts with "service-token" as a service principal, except one. */
class ServiceTokenCheck : public http::Authenticator {
 public:
  explicit ServiceTokenCheck(std::string revoked = {}) : revoked_(std::move(revoked)) {}
  http::AuthenticationResult authenticate(const std::string& token) override {
    if (token.rfind("service-token", 0) != 0 || token == revoked_) {
      return {std::nullopt, "unknown token"};
    }
    return {http::Principal{"test-client", "", {"service"}, token, 0}, ""};
  }

 private:
  std::string revoked_;
};

/** The other role: the pipeline and router of agora on a free loopback port. */
class FakePeer {
 public:
  /** Serves `router`, which must outlive the peer; rejects `revoked_token`. */
  explicit FakePeer(http::Router& router, std::string revoked_token = {}) {
    http::ServerSettings settings;
    settings.role = "peer";
    settings.port = 0;
    settings.max_threads = 16;
    server_ = std::make_unique<http::HttpServer>(settings, router,
                                                 std::make_shared<ServiceTokenCheck>(revoked_token),
                                                 std::make_shared<metrics::Registry>());
    server_->start();
    port_ = server_->port();
  }
  ~FakePeer() { stop(); }

  void stop() {
    if (server_) server_->stop(1);
    server_.reset();
  }
  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port()); }

 private:
  std::unique_ptr<http::HttpServer> server_;
  int port_ = 0;
};

/** Settings with short timeouts for a client of `port`. */
inline ServiceClientSettings settingsFor(int port, const std::string& target = "peer") {
  ServiceClientSettings settings;
  settings.target = target;
  settings.endpoint = ServiceEndpoint::parse("http://127.0.0.1:" + std::to_string(port));
  settings.pool.connect_timeout = std::chrono::milliseconds(300);
  settings.pool.read_timeout = std::chrono::milliseconds(1000);
  settings.pool.max_connections = 4;
  settings.retry.max_attempts = 3;
  settings.retry.base_delay = std::chrono::milliseconds(5);
  settings.retry.max_delay = std::chrono::milliseconds(20);
  settings.retry.budget = std::chrono::milliseconds(3000);
  settings.breaker_failures = 5;
  settings.breaker_cooldown = std::chrono::milliseconds(200);
  return settings;
}

/** Hands out "service-token-<n>", moving to the next n whenever the current one is rejected. */
class NumberedTokens : public TokenSource {
 public:
  std::string token() override { return "service-token-" + std::to_string(number_.load()); }
  void rejected(const std::string& token) override {
    if (token == this->token()) ++number_;
  }
  int number() const { return number_.load(); }

 private:
  std::atomic<int> number_{1};
};

/** The headers of every request a route saw, in order. Thread-safe. */
class SeenRequests {
 public:
  void add(const http::Request& request) {
    std::lock_guard lock(mutex_);
    requests_.push_back(request.headers);
  }
  std::vector<std::map<std::string, std::string>> all() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  std::size_t count() const {
    std::lock_guard lock(mutex_);
    return requests_.size();
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::map<std::string, std::string>> requests_;
};

}  // namespace agora::client::testing
