// Many customers ordering the same scarce product at once never oversell it.
#include "AgoraProcess.h"

#include <gtest/gtest.h>

#include <Poco/JSON/Array.h>

#include <atomic>
#include <future>
#include <set>
#include <vector>

namespace agora::testing {
namespace {

TEST(OrdersConcurrencyTest, FiftyOrdersForTenInStock) {
  AgoraProcess agora;
  std::string admin_token = login(agora, AgoraProcess::kAdminEmail, AgoraProcess::kAdminPassword)
                                ->getValue<std::string>("access_token");
  HttpResult created = agora.post(
      "/api/catalog/products",
      R"({"sku":"SCARCE-1","name":"Scarce thing","price_cents":500,"stock":10})", admin_token);
  ASSERT_EQ(created.status, 201) << created.body;
  std::string product_id = created.json()->getValue<std::string>("id");

  std::vector<std::string> tokens;
  for (int i = 0; i < 5; ++i) tokens.push_back(registerAndLogin(agora, "buyer").second);

  std::atomic<int> placed{0};
  std::atomic<int> out_of_stock{0};
  std::atomic<int> other{0};
  std::vector<std::future<void>> buyers;
  for (int i = 0; i < 50; ++i) {
    buyers.push_back(std::async(std::launch::async, [&, i] {
      HttpResult result = agora.post(
          "/api/orders", R"({"items":[{"product_id":")" + product_id + R"(","quantity":1}]})",
          tokens[static_cast<std::size_t>(i) % tokens.size()]);
      if (result.status == 201) {
        ++placed;
      } else if (result.status == 409) {
        ++out_of_stock;
      } else {
        ++other;
        ADD_FAILURE() << result.status << " " << result.body;
      }
    }));
  }
  for (auto& buyer : buyers) buyer.get();

  EXPECT_EQ(placed.load(), 10);
  EXPECT_EQ(out_of_stock.load(), 40);
  EXPECT_EQ(other.load(), 0);
  HttpResult product = agora.get("/api/catalog/products/" + product_id);
  EXPECT_EQ(product.json()->getValue<int64_t>("stock"), 0);

  int listed = 0;
  for (const auto& token : tokens) {
    listed += static_cast<int>(agora.get("/api/orders?limit=100", token).json()->getArray("items")->size());
  }
  EXPECT_EQ(listed, 10);
}

TEST(OrdersConcurrencyTest, SameKeyConcurrentlyPlacesOnce) {
  AgoraProcess agora;
  std::string admin_token = login(agora, AgoraProcess::kAdminEmail, AgoraProcess::kAdminPassword)
                                ->getValue<std::string>("access_token");
  HttpResult created = agora.post(
      "/api/catalog/products",
      R"({"sku":"KEYED-1","name":"Keyed thing","price_cents":700,"stock":100})", admin_token);
  std::string product_id = created.json()->getValue<std::string>("id");
  std::string token = registerAndLogin(agora, "double-clicker").second;

  std::vector<std::future<HttpResult>> clicks;
  for (int i = 0; i < 6; ++i) {
    clicks.push_back(std::async(std::launch::async, [&] {
      HttpCall call;
      call.method = "POST";
      call.path = "/api/orders";
      call.bearer = token;
      call.body = R"({"items":[{"product_id":")" + product_id + R"(","quantity":3}]})";
      call.headers["Idempotency-Key"] = "double-click-1";
      return agora.call(call);
    }));
  }
  std::set<std::string> order_ids;
  for (auto& click : clicks) {
    HttpResult result = click.get();
    // A click racing the first one may receive a retry status (409 in progress); none may fail otherwise.
    ASSERT_TRUE(result.status == 201 || result.status == 409) << result.status << result.body;
    if (result.status == 201) order_ids.insert(result.json()->getValue<std::string>("id"));
  }
  EXPECT_EQ(order_ids.size(), 1u);
  EXPECT_EQ(agora.get("/api/catalog/products/" + product_id).json()->getValue<int64_t>("stock"),
            97);
  EXPECT_EQ(agora.get("/api/orders", token).json()->getArray("items")->size(), 1u);
}

}  // namespace
}  // namespace agora::testing
