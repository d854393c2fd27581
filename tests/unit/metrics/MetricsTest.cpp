// Tests the Prometheus text format: families, escaping, histograms and series bounds.
#include <gtest/gtest.h>

#include <cmath>
#include <regex>
#include <sstream>
#include <thread>
#include <vector>

#include "platform/metrics/Counters.h"
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

TEST(Metrics, HelpTextEscaped) {
  Registry registry;
  registry.describe("odd_total", "counter", "a \\ b\nc \"d\"");
  registry.increment("odd_total", {});
  EXPECT_TRUE(contains(registry.render(), "# HELP odd_total a \\\\ b\\nc \"d\"\n"));
}

TEST(Metrics, BackslashBeforeQuoteEscapedOnce) {
  Registry registry;
  registry.increment("odd_total", {{"path", "C:\\dir\\\"x"}});
  EXPECT_TRUE(contains(registry.render(), "odd_total{path=\"C:\\\\dir\\\\\\\"x\"} 1\n"))
      << registry.render();
}

TEST(Metrics, SeveralLabelsInGivenOrder) {
  Registry registry;
  registry.increment("calls_total", {{"role", "orders"}, {"route", "/a"}, {"method", "GET"}});
  EXPECT_TRUE(
      contains(registry.render(), "calls_total{role=\"orders\",route=\"/a\",method=\"GET\"} 1\n"));
}

TEST(Metrics, EmptyLabelValueKept) {
  Registry registry;
  registry.increment("calls_total", {{"user", ""}});
  EXPECT_TRUE(contains(registry.render(), "calls_total{user=\"\"} 1\n"));
}

TEST(Metrics, ValueOnBucketBoundCountsInIt) {
  Registry registry;
  registry.observe("t_seconds", {}, 0.25);
  std::string text = registry.render();
  EXPECT_TRUE(contains(text, "t_seconds_bucket{le=\"0.1\"} 0\n")) << text;
  EXPECT_TRUE(contains(text, "t_seconds_bucket{le=\"0.25\"} 1\n")) << text;
}

TEST(Metrics, HistogramBucketsNeverDecrease) {
  Registry registry;
  for (double value : {0.001, 0.02, 0.02, 0.3, 0.7, 3.0, 7.0, 12.0, 0.004}) {
    registry.observe("t_seconds", {{"route", "/x"}}, value);
  }
  std::istringstream lines(registry.render());
  std::string line;
  std::vector<std::string> bounds;
  std::vector<double> counts;
  std::regex bucket(R"re(^t_seconds_bucket\{route="/x",le="([^"]+)"\} (\d+)$)re");
  while (std::getline(lines, line)) {
    std::smatch match;
    if (!std::regex_match(line, match, bucket)) continue;
    bounds.push_back(match[1]);
    counts.push_back(std::stod(match[2]));
  }
  ASSERT_EQ(bounds.size(), Registry::defaultBuckets().size() + 1);
  EXPECT_EQ(bounds.back(), "+Inf");
  for (std::size_t i = 1; i < counts.size(); ++i) EXPECT_GE(counts[i], counts[i - 1]) << bounds[i];
  EXPECT_EQ(counts.back(), 9);
  EXPECT_EQ(counts.front(), 2);
}

TEST(Metrics, NanObservationIgnored) {
  Registry registry;
  registry.observe("t_seconds", {}, 1);
  registry.observe("t_seconds", {}, std::nan(""));
  EXPECT_TRUE(contains(registry.render(), "t_seconds_count 1\n"));
}

TEST(Metrics, GaugeRendersInfinity) {
  Registry registry;
  registry.setGauge("limit", {}, HUGE_VAL);
  EXPECT_TRUE(contains(registry.render(), "\nlimit +Inf\n"));
}

TEST(Metrics, DescribedTypeWinsOverSetter) {
  Registry registry;
  registry.describe("copied_total", "counter", "A total kept elsewhere.");
  registry.setGauge("copied_total", {}, 7);
  std::string text = registry.render();
  EXPECT_TRUE(contains(text, "# TYPE copied_total counter\n")) << text;
  EXPECT_TRUE(contains(text, "\ncopied_total 7\n")) << text;
}

TEST(Metrics, DescribedWithoutSeriesNotRendered) {
  Registry registry;
  registry.describe("never_total", "counter", "Nothing counted yet.");
  EXPECT_FALSE(contains(registry.render(), "never_total"));
}

TEST(Metrics, OverflowSharedAcrossExtraSeries) {
  Registry registry(3);
  for (int i = 0; i < 10; ++i) registry.increment("hits_total", {{"id", std::to_string(i)}});
  std::string text = registry.render();
  EXPECT_TRUE(contains(text, "hits_total{overflow=\"true\"} 7\n")) << text;
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 5) << text;
}

