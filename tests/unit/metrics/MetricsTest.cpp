// Tests the Prometheus text format: families, escaping, histograms and series bounds.
#include <gtest/gtest.h>

#include "platform/metrics/Metrics.h"

namespace agora::metrics {
namespace {

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(Metrics, CounterHasHelpAndType) {
  Registry registry;
  registry.describe("orders_placed_total", "counter", "Orders placed.");
  registry.increment("orders_placed_total", {{"role", "orders"}});
  registry.increment("orders_placed_total", {{"role", "orders"}}, 2);
  std::string text = registry.render();
  EXPECT_TRUE(contains(text, "# HELP orders_placed_total Orders placed.\n")) << text;
  EXPECT_TRUE(contains(text, "# TYPE orders_placed_total counter\n")) << text;
  EXPECT_TRUE(contains(text, "orders_placed_total{role=\"orders\"} 3\n")) << text;
}

TEST(Metrics, GaugeSetAndAdd) {
  Registry registry;
  registry.setGauge("pool_size", {}, 5);
  registry.addGauge("pool_size", {}, -2);
  std::string text = registry.render();
  EXPECT_TRUE(contains(text, "# TYPE pool_size gauge\n")) << text;
  EXPECT_TRUE(contains(text, "\npool_size 3\n")) << text;
}

TEST(Metrics, LabelValuesEscaped) {
  EXPECT_EQ(escapeLabelValue("a\\b\"c\nd"), "a\\\\b\\\"c\\nd");
  Registry registry;
  registry.increment("odd_total", {{"route", "say \"hi\""}});
  EXPECT_TRUE(contains(registry.render(), "odd_total{route=\"say \\\"hi\\\"\"} 1\n"));
}

TEST(Metrics, HistogramBucketsCumulative) {
  Registry registry;
  // Binary fractions, so the sum is exact.
  registry.observe("latency_seconds", {{"route", "/x"}}, 0.00390625);
  registry.observe("latency_seconds", {{"route", "/x"}}, 0.125);
  registry.observe("latency_seconds", {{"route", "/x"}}, 0.25);
  registry.observe("latency_seconds", {{"route", "/x"}}, 64);
  std::string text = registry.render();
  EXPECT_TRUE(contains(text, "# TYPE latency_seconds histogram\n")) << text;
  EXPECT_TRUE(contains(text, "latency_seconds_bucket{route=\"/x\",le=\"0.005\"} 1\n")) << text;
  EXPECT_TRUE(contains(text, "latency_seconds_bucket{route=\"/x\",le=\"0.1\"} 1\n")) << text;
  EXPECT_TRUE(contains(text, "latency_seconds_bucket{route=\"/x\",le=\"0.25\"} 3\n")) << text;
  EXPECT_TRUE(contains(text, "latency_seconds_bucket{route=\"/x\",le=\"10\"} 3\n")) << text;
  EXPECT_TRUE(contains(text, "latency_seconds_bucket{route=\"/x\",le=\"+Inf\"} 4\n")) << text;
  EXPECT_TRUE(contains(text, "latency_seconds_count{route=\"/x\"} 4\n")) << text;
  EXPECT_TRUE(contains(text, "latency_seconds_sum{route=\"/x\"} 64.37890625\n")) << text;
}

TEST(Metrics, SeriesBoundedWithOverflow) {
  Registry registry(2);
  registry.increment("hits_total", {{"path", "a"}});
  registry.increment("hits_total", {{"path", "b"}});
  registry.increment("hits_total", {{"path", "c"}});
  registry.increment("hits_total", {{"path", "d"}});
  registry.increment("hits_total", {{"path", "a"}});
  std::string text = registry.render();
  EXPECT_TRUE(contains(text, "hits_total{path=\"a\"} 2\n")) << text;
  EXPECT_TRUE(contains(text, "hits_total{overflow=\"true\"} 2\n")) << text;
  EXPECT_FALSE(contains(text, "path=\"c\"")) << text;
}

TEST(Metrics, HistogramSeriesBounded) {
  Registry registry(1);
  registry.observe("t_seconds", {{"route", "a"}}, 1);
  registry.observe("t_seconds", {{"route", "b"}}, 1);
  std::string text = registry.render();
  EXPECT_TRUE(contains(text, "t_seconds_count{overflow=\"true\"} 1\n")) << text;
  EXPECT_FALSE(contains(text, "route=\"b\"")) << text;
}

TEST(Metrics, CollectorRunsBeforeRender) {
  Registry registry;
  int runs = 0;
  registry.addCollector([&runs](Registry& target) {
    ++runs;
    target.setGauge("collected", {}, runs);
  });
  registry.render();
  EXPECT_TRUE(contains(registry.render(), "collected 2\n"));
}

TEST(Metrics, ProcessCollectorReportsProcess) {
  Registry registry;
  addProcessCollector(registry);
  std::string text = registry.render();
  EXPECT_TRUE(contains(text, "# TYPE process_cpu_seconds_total counter\n")) << text;
  EXPECT_TRUE(contains(text, "\nprocess_resident_memory_bytes ")) << text;
  EXPECT_TRUE(contains(text, "\nprocess_open_fds ")) << text;
  EXPECT_TRUE(contains(text, "\nprocess_threads ")) << text;
  EXPECT_TRUE(contains(text, "\nprocess_start_time_seconds ")) << text;
}

}  // namespace
}  // namespace agora::metrics
