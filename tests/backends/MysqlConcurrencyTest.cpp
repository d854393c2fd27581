// Tests that stock on MariaDB never oversells: 100 concurrent single-unit reservations and
// orders against a product with 25 in stock.
#include <gtest/gtest.h>

#include <atomic>
#include <set>

#include "MysqlTestSupport.h"
#include "modules/catalog/CatalogModule.h"
#include "modules/catalog/ProductService.h"
#include "modules/orders/OrdersModule.h"
#include "modules/orders/OrdersService.h"
#include "platform/Clock.h"
#include "platform/http/Problem.h"

namespace agora::testing {
namespace {

using namespace Poco::Data::Keywords;

constexpr int kBuyers = 100;
constexpr int64_t kStock = 25;

/** Outcomes of the concurrent calls, counted by kind. */
struct Outcomes {
  std::atomic<int> succeeded{0};
  std::atomic<int> out_of_stock{0};
  std::atomic<int> other{0};

  void record(const std::function<void()>& call) {
    try {
      call();
      ++succeeded;
    } catch (const http::Problem& problem) {
      ++(problem.type() == "/problems/out-of-stock" ? out_of_stock : other);
    } catch (const std::exception&) {
      ++other;
    }
  }
};

class MysqlConcurrencyTest : public ::testing::Test {
 protected:
  MysqlConcurrencyTest()
      : catalog_database_(databases_.open("catalog", catalog::CatalogModule::migrations())),
        products_(catalog_database_, "EUR", systemClock()),
        catalog_module_(catalogConfig(), catalog_database_, systemClock()),
        product_id_(products_.create({"LAST-25", "Last 25", "", 990, kStock}).id) {}

  static config::Config catalogConfig() {
    config::Config config;
    catalog::CatalogModule::addDefaults(config);
    return config;
  }

  MysqlTestDatabases databases_{16};
  std::shared_ptr<data::Database> catalog_database_;
  catalog::ProductService products_;
  catalog::CatalogModule catalog_module_;
  std::string product_id_;
};

// Test that 100 concurrent reservations of one unit sell exactly the 25 in stock.
TEST_F(MysqlConcurrencyTest, ReservationsSellExactlyTheStock) {
  std::shared_ptr<catalog::CatalogApi> catalog = catalog_module_.api();
  Outcomes outcomes;
  runConcurrently(kBuyers, [&](int buyer) {
    outcomes.record([&] {
      catalog->reserve("order-" + std::to_string(buyer), {{product_id_, 1}});
    });
  });

  EXPECT_EQ(outcomes.succeeded.load(), kStock);
  EXPECT_EQ(outcomes.out_of_stock.load(), kBuyers - kStock);
  EXPECT_EQ(outcomes.other.load(), 0);
  EXPECT_EQ(products_.get(product_id_).stock, 0);
}

// Test that 100 concurrent orders of one unit place exactly 25 orders and sell the stock.
TEST_F(MysqlConcurrencyTest, OrdersSellExactlyTheStock) {
  auto orders_database = databases_.open("orders", orders::OrdersModule::migrations());
  orders::OrdersService service(orders_database, catalog_module_.api(), systemClock(), 60);
  Outcomes outcomes;
  runConcurrently(kBuyers, [&](int buyer) {
    outcomes.record([&] {
      service.place("buyer-" + std::to_string(buyer), {{product_id_, 1}}, std::nullopt);
    });
  });

  int64_t stored_orders = 0;
  int64_t stored_units = 0;
  orders_database->withSession([&](Poco::Data::Session& session) {
    session << "SELECT COUNT(*) FROM orders", into(stored_orders), now;
    session << "SELECT CAST(COALESCE(SUM(quantity), 0) AS SIGNED) FROM order_lines",
        into(stored_units), now;
  });
  EXPECT_EQ(outcomes.succeeded.load(), kStock);
  EXPECT_EQ(outcomes.out_of_stock.load(), kBuyers - kStock);
  EXPECT_EQ(outcomes.other.load(), 0);
  EXPECT_EQ(stored_orders, kStock);
  EXPECT_EQ(stored_units, kStock);
  EXPECT_EQ(products_.get(product_id_).stock, 0);
}

}  // namespace
}  // namespace agora::testing
