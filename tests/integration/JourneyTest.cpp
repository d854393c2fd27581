// The customer and admin journeys over HTTPS against the real binary.
#include "AgoraProcess.h"

#include <gtest/gtest.h>

#include <Poco/JSON/Array.h>

#include <chrono>
#include <thread>

namespace agora::testing {
namespace {

class JourneyTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { agora_ = new AgoraProcess(); }
  static void TearDownTestSuite() {
    delete agora_;
    agora_ = nullptr;
  }
  static AgoraProcess* agora_;

  // Creates a product as the demo admin and returns its id.
  static std::string createProduct(const std::string& admin_token, const std::string& sku,
                                   int64_t price_cents, int64_t stock) {
    std::string body = R"({"sku":")" + sku + R"(","name":"Test )" + sku +
                       R"(","description":"made by a test","price_cents":)" +
                       std::to_string(price_cents) + R"(,"stock":)" + std::to_string(stock) + "}";
    HttpResult created = agora_->post("/api/catalog/products", body, admin_token);
    EXPECT_EQ(created.status, 201) << created.body;
    return created.json()->optValue<std::string>("id", "");
  }
};

AgoraProcess* JourneyTest::agora_ = nullptr;

// Test the whole customer path: register, log in, browse, order, list, cancel.
TEST_F(JourneyTest, CustomerJourney) {
  auto admin = login(*agora_, AgoraProcess::kAdminEmail, AgoraProcess::kAdminPassword);
  std::string admin_token = admin->getValue<std::string>("access_token");
  std::string product_id = createProduct(admin_token, "JOURNEY-1", 1250, 5);

  HttpResult registered = agora_->post(
      "/api/users",
      R"({"email":"  Shopper@Example.test ","password":"a long enough passphrase","display_name":"Shopper"})");
  ASSERT_EQ(registered.status, 201) << registered.body;
  EXPECT_EQ(registered.json()->getValue<std::string>("email"), "Shopper@Example.test");
  EXPECT_FALSE(registered.header("location").empty());

  auto session = login(*agora_, "shopper@example.test", "a long enough passphrase");
  std::string token = session->getValue<std::string>("access_token");
  EXPECT_EQ(session->getValue<std::string>("token_type"), "Bearer");
  EXPECT_GT(session->getValue<int>("expires_in"), 0);
  EXPECT_FALSE(session->getValue<std::string>("refresh_token").empty());
  EXPECT_FALSE(session->getValue<std::string>("session_id").empty());

  HttpResult me = agora_->get("/api/users/me", token);
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.json()->getValue<std::string>("display_name"), "Shopper");

  HttpResult products = agora_->get("/api/catalog/products?q=journey-1");
  ASSERT_EQ(products.status, 200) << products.body;
  auto items = products.json()->getArray("items");
  ASSERT_EQ(items->size(), 1u);
  EXPECT_EQ(items->getObject(0)->getValue<std::string>("id"), product_id);

  HttpResult placed = agora_->post(
      "/api/orders", R"({"items":[{"product_id":")" + product_id + R"(","quantity":2}]})", token);
  ASSERT_EQ(placed.status, 201) << placed.body;
  auto order = placed.json();
  EXPECT_EQ(order->getValue<std::string>("status"), "placed");
  EXPECT_EQ(order->getValue<int64_t>("total_cents"), 2500);
  EXPECT_EQ(order->getArray("items")->getObject(0)->getValue<int64_t>("unit_price_cents"), 1250);
  std::string order_id = order->getValue<std::string>("id");

  HttpResult product = agora_->get("/api/catalog/products/" + product_id);
  EXPECT_EQ(product.json()->getValue<int64_t>("stock"), 3);

  HttpResult orders = agora_->get("/api/orders", token);
  ASSERT_EQ(orders.status, 200) << orders.body;
  ASSERT_EQ(orders.json()->getArray("items")->size(), 1u);
  EXPECT_EQ(orders.json()->getArray("items")->getObject(0)->getValue<std::string>("id"), order_id);

  HttpResult fetched = agora_->get("/api/orders/" + order_id, token);
  EXPECT_EQ(fetched.status, 200) << fetched.body;

  HttpResult cancelled = agora_->post("/api/orders/" + order_id + "/cancel", "", token);
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(cancelled.json()->getValue<std::string>("status"), "cancelled");
  EXPECT_EQ(agora_->get("/api/catalog/products/" + product_id).json()->getValue<int64_t>("stock"),
            5);
}

