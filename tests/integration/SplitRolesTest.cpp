// Runs auth, users, catalog and orders as four processes that talk over HTTP, sharing sessions
// through a private Redis server, and checks the journey, tracing, access and outage handling.
#include <Poco/Base64Encoder.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/ServerSocket.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "AgoraProcess.h"
#include "platform/security/Random.h"

namespace agora::testing {
namespace {

using std::chrono::milliseconds;

constexpr const char* kOrdersSecret = "orders-client-secret-for-tests";
constexpr const char* kUsersSecret = "users-client-secret-for-tests";
constexpr const char* kTraceId = "4bf92f3577b34da6a3ce929d0e0e4736";

std::string scriptPath() {
  return std::string(AGORA_SOURCE_DIR) + "/tests/servers/test-servers.sh";
}

std::string temporaryFolder(const std::string& name) {
  auto path = std::filesystem::temp_directory_path() /
              ("agora-split-" + name + "-" + security::randomToken(9));
  std::filesystem::create_directories(path);
  return path.string();
}

/** Reads the KEY=VALUE lines of the servers.env that test-servers.sh writes. */
std::map<std::string, std::string> readEnvFile(const std::string& path) {
  std::map<std::string, std::string> values;
  std::ifstream file(path);
  std::string line;
  while (std::getline(file, line)) {
    auto equals = line.find('=');
    if (equals != std::string::npos) values[line.substr(0, equals)] = line.substr(equals + 1);
  }
  return values;
}

/** Returns a port nothing listens on now, for a process whose port others need in advance. */
int freePort() {
  Poco::Net::ServerSocket probe(Poco::Net::SocketAddress("127.0.0.1", 0));
  int port = probe.address().port();
  probe.close();
  return port;
}

std::string sessionKeys() {
  std::ostringstream encoded;
  Poco::Base64Encoder encoder(encoded);
  encoder << security::randomBytes(32);
  encoder.close();
  return "k1:" + encoded.str();
}

std::string jsonText(const Poco::JSON::Object& object) {
  std::ostringstream text;
  object.stringify(text);
  return text.str();
}

/** Log lines of `process` that are request lines for `route` with `request_id`. */
std::vector<Poco::JSON::Object::Ptr> requestLines(const AgoraProcess& process,
                                                  const std::string& route,
                                                  const std::string& request_id) {
  std::vector<Poco::JSON::Object::Ptr> found;
  for (const auto& line : process.logLines()) {
    if (line.find("\"event\":\"request\"") == std::string::npos) continue;
    if (line.find(request_id) == std::string::npos) continue;
    auto object = Poco::JSON::Parser().parse(line).extract<Poco::JSON::Object::Ptr>();
    if (object->optValue<std::string>("route", "") == route &&
        object->optValue<std::string>("request_id", "") == request_id) {
      found.push_back(object);
    }
  }
  return found;
}

class SplitRolesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    servers_dir_ = temporaryFolder("servers");
    std::string start_servers = "'" + scriptPath() + "' start '" + servers_dir_ + "' >/dev/null";
    ASSERT_EQ(std::system(start_servers.c_str()), 0) << "could not start the test servers";
    auto servers = readEnvFile(servers_dir_ + "/servers.env");
    ASSERT_TRUE(servers.count("REDIS_PORT")) << "servers.env names no Redis port";

    common_ = {"--admin-port", "0",
               "--set",        "session.store=redis",
               "--set",        "redis.port=" + servers["REDIS_PORT"],
               "--set",        "redis.key_prefix=agora-split-" + security::randomToken(6) + ":",
               "--set",        "auth.cookie_secure=false"};
    environment_ = {{"AGORA_REDIS_PASSWORD", servers["REDIS_PASSWORD"]},
                    {"AGORA_SESSION_KEYS", sessionKeys()},
                    {"AGORA_AUTH_SERVICE__CLIENTS",
                     std::string("orders:") + kOrdersSecret + ",users:" + kUsersSecret}};

    // The auth role calls users lazily, so users may start after it on a port known now.
    const int users_port = freePort();
    auth_ = start({"--role=auth", "--port", "0", "--set",
                   "services.users.url=http://127.0.0.1:" + std::to_string(users_port)});
    users_ = start({"--role=users", "--seed-demo", "--port", std::to_string(users_port), "--set",
                    "services.auth.url=" + auth_->apiUrl()},
                   kUsersSecret);
    catalog_dir_ = temporaryFolder("catalog");
    catalog_ = startCatalog("0");
    orders_ =
        start({"--role=orders", "--port", "0", "--set", "services.auth.url=" + auth_->apiUrl(),
               "--set", "services.catalog.url=" + catalog_->apiUrl(), "--set",
               "services.breaker_cooldown_milliseconds=1000"},
              kOrdersSecret);
  }