TEST(Metrics, SeriesBoundIsPerMetric) {
  Registry registry(1);
  registry.increment("a_total", {{"k", "1"}});
  registry.increment("b_total", {{"k", "1"}});
  std::string text = registry.render();
  EXPECT_TRUE(contains(text, "a_total{k=\"1\"} 1\n")) << text;
  EXPECT_TRUE(contains(text, "b_total{k=\"1\"} 1\n")) << text;
}

TEST(Metrics, ConcurrentIncrementsAllCounted) {
  Registry registry;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&registry] {
      for (int i = 0; i < 1000; ++i) {
        registry.increment("hits_total", {{"route", "/x"}});
        registry.observe("t_seconds", {{"route", "/x"}}, 0.01);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  std::string text = registry.render();
  EXPECT_TRUE(contains(text, "hits_total{route=\"/x\"} 4000\n")) << text;
  EXPECT_TRUE(contains(text, "t_seconds_count{route=\"/x\"} 4000\n")) << text;
}

TEST(Metrics, EveryLineFollowsTextFormat) {
  Registry registry;
  registry.describe("calls_total", "counter", "Calls.");
  registry.increment("calls_total", {{"route", "/a \"b\"\n"}});
  registry.setGauge("pool", {{"module", "orders"}}, 3.5);
  registry.observe("t_seconds", {{"route", "/a"}}, 0.2);
  addProcessCollector(registry);
  std::regex comment(
      R"(^# (HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*|TYPE [a-zA-Z_:][a-zA-Z0-9_:]* (counter|gauge|histogram))$)");
  std::regex sample(
      R"(^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\"n])*"(,[a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\"n])*")*\})? (-?[0-9.e+-]+|\+Inf|-Inf|NaN)$)");
  std::istringstream lines(registry.render());
  std::string line;
  int samples = 0;
  while (std::getline(lines, line)) {
    if (line.rfind("#", 0) == 0) {
      EXPECT_TRUE(std::regex_match(line, comment)) << line;
    } else {
      EXPECT_TRUE(std::regex_match(line, sample)) << line;
      ++samples;
    }
  }
  EXPECT_GT(samples, 15);
}

TEST(Counters, UnboundCountsNothing) {
  Counters counters;
  counters.declare("orders_placed_total", "Orders placed.");
  counters.add("orders_placed_total");
  EXPECT_FALSE(counters.bound());
}

TEST(Counters, DeclareCreatesZeroSeries) {
  auto registry = std::make_shared<Registry>();
  Counters counters;
  counters.bind(registry);
  counters.declare("logins_total", "Logins by result.",
                   {{{"result", "success"}}, {{"result", "invalid"}}});
  std::string text = registry->render();
  EXPECT_TRUE(contains(text, "# TYPE logins_total counter\n")) << text;
  EXPECT_TRUE(contains(text, "logins_total{result=\"success\"} 0\n")) << text;
  EXPECT_TRUE(contains(text, "logins_total{result=\"invalid\"} 0\n")) << text;
}

TEST(Counters, AddCountsIntoRegistry) {
  auto registry = std::make_shared<Registry>();
  Counters counters;
  counters.bind(registry);
  counters.declare("orders_placed_total", "Orders placed.");
  counters.add("orders_placed_total");
  counters.add("orders_placed_total", {}, 2);
  EXPECT_TRUE(contains(registry->render(), "\norders_placed_total 3\n"));
}

}  // namespace
}  // namespace agora::metrics
