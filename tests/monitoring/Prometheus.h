// The monitoring tests' Prometheus: one started by scripts/prometheus.sh on a topology state
// folder, its HTTP API, and the queries of the Grafana dashboard in k8s/monitoring.
#pragma once

#include <Poco/JSON/Object.h>

#include <optional>
#include <string>
#include <vector>

namespace agora::testing {

/**
 * Prometheus run by `scripts/prometheus.sh start --scrape-interval INTERVAL STATE_DIR`, which
 * scrapes every `*_ADMIN_PORT` of STATE_DIR/topology.env. Stopped by the destructor.
 */
class PrometheusServer {
 public:
  /** Starts Prometheus; throws std::runtime_error naming the log when it does not come up. */
  PrometheusServer(std::string state_dir, const std::string& scrape_interval);
  ~PrometheusServer();
  PrometheusServer(const PrometheusServer&) = delete;
  PrometheusServer& operator=(const PrometheusServer&) = delete;

  int port() const { return port_; }
  /** The path of the web pages (graph, targets, alerts) as prometheus.sh found it: "" or
   * "/classic". */
  const std::string& uiPath() const { return ui_path_; }

  /** The HTTP status of GET `path`, or 0 when the call failed. */
  int status(const std::string& path) const;

  /** The JSON body of GET `path_and_query`, or null when the call failed. */
  Poco::JSON::Object::Ptr get(const std::string& path_and_query) const;
  /** The response of the instant query /api/v1/query for `expression`, or null. */
  Poco::JSON::Object::Ptr query(const std::string& expression) const;
  /** The value of a query that yields exactly one sample, or nullopt otherwise. */
  std::optional<double> scalar(const std::string& expression) const;
  /**
   * Waits up to `timeout_seconds` until every target has been scraped and is up, so counters
   * hold a sample from before the traffic that follows. Returns false on time-out.
   */
  bool waitUntilScraped(int timeout_seconds) const;

 private:
  std::string state_dir_;
  int port_ = 0;
  std::string ui_path_;
};

/** One query of a dashboard panel, with Grafana's variables filled in. */
struct DashboardQuery {
  std::string panel;       // the panel's title
  std::string legend;      // the target's legendFormat, which distinguishes a panel's queries
  std::string expression;  // PromQL as Grafana sends it
};

/**
 * Every panel target of the dashboard at `path`. Variables are filled in as Grafana does with
 * "All" selected: a query variable becomes its allValue (`.*` when it has none),
 * $__rate_interval and $__interval become 1m, $__range 5m. Throws std::runtime_error when an
 * expression still contains a variable afterwards, naming the panel.
 */
std::vector<DashboardQuery> dashboardQueries(const std::string& path);

}  // namespace agora::testing