// Test the admin path: products, user search, roles, disabling an account.
TEST_F(JourneyTest, AdminJourney) {
  auto admin = login(*agora_, AgoraProcess::kAdminEmail, AgoraProcess::kAdminPassword);
  std::string admin_token = admin->getValue<std::string>("access_token");
  std::string product_id = createProduct(admin_token, "ADMIN-1", 999, 7);

  HttpCall patch;
  patch.method = "PATCH";
  patch.path = "/api/catalog/products/" + product_id;
  patch.body = R"({"price_cents":1099,"stock":9})";
  patch.bearer = admin_token;
  HttpResult patched = agora_->call(patch);
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(patched.json()->getValue<int64_t>("price_cents"), 1099);
  EXPECT_EQ(patched.json()->getValue<int64_t>("stock"), 9);

  auto [email, customer_token] = registerAndLogin(*agora_, "managed");
  HttpResult found = agora_->get("/api/users?email=managed-", admin_token);
  ASSERT_EQ(found.status, 200) << found.body;
  auto users = found.json()->getArray("items");
  ASSERT_GE(users->size(), 1u);
  std::string user_id = users->getObject(0)->getValue<std::string>("id");

  HttpResult one = agora_->get("/api/users/" + user_id, admin_token);
  EXPECT_EQ(one.status, 200) << one.body;

  HttpCall promote;
  promote.method = "PATCH";
  promote.path = "/api/users/" + user_id;
  promote.body = R"({"roles":["customer","admin"]})";
  promote.bearer = admin_token;
  HttpResult promoted = agora_->call(promote);
  ASSERT_EQ(promoted.status, 200) << promoted.body;
  EXPECT_EQ(promoted.json()->getArray("roles")->size(), 2u);

  HttpCall disable = promote;
  disable.body = R"({"disabled":true})";
  HttpResult disabled = agora_->call(disable);
  ASSERT_EQ(disabled.status, 200) << disabled.body;

  // Disabling ends the user's sessions and blocks new logins.
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_EQ(agora_->get("/api/users/me", customer_token).status, 401);
  HttpResult relogin = agora_->post(
      "/api/auth/login", R"({"email":")" + email + R"(","password":"a long enough passphrase for managed"})");
  EXPECT_EQ(relogin.status, 401) << relogin.body;

  HttpCall remove;
  remove.method = "DELETE";
  remove.path = "/api/catalog/products/" + product_id;
  remove.bearer = admin_token;
  EXPECT_EQ(agora_->call(remove).status, 204);
  EXPECT_EQ(agora_->get("/api/catalog/products/" + product_id).status, 404);
}

// Test that the operations endpoints answer on the admin port only.
TEST_F(JourneyTest, OperationsEndpoints) {
  EXPECT_EQ(agora_->admin("/healthz").status, 200);
  HttpResult ready = agora_->admin("/readyz");
  EXPECT_EQ(ready.status, 200) << ready.body;

  agora_->get("/api/catalog/products");
  HttpResult metrics = agora_->admin("/metrics");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find("http_server_requests_total"), std::string::npos);
  EXPECT_NE(metrics.body.find("route=\"/api/catalog/products\""), std::string::npos);
  EXPECT_NE(metrics.body.find("http_server_request_duration_seconds_bucket"), std::string::npos);

  EXPECT_EQ(agora_->get("/healthz").status, 404);
  EXPECT_EQ(agora_->get("/metrics").status, 404);
}

// Test that the demo seed filled the catalog.
TEST_F(JourneyTest, DemoCatalogSeeded) {
  HttpResult page = agora_->get("/api/catalog/products?limit=100");
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_GE(page.json()->getArray("items")->size(), 24u);
}

}  // namespace
}  // namespace agora::testing
