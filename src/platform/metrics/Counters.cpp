// The counters a module keeps of its business events (logins, orders, ...), in a shared registry.
#include "platform/metrics/Counters.h"

namespace agora::metrics {

void Counters::declare(const std::string& name, const std::string& help,
                       const std::vector<Labels>& label_sets) const {
  if (!registry_) return;
  registry_->describe(name, "counter", help);
  for (const auto& labels : label_sets) registry_->increment(name, labels, 0);
}

void Counters::add(const std::string& name, const Labels& labels, double amount) const {
  if (registry_) registry_->increment(name, labels, amount);
}

}  // namespace agora::metrics
