// The customer and admin journeys over HTTPS through nginx, each role in its own processes.
#include <Poco/JSON/Array.h>
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "Topology.h"

namespace agora::testing {
namespace {

Reply send(const std::string& method, const std::string& path, const std::string& body,
           const std::string& bearer) {
  Call call;
  call.method = method;
  call.path = path;
  call.body = body;
  call.bearer = bearer;
  return Topology::get().edge(call);
}

/** Polls `path` with `bearer` until it returns 401; returns the time that took. */
std::chrono::milliseconds timeUntilRejected(const std::string& path, const std::string& bearer) {
  const auto started = std::chrono::steady_clock::now();
  while (Topology::get().edgeGet(path, bearer).status != 401 &&
         std::chrono::steady_clock::now() - started < std::chrono::seconds(3)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               started);
}

// Test the customer path: register, log in, browse, order, replay, list, cancel, refresh,
// log out.
TEST(Journey, CustomerThroughEdge) {
  const Topology& topology = Topology::get();
  Account admin = logIn(topology.adminEmail(), topology.adminPassword());
  const std::string product_id = createProduct(admin.access_token, "E2E-JOURNEY", 1250, 5);
  Account customer = registerCustomer("journey");

  Reply me = topology.edgeGet("/api/users/me", customer.access_token);
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.json()->optValue<std::string>("id", ""), customer.user_id);

  Reply page = topology.edgeGet("/api/catalog/products?limit=100");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_GE(page.json()->getArray("items")->size(), 24u);

  Call order;
  order.method = "POST";
  order.path = "/api/orders";
  order.body = R"({"items":[{"product_id":")" + product_id + R"(","quantity":2}]})";
  order.bearer = customer.access_token;
  order.headers = {{"Idempotency-Key", "journey-first-order"}};
  Reply placed = topology.edge(order);
  ASSERT_EQ(placed.status, 201) << placed.body;
  const std::string order_id = placed.json()->optValue<std::string>("id", "");
  EXPECT_EQ(placed.json()->optValue<int64_t>("total_cents", 0), 2500);
  EXPECT_EQ(stockOf(product_id), 3);

  Reply replayed = topology.edge(order);
  ASSERT_EQ(replayed.status, 201) << replayed.body;
  EXPECT_EQ(replayed.json()->optValue<std::string>("id", ""), order_id);
  EXPECT_EQ(stockOf(product_id), 3);

  Reply orders = topology.edgeGet("/api/orders", customer.access_token);
  ASSERT_EQ(orders.status, 200) << orders.body;
  ASSERT_EQ(orders.json()->getArray("items")->size(), 1u);
  EXPECT_EQ(topology.edgeGet("/api/orders/" + order_id, customer.access_token).status, 200);

  Reply cancelled = send("POST", "/api/orders/" + order_id + "/cancel", "", customer.access_token);
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(cancelled.json()->optValue<std::string>("status", ""), "cancelled");
  EXPECT_EQ(stockOf(product_id), 5);

  Reply refreshed = topology.edgePost("/api/auth/refresh",
                                      R"({"refresh_token":")" + customer.refresh_token + R"("})");
  ASSERT_EQ(refreshed.status, 200) << refreshed.body;
  const std::string new_token = refreshed.json()->optValue<std::string>("access_token", "");
  EXPECT_EQ(topology.edgeGet("/api/auth/sessions", new_token).status, 200);

  EXPECT_EQ(send("POST", "/api/auth/logout", "", new_token).status, 204);
  EXPECT_LE(timeUntilRejected("/api/users/me", new_token), std::chrono::milliseconds(1000));
}

// Test the admin path: products, user search, disabling an account ends its sessions.
TEST(Journey, AdminThroughEdge) {
  const Topology& topology = Topology::get();
  Account admin = logIn(topology.adminEmail(), topology.adminPassword());
  const std::string product_id = createProduct(admin.access_token, "E2E-ADMIN", 999, 7);

  Reply patched = send("PATCH", "/api/catalog/products/" + product_id,
                       R"({"price_cents":1099,"stock":9})", admin.access_token);
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(patched.json()->optValue<int64_t>("price_cents", 0), 1099);
  EXPECT_EQ(stockOf(product_id), 9);

  Account customer = registerCustomer("managed");
  Reply found = topology.edgeGet("/api/users?email=" + customer.email, admin.access_token);
  ASSERT_EQ(found.status, 200) << found.body;
  ASSERT_EQ(found.json()->getArray("items")->size(), 1u);
  EXPECT_EQ(topology.edgeGet("/api/users/" + customer.user_id, admin.access_token).status, 200);

  Reply disabled =
      send("PATCH", "/api/users/" + customer.user_id, R"({"disabled":true})", admin.access_token);
  ASSERT_EQ(disabled.status, 200) << disabled.body;
  EXPECT_LE(timeUntilRejected("/api/users/me", customer.access_token),
            std::chrono::milliseconds(1000));
  Reply login_again =
      topology.edgePost("/api/auth/login", R"({"email":")" + customer.email + R"(","password":")" +
                                               customer.password + R"("})");
  EXPECT_EQ(login_again.status, 401) << login_again.body;

  EXPECT_EQ(send("DELETE", "/api/catalog/products/" + product_id, "", admin.access_token).status,
            204);
  EXPECT_EQ(topology.edgeGet("/api/catalog/products/" + product_id).status, 404);
}

}  // namespace
}  // namespace agora::testing