  static void TearDownTestSuite() {
    orders_.reset();
    catalog_.reset();
    users_.reset();
    auth_.reset();
    std::string stop = "'" + scriptPath() + "' stop '" + servers_dir_ + "' >/dev/null";
    EXPECT_EQ(std::system(stop.c_str()), 0);
    std::error_code ignored;
    std::filesystem::remove_all(catalog_dir_, ignored);
    std::filesystem::remove_all(servers_dir_, ignored);
  }

  static std::unique_ptr<AgoraProcess> start(std::vector<std::string> arguments,
                                             const std::string& client_secret = {}) {
    arguments.insert(arguments.end(), common_.begin(), common_.end());
    auto environment = environment_;
    if (!client_secret.empty()) environment["AGORA_SERVICES_CLIENT__SECRET"] = client_secret;
    return AgoraProcess::withArguments(arguments, environment);
  }

  /** Starts the catalog on `port` with a data folder that outlives it, so it can restart there. */
  static std::unique_ptr<AgoraProcess> startCatalog(const std::string& port) {
    return start({"--role=catalog", "--seed-demo", "--port", port, "--data-dir", catalog_dir_,
                  "--set", "services.auth.url=" + auth_->apiUrl()});
  }

  /** Registers at the users role and logs in at the auth role; returns {email, login body}. */
  static std::pair<std::string, Poco::JSON::Object::Ptr> newCustomer(const std::string& name) {
    std::string email = name + "-" + security::randomToken(6) + "@example.test";
    Poco::JSON::Object registration;
    registration.set("email", email);
    registration.set("password", "a long enough passphrase for " + name);
    registration.set("display_name", name);
    HttpResult registered = users_->post("/api/users", jsonText(registration));
    EXPECT_EQ(registered.status, 201) << registered.body;
    return {email, logIn(email, "a long enough passphrase for " + name)};
  }

  static Poco::JSON::Object::Ptr logIn(const std::string& email, const std::string& password) {
    Poco::JSON::Object credentials;
    credentials.set("email", email);
    credentials.set("password", password);
    HttpResult result = auth_->post("/api/auth/login", jsonText(credentials));
    EXPECT_EQ(result.status, 200) << result.body;
    return result.json();
  }

  static std::string firstProductId() {
    HttpResult products = catalog_->get("/api/catalog/products?limit=1");
    EXPECT_EQ(products.status, 200) << products.body;
    return products.json()->getArray("items")->getObject(0)->getValue<std::string>("id");
  }

  static int64_t stockOf(const std::string& product_id) {
    HttpResult product = catalog_->get("/api/catalog/products/" + product_id);
    EXPECT_EQ(product.status, 200) << product.body;
    return product.json()->getValue<int64_t>("stock");
  }

  static HttpCall orderCall(const std::string& product_id, const std::string& token) {
    HttpCall call;
    call.method = "POST";
    call.path = "/api/orders";
    call.body = R"({"items":[{"product_id":")" + product_id + R"(","quantity":1}]})";
    call.bearer = token;
    return call;
  }

  static inline std::string servers_dir_;
  static inline std::string catalog_dir_;
  static inline std::vector<std::string> common_;
  static inline std::map<std::string, std::string> environment_;
  static inline std::unique_ptr<AgoraProcess> auth_;
  static inline std::unique_ptr<AgoraProcess> users_;
  static inline std::unique_ptr<AgoraProcess> catalog_;
  static inline std::unique_ptr<AgoraProcess> orders_;
};

