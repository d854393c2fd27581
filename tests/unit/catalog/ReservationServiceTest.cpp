// Tests of stock reservations: all-or-nothing, idempotent by order id, and safe under load.
#include <Poco/JSON/Array.h>

#include <atomic>
#include <thread>
#include <vector>

#include "CatalogTestSupport.h"
#include "modules/catalog/InProcessCatalogApi.h"
#include "modules/catalog/ProductService.h"
#include "modules/catalog/ReservationService.h"

namespace agora::catalog::testing {
namespace {

class ReservationServiceTest : public ::testing::Test {
 protected:
  ReservationServiceTest()
      : database_(migratedDatabase(folder_, "catalog", CatalogModule::migrations())),
        products_(database_, "EUR", clock_.clock()),
        reservations_(std::make_shared<ReservationService>(database_, "EUR", clock_.clock())) {}

  std::string product(const std::string& sku, int64_t stock, int64_t price_cents = 500) {
    return products_.create(NewProduct{sku, "Name of " + sku, "", price_cents, stock}).id;
  }

  int64_t stockOf(const std::string& id) { return products_.get(id).stock; }

  TempFolder folder_;
  ManualClock clock_;
  std::shared_ptr<data::Database> database_;
  ProductService products_;
  std::shared_ptr<ReservationService> reservations_;
};

// Test that a reservation takes the stock and reports the catalog's names and prices.
TEST_F(ReservationServiceTest, ReserveTakesStockAtCatalogPrices) {
  const std::string mug = product("MUG", 5, 1290);
  const Reservation reservation = reservations_->reserve("order-1", {{mug, 2}});

  EXPECT_EQ(stockOf(mug), 3);
  EXPECT_EQ(reservation.order_id, "order-1");
  EXPECT_EQ(reservation.currency, "EUR");
  ASSERT_EQ(reservation.items.size(), 1u);
  EXPECT_EQ(reservation.items[0].name, "Name of MUG");
  EXPECT_EQ(reservation.items[0].unit_price_cents, 1290);
  EXPECT_EQ(reservation.items[0].quantity, 2);
}

// Test that a short second item leaves the first item's stock unchanged.
TEST_F(ReservationServiceTest, ShortSecondItemReservesNothing) {
  const std::string mug = product("MUG", 5);
  const std::string tee = product("TEE", 1);
  auto problem = problemOf([&] { reservations_->reserve("order-1", {{mug, 2}, {tee, 3}}); });

  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->status(), 409);
  EXPECT_EQ(problem->type(), "/problems/out-of-stock");
  EXPECT_EQ(stockOf(mug), 5);
  EXPECT_EQ(stockOf(tee), 1);
}

// Test that the out-of-stock problem names exactly the products short of stock.
TEST_F(ReservationServiceTest, OutOfStockNamesShortProducts) {
  const std::string mug = product("MUG", 5);
  const std::string tee = product("TEE", 1);
  auto problem = problemOf([&] { reservations_->reserve("order-1", {{mug, 2}, {tee, 3}}); });
  ASSERT_TRUE(problem);

  auto body = problem->toJson("/internal/catalog/reservations", "request-1");
  auto products = body->getArray("products");
  ASSERT_TRUE(products);
  ASSERT_EQ(products->size(), 1u);
  EXPECT_EQ(products->getElement<std::string>(0), tee);
}

// Test that an out-of-stock attempt does not block a later reservation for that order id.
TEST_F(ReservationServiceTest, RefusedOrderIdCanReserveLater) {
  const std::string mug = product("MUG", 1);
  ASSERT_TRUE(problemOf([&] { reservations_->reserve("order-1", {{mug, 2}}); }));

  reservations_->reserve("order-1", {{mug, 1}});
  EXPECT_EQ(stockOf(mug), 0);
}

// Test that an unknown product is 422 and reserves nothing.
TEST_F(ReservationServiceTest, UnknownProductIsUnprocessable) {
  const std::string mug = product("MUG", 5);
  auto problem = problemOf([&] {
    reservations_->reserve("order-1", {{mug, 1}, {security::newUuid(), 1}});
  });

  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->status(), 422);
  EXPECT_EQ(problem->type(), "/problems/unknown-product");
  EXPECT_EQ(stockOf(mug), 5);
}

