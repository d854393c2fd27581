// What nginx guarantees at the edge: routes it never opens, authentication of protected routes,
// problem details for its own errors, one copy of each security header, request ids, limits.
#include <Poco/JSON/Array.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "Topology.h"
#include "platform/security/Jwt.h"

namespace agora::testing {
namespace {

std::string fileText(const std::string& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

/** Signs a token with the auth role's own key, so only the claims decide the outcome. */
std::string signedToken(const Account& account, int64_t issued_at, int64_t expires_at) {
  const Topology& topology = Topology::get();
  auto key = std::make_shared<security::SigningKey>(
      security::SigningKey::fromPem(fileText(topology.value("SIGNING_KEY_FILE"))));
  security::TokenIssuer issuer(key, topology.value("AUTH_ISSUER"), topology.value("AUTH_AUDIENCE"));
  security::TokenClaims claims;
  claims.subject = account.user_id;
  claims.session_id = account.session_id;
  claims.roles = {"customer"};
  claims.token_id = "e2e-" + std::to_string(issued_at) + "-" + std::to_string(expires_at);
  claims.issued_at = issued_at;
  claims.not_before = issued_at;
  claims.expires_at = expires_at;
  return issuer.issue(claims);
}

int64_t nowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void expectUnauthorizedAtEdge(const Reply& reply) {
  EXPECT_EQ(reply.status, 401) << reply.body;
  EXPECT_TRUE(reply.isProblem()) << reply.body;
  EXPECT_EQ(reply.count("www-authenticate"), 1u);
  EXPECT_EQ(reply.header("www-authenticate").rfind("Bearer", 0), 0u)
      << reply.header("www-authenticate");
}

// Test that role-to-role routes are unknown from outside, even with a valid token.
TEST(Edge, InternalRoutesAreNotFound) {
  const Topology& topology = Topology::get();
  Account customer = registerCustomer("internal");
  for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
           {"GET", "/internal/auth/verify"},
           {"POST", "/internal/auth/service-token"},
           {"POST", "/internal/users/authenticate"},
           {"POST", "/internal/catalog/reservations"},
           {"DELETE", "/internal/catalog/reservations/x"}}) {
    Call call;
    call.method = method;
    call.path = path;
    call.body = "{}";
    call.bearer = customer.access_token;
    Reply reply = topology.edge(call);
    EXPECT_EQ(reply.status, 404) << method << " " << path << ": " << reply.body;
    EXPECT_TRUE(reply.isProblem()) << reply.body;
  }
}

// Test that the operations endpoints of the admin ports are not reachable through the edge.
TEST(Edge, OperationsEndpointsAreNotFound) {
  for (const char* path : {"/healthz", "/readyz", "/metrics"}) {
    Reply reply = Topology::get().edgeGet(path);
    EXPECT_EQ(reply.status, 404) << path;
    EXPECT_TRUE(reply.isProblem()) << reply.body;
  }
}

// Test that paths whose raw and normalized forms differ cannot reach internal routes.
TEST(Edge, AmbiguousPathsAreRefused) {
  for (const char* path : {"/api/orders/..%2F..%2Finternal%2Fauth%2Fverify",
                           "/api/orders/%2e%2e/%2e%2e/internal/auth/verify",
                           "/api/catalog/products/../../../internal/auth/verify"}) {
    Reply reply = Topology::get().edgeGet(path);
    EXPECT_EQ(reply.status, 400) << path << ": " << reply.body;
    EXPECT_TRUE(reply.isProblem()) << reply.body;
  }
}

// Test that protected routes without a token get the edge's 401 problem and one challenge.
TEST(Edge, MissingTokenGets401) {
  for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
           {"GET", "/api/orders"},
           {"POST", "/api/orders"},
           {"GET", "/api/users"},
           {"GET", "/api/users/me"},
           {"GET", "/api/auth/sessions"},
           {"POST", "/api/auth/logout"},
           {"POST", "/api/catalog/products"},
           {"PATCH", "/api/catalog/products/some-id"},
           {"DELETE", "/api/catalog/products/some-id"}}) {
    Call call;
    call.method = method;
    call.path = path;
    call.body = method == "GET" || method == "DELETE" ? "" : "{}";
    Reply reply = Topology::get().edge(call);
    SCOPED_TRACE(method + " " + path);
    expectUnauthorizedAtEdge(reply);
    EXPECT_EQ(reply.json()->optValue<std::string>("instance", ""), path);
  }
}

