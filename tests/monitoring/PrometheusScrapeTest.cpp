// Scrapes a running agora with a real Prometheus started by scripts/prometheus.sh and checks,
// through Prometheus's HTTP API, the request and business counters, the alert rules and the
// dashboard's queries.
#include <Poco/JSON/Array.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <thread>

#include "AgoraProcess.h"
#include "Prometheus.h"
#include "platform/security/Random.h"

namespace agora::testing {
namespace {

using std::chrono::milliseconds;

class PrometheusScrapeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // An exception here would make GoogleTest skip the cases, so SetUp() reports it instead.
    try {
      agora_ = std::make_unique<AgoraProcess>();
      state_dir_ = (std::filesystem::temp_directory_path() /
                    ("agora-prometheus-" + security::randomToken(9)))
                       .string();
      std::filesystem::create_directories(state_dir_);
      // The same file scripts/topology.sh writes, with this process as the one replica.
      std::ofstream(state_dir_ + "/topology.env")
          << "ALL_1_PORT=" << agora_->apiPort() << "\nALL_1_ADMIN_PORT=" << agora_->adminPort()
          << "\n";
      prometheus_ = std::make_unique<PrometheusServer>(state_dir_, "1s");
    } catch (const std::exception& error) {
      start_error_ = error.what();
    }
  }

  static void TearDownTestSuite() {
    prometheus_.reset();
    agora_.reset();
    std::error_code ignored;
    if (!state_dir_.empty()) std::filesystem::remove_all(state_dir_, ignored);
  }

  void SetUp() override {
    ASSERT_TRUE(prometheus_) << "agora or Prometheus did not start: " << start_error_;
  }

  static Poco::JSON::Object::Ptr query(const std::string& expression) {
    return prometheus_->query(expression);
  }

  /** Polls `expression` for up to 20 s until `accept` holds for its value; returns the last. */
  static std::optional<double> waitFor(const std::string& expression,
                                       const std::function<bool(double)>& accept) {
    std::optional<double> value;
    for (int attempt = 0; attempt < 100; ++attempt) {
      value = prometheus_->scalar(expression);
      if (value && accept(*value)) return value;
      std::this_thread::sleep_for(milliseconds(200));
    }
    return value;
  }

  static inline std::unique_ptr<AgoraProcess> agora_;
  static inline std::string state_dir_;
  static inline std::unique_ptr<PrometheusServer> prometheus_;
  static inline std::string start_error_;
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
    auto body = prometheus_->get("/api/v1/rules");
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

// Test that the web pages whose links scripts/prometheus.sh prints return 200.
TEST_F(PrometheusScrapeTest, WebPagesReturnOk) {
  for (const std::string page : {"/graph", "/targets", "/alerts"}) {
    EXPECT_EQ(prometheus_->status(prometheus_->uiPath() + page), 200)
        << prometheus_->uiPath() + page;
  }
}

// Test that every query of the Grafana dashboard is valid PromQL for this Prometheus.
TEST_F(PrometheusScrapeTest, DashboardQueriesParse) {
  const auto queries =
      dashboardQueries(std::string(AGORA_SOURCE_DIR) + "/k8s/monitoring/grafana-dashboard.json");
  for (const auto& dashboard_query : queries) {
    auto body = query(dashboard_query.expression);
    ASSERT_TRUE(body) << dashboard_query.expression;
    EXPECT_EQ(body->optValue<std::string>("status", ""), "success")
        << dashboard_query.expression << ": " << body->optValue<std::string>("error", "");
  }
  EXPECT_GT(queries.size(), 20u);
}

}  // namespace
}  // namespace agora::testing
