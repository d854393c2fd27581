// Tests of MariaDB outages. A stopped server fails requests quickly as Unavailable (503 through
// the binary) and a frozen one within the timeouts. Once the server is back, the same objects
// and the same process serve again, with no order lost or stored twice.
#include <Poco/JSON/Array.h>
#include <gtest/gtest.h>

#include "AgoraProcess.h"
#include "MysqlTestSupport.h"
#include "modules/catalog/CatalogModule.h"
#include "modules/catalog/ProductService.h"
#include "modules/orders/OrdersModule.h"
#include "modules/orders/OrdersService.h"
#include "platform/Clock.h"

namespace agora::testing {
namespace {

using namespace Poco::Data::Keywords;

constexpr int kConnectTimeoutSeconds = 2;
// Generous: a failing request may wait for one connect timeout and a few round trips.
constexpr int64_t kMaxFailureMilliseconds = 2 * kConnectTimeoutSeconds * 1000;
constexpr int64_t kStock = 100;

/** Requests before, during and after the outage, in this order. */
constexpr int kBefore = 4;
constexpr int kDuring = 4;
constexpr int kAfter = 4;

class MysqlFaultTest : public ::testing::Test {
 protected:
  MysqlFaultTest()
      : catalog_database_(databases_.open("catalog", catalog::CatalogModule::migrations())),
        orders_database_(databases_.open("orders", orders::OrdersModule::migrations())),
        products_(catalog_database_, "EUR", systemClock()),
        catalog_module_(catalogConfig(), catalog_database_, systemClock()),
        service_(orders_database_, catalog_module_.api(), systemClock(), 60),
        product_id_(products_.create({"FAULT-1", "Fault tolerant mug", "", 500, kStock}).id) {}

  static config::Config catalogConfig() {
    config::Config config;
    catalog::CatalogModule::addDefaults(config);
    return config;
  }

  int64_t storedOrders() {
    int64_t count = 0;
    orders_database_->withSession([&](Poco::Data::Session& session) {
      session << "SELECT COUNT(*) FROM orders", into(count), now;
    });
    return count;
  }

  MysqlTestDatabases databases_{4, kConnectTimeoutSeconds};
  std::shared_ptr<data::Database> catalog_database_;
  std::shared_ptr<data::Database> orders_database_;
  catalog::ProductService products_;
  catalog::CatalogModule catalog_module_;
  orders::OrdersService service_;
  std::string product_id_;
};

// Test that orders placed around an outage fail fast as Unavailable while the server is down
// and succeed on the same objects afterwards, each stored exactly once.
TEST_F(MysqlFaultTest, OutageIsUnavailableAndSameObjectsRecover) {
  std::vector<std::string> placed;
  int unavailable = 0;
  int other_failures = 0;
  int64_t slowest_failure = 0;
  std::string ping_during_outage;
  auto placeOne = [&](int request) {
    const int64_t elapsed = elapsedMilliseconds([&] {
      try {
        placed.push_back(
            service_.place("buyer", {{product_id_, 1}}, "key-" + std::to_string(request)).order_id);
      } catch (const data::Unavailable&) {
        ++unavailable;
      } catch (const std::exception&) {
        ++other_failures;
      }
    });
    return elapsed;
  };

  int request = 0;
  for (; request < kBefore; ++request) placeOne(request);
  {
    MariadbOutage outage;
    for (; request < kBefore + kDuring; ++request) {
      slowest_failure = std::max(slowest_failure, placeOne(request));
    }
    ping_during_outage = catalog_database_->ping();
  }
  for (; request < kBefore + kDuring + kAfter; ++request) placeOne(request);

  RecordProperty("slowest_failure_ms", std::to_string(slowest_failure));
  EXPECT_EQ(unavailable, kDuring);
  EXPECT_EQ(other_failures, 0);
  EXPECT_LT(slowest_failure, kMaxFailureMilliseconds);
  EXPECT_NE(ping_during_outage, "");
  EXPECT_EQ(catalog_database_->ping(), "");
  ASSERT_EQ(placed.size(), static_cast<std::size_t>(kBefore + kAfter));
  EXPECT_EQ(storedOrders(), kBefore + kAfter);
  EXPECT_EQ(products_.get(product_id_).stock, kStock - kBefore - kAfter);
}

// Test that repeating a key whose first attempt failed in the outage places one order.
TEST_F(MysqlFaultTest, RetryAfterOutagePlacesOnce) {
  {
    MariadbOutage outage;
    EXPECT_THROW(service_.place("buyer", {{product_id_, 2}}, "retry-key"), data::Unavailable);
  }
  const orders::Placement first = service_.place("buyer", {{product_id_, 2}}, "retry-key");
  const orders::Placement again = service_.place("buyer", {{product_id_, 2}}, "retry-key");

  EXPECT_FALSE(first.replayed);
  EXPECT_TRUE(again.replayed);
  EXPECT_EQ(storedOrders(), 1);
  EXPECT_EQ(products_.get(product_id_).stock, kStock - 2);
}

// Test that a frozen server fails a pooled session after the read timeout and a new
// connection after the connect timeout, and that the same database serves once it resumes.
TEST_F(MysqlFaultTest, HungServerTimesOutAndRecovers) {
  const std::string schema = uniqueSchema("hung");
  data::Database database(mysqlSettings(schema, 1, 1, 1));
  database.createSchema();
  ASSERT_EQ(database.ping(), "");

  int64_t pooled_failure = 0;
  int64_t new_connection_failure = 0;
  std::string ping_after;
  {
    MariadbOutage outage(MariadbOutage::Kind::kPause);
    pooled_failure = elapsedMilliseconds([&] { EXPECT_NE(database.ping(), ""); });
    new_connection_failure = elapsedMilliseconds([&] { EXPECT_NE(database.ping(), ""); });
  }
  ping_after = database.ping();
  dropSchema(schema);

  RecordProperty("pooled_failure_ms", std::to_string(pooled_failure));
  RecordProperty("new_connection_failure_ms", std::to_string(new_connection_failure));
  EXPECT_LT(pooled_failure, 2000);
  EXPECT_LT(new_connection_failure, 2000);
  EXPECT_EQ(ping_after, "");
}

/** The real binary with every module on private MariaDB schemas. */
class MysqlProcessFaultTest : public ::testing::Test {
 protected:
  void TearDown() override {
    agora_.reset();
    for (const auto& [module, schema] : schemas_) dropSchema(schema);
  }