// Test that the public routes reach their role without a token.
TEST(Edge, PublicRoutesNeedNoToken) {
  const Topology& topology = Topology::get();
  Reply page = topology.edgeGet("/api/catalog/products?limit=1");
  ASSERT_EQ(page.status, 200) << page.body;
  const std::string product_id =
      page.json()->getArray("items")->getObject(0)->optValue<std::string>("id", "");
  EXPECT_EQ(topology.edgeGet("/api/catalog/products/" + product_id).status, 200);
  EXPECT_EQ(topology.edgeGet("/api/auth/jwks.json").status, 200);
  EXPECT_EQ(topology.edgeGet("/api/openapi.json").status, 200);
  // Invalid bodies: a 400 from the role's own validation shows that the request reached it.
  for (const char* path : {"/api/auth/login", "/api/auth/refresh", "/api/users"}) {
    Reply reply = topology.edgePost(path, "{}");
    EXPECT_EQ(reply.status, 400) << path << ": " << reply.body;
  }
}

// Test that a token with a changed payload is refused at the edge.
TEST(Edge, TamperedTokenGets401) {
  Account customer = registerCustomer("tampered");
  std::string token = customer.access_token;
  const auto first_dot = token.find('.');
  ASSERT_NE(first_dot, std::string::npos);
  // One character of the payload changed; the signature no longer matches.
  char& changed = token[first_dot + 5];
  changed = changed == 'A' ? 'B' : 'A';
  expectUnauthorizedAtEdge(Topology::get().edgeGet("/api/users/me", token));
}

// Test that a correctly signed but expired token is refused, while the same token unexpired
// passes.
TEST(Edge, ExpiredTokenGets401) {
  Account customer = registerCustomer("expired");
  const int64_t now = nowSeconds();
  Reply fresh = Topology::get().edgeGet("/api/users/me", signedToken(customer, now - 5, now + 300));
  EXPECT_EQ(fresh.status, 200) << fresh.body;
  expectUnauthorizedAtEdge(
      Topology::get().edgeGet("/api/users/me", signedToken(customer, now - 1200, now - 600)));
}

// Test that after logout the token is refused at the edge and by the roles within a second.
TEST(Edge, RevokedTokenGets401) {
  const Topology& topology = Topology::get();
  Account customer = registerCustomer("revoked");
  Call logout;
  logout.method = "POST";
  logout.path = "/api/auth/logout";
  logout.bearer = customer.access_token;
  ASSERT_EQ(topology.edge(logout).status, 204);
  const auto logged_out = std::chrono::steady_clock::now();

  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  expectUnauthorizedAtEdge(topology.edgeGet("/api/users/me", customer.access_token));
  Call direct;
  direct.path = "/api/orders";
  direct.bearer = customer.access_token;
  for (const char* replica : {"orders-1", "orders-2"}) {
    EXPECT_EQ(topology.direct(replica, direct).status, 401) << replica;
  }
  EXPECT_LT(std::chrono::steady_clock::now() - logged_out, std::chrono::seconds(2));
}

// Test that a customer on an admin route gets the module's own 403 problem, unchanged.
TEST(Edge, ModuleForbiddenPassesThrough) {
  const Topology& topology = Topology::get();
  Account customer = registerCustomer("forbidden");
  Reply edge = topology.edgeGet("/api/users", customer.access_token);
  EXPECT_EQ(edge.status, 403) << edge.body;
  EXPECT_TRUE(edge.isProblem()) << edge.body;

  Call call;
  call.path = "/api/users";
  call.bearer = customer.access_token;
  Reply direct = topology.direct("users-1", call);
  ASSERT_EQ(direct.status, 403) << direct.body;
  EXPECT_EQ(edge.json()->optValue<std::string>("detail", "edge"),
            direct.json()->optValue<std::string>("detail", "direct"));
}