// Test that a deleted product counts as unknown.
TEST_F(ReservationServiceTest, DeletedProductIsUnknown) {
  const std::string mug = product("MUG", 5);
  products_.remove(mug);
  auto problem = problemOf([&] { reservations_->reserve("order-1", {{mug, 1}}); });

  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->status(), 422);
}

// Test that a product listed twice is a validation error.
TEST_F(ReservationServiceTest, DuplicateProductIsRejected) {
  const std::string mug = product("MUG", 5);
  auto problem = problemOf([&] { reservations_->reserve("order-1", {{mug, 1}, {mug, 1}}); });

  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->status(), 400);
}

// Test that a quantity above 1000 is a validation error.
TEST_F(ReservationServiceTest, QuantityOverLimitIsRejected) {
  const std::string mug = product("MUG", 5000);
  auto problem = problemOf([&] { reservations_->reserve("order-1", {{mug, 1001}}); });

  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->status(), 400);
}

// Test that the same order id twice reserves once and returns the first result.
TEST_F(ReservationServiceTest, SameOrderIdReservesOnce) {
  const std::string mug = product("MUG", 5, 700);
  reservations_->reserve("order-1", {{mug, 2}});
  products_.update(mug, ProductChanges{std::nullopt, std::nullopt, 900, std::nullopt});
  const Reservation again = reservations_->reserve("order-1", {{mug, 2}});

  EXPECT_EQ(stockOf(mug), 3);
  ASSERT_EQ(again.items.size(), 1u);
  EXPECT_EQ(again.items[0].unit_price_cents, 700);
}

// Test that releasing twice returns the stock once.
TEST_F(ReservationServiceTest, ReleaseReturnsStockOnce) {
  const std::string mug = product("MUG", 5);
  reservations_->reserve("order-1", {{mug, 2}});
  reservations_->release("order-1");
  reservations_->release("order-1");

  EXPECT_EQ(stockOf(mug), 5);
}

// Test that releasing an order without a reservation changes nothing.
TEST_F(ReservationServiceTest, ReleaseUnknownOrderDoesNothing) {
  const std::string mug = product("MUG", 5);
  reservations_->release("order-unknown");

  EXPECT_EQ(stockOf(mug), 5);
}

// Test that a released reservation returns stock to a product deleted since.
TEST_F(ReservationServiceTest, ReleaseReturnsStockToDeletedProduct) {
  const std::string mug = product("MUG", 5);
  reservations_->reserve("order-1", {{mug, 2}});
  products_.remove(mug);
  reservations_->release("order-1");

  int64_t stock = -1;
  Poco::Data::Session session = database_->session();
  using namespace Poco::Data::Keywords;
  session << "SELECT stock FROM products WHERE id = ?", bind(mug), into(stock), now;
  EXPECT_EQ(stock, 5);
}

// Test that 50 threads reserving one each from a stock of 10 get exactly 10 reservations.
TEST_F(ReservationServiceTest, FiftyThreadsShareTenInStock) {
  const std::string scarce = product("SCARCE", 10);
  InProcessCatalogApi api(reservations_);
  std::atomic<int> reserved{0};
  std::atomic<int> refused{0};
  std::atomic<int> failed{0};

  std::vector<std::thread> threads;
  for (int i = 0; i < 50; ++i) {
    threads.emplace_back([&, i] {
      try {
        api.reserve("order-" + std::to_string(i), {{scarce, 1}});
        ++reserved;
      } catch (const http::Problem& problem) {
        problem.status() == 409 ? ++refused : ++failed;
      } catch (const std::exception&) {
        ++failed;
      }
    });
  }
  for (auto& thread : threads) thread.join();

  EXPECT_EQ(reserved.load(), 10);
  EXPECT_EQ(refused.load(), 40);
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(stockOf(scarce), 0);
}

}  // namespace
}  // namespace agora::catalog::testing