// Test the customer journey across four processes: register, log in, order, cancel.
TEST_F(SplitRolesTest, JourneyAcrossProcesses) {
  auto [email, session] = newCustomer("split");
  const std::string token = session->getValue<std::string>("access_token");
  ASSERT_EQ(users_->get("/api/users/me", token).status, 200);
  const std::string product_id = firstProductId();
  const int64_t stock = stockOf(product_id);

  HttpResult placed = orders_->call(orderCall(product_id, token));
  ASSERT_EQ(placed.status, 201) << placed.body;
  auto order = placed.json();
  EXPECT_EQ(order->getValue<std::string>("status"), "placed");
  EXPECT_FALSE(order->getArray("items")->getObject(0)->getValue<std::string>("name").empty());
  EXPECT_EQ(stockOf(product_id), stock - 1);

  HttpResult cancelled =
      orders_->post("/api/orders/" + order->getValue<std::string>("id") + "/cancel", "", token);
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(cancelled.json()->getValue<std::string>("status"), "cancelled");
  EXPECT_EQ(stockOf(product_id), stock);
}

// Test that the catalog logs the orders request's id and trace for the internal call.
TEST_F(SplitRolesTest, InternalCallCarriesRequestIdAndTrace) {
  auto [email, session] = newCustomer("traced");
  const std::string request_id = "split-trace-" + security::randomToken(6);
  HttpCall call = orderCall(firstProductId(), session->getValue<std::string>("access_token"));
  call.headers["X-Request-Id"] = request_id;
  call.headers["traceparent"] = std::string("00-") + kTraceId + "-00f067aa0ba902b7-01";

  HttpResult placed = orders_->call(call);
  ASSERT_EQ(placed.status, 201) << placed.body;
  std::this_thread::sleep_for(milliseconds(200));

  auto orders_lines = requestLines(*orders_, "/api/orders", request_id);
  auto catalog_lines = requestLines(*catalog_, "/internal/catalog/reservations", request_id);
  ASSERT_EQ(orders_lines.size(), 1u);
  ASSERT_EQ(catalog_lines.size(), 1u);
  EXPECT_EQ(orders_lines[0]->getValue<std::string>("trace_id"), kTraceId);
  EXPECT_EQ(catalog_lines[0]->getValue<std::string>("trace_id"), kTraceId);
  EXPECT_NE(catalog_lines[0]->getValue<std::string>("span_id"),
            orders_lines[0]->getValue<std::string>("span_id"));
  EXPECT_EQ(catalog_lines[0]->getValue<std::string>("user_id"), "orders");
}

/** Returns the log lines of `process` that contain `text`, parsed. */
std::vector<Poco::JSON::Object::Ptr> linesWith(const AgoraProcess& process,
                                               const std::string& text) {
  std::vector<Poco::JSON::Object::Ptr> found;
  for (const auto& line : process.logLines()) {
    if (line.find(text) == std::string::npos) continue;
    found.push_back(Poco::JSON::Parser().parse(line).extract<Poco::JSON::Object::Ptr>());
  }
  return found;
}

/** Returns the events of `lines`, e.g. "request" and "order_placed". */
std::set<std::string> eventsOf(const std::vector<Poco::JSON::Object::Ptr>& lines) {
  std::set<std::string> events;
  for (const auto& line : lines) events.insert(line->getValue<std::string>("event"));
  return events;
}

// Test that every line orders and catalog log for one order carries that order's trace.
TEST_F(SplitRolesTest, OrderTraceFollowsThroughLogs) {
  auto [email, session] = newCustomer("followed");
  const std::string trace_id = "0af7651916cd43dd8448eb211c80319c";
  HttpCall call = orderCall(firstProductId(), session->getValue<std::string>("access_token"));
  call.headers["traceparent"] = "00-" + trace_id + "-b7ad6b7169203331-01";

  HttpResult placed = orders_->call(call);
  ASSERT_EQ(placed.status, 201) << placed.body;
  EXPECT_EQ(placed.header("traceparent").substr(0, 36), "00-" + trace_id + "-");
  const std::string order_id = placed.json()->getValue<std::string>("id");
  std::this_thread::sleep_for(milliseconds(200));

  auto orders_lines = linesWith(*orders_, order_id);
  auto catalog_lines = linesWith(*catalog_, order_id);
  ASSERT_FALSE(orders_lines.empty());
  ASSERT_FALSE(catalog_lines.empty());
  for (const auto& line : orders_lines) {
    EXPECT_EQ(line->optValue<std::string>("trace_id", ""), trace_id)
        << line->getValue<std::string>("event");
  }
  for (const auto& line : catalog_lines) {
    EXPECT_EQ(line->optValue<std::string>("trace_id", ""), trace_id)
        << line->getValue<std::string>("event");
  }

  const auto orders_events = eventsOf(linesWith(*orders_, trace_id));
  const auto catalog_events = eventsOf(linesWith(*catalog_, trace_id));
  EXPECT_TRUE(orders_events.count("order_placed")) << orders_lines.size();
  EXPECT_TRUE(orders_events.count("request"));
  EXPECT_TRUE(catalog_events.count("reservation_made"));
  EXPECT_TRUE(catalog_events.count("request"));
}

