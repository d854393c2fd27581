// The customer journey over HTTPS against the real binary with every module on MariaDB.
#include <Poco/JSON/Array.h>
#include <gtest/gtest.h>

#include "AgoraProcess.h"
#include "MysqlTestSupport.h"

namespace agora::testing {
namespace {

using namespace Poco::Data::Keywords;

class MysqlJourneyTest : public ::testing::Test {
 protected:
  void TearDown() override {
    agora_.reset();
    for (const auto& [module, schema] : schemas_) dropSchema(schema);
  }

  /** One value read straight from a module's schema. */
  std::string readText(const std::string& module, const std::string& sql,
                       const std::string& parameter) {
    data::Database database(mysqlSettings(schemas_.at(module), 1));
    std::string value;
    std::string bound = parameter;
    database.withSession(
        [&](Poco::Data::Session& session) { session << sql, into(value), use(bound), now; });
    return value;
  }

  std::map<std::string, std::string> schemas_ = {{"users", uniqueSchema("users")},
                                                 {"catalog", uniqueSchema("catalog")},
                                                 {"orders", uniqueSchema("orders")}};
  std::unique_ptr<AgoraProcess> agora_ =
      std::make_unique<AgoraProcess>(std::vector<std::string>{}, mysqlEnvironment(schemas_));
};

// Test the customer path on MariaDB: register, log in, browse, order, cancel.
TEST_F(MysqlJourneyTest, CustomerJourney) {
  EXPECT_EQ(agora_->admin("/readyz").status, 200);
  const std::string display_name = "Zoë O'Neil \"🛒\"; --";
  const HttpResult registered = agora_->post(
      "/api/users", R"({"email":"Käufer@Example.test","password":"a long enough passphrase",)"
                    R"("display_name":"Zoë O'Neil \"🛒\"; --"})");
  ASSERT_EQ(registered.status, 201) << registered.body;
  const std::string user_id = registered.json()->getValue<std::string>("id");

  const std::string token = login(*agora_, "käufer@example.test", "a long enough passphrase")
                                ->getValue<std::string>("access_token");
  const HttpResult me = agora_->get("/api/users/me", token);
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.json()->getValue<std::string>("display_name"), display_name);

  const HttpResult products = agora_->get("/api/catalog/products?limit=100");
  ASSERT_EQ(products.status, 200) << products.body;
  const auto items = products.json()->getArray("items");
  ASSERT_GE(items->size(), 24u);
  const std::string product_id = items->getObject(0)->getValue<std::string>("id");
  const int64_t stock = items->getObject(0)->getValue<int64_t>("stock");

  const HttpResult placed = agora_->post(
      "/api/orders", R"({"items":[{"product_id":")" + product_id + R"(","quantity":2}]})", token);
  ASSERT_EQ(placed.status, 201) << placed.body;
  const std::string order_id = placed.json()->getValue<std::string>("id");
  EXPECT_EQ(agora_->get("/api/catalog/products/" + product_id).json()->getValue<int64_t>("stock"),
            stock - 2);
  EXPECT_EQ(agora_->get("/api/orders", token).json()->getArray("items")->size(), 1u);

  const HttpResult cancelled = agora_->post("/api/orders/" + order_id + "/cancel", "", token);
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(cancelled.json()->getValue<std::string>("status"), "cancelled");
  EXPECT_EQ(agora_->get("/api/catalog/products/" + product_id).json()->getValue<int64_t>("stock"),
            stock);

  // The rows are in MariaDB, text unchanged.
  EXPECT_EQ(readText("users", "SELECT display_name FROM users WHERE id = ?", user_id),
            display_name);
  EXPECT_EQ(readText("orders", "SELECT status FROM orders WHERE id = ?", order_id), "cancelled");
}

}  // namespace
}  // namespace agora::testing
