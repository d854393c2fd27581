// Shared setup for the auth module tests: a real router, session store and signing key.
#pragma once

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "modules/auth/AuthModule.h"
#include "modules/auth/MemoryLoginThrottle.h"
#include "modules/users/UsersApi.h"
#include "platform/config/Config.h"
#include "platform/http/Problem.h"
#include "platform/http/Router.h"
#include "platform/security/Aead.h"
#include "platform/security/Jwt.h"
#include "platform/sessions/MemorySessionStore.h"
#include "platform/sessions/SessionAuthenticator.h"
#include "platform/sessions/SessionCodec.h"

namespace agora::auth::testing {

/** An in-memory stand-in for the users module: accounts by lower-case email. */
class FakeUsers : public users::UsersApi {
 public:
  void add(users::UserIdentity user, std::string password) {
    std::lock_guard lock(mutex_);
    accounts_[lower(user.email)] = {user, std::move(password)};
  }
  void setDisabled(const std::string& email, bool disabled) {
    std::lock_guard lock(mutex_);
    accounts_.at(lower(email)).user.disabled = disabled;
  }
  void removeAll() {
    std::lock_guard lock(mutex_);
    accounts_.clear();
  }

  users::AuthenticationOutcome authenticate(const std::string& email,
                                            const std::string& password) override {
    std::lock_guard lock(mutex_);
    users::AuthenticationOutcome outcome;
    auto found = accounts_.find(lower(email));
    if (found == accounts_.end() || found->second.password != password) return outcome;
    if (found->second.user.disabled) {
      outcome.check = users::CredentialCheck::kDisabled;
      return outcome;
    }
    outcome.check = users::CredentialCheck::kValid;
    outcome.user = found->second.user;
    return outcome;
  }

  std::optional<users::UserIdentity> findUser(const std::string& user_id) override {
    std::lock_guard lock(mutex_);
    for (const auto& [email, account] : accounts_) {
      if (account.user.id == user_id) return account.user;
    }
    return std::nullopt;
  }

 private:
  struct Account {
    users::UserIdentity user;
    std::string password;
  };
  static std::string lower(std::string text) {
    for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return text;
  }
  std::mutex mutex_;
  std::map<std::string, Account> accounts_;
};

/** A response as a client sees it, whether the handler returned or threw a Problem. */
struct Reply {
  int status = 0;
  Poco::JSON::Object::Ptr body;  // null when there is no body
  std::vector<std::pair<std::string, std::string>> headers;

  std::string header(const std::string& name) const {
    for (const auto& [key, value] : headers) {
      if (key == name) return value;
    }
    return {};
  }
  std::string text(const std::string& field) const { return body->getValue<std::string>(field); }
  std::string bodyText() const {
    if (!body) return {};
    std::ostringstream out;
    Poco::JSON::Stringifier::stringify(body, out);
    return out.str();
  }
};

/** One request to send through the router. */
struct Call {
  std::string method = "GET";
  std::string path;
  std::string body;
  std::string bearer;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string client_ip = "192.0.2.10";
};

/** The whole module on real parts; only the users module is a stand-in. */
class AuthFixture : public ::testing::Test {
 protected:
  static constexpr int64_t kStart = 1'800'000'000;
  static std::shared_ptr<const security::SigningKey> sharedKey() {
    static auto key =
        std::make_shared<const security::SigningKey>(security::SigningKey::generate(2048));
    return key;
  }

