// Scrapes a running agora with a real Prometheus started by scripts/prometheus.sh and checks,
// through Prometheus's HTTP API, the request and business counters, the alert rules and the
// dashboard's queries.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <thread>

#include "AgoraProcess.h"
#include "platform/security/Random.h"

namespace agora::testing {
namespace {

using std::chrono::milliseconds;

std::string repositoryPath(const std::string& relative) {
  return std::string(AGORA_SOURCE_DIR) + "/" + relative;
}

std::string readFile(const std::string& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

/** Returns the JSON body of GET `path_and_query` on Prometheus, or null when the call failed. */
Poco::JSON::Object::Ptr prometheusGet(int port, const std::string& path_and_query) {
  try {
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port));
    session.setTimeout(Poco::Timespan(10, 0));
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, path_and_query,
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    session.sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::string body;
    Poco::StreamCopier::copyToString(session.receiveResponse(response), body);
    return Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
  } catch (const std::exception&) {
    return nullptr;
  }
}

class PrometheusScrapeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    agora_ = std::make_unique<AgoraProcess>();
    state_dir_ =
        (std::filesystem::temp_directory_path() / ("agora-prometheus-" + security::randomToken(9)))
            .string();
    std::filesystem::create_directories(state_dir_);
    // The same file scripts/topology.sh writes, with this process as the one replica.
    std::ofstream(state_dir_ + "/topology.env")
        << "ALL_1_PORT=" << agora_->apiPort() << "\nALL_1_ADMIN_PORT=" << agora_->adminPort()
        << "\n";

    const std::string start = "'" + repositoryPath("scripts/prometheus.sh") +
                              "' start --scrape-interval 1s '" + state_dir_ + "'";
    ASSERT_EQ(std::system(start.c_str()), 0) << "scripts/prometheus.sh could not start Prometheus";
    const std::string env = readFile(state_dir_ + "/prometheus/prometheus.env");
    const auto colon = env.rfind(':');
    ASSERT_NE(colon, std::string::npos) << "prometheus.env names no URL: " << env;
    prometheus_port_ = std::stoi(env.substr(colon + 1));
  }

  static void TearDownTestSuite() {
    const std::string stop =
        "'" + repositoryPath("scripts/prometheus.sh") + "' stop '" + state_dir_ + "'";
    EXPECT_EQ(std::system(stop.c_str()), 0);
    agora_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(state_dir_, ignored);
  }

  /** Returns the API response to an instant query, or null. */
  static Poco::JSON::Object::Ptr query(const std::string& expression) {
    std::string encoded;
    Poco::URI::encode(expression, "&+=?#%;/", encoded);
    return prometheusGet(prometheus_port_, "/api/v1/query?query=" + encoded);
  }

  /** Returns the value of a query that yields one sample, or nullopt while it yields none. */
  static std::optional<double> scalar(const std::string& expression) {
    auto body = query(expression);
    if (!body || body->optValue<std::string>("status", "") != "success") return std::nullopt;
    auto result = body->getObject("data")->getArray("result");
    if (result->size() != 1) return std::nullopt;
    return std::stod(result->getObject(0)->getArray("value")->getElement<std::string>(1));
  }

  /** Polls `expression` for up to 20 s until `accept` holds for its value; returns the last. */
  static std::optional<double> waitFor(const std::string& expression,
                                       const std::function<bool(double)>& accept) {
    std::optional<double> value;
    for (int attempt = 0; attempt < 100; ++attempt) {
      value = scalar(expression);
      if (value && accept(*value)) return value;
      std::this_thread::sleep_for(milliseconds(200));
    }
    return value;
  }

  static inline std::unique_ptr<AgoraProcess> agora_;
  static inline std::string state_dir_;
  static inline int prometheus_port_ = 0;
};

// Test that the agora target is scraped and labelled like a topology replica.
TEST_F(PrometheusScrapeTest, TargetIsUpWithComponent) {
  auto up = waitFor(R"(up{job="agora", component="all", replica="all-1"})",
                    [](double value) { return value == 1; });
  ASSERT_TRUE(up.has_value());
  EXPECT_EQ(*up, 1);
}

// Test that requests and a placed order show in Prometheus's counters.
TEST_F(PrometheusScrapeTest, RequestAndOrderCountersMove) {
  // Before the first request there is no request series, and a sum of nothing is no sample.
  const std::string requests =
      R"(sum(http_server_requests_total{job="agora", role="all"}) or vector(0))";
  const std::string placed = R"(sum(agora_orders_placed_total{job="agora"}))";
  ASSERT_TRUE(waitFor(R"(up{job="agora"})", [](double value) { return value == 1; }));
  auto requests_before = waitFor(requests, [](double) { return true; });
  auto placed_before = waitFor(placed, [](double) { return true; });
  ASSERT_TRUE(requests_before.has_value());
  ASSERT_TRUE(placed_before.has_value());

  auto [email, token] = registerAndLogin(*agora_, "scraped");
  auto products = agora_->get("/api/catalog/products?limit=1");
  ASSERT_EQ(products.status, 200) << products.body;
  const std::string product_id =
      products.json()->getArray("items")->getObject(0)->getValue<std::string>("id");
  auto order = agora_->post(
      "/api/orders", R"({"items":[{"product_id":")" + product_id + R"(","quantity":1}]})", token);
  ASSERT_EQ(order.status, 201) << order.body;

  auto placed_after = waitFor(placed, [&](double value) { return value >= *placed_before + 1; });
  auto requests_after =
      waitFor(requests, [&](double value) { return value >= *requests_before + 4; });
  ASSERT_TRUE(placed_after.has_value());
  ASSERT_TRUE(requests_after.has_value());
  EXPECT_EQ(*placed_after, *placed_before + 1);
  EXPECT_GE(*requests_after, *requests_before + 4);
  auto logins = waitFor(R"(sum(agora_logins_total{job="agora", result="success"}))",
                        [](double value) { return value >= 1; });
  ASSERT_TRUE(logins.has_value());
  EXPECT_GE(*logins, 1);
}