// Test that identity headers a client forges give nothing, through the edge or around it.
TEST(Edge, ForgedIdentityHeadersAreIgnored) {
  const Topology& topology = Topology::get();
  Account customer = registerCustomer("forger");
  const std::vector<std::pair<std::string, std::string>> forged = {
      {"X-User-Id", customer.user_id},
      {"X-User-Roles", "customer,admin"},
      {"X-Session-Id", customer.session_id}};

  Call admin_route;
  admin_route.path = "/api/users";
  admin_route.bearer = customer.access_token;
  admin_route.headers = forged;
  EXPECT_EQ(topology.edge(admin_route).status, 403);

  const std::vector<std::pair<std::string, Call>> direct_calls = {
      {"users-1", Call{"GET", "/api/users/me", "", "application/json", "", forged}},
      {"auth-1", Call{"GET", "/api/auth/sessions", "", "application/json", "", forged}},
      {"catalog-1", Call{"POST", "/api/catalog/products",
                         R"({"sku":"FORGED","name":"Forged","price_cents":1,"stock":1})",
                         "application/json", "", forged}},
      {"orders-2", Call{"GET", "/api/orders", "", "application/json", "", forged}}};
  for (const auto& [replica, call] : direct_calls) {
    Reply reply = topology.direct(replica, call);
    EXPECT_EQ(reply.status, 401) << replica << " " << call.path << ": " << reply.body;
  }
}

// Test that each security header appears exactly once on role responses and nginx's own.
TEST(Edge, SecurityHeadersAppearOnce) {
  const Topology& topology = Topology::get();
  Call oversized;
  oversized.method = "POST";
  oversized.path = "/api/users";
  oversized.body = std::string(1024 * 1024 + 1, 'x');
  const std::vector<Reply> replies = {
      topology.edgeGet("/api/catalog/products?limit=1"),     // a role's 200
      topology.edgeGet("/api/catalog/products/unknown-id"),  // a role's 404
      topology.edgeGet("/api/orders"),                       // nginx's 401
      topology.edgeGet("/nothing-here"),                     // nginx's 404
      topology.edge(oversized)};                             // nginx's 413
  for (const Reply& reply : replies) {
    for (const char* name :
         {"strict-transport-security", "x-content-type-options", "x-frame-options",
          "referrer-policy", "content-security-policy", "cache-control", "x-request-id"}) {
      EXPECT_EQ(reply.count(name), 1u) << name << " on a " << reply.status;
    }
    EXPECT_EQ(reply.header("x-content-type-options"), "nosniff");
    EXPECT_EQ(reply.header("x-frame-options"), "DENY");
    EXPECT_EQ(reply.header("referrer-policy"), "no-referrer");
    EXPECT_NE(reply.header("content-security-policy").find("default-src 'none'"),
              std::string::npos);
    EXPECT_EQ(reply.header("server"), "nginx");
  }
}

// Test that the edge serves the storefront's page and assets without a token, with the page's
// own content security policy, and nothing else from the web folder.
TEST(Edge, StorefrontServedWithoutToken) {
  const Topology& topology = Topology::get();
  Reply page = topology.edgeGet("/");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_EQ(page.header("content-type"), "text/html; charset=utf-8");
  EXPECT_NE(page.body.find("/assets/app.js"), std::string::npos);
  EXPECT_NE(page.header("content-security-policy").find("script-src 'self'"), std::string::npos);
  for (const char* name :
       {"strict-transport-security", "x-content-type-options", "x-frame-options", "referrer-policy",
        "content-security-policy", "cache-control", "x-request-id"}) {
    EXPECT_EQ(page.count(name), 1u) << name;
  }

  Reply script = topology.edgeGet("/assets/app.js");
  EXPECT_EQ(script.status, 200);
  EXPECT_EQ(script.header("content-type").rfind("text/javascript", 0), 0u)
      << script.header("content-type");
  for (const char* path : {"/assets/missing.js", "/tests/package.json"}) {
    Reply missing = topology.edgeGet(path);
    EXPECT_EQ(missing.status, 404) << path;
    EXPECT_TRUE(missing.isProblem()) << missing.body;
  }
}

