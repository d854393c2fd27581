// Proves that the Grafana dashboard shows data: Prometheus (scripts/prometheus.sh) scrapes the
// end-to-end topology while traffic through nginx moves every business counter, and each panel
// query of k8s/monitoring/grafana-dashboard.json must return samples, above zero unless named.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "Prometheus.h"
#include "Topology.h"

namespace agora::testing {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::seconds;

/** What a dashboard query must show once the traffic has run. */
struct Expectation {
  /** False for a query that stays at zero in a healthy topology, and `reason` explains why. */
  bool moves = true;
  /** With `values`: the series of each value of `label` must be above zero. */
  std::string label;
  std::vector<std::string> values;
  std::string reason;
};

/**
 * Returns the expectations by panel title and legend. A query not listed must return a sample
 * above zero. The listed queries that stay at zero are gauges between requests, or count failures
 * that a healthy topology does not have. Each must still return its series.
 */
const std::map<std::pair<std::string, std::string>, Expectation>& expectations() {
  static const std::map<std::pair<std::string, std::string>, Expectation> table = {
      {{"Request rate", "{{role}}"}, {true, "role", {"auth", "users", "catalog", "orders"}, ""}},
      {{"Error ratio (5xx)", "{{role}}"},
       {false, "", {}, "the healthy topology sends no 5xx responses, so the ratio is 0"}},
      {{"Requests in flight", "{{role}}"},
       {false, "", {}, "a gauge read at the scrape, 0 between requests"}},
      {{"Logins by result", "{{result}}"}, {true, "result", {"success", "invalid", "locked"}, ""}},
      {{"Lockouts and refresh-token reuse", "lockout {{scope}}"}, {true, "scope", {"account"}, ""}},
      {{"Sessions", "revoked: {{reason}}"}, {true, "reason", {"logout", "reuse"}, ""}},
      {{"Reservations and stock conflicts", "reserve: {{result}}"},
       {true, "result", {"reserved", "out_of_stock"}, ""}},
      {{"Database pools in use", "{{component}} {{module}} in use"},
       {false, "", {}, "a gauge read at the scrape, 0 between requests"}},
      {{"Redis pools in use", "{{component}} {{pool}} in use"},
       {false, "", {}, "a gauge read at the scrape, 0 between requests"}},
      {{"Pool waits and errors", "db waits {{module}}"},
       {false, "", {}, "a caller waits only when every pooled connection is busy"}},
      {{"Pool waits and errors", "db errors {{module}}"},
       {false, "", {}, "counts failed database connections; the database is up"}},
      {{"Pool waits and errors", "redis waits {{pool}}"},
       {false, "", {}, "a caller waits only when every pooled connection is busy"}},
      {{"Pool waits and errors", "redis errors {{pool}}"},
       {false, "", {}, "counts failed Redis connections; Redis is up"}},
      {{"Calls to other roles", "{{component}} → {{target}} {{outcome}}"},
       {true, "target", {"users", "catalog"}, ""}},
      {{"Retries", "{{component}} → {{target}}"},
       {false, "", {}, "a call is repeated only after a failed attempt; every call succeeds"}},
      {{"Circuit breakers", "{{component}} → {{target}}"},
       {false, "", {}, "0 is a closed circuit, the state of a healthy topology"}},
  };
  return table;
}

/** Checks one query's response against `expectation` and returns the problem, or "" if none. */
std::string verdict(const Poco::JSON::Object::Ptr& body, const Expectation& expectation) {
  if (!body) return "Prometheus did not answer";
  if (body->optValue<std::string>("status", "") != "success") {
    return "error: " + body->optValue<std::string>("error", "");
  }
  auto result = body->getObject("data")->getArray("result");
  if (result->size() == 0) return "empty result";
  if (!expectation.moves) return "";
  std::set<std::string> above_zero;
  bool any = false;
  for (std::size_t index = 0; index < result->size(); ++index) {
    auto sample = result->getObject(index);
    const double value = std::stod(sample->getArray("value")->getElement<std::string>(1));
    if (!(value > 0)) continue;
    any = true;
    if (!expectation.label.empty()) {
      above_zero.insert(sample->getObject("metric")->optValue<std::string>(expectation.label, ""));
    }
  }
  if (!any) return "no sample above 0 in " + std::to_string(result->size()) + " series";
  std::string missing;
  for (const auto& value : expectation.values) {
    if (!above_zero.count(value)) missing += " " + expectation.label + "=" + value;
  }
  return missing.empty() ? "" : "no sample above 0 for" + missing;
}

/** Sends one request through nginx from loopback address `source`. */
Reply send(const std::string& method, const std::string& path, const std::string& body,
           const std::string& bearer, const std::string& source) {
  Call call;
  call.method = method;
  call.path = path;
  call.body = body;
  call.bearer = bearer;
  return Topology::get().edge(call, source);
}

std::string credentials(const std::string& email, const std::string& password) {
  Poco::JSON::Object body;
  body.set("email", email);
  body.set("password", password);
  return toJson(body);
}

std::string field(const Reply& reply, const std::string& name) {
  return reply.json()->optValue<std::string>(name, "");
}

class DashboardDataTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // An exception here would make GoogleTest skip the case, so SetUp() reports it instead.
    try {
      prometheus_ = std::make_unique<PrometheusServer>(Topology::get().value("STATE_DIR"), "1s");
    } catch (const std::exception& error) {
      start_error_ = error.what();
    }
  }
  static void TearDownTestSuite() { prometheus_.reset(); }

  void SetUp() override {
    ASSERT_TRUE(prometheus_) << "Prometheus did not start: " << start_error_;
    // A /24 of loopback addresses for this run (the other end-to-end tests use 127.0.0.x and
    // 127.0.1.x), so nginx's per-address limits and the auth role's per-address login
    // throttle do not count another test's requests.
    std::random_device random;
    network_ = "127.0." + std::to_string(2 + random() % 240) + ".";
  }

  /** Registers a customer with a fresh email from `source` and returns {email, password}. */
  std::pair<std::string, std::string> registerCustomer(const std::string& name,
                                                       const std::string& source) {
    const std::string email = name + "-" + std::to_string(++accounts_) + "-" +
                              std::to_string(Clock::now().time_since_epoch().count()) +
                              "@dashboard.example.test";
    const std::string password = "a dashboard passphrase for " + name;
    Poco::JSON::Object body;
    body.set("email", email);
    body.set("password", password);
    body.set("display_name", name);
    Reply registered = send("POST", "/api/users", toJson(body), "", source);
    EXPECT_EQ(registered.status, 201) << registered.body;
    return {email, password};
  }

  /** Fails logins on a fresh account until the auth role locks it and rejects one as `locked`. */
  void lockAnAccount() {
    const std::string source = network_ + "250";
    const auto [email, password] = registerCustomer("locked", source);
    int status = 0;
    for (int attempt = 0; attempt < 10 && status != 429; ++attempt) {
      status = send("POST", "/api/auth/login", credentials(email, "not the password"), "", source)
                   .status;
      ASSERT_TRUE(status == 401 || status == 429) << "login returned " << status;
    }
    ASSERT_EQ(status, 429) << "ten failed logins did not lock " << email;
  }

  /** Sends one round of shopper traffic, in which each step moves a dashboard counter. */
  void shop(int round, const std::string& plenty_id, const std::string& scarce_id) {
    const std::string source = network_ + std::to_string(1 + round % 200);
    const auto [email, password] = registerCustomer("shopper", source);
    Reply failed = send("POST", "/api/auth/login", credentials(email, "wrong"), "", source);
    EXPECT_EQ(failed.status, 401) << failed.body;
    Reply login = send("POST", "/api/auth/login", credentials(email, password), "", source);
    ASSERT_EQ(login.status, 200) << login.body;
    Reply refreshed =
        send("POST", "/api/auth/refresh",
             R"({"refresh_token":")" + field(login, "refresh_token") + R"("})", "", source);
    ASSERT_EQ(refreshed.status, 200) << refreshed.body;
    const std::string token = field(refreshed, "access_token");

    Reply placed =
        send("POST", "/api/orders",
             R"({"items":[{"product_id":")" + plenty_id + R"(","quantity":1}]})", token, source);
    ASSERT_EQ(placed.status, 201) << placed.body;
    Reply cancelled =
        send("POST", "/api/orders/" + field(placed, "id") + "/cancel", "", token, source);
    EXPECT_EQ(cancelled.status, 200) << cancelled.body;
    // The scarce product has one unit, so an order of two is rejected as a stock conflict.
    Reply refused =
        send("POST", "/api/orders",
             R"({"items":[{"product_id":")" + scarce_id + R"(","quantity":2}]})", token, source);
    EXPECT_EQ(refused.status, 409) << refused.body;
    EXPECT_EQ(send("POST", "/api/auth/logout", "", token, source).status, 204);
  }

  static inline std::unique_ptr<PrometheusServer> prometheus_;
  static inline std::string start_error_;
  std::string network_;
  int accounts_ = 0;
};