// Test that an identity header without a JWT gets no access to a role.
TEST_F(SplitRolesTest, ForgedUserIdHeaderIsRejected) {
  auto [email, session] = newCustomer("forged");
  HttpCall call;
  call.path = "/api/orders";
  call.headers["X-User-Id"] = session->getObject("user")->getValue<std::string>("id");
  call.headers["X-User-Roles"] = "customer,admin";

  HttpResult orders = orders_->call(call);
  call.path = "/api/users/me";
  HttpResult profile = users_->call(call);

  EXPECT_EQ(orders.status, 401) << orders.body;
  EXPECT_EQ(profile.status, 401) << profile.body;
}

// Test that a user token opens no internal route of any role.
TEST_F(SplitRolesTest, UserTokenOnInternalRoutesIsRejected) {
  auto [email, session] = newCustomer("insider");
  const std::string token = session->getValue<std::string>("access_token");

  HttpResult reserve = catalog_->post(
      "/internal/catalog/reservations",
      R"({"order_id":"o-1","items":[{"product_id":")" + firstProductId() + R"(","quantity":1}]})",
      token);
  HttpResult authenticate = users_->post("/internal/users/authenticate",
                                         R"({"email":")" + email + R"(","password":"x"})", token);
  HttpResult revoke = auth_->post("/internal/auth/users/x/sessions/revoke", "{}", token);

  EXPECT_EQ(reserve.status, 401) << reserve.body;
  EXPECT_EQ(authenticate.status, 401) << authenticate.body;
  EXPECT_EQ(revoke.status, 401) << revoke.body;
}

// Test that a password change at the users role ends the other sessions held by auth.
TEST_F(SplitRolesTest, PasswordChangeEndsOtherSessions) {
  auto [email, first] = newCustomer("changer");
  auto second = logIn(email, "a long enough passphrase for changer");
  const std::string first_token = first->getValue<std::string>("access_token");
  const std::string second_token = second->getValue<std::string>("access_token");

  HttpResult changed = users_->post(
      "/api/users/me/password",
      R"({"current_password":"a long enough passphrase for changer","new_password":"a brand new passphrase 2026"})",
      first_token);
  ASSERT_EQ(changed.status, 204) << changed.body;
  std::this_thread::sleep_for(milliseconds(1100));

  EXPECT_EQ(orders_->get("/api/orders", second_token).status, 401);
  EXPECT_EQ(orders_->get("/api/orders", first_token).status, 200);
}

// Test that a stopped catalog makes orders fail fast with 503 and that they recover.
TEST_F(SplitRolesTest, CatalogOutageFailsFastAndRecovers) {
  auto [email, session] = newCustomer("outage");
  const std::string token = session->getValue<std::string>("access_token");
  const std::string product_id = firstProductId();
  const std::string catalog_port = std::to_string(catalog_->apiPort());
  catalog_->stop();

  // Failed attempts open the breaker; from then on placement fails without calling.
  for (int order = 0; order < 3; ++order) {
    EXPECT_EQ(orders_->call(orderCall(product_id, token)).status, 503);
  }
  auto started = std::chrono::steady_clock::now();
  HttpResult rejected = orders_->call(orderCall(product_id, token));
  auto took = std::chrono::steady_clock::now() - started;

  EXPECT_EQ(rejected.status, 503);
  EXPECT_EQ(rejected.header("content-type"), "application/problem+json");
  EXPECT_EQ(rejected.json()->getValue<std::string>("detail"),
            "catalog is unavailable: try again shortly");
  EXPECT_LT(took, milliseconds(1000));
  EXPECT_NE(
      orders_->admin("/metrics").body.find("agora_client_circuit_state{target=\"catalog\"} 1"),
      std::string::npos);

  catalog_ = startCatalog(catalog_port);
  int status = 0;
  for (int attempt = 0; attempt < 50 && status != 201; ++attempt) {
    status = orders_->call(orderCall(product_id, token)).status;
    if (status != 201) std::this_thread::sleep_for(milliseconds(200));
  }
  EXPECT_EQ(status, 201);
}

}  // namespace
}  // namespace agora::testing