  void SetUp() override {
    clock = [this] { return now.load(); };
    key = sharedKey();
    public_keys = std::make_shared<security::PublicKeySet>();
    public_keys->add(key->keyId(), key->publicPem());
    auto ring = std::make_shared<const security::KeyRing>(
        "k1", std::map<std::string, std::string>{{"k1", std::string(32, 'x')}});
    store = std::make_shared<sessions::MemorySessionStore>(
        std::make_shared<const sessions::SessionCodec>(ring), sessions::SessionLimits{}, clock);
    verifier = std::make_shared<const security::TokenVerifier>(public_keys, "agora", "agora-api");
    authenticator = std::make_shared<sessions::SessionAuthenticator>(verifier, store, clock, 500);
    users = std::make_shared<FakeUsers>();
    users->add({"user-1", "Ada@Example.com", "Ada", {"customer"}, false}, "correct horse battery");
    users->add({"user-2", "bob@example.com", "Bob", {"customer", "admin"}, false},
               "another long password");
    config.set("auth.service_clients", "orders:orders-secret-value,users:users-secret");
    AuthModule::addDefaults(config);
    throttle = std::make_shared<MemoryLoginThrottle>(clock);
    module = std::make_unique<AuthModule>(config, store, users, key, public_keys, authenticator,
                                          clock, throttle);
    module->registerRoutes(router);
  }

  /** Sends a call the way the server pipeline would: match, authenticate, run, render. */
  Reply send(const Call& call) {
    const http::RouteMatch match = router.match(call.method, call.path);
    if (match.route == nullptr) return Reply{match.path_known ? 405 : 404, nullptr, {}};
    http::Request request;
    request.method = call.method;
    request.path = call.path;
    request.route = match.route->path_template;
    request.request_id = "test-request";
    request.client_ip = call.client_ip;
    request.body = call.body;
    request.path_params = match.path_params;
    request.headers = call.headers;
    if (!call.bearer.empty()) request.headers["authorization"] = "Bearer " + call.bearer;
    try {
      if (match.route->access != http::Access::kPublic) {
        http::AuthenticationResult result = authenticator->authenticate(call.bearer);
        if (!result.principal) throw http::Problem::unauthorized();
        request.principal = result.principal;
      }
      return render(match.route->handler(request));
    } catch (const http::Problem& problem) {
      Reply reply;
      reply.status = problem.status();
      reply.body = problem.toJson(call.path, request.request_id);
      reply.headers = problem.headers();
      return reply;
    }
  }

  Reply login(const std::string& email, const std::string& password,
              const std::string& client_ip = "192.0.2.10") {
    Call call;
    call.method = "POST";
    call.path = "/api/auth/login";
    call.body = R"({"email":")" + email + R"(","password":")" + password + R"("})";
    call.headers["content-type"] = "application/json";
    call.headers["user-agent"] = "agora-tests/1.0";
    call.client_ip = client_ip;
    return send(call);
  }
  Reply loginAda() { return login("ada@example.com", "correct horse battery"); }

  Reply refresh(const std::string& refresh_token) {
    Call call;
    call.method = "POST";
    call.path = "/api/auth/refresh";
    call.body = R"({"refresh_token":")" + refresh_token + R"("})";
    call.headers["content-type"] = "application/json";
    return send(call);
  }

  Reply withBearer(const std::string& method, const std::string& path, const std::string& token) {
    Call call;
    call.method = method;
    call.path = path;
    call.bearer = token;
    return send(call);
  }

  std::atomic<int64_t> now{kStart};
  Clock clock;
  config::Config config;
  std::shared_ptr<const security::SigningKey> key;
  std::shared_ptr<security::PublicKeySet> public_keys;
  std::shared_ptr<sessions::MemorySessionStore> store;
  std::shared_ptr<const security::TokenVerifier> verifier;
  std::shared_ptr<sessions::SessionAuthenticator> authenticator;
  std::shared_ptr<FakeUsers> users;
  std::shared_ptr<MemoryLoginThrottle> throttle;
  std::unique_ptr<AuthModule> module;
  http::Router router;

 private:
  static Reply render(const http::Response& response) {
    Reply reply;
    reply.status = response.status;
    reply.headers = response.headers;
    if (!response.raw_body.empty()) {
      reply.body = Poco::JSON::Parser().parse(response.raw_body).extract<Poco::JSON::Object::Ptr>();
    } else if (!response.body.isEmpty()) {
      std::ostringstream out;
      Poco::JSON::Stringifier::stringify(response.body, out);
      reply.body = Poco::JSON::Parser().parse(out.str()).extract<Poco::JSON::Object::Ptr>();
    }
    return reply;
  }
};

}  // namespace agora::auth::testing