// Test that every panel query of the dashboard returns data while the topology serves traffic.
TEST_F(DashboardDataTest, EveryQueryReturnsData) {
  const auto queries =
      dashboardQueries(std::string(AGORA_SOURCE_DIR) + "/k8s/monitoring/grafana-dashboard.json");
  ASSERT_GT(queries.size(), 20u);
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& query : queries) seen.insert({query.panel, query.legend});
  for (const auto& [key, expectation] : expectations()) {
    EXPECT_TRUE(seen.count(key)) << "the expectation for panel '" << key.first << "', legend '"
                                 << key.second << "' names no query of the dashboard";
  }

  // Counters need a sample from before the traffic, or their first increase is not a rate.
  ASSERT_TRUE(prometheus_->waitUntilScraped(30)) << "Prometheus did not scrape every replica";
  const Topology& topology = Topology::get();
  const std::string admin = logIn(topology.adminEmail(), topology.adminPassword()).access_token;
  ASSERT_FALSE(admin.empty());
  const std::string plenty_id = createProduct(admin, "dashboard-plenty", 250, 100000);
  const std::string scarce_id = createProduct(admin, "dashboard-scarce", 990, 1);
  ASSERT_FALSE(plenty_id.empty() || scarce_id.empty());
  ASSERT_NO_FATAL_FAILURE(lockAnAccount());

  // A refresh token presented again after the rotation's grace window (10 s by default) is a
  // reuse.
  const std::string reuse_source = network_ + "251";
  const auto [reuse_email, reuse_password] = registerCustomer("reused", reuse_source);
  Reply reuse_login =
      send("POST", "/api/auth/login", credentials(reuse_email, reuse_password), "", reuse_source);
  ASSERT_EQ(reuse_login.status, 200) << reuse_login.body;
  const std::string rotated_body =
      R"({"refresh_token":")" + field(reuse_login, "refresh_token") + R"("})";
  ASSERT_EQ(send("POST", "/api/auth/refresh", rotated_body, "", reuse_source).status, 200);
  const auto rotated_at = Clock::now();
  bool reused = false;

  // Rounds of traffic until each query has shown data once, for at most 90 s. A rate needs two
  // scrapes (1 s apart) after a series appears, so a few rounds are needed.
  std::map<std::size_t, std::string> pending;
  for (std::size_t index = 0; index < queries.size(); ++index) pending[index] = "not queried";
  const auto deadline = Clock::now() + seconds(90);
  for (int round = 0; (!pending.empty() || !reused) && Clock::now() < deadline; ++round) {
    ASSERT_NO_FATAL_FAILURE(shop(round, plenty_id, scarce_id));
    if (!reused && Clock::now() - rotated_at > seconds(11)) {
      Reply replayed = send("POST", "/api/auth/refresh", rotated_body, "", reuse_source);
      ASSERT_TRUE(replayed.status == 401 || replayed.status == 200) << replayed.body;
      reused = replayed.status == 401;
    }
    std::this_thread::sleep_for(seconds(1));
    for (auto entry = pending.begin(); entry != pending.end();) {
      const DashboardQuery& query = queries[entry->first];
      const auto found = expectations().find({query.panel, query.legend});
      entry->second = verdict(prometheus_->query(query.expression),
                              found == expectations().end() ? Expectation{} : found->second);
      entry = entry->second.empty() ? pending.erase(entry) : std::next(entry);
    }
  }

  EXPECT_TRUE(reused) << "the rotated refresh token was never refused as a reuse";
  for (const auto& [index, problem] : pending) {
    ADD_FAILURE() << "panel '" << queries[index].panel << "', legend '" << queries[index].legend
                  << "': " << problem << "\n  query: " << queries[index].expression;
  }
}

}  // namespace
}  // namespace agora::testing
