// The counters a module keeps of its business events (logins, orders, ...), in a shared registry.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "platform/metrics/Metrics.h"

namespace agora::metrics {

/**
 * A module's handle on the process registry. Counts nothing until bound, so modules built
 * without a registry (unit tests, command-line tools) work unchanged. Bind and declare before
 * serving; add() is thread-safe.
 */
class Counters {
 public:
  /** Counts into `registry` from now on; null stops counting. */
  void bind(std::shared_ptr<Registry> registry) { registry_ = std::move(registry); }
  bool bound() const { return registry_ != nullptr; }

  /**
   * Describes counter `name` and creates each series of `label_sets` at 0, so that rates and
   * alerts see the series before the first event. The default is one series without labels.
   */
  void declare(const std::string& name, const std::string& help,
               const std::vector<Labels>& label_sets = {Labels{}}) const;

  /** Adds `amount` to the series `labels` of counter `name`. */
  void add(const std::string& name, const Labels& labels = {}, double amount = 1) const;

 private:
  std::shared_ptr<Registry> registry_;
};

}  // namespace agora::metrics
