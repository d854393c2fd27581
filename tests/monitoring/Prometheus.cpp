// Starts and queries the monitoring tests' Prometheus and reads the dashboard's queries.
#include "Prometheus.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace agora::testing {
namespace {

std::string readFile(const std::string& path) {
  std::ifstream file(path);
  if (!file) throw std::runtime_error("failed to read " + path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

std::string script() {
  return std::string(AGORA_SOURCE_DIR) + "/scripts/prometheus.sh";
}

/** Returns the values that Grafana substitutes for the dashboard's variables with "All" selected.
 */
std::map<std::string, std::string> variableValues(const Poco::JSON::Object::Ptr& dashboard) {
  std::map<std::string, std::string> values = {
      {"__rate_interval", "1m"}, {"__interval", "1m"}, {"__range", "5m"}};
  auto templating = dashboard->getObject("templating");
  auto list = templating ? templating->getArray("list") : nullptr;
  for (std::size_t index = 0; list && index < list->size(); ++index) {
    auto variable = list->getObject(index);
    if (variable->optValue<std::string>("type", "") != "query") continue;
    values[variable->getValue<std::string>("name")] =
        variable->optValue<std::string>("allValue", ".*");
  }
  return values;
}

}  // namespace

PrometheusServer::PrometheusServer(std::string state_dir, const std::string& scrape_interval)
    : state_dir_(std::move(state_dir)) {
  const std::string start = "'" + script() + "' start --scrape-interval " + scrape_interval + " '" +
                            state_dir_ + "' >/dev/null";
  if (std::system(start.c_str()) != 0) {
    throw std::runtime_error("scripts/prometheus.sh could not start Prometheus: see " + state_dir_ +
                             "/prometheus/prometheus.log");
  }
  const std::string env_file = state_dir_ + "/prometheus/prometheus.env";
  std::istringstream env(readFile(env_file));
  const std::regex url_line(R"(PROMETHEUS_(UI_)?URL=http://127\.0\.0\.1:(\d+)(\S*))");
  bool ui_found = false;
  for (std::string line; std::getline(env, line);) {
    std::smatch match;
    if (!std::regex_match(line, match, url_line)) continue;
    if (match[1].matched) {
      ui_path_ = match[3];
      ui_found = true;
    } else {
      port_ = std::stoi(match[2]);
    }
  }
  if (port_ == 0 || !ui_found) {
    throw std::runtime_error(
        env_file +
        " is missing PROMETHEUS_URL or PROMETHEUS_UI_URL: run scripts/prometheus.sh start again");
  }
}

PrometheusServer::~PrometheusServer() {
  const std::string stop = "'" + script() + "' stop '" + state_dir_ + "'";
  if (std::system(stop.c_str()) != 0) {
    std::fprintf(stderr, "scripts/prometheus.sh stop failed for %s\n", state_dir_.c_str());
  }
}

int PrometheusServer::status(const std::string& path) const {
  try {
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port_));
    session.setTimeout(Poco::Timespan(10, 0));
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, path,
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    session.sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::string body;
    Poco::StreamCopier::copyToString(session.receiveResponse(response), body);
    return response.getStatus();
  } catch (const std::exception&) {
    return 0;
  }
}

Poco::JSON::Object::Ptr PrometheusServer::get(const std::string& path_and_query) const {
  try {
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port_));
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

Poco::JSON::Object::Ptr PrometheusServer::query(const std::string& expression) const {
  std::string encoded;
  Poco::URI::encode(expression, "&+=?#%;/", encoded);
  return get("/api/v1/query?query=" + encoded);
}

std::optional<double> PrometheusServer::scalar(const std::string& expression) const {
  auto body = query(expression);
  if (!body || body->optValue<std::string>("status", "") != "success") return std::nullopt;
  auto result = body->getObject("data")->getArray("result");
  if (result->size() != 1) return std::nullopt;
  return std::stod(result->getObject(0)->getArray("value")->getElement<std::string>(1));
}

bool PrometheusServer::waitUntilScraped(int timeout_seconds) const {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    auto body = get("/api/v1/targets?state=active");
    auto targets = body && body->getObject("data")
                       ? body->getObject("data")->getArray("activeTargets")
                       : nullptr;
    std::size_t up = 0;
    for (std::size_t index = 0; targets && index < targets->size(); ++index) {
      if (targets->getObject(index)->optValue<std::string>("health", "") == "up") ++up;
    }
    if (targets && targets->size() > 0 && up == targets->size()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return false;
}

std::vector<DashboardQuery> dashboardQueries(const std::string& path) {
  auto dashboard = Poco::JSON::Parser().parse(readFile(path)).extract<Poco::JSON::Object::Ptr>();
  const auto values = variableValues(dashboard);
  // $name, ${name}, ${name:format} and [[name]], the forms Grafana replaces.
  const std::regex variable(R"(\$\{(\w+)(?::\w+)?\}|\$(\w+)|\[\[(\w+)\]\])");
  std::vector<DashboardQuery> queries;
  auto panels = dashboard->getArray("panels");
  for (std::size_t index = 0; index < panels->size(); ++index) {
    auto panel = panels->getObject(index);
    auto targets = panel->getArray("targets");
    for (std::size_t target = 0; targets && target < targets->size(); ++target) {
      DashboardQuery query{panel->optValue<std::string>("title", ""),
                           targets->getObject(target)->optValue<std::string>("legendFormat", ""),
                           ""};
      const std::string expression = targets->getObject(target)->getValue<std::string>("expr");
      std::size_t copied = 0;
      for (std::sregex_iterator match(expression.begin(), expression.end(), variable), end;
           match != end; ++match) {
        const std::string name = (*match)[1].matched   ? (*match)[1]
                                 : (*match)[2].matched ? (*match)[2]
                                                       : (*match)[3];
        const auto value = values.find(name);
        if (value == values.end()) {
          throw std::runtime_error("panel '" + query.panel + "' uses the variable " + match->str() +
                                   ", which this test cannot fill in: add it to " +
                                   "variableValues() in tests/monitoring/Prometheus.cpp");
        }
        query.expression += expression.substr(copied, match->position() - copied) + value->second;
        copied = match->position() + match->length();
      }
      query.expression += expression.substr(copied);
      queries.push_back(std::move(query));
    }
  }
  return queries;
}

}  // namespace agora::testing
