// Tests that the HTTP adapter of CatalogApi behaves like the in-process one, problems included.
#include <Poco/JSON/Stringifier.h>

#include <sstream>

#include "../client/ClientTestSupport.h"
#include "CatalogTestSupport.h"
#include "modules/catalog/ProductService.h"
#include "modules/catalog/RemoteCatalogApi.h"

namespace agora::catalog::testing {
namespace {

using client::testing::FakePeer;

std::string problemText(const http::Problem& problem) {
  std::ostringstream out;
  Poco::JSON::Stringifier::condense(problem.toJson("/api/orders", "request-1"), out);
  return out.str();
}

class RemoteCatalogApiTest : public ::testing::Test {
 protected:
  RemoteCatalogApiTest()
      : database_(migratedDatabase(folder_, "catalog", CatalogModule::migrations())),
        module_(catalogConfig(), database_, clock_.clock()),
        products_(database_, "EUR", clock_.clock()) {
    module_.registerRoutes(router_);
    peer_ = std::make_unique<FakePeer>(router_);
    remote_ = std::make_unique<RemoteCatalogApi>(std::make_shared<client::ServiceClient>(
        client::testing::settingsFor(peer_->port(), "catalog"),
        std::make_shared<client::testing::NumberedTokens>(),
        std::make_shared<metrics::Registry>()));
  }

  std::string product(const std::string& sku, int64_t stock, int64_t price_cents = 500) {
    return products_.create(NewProduct{sku, "Name of " + sku, "", price_cents, stock}).id;
  }

  TempFolder folder_;
  ManualClock clock_;
  std::shared_ptr<data::Database> database_;
  CatalogModule module_;
  ProductService products_;
  http::Router router_;
  std::unique_ptr<FakePeer> peer_;
  std::unique_ptr<RemoteCatalogApi> remote_;
};

// Test that a remote reservation takes the stock at catalog prices.
TEST_F(RemoteCatalogApiTest, ReserveTakesStock) {
  const std::string mug = product("MUG", 5, 1290);

  Reservation reservation = remote_->reserve("order-1", {{mug, 2}});

  EXPECT_EQ(reservation.order_id, "order-1");
  EXPECT_EQ(reservation.currency, "EUR");
  ASSERT_EQ(reservation.items.size(), 1u);
  EXPECT_EQ(reservation.items[0].unit_price_cents, 1290);
  EXPECT_EQ(reservation.items[0].name, "Name of MUG");
  EXPECT_EQ(products_.get(mug).stock, 3);
}

// Test that repeating an order id over HTTP reserves nothing twice.
TEST_F(RemoteCatalogApiTest, SameOrderIdReservesOnce) {
  const std::string mug = product("MUG", 5);
  remote_->reserve("order-1", {{mug, 2}});
  remote_->reserve("order-1", {{mug, 2}});

  EXPECT_EQ(products_.get(mug).stock, 3);
}

// Test that out of stock is the same problem as in-process, products included.
TEST_F(RemoteCatalogApiTest, OutOfStockMatchesInProcess) {
  const std::string mug = product("MUG", 5);
  const std::string tee = product("TEE", 1);

  auto remote = problemOf([&] { remote_->reserve("order-1", {{mug, 2}, {tee, 3}}); });
  auto local = problemOf([&] { module_.api()->reserve("order-2", {{mug, 2}, {tee, 3}}); });

  ASSERT_TRUE(remote);
  ASSERT_TRUE(local);
  EXPECT_EQ(remote->status(), 409);
  EXPECT_EQ(problemText(*remote), problemText(*local));
  EXPECT_EQ(products_.get(mug).stock, 5);
}

// Test that an unknown product is the same 422 problem as in-process.
TEST_F(RemoteCatalogApiTest, UnknownProductMatchesInProcess) {
  auto remote = problemOf([&] { remote_->reserve("order-1", {{"no-such-product", 1}}); });
  auto local = problemOf([&] { module_.api()->reserve("order-2", {{"no-such-product", 1}}); });

  ASSERT_TRUE(remote);
  ASSERT_TRUE(local);
  EXPECT_EQ(remote->status(), 422);
  EXPECT_EQ(problemText(*remote), problemText(*local));
}

// Test that releasing returns the stock, and a second release does nothing.
TEST_F(RemoteCatalogApiTest, ReleaseReturnsStockOnce) {
  const std::string mug = product("MUG", 5);
  remote_->reserve("order-1", {{mug, 2}});

  remote_->release("order-1");
  remote_->release("order-1");

  EXPECT_EQ(products_.get(mug).stock, 5);
}

// Test that an unreachable catalog is a 503 problem.
TEST_F(RemoteCatalogApiTest, UnreachableCatalogIsUnavailable) {
  const std::string mug = product("MUG", 5);
  peer_->stop();

  auto problem = problemOf([&] { remote_->reserve("order-1", {{mug, 1}}); });

  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->status(), 503);
  EXPECT_EQ(problem->detail(), "catalog is unavailable: try again shortly");
}

}  // namespace
}  // namespace agora::catalog::testing
