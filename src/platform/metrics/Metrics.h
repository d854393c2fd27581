// A small Prometheus registry: labelled counters, gauges and histograms in text format 0.0.4.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace agora::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>;

/**
 * Thread-safe registry. Metric names follow Prometheus conventions (`_total`, `_seconds`).
 * Each metric keeps at most `max_series` label combinations; beyond that, new
 * combinations are counted under `{overflow="true"}` so cardinality stays bounded.
 */
class Registry {
 public:
  explicit Registry(std::size_t max_series = 2000) : max_series_(max_series) {}

  void increment(const std::string& name, const Labels& labels, double amount = 1.0);
  void setGauge(const std::string& name, const Labels& labels, double value);
  void addGauge(const std::string& name, const Labels& labels, double delta);
  /** Observes a value in seconds into the default latency buckets (5 ms … 10 s). */
  void observe(const std::string& name, const Labels& labels, double value);
  /** Registers help text and type for a name ("counter", "gauge", "histogram"). */
  void describe(const std::string& name, const std::string& type, const std::string& help);
  /** Adds a callback run before each render (e.g. process metrics, pool gauges). */
  void addCollector(std::function<void(Registry&)> collector);

  /** Renders every metric in Prometheus text format 0.0.4. */
  std::string render();

  static const std::vector<double>& defaultBuckets();

 private:
  struct Histogram {
    std::vector<uint64_t> bucket_counts;
    uint64_t count = 0;
    double sum = 0;
  };
  struct Family {
    std::string type;
    std::string help;
    std::map<Labels, double> values;
    std::map<Labels, Histogram> histograms;
  };
  std::size_t max_series_;
  std::mutex mutex_;
  std::map<std::string, Family> families_;
  std::vector<std::function<void(Registry&)>> collectors_;
  Labels bounded(Family& family, const Labels& labels, bool histogram);
};

/** Escapes a label value for the text format (backslash, quote, newline). */
std::string escapeLabelValue(const std::string& value);

/**
 * Registers a collector that refreshes, before each render, process_resident_memory_bytes,
 * process_cpu_seconds_total, process_open_fds, process_threads and
 * process_start_time_seconds from /proc/self. Without /proc the values are simply absent.
 */
void addProcessCollector(Registry& registry);

}  // namespace agora::metrics
