// Follows one order's trace through the edge and the roles: nginx's access logs and every log
// line of the orders and catalog replicas that handled it carry the client's trace id.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <set>
#include <thread>

#include "Topology.h"
#include "platform/http/TraceParent.h"

namespace agora::testing {
namespace {

/** Returns the lines of the log file `path` that contain `text`, parsed as JSON objects. */
std::vector<Poco::JSON::Object::Ptr> linesWith(const std::string& path, const std::string& text) {
  std::vector<Poco::JSON::Object::Ptr> found;
  std::ifstream file(path);
  std::string line;
  while (std::getline(file, line)) {
    if (line.find(text) == std::string::npos || line.empty() || line.front() != '{') continue;
    found.push_back(Poco::JSON::Parser().parse(line).extract<Poco::JSON::Object::Ptr>());
  }
  return found;
}

/** Returns the lines of both replicas of `role` (catalog or orders) that contain `text`. */
std::vector<Poco::JSON::Object::Ptr> roleLinesWith(const std::string& role,
                                                   const std::string& text) {
  std::vector<Poco::JSON::Object::Ptr> found;
  for (const char* replica : {"_1_LOG", "_2_LOG"}) {
    auto lines = linesWith(Topology::get().value(role + replica), text);
    found.insert(found.end(), lines.begin(), lines.end());
  }
  return found;
}

std::set<std::string> eventsOf(const std::vector<Poco::JSON::Object::Ptr>& lines) {
  std::set<std::string> events;
  for (const auto& line : lines) events.insert(line->optValue<std::string>("event", ""));
  return events;
}

// Test that an order's trace id shows in nginx's access logs and the orders and catalog logs.
TEST(Trace, OrderTraceThroughEdgeAndRoles) {
  const Topology& topology = Topology::get();
  Account account = registerCustomer("traced");
  Reply products = topology.edgeGet("/api/catalog/products?limit=1");
  ASSERT_EQ(products.status, 200) << products.body;
  const std::string product_id =
      products.json()->getArray("items")->getObject(0)->getValue<std::string>("id");

  const std::string trace_id = http::newTraceId();
  Call call;
  call.method = "POST";
  call.path = "/api/orders";
  call.body = R"({"items":[{"product_id":")" + product_id + R"(","quantity":1}]})";
  call.bearer = account.access_token;
  call.headers = {{"traceparent", "00-" + trace_id + "-b7ad6b7169203331-01"}};
  Reply placed = topology.edge(call);
  ASSERT_EQ(placed.status, 201) << placed.body;
  EXPECT_EQ(placed.header("traceparent").substr(0, 36), "00-" + trace_id + "-");
  const std::string order_id = placed.json()->getValue<std::string>("id");
  std::this_thread::sleep_for(std::chrono::milliseconds(300));

  auto edge_lines = linesWith(topology.value("NGINX_ACCESS_LOG"), trace_id);
  ASSERT_EQ(edge_lines.size(), 1u);
  EXPECT_EQ(edge_lines[0]->getValue<std::string>("uri"), "/api/orders");
  const std::string request_id = edge_lines[0]->getValue<std::string>("request_id");

  auto orders_lines = roleLinesWith("ORDERS", trace_id);
  auto catalog_lines = roleLinesWith("CATALOG", trace_id);
  EXPECT_TRUE(eventsOf(orders_lines).count("order_placed"));
  EXPECT_TRUE(eventsOf(catalog_lines).count("reservation_made"));
  for (const auto& line : orders_lines) {
    EXPECT_EQ(line->optValue<std::string>("request_id", ""), request_id)
        << line->optValue<std::string>("event", "");
  }
  for (const auto& line : roleLinesWith("ORDERS", order_id)) {
    EXPECT_EQ(line->optValue<std::string>("trace_id", ""), trace_id)
        << line->optValue<std::string>("event", "");
  }
  for (const auto& line : roleLinesWith("CATALOG", order_id)) {
    EXPECT_EQ(line->optValue<std::string>("trace_id", ""), trace_id)
        << line->optValue<std::string>("event", "");
  }

  // The call from orders to catalog passes nginx's loopback service listener, same trace.
  std::size_t reservations = 0;
  for (const auto& line :
       linesWith(topology.value("STATE_DIR") + "/logs/nginx-services-access.log", trace_id)) {
    if (line->getValue<std::string>("uri") == "/internal/catalog/reservations") ++reservations;
  }
  EXPECT_EQ(reservations, 1u);
}

}  // namespace
}  // namespace agora::testing