// Test that the route label is the template, not the raw path with its id.
TEST_F(PrometheusScrapeTest, RouteLabelIsTemplate) {
  auto products = agora_->get("/api/catalog/products?limit=1");
  ASSERT_EQ(products.status, 200) << products.body;
  const std::string product_id =
      products.json()->getArray("items")->getObject(0)->getValue<std::string>("id");
  ASSERT_EQ(agora_->get("/api/catalog/products/" + product_id).status, 200);
  ASSERT_EQ(agora_->get("/api/no/such/route").status, 404);

  auto templated = waitFor(
      R"(sum(http_server_requests_total{route="/api/catalog/products/{id}", status_class="2xx"}))",
      [](double value) { return value >= 1; });
  auto unmatched = waitFor(R"(sum(http_server_requests_total{route="unmatched"}))",
                           [](double value) { return value >= 1; });
  auto raw = query(R"(count(http_server_requests_total{route=~".*[0-9a-f]{8}-.*"}))");
  ASSERT_TRUE(templated.has_value());
  ASSERT_TRUE(unmatched.has_value());
  ASSERT_TRUE(raw);
  EXPECT_GE(*templated, 1);
  EXPECT_GE(*unmatched, 1);
  EXPECT_EQ(raw->getObject("data")->getArray("result")->size(), 0u);
}

// Test that the process and pool metrics reach Prometheus.
TEST_F(PrometheusScrapeTest, ProcessAndPoolMetricsPresent) {
  auto memory = waitFor(R"(process_resident_memory_bytes{job="agora"})",
                        [](double value) { return value > 0; });
  auto pool = waitFor(R"(agora_db_pool_max_connections{job="agora", module="orders"})",
                      [](double value) { return value > 0; });
  ASSERT_TRUE(memory.has_value());
  ASSERT_TRUE(pool.has_value());
  EXPECT_GT(*memory, 1e6);
  EXPECT_EQ(*pool, 8);
}

// Test that Prometheus loaded every alert rule and evaluates each without error.
TEST_F(PrometheusScrapeTest, AlertRulesLoadAndEvaluate) {
  std::size_t rules = 0;
  std::size_t healthy = 0;
  for (int attempt = 0; attempt < 50 && (rules == 0 || healthy < rules); ++attempt) {
    std::this_thread::sleep_for(milliseconds(200));
    auto body = prometheusGet(prometheus_port_, "/api/v1/rules");
    if (!body) continue;
    rules = healthy = 0;
    auto groups = body->getObject("data")->getArray("groups");
    for (std::size_t group = 0; group < groups->size(); ++group) {
      auto group_rules = groups->getObject(group)->getArray("rules");
      for (std::size_t rule = 0; rule < group_rules->size(); ++rule) {
        ++rules;
        if (group_rules->getObject(rule)->optValue<std::string>("health", "") == "ok") ++healthy;
      }
    }
  }
  EXPECT_EQ(rules, 9u);
  EXPECT_EQ(healthy, rules);
}

// Test that every query of the Grafana dashboard is valid PromQL for this Prometheus.
TEST_F(PrometheusScrapeTest, DashboardQueriesParse) {
  auto dashboard = Poco::JSON::Parser()
                       .parse(readFile(repositoryPath("k8s/monitoring/grafana-dashboard.json")))
                       .extract<Poco::JSON::Object::Ptr>();
  auto panels = dashboard->getArray("panels");
  std::size_t checked = 0;
  for (std::size_t index = 0; index < panels->size(); ++index) {
    auto targets = panels->getObject(index)->getArray("targets");
    if (!targets) continue;
    for (std::size_t target = 0; target < targets->size(); ++target) {
      std::string expression = targets->getObject(target)->getValue<std::string>("expr");
      // Grafana fills these variables in before it sends a query.
      for (const auto& [variable, value] :
           {std::pair<std::string, std::string>{"$__rate_interval", "1m"}, {"$role", ".*"}}) {
        for (auto at = expression.find(variable); at != std::string::npos;
             at = expression.find(variable)) {
          expression.replace(at, variable.size(), value);
        }
      }
      auto body = query(expression);
      ASSERT_TRUE(body) << expression;
      EXPECT_EQ(body->optValue<std::string>("status", ""), "success")
          << expression << ": " << body->optValue<std::string>("error", "");
      ++checked;
    }
  }
  EXPECT_GT(checked, 20u);
}

}  // namespace
}  // namespace agora::testing