// Test that a sane client request id is kept end to end and an unusable one replaced.
TEST(Edge, RequestIdIsKeptOrReplaced) {
  const Topology& topology = Topology::get();
  Call sane;
  sane.path = "/api/catalog/products?limit=1";
  sane.headers = {{"X-Request-Id", "e2e.request-id_1"}};
  Reply echoed = topology.edge(sane);
  EXPECT_EQ(echoed.header("x-request-id"), "e2e.request-id_1");

  Call unusable;
  unusable.path = "/api/orders";
  unusable.headers = {{"X-Request-Id", "not sane; has spaces"}};
  Reply replaced = topology.edge(unusable);
  EXPECT_TRUE(std::regex_match(replaced.header("x-request-id"), std::regex("[0-9a-f]{32}")))
      << replaced.header("x-request-id");
  EXPECT_EQ(replaced.json()->optValue<std::string>("request_id", ""),
            replaced.header("x-request-id"));
}

/** Waits up to 3 s for a line containing `needle` in one of the log files `log_keys` name. */
std::string findLogLine(const std::vector<std::string>& log_keys, const std::string& needle) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while (std::chrono::steady_clock::now() < deadline) {
    for (const auto& key : log_keys) {
      std::ifstream log(Topology::get().value(key));
      std::string line;
      while (std::getline(log, line)) {
        if (line.find(needle) != std::string::npos) return line;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return {};
}

// Test that the request id and the client's traceparent reach the role (its log line).
TEST(Edge, RequestIdAndTraceReachRole) {
  const std::string request_id = "e2e-trace-" + std::to_string(nowSeconds());
  const std::string trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
  Call call;
  call.path = "/api/catalog/products?limit=1";
  call.headers = {{"X-Request-Id", request_id},
                  {"traceparent", "00-" + trace_id + "-00f067aa0ba902b7-01"}};
  ASSERT_EQ(Topology::get().edge(call).status, 200);

  const std::string needle = "\"request_id\":\"" + request_id + "\"";
  const std::string line = findLogLine({"CATALOG_1_LOG", "CATALOG_2_LOG"}, needle);
  ASSERT_FALSE(line.empty()) << "no catalog log line with request id " << request_id;
  EXPECT_NE(line.find(trace_id), std::string::npos) << line;
}

// Test that the access log names the user of a request but never its token.
TEST(Edge, AccessLogHasUserNotToken) {
  Account customer = registerCustomer("logged");
  const std::string request_id = "e2e-access-log-" + std::to_string(nowSeconds());
  Call call;
  call.path = "/api/users/me";
  call.bearer = customer.access_token;
  call.headers = {{"X-Request-Id", request_id}};
  ASSERT_EQ(Topology::get().edge(call).status, 200);

  const std::string line = findLogLine({"NGINX_ACCESS_LOG"}, request_id);
  ASSERT_FALSE(line.empty()) << "no access log line with request id " << request_id;
  EXPECT_NE(line.find("\"user_id\":\"" + customer.user_id + "\""), std::string::npos) << line;
  EXPECT_EQ(line.find(customer.access_token.substr(0, 40)), std::string::npos) << line;
  EXPECT_EQ(line.find("Bearer"), std::string::npos) << line;
}

// Test that nginx keeps the auth check's positive responses per token: requests of two users in
// turn each carry their own user, and the auth role is asked for only some of them.
TEST(Edge, AuthAnswersKeptPerToken) {
  const Account first = registerCustomer("cached-first");
  const Account second = registerCustomer("cached-second");
  const std::string prefix = "e2e-auth-cache-" + std::to_string(nowSeconds()) + "-";
  constexpr int kRequests = 20;
  for (int i = 0; i < kRequests; ++i) {
    const Account& account = i % 2 == 0 ? first : second;
    Call call;
    call.path = "/api/users/me";
    call.bearer = account.access_token;
    call.headers = {{"X-Request-Id", prefix + std::to_string(i)}};
    const Reply reply = Topology::get().edge(call);
    ASSERT_EQ(reply.status, 200) << reply.body;
    EXPECT_EQ(reply.json()->optValue<std::string>("id", ""), account.user_id);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }

  // The auth role logs a check before nginx sends the response, so its log is complete now.
  const std::string auth_log = fileText(Topology::get().value("AUTH_1_LOG"));
  int asked = 0;
  for (int i = 0; i < kRequests; ++i) {
    const Account& account = i % 2 == 0 ? first : second;
    const std::string needle = "\"request_id\":\"" + prefix + std::to_string(i) + "\"";
    const std::string line = findLogLine({"NGINX_ACCESS_LOG"}, needle);
    ASSERT_FALSE(line.empty()) << "no access log line for request " << i;
    EXPECT_NE(line.find("\"user_id\":\"" + account.user_id + "\""), std::string::npos) << line;
    if (auth_log.find(needle) != std::string::npos) ++asked;
  }
  // Each token is checked at least once, and within a second its response is reused.
  EXPECT_GE(asked, 2);
  EXPECT_LT(asked, kRequests);
}

// Test that a body over 1 MiB gets the edge's 413 problem before reaching a role.
TEST(Edge, OversizedBodyGets413) {
  Account customer = registerCustomer("oversized");
  Call call;
  call.method = "POST";
  call.path = "/api/orders";
  call.body = std::string(1024 * 1024 + 1, ' ');
  call.bearer = customer.access_token;
  Reply reply = Topology::get().edge(call);
  EXPECT_EQ(reply.status, 413) << reply.body;
  EXPECT_TRUE(reply.isProblem()) << reply.body;
}

// The rate-limit tests send from 127.0.0.2, which the edge counts as another client, so the
// other tests' logins and registrations from 127.0.0.1 stay below the limits.
constexpr const char* kBurstAddress = "127.0.0.2";

/**
 * Sends `count` invalid bodies to `path` quickly from kBurstAddress. The roles reject them with
 * 400 at once, so any 429 comes from the edge's limit.
 */
std::vector<Reply> burst(const std::string& path, int count) {
  std::vector<Reply> replies;
  for (int i = 0; i < count; ++i) {
    Call call;
    call.method = "POST";
    call.path = path;
    call.body = "{}";
    replies.push_back(Topology::get().edge(call, kBurstAddress));
  }
  return replies;
}

void expectLimited(const std::vector<Reply>& replies) {
  ASSERT_EQ(replies.front().status, 400) << replies.front().body;
  const auto limited = std::find_if(replies.begin(), replies.end(),
                                    [](const Reply& reply) { return reply.status == 429; });
  ASSERT_NE(limited, replies.end()) << "no 429 in " << replies.size() << " requests";
  EXPECT_TRUE(limited->isProblem()) << limited->body;
  EXPECT_EQ(limited->header("retry-after"), "1");
  EXPECT_EQ(limited->json()->optValue<std::string>("type", ""), "/problems/too-many-requests");
}

// Test that a burst of logins from one address is cut off with 429, and only that address.
TEST(Edge, LoginRateLimitGives429) {
  expectLimited(burst("/api/auth/login", 40));
  EXPECT_EQ(Topology::get().edgePost("/api/auth/login", "{}").status, 400);
}

// Test that a burst of registrations from one address is cut off with 429, and only that address.
TEST(Edge, RegistrationRateLimitGives429) {
  expectLimited(burst("/api/users", 25));
  EXPECT_EQ(Topology::get().edgePost("/api/users", "{}").status, 400);
}

}  // namespace
}  // namespace agora::testing
