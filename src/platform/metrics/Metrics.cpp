// Prometheus registry: bounded label sets and rendering in text exposition format 0.0.4.
#include "platform/metrics/Metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace agora::metrics {
namespace {

const Labels kOverflowLabels = {{"overflow", "true"}};

std::string formatNumber(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char text[64];
  auto [end, error] = std::to_chars(text, text + sizeof(text), value);
  return std::string(text, end);
}

/** Escapes help text: backslash and newline (quotes stay as they are there). */
std::string escapeHelp(const std::string& help) {
  std::string out;
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

/** Renders {a="x",b="y"} plus an optional extra label (the histogram `le`). */
std::string renderLabels(const Labels& labels, const std::string& extra_name = {},
                         const std::string& extra_value = {}) {
  if (labels.empty() && extra_name.empty()) return {};
  std::string out = "{";
  bool first = true;
  for (const auto& [name, value] : labels) {
    if (!first) out += ',';
    out += name + "=\"" + escapeLabelValue(value) + '"';
    first = false;
  }
  if (!extra_name.empty()) {
    if (!first) out += ',';
    out += extra_name + "=\"" + escapeLabelValue(extra_value) + '"';
  }
  return out + "}";
}

}  // namespace

std::string escapeLabelValue(const std::string& value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

const std::vector<double>& Registry::defaultBuckets() {
  static const std::vector<double> buckets = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                              0.5,   1,    2.5,   5,    10};
  return buckets;
}

Labels Registry::bounded(Family& family, const Labels& labels, bool histogram) {
  std::size_t series = histogram ? family.histograms.size() : family.values.size();
  bool known = histogram ? family.histograms.count(labels) > 0 : family.values.count(labels) > 0;
  if (known || series < max_series_) return labels;
  return kOverflowLabels;
}

void Registry::increment(const std::string& name, const Labels& labels, double amount) {
  std::lock_guard lock(mutex_);
  Family& family = families_[name];
  if (family.type.empty()) family.type = "counter";
  family.values[bounded(family, labels, false)] += amount;
}

void Registry::setGauge(const std::string& name, const Labels& labels, double value) {
  std::lock_guard lock(mutex_);
  Family& family = families_[name];
  if (family.type.empty()) family.type = "gauge";
  family.values[bounded(family, labels, false)] = value;
}

void Registry::addGauge(const std::string& name, const Labels& labels, double delta) {
  std::lock_guard lock(mutex_);
  Family& family = families_[name];
  if (family.type.empty()) family.type = "gauge";
  family.values[bounded(family, labels, false)] += delta;
}

void Registry::observe(const std::string& name, const Labels& labels, double value) {
  if (std::isnan(value)) return;
  const auto& buckets = defaultBuckets();
  std::lock_guard lock(mutex_);
  Family& family = families_[name];
  if (family.type.empty()) family.type = "histogram";

  Histogram& histogram = family.histograms[bounded(family, labels, true)];
  if (histogram.bucket_counts.empty()) histogram.bucket_counts.assign(buckets.size(), 0);
  // Counted in the first bucket whose upper bound is at least the value. render() sums them up.
  auto bucket = std::lower_bound(buckets.begin(), buckets.end(), value);
  if (bucket != buckets.end()) ++histogram.bucket_counts[bucket - buckets.begin()];
  ++histogram.count;
  histogram.sum += value;
}

void Registry::describe(const std::string& name, const std::string& type, const std::string& help) {
  std::lock_guard lock(mutex_);
  Family& family = families_[name];
  family.type = type;
  family.help = help;
}

void Registry::addCollector(std::function<void(Registry&)> collector) {
  std::lock_guard lock(mutex_);
  collectors_.push_back(std::move(collector));
}

std::string Registry::render() {
  std::vector<std::function<void(Registry&)>> collectors;
  {
    std::lock_guard lock(mutex_);
    collectors = collectors_;
  }
  // Collectors update the registry themselves, so they run without the lock.
  for (const auto& collector : collectors) collector(*this);

  const auto& buckets = defaultBuckets();
  std::string out;
  std::lock_guard lock(mutex_);
  for (const auto& [name, family] : families_) {
    if (family.values.empty() && family.histograms.empty()) continue;
    if (!family.help.empty()) out += "# HELP " + name + " " + escapeHelp(family.help) + "\n";
    out += "# TYPE " + name + " " + family.type + "\n";

    for (const auto& [labels, value] : family.values) {
      out += name + renderLabels(labels) + " " + formatNumber(value) + "\n";
    }
    for (const auto& [labels, histogram] : family.histograms) {
      uint64_t cumulative = 0;
      for (std::size_t i = 0; i < buckets.size(); ++i) {
        cumulative += histogram.bucket_counts[i];
        out += name + "_bucket" + renderLabels(labels, "le", formatNumber(buckets[i])) + " " +
               std::to_string(cumulative) + "\n";
      }
      out += name + "_bucket" + renderLabels(labels, "le", "+Inf") + " " +
             std::to_string(histogram.count) + "\n";
      out += name + "_sum" + renderLabels(labels) + " " + formatNumber(histogram.sum) + "\n";
      out += name + "_count" + renderLabels(labels) + " " + std::to_string(histogram.count) + "\n";
    }
  }
  return out;
}

}  // namespace agora::metrics