  std::map<std::string, std::string> schemas_ = {{"users", uniqueSchema("users")},
                                                 {"catalog", uniqueSchema("catalog")},
                                                 {"orders", uniqueSchema("orders")}};
  std::unique_ptr<AgoraProcess> agora_ =
      std::make_unique<AgoraProcess>(std::vector<std::string>{}, mysqlEnvironment(schemas_));
};

// Test that the process responds with 503 problem details during an outage, reports not ready, and
// serves again without a restart, with every acknowledged order stored once.
TEST_F(MysqlProcessFaultTest, OutageIs503AndProcessRecovers) {
  const std::string admin_token =
      login(*agora_, AgoraProcess::kAdminEmail, AgoraProcess::kAdminPassword)
          ->getValue<std::string>("access_token");
  const HttpResult created = agora_->post(
      "/api/catalog/products",
      R"({"sku":"FAULT-HTTP","name":"Mug","description":"","price_cents":700,"stock":50})",
      admin_token);
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string product_id = created.json()->getValue<std::string>("id");
  const std::string token = registerAndLogin(*agora_, "outage").second;
  const std::string order_body =
      R"({"items":[{"product_id":")" + product_id + R"(","quantity":1}]})";

  int accepted = 0;
  std::vector<HttpResult> failures;
  int64_t slowest_failure = 0;
  for (int i = 0; i < kBefore; ++i)
    accepted += agora_->post("/api/orders", order_body, token).status == 201;
  int ready_during_outage = 0;
  {
    MariadbOutage outage;
    for (int i = 0; i < kDuring; ++i) {
      slowest_failure =
          std::max(slowest_failure, elapsedMilliseconds([&] {
                     failures.push_back(agora_->post("/api/orders", order_body, token));
                   }));
    }
    ready_during_outage = agora_->admin("/readyz").status;
  }
  const int ready_after = agora_->admin("/readyz").status;
  for (int i = 0; i < kAfter; ++i)
    accepted += agora_->post("/api/orders", order_body, token).status == 201;

  RecordProperty("slowest_failure_ms", std::to_string(slowest_failure));
  for (const HttpResult& failure : failures) {
    EXPECT_EQ(failure.status, 503) << failure.body;
    EXPECT_EQ(failure.header("content-type"), "application/problem+json");
    EXPECT_EQ(failure.json()->optValue<std::string>("type", ""), "/problems/unavailable");
  }
  EXPECT_LT(slowest_failure, kMaxFailureMilliseconds);
  EXPECT_EQ(ready_during_outage, 503);
  EXPECT_EQ(ready_after, 200);
  EXPECT_EQ(accepted, kBefore + kAfter);

  const HttpResult orders = agora_->get("/api/orders?limit=100", token);
  ASSERT_EQ(orders.status, 200) << orders.body;
  EXPECT_EQ(orders.json()->getArray("items")->size(), static_cast<std::size_t>(kBefore + kAfter));
  const HttpResult product = agora_->get("/api/catalog/products/" + product_id);
  EXPECT_EQ(product.json()->getValue<int64_t>("stock"), 50 - kBefore - kAfter);
}

}  // namespace
}  // namespace agora::testing
