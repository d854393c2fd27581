// The orders repository contract: placing, idempotent replays, cancelling and listing over a
// real in-process catalog, for any backend. Included once per test binary.
#pragma once

#include <Poco/JSON/Object.h>

#include <atomic>
#include <optional>
#include <set>

#include "../unit/catalog/CatalogTestSupport.h"
#include "TestDatabases.h"
#include "modules/catalog/ProductService.h"
#include "modules/orders/OrdersModule.h"
#include "modules/orders/OrdersService.h"
#include "platform/http/Pagination.h"

namespace agora::testing {

class OrdersContract : public ContractTest {
 protected:
  using Items = std::vector<catalog::ReservationRequestItem>;

  OrdersContract()
      : catalog_database_(open("catalog", catalog::CatalogModule::migrations())),
        orders_database_(open("orders", orders::OrdersModule::migrations())),
        products_(catalog_database_, "EUR", clock_.clock()),
        catalog_module_(catalog::testing::catalogConfig(), catalog_database_, clock_.clock()),
        service_(orders_database_, catalog_module_.api(), clock_.clock(), 60) {}

  std::string product(const std::string& sku, int64_t stock, const std::string& name = "") {
    return products_.create({sku, name.empty() ? "Name of " + sku : name, "", 500, stock}).id;
  }

  int64_t stockOf(const std::string& id) { return products_.get(id).stock; }

  static std::string orderIdOf(const orders::Placement& placement) {
    return placement.body.extract<Poco::JSON::Object::Ptr>()->getValue<std::string>("id");
  }

  /** The problem type `action` throws, or "" when it returns. */
  template <typename Action>
  static std::string problemType(Action&& action) {
    auto problem = catalog::testing::problemOf(std::forward<Action>(action));
    return problem ? problem->type() : "";
  }

  /** Returns every order of `user_id`, newest first, read in pages of two. */
  std::vector<orders::Order> allOrdersOf(const std::string& user_id) {
    std::vector<orders::Order> all;
    http::PageRequest page;
    page.limit = 2;
    for (int pages = 0; pages < 50; ++pages) {
      const orders::OrderPage result = service_.list(user_id, page);
      all.insert(all.end(), result.items.begin(), result.items.end());
      if (!result.next_cursor) break;
      page.after = *http::decodeCursor(*result.next_cursor, 2);
    }
    return all;
  }

  catalog::testing::ManualClock clock_;
  std::shared_ptr<data::Database> catalog_database_;
  std::shared_ptr<data::Database> orders_database_;
  catalog::ProductService products_;
  catalog::CatalogModule catalog_module_;
  orders::OrdersService service_;
  http::Principal alice_ = catalog::testing::principal("alice", {"customer"});
};

// Test that an order takes stock and reads back with the catalog's names in request order.
TEST_P(OrdersContract, PlacedOrderReadsBack) {
  const std::string mug = product("MUG", 5, "Mug " + kAwkwardText);
  const std::string tee = product("TEE", 5);
  const std::string id = orderIdOf(service_.place("alice", Items{{tee, 1}, {mug, 3}}, {}));

  const orders::Order order = service_.get(alice_, id);
  ASSERT_EQ(order.lines.size(), 2u);
  EXPECT_EQ(order.lines[0].product_id, tee);
  EXPECT_EQ(order.lines[1].name, "Mug " + kAwkwardText);
  EXPECT_EQ(order.lines[1].quantity, 3);
  EXPECT_EQ(order.total_cents, 4 * 500);
  EXPECT_EQ(stockOf(mug), 2);
}

// Test that the same key and body replay the first order and reserve once.
TEST_P(OrdersContract, SameKeyReplaysFirstOrder) {
  const std::string mug = product("MUG", 5);
  const orders::Placement first = service_.place("alice", Items{{mug, 2}}, "key-1");
  const orders::Placement second = service_.place("alice", Items{{mug, 2}}, "key-1");

  EXPECT_TRUE(second.replayed);
  EXPECT_EQ(orderIdOf(second), orderIdOf(first));
  EXPECT_EQ(stockOf(mug), 3);
}

// Test that the same key with another body is rejected without a new order.
TEST_P(OrdersContract, SameKeyOtherBodyIsRejected) {
  const std::string mug = product("MUG", 5);
  service_.place("alice", Items{{mug, 2}}, "key-1");

  EXPECT_EQ(problemType([&] {
              service_.place("alice", Items{{mug, 1}}, "key-1");
            }),
            "/problems/idempotency-key-reused");
  EXPECT_EQ(stockOf(mug), 3);
}

// Test that keys compare byte for byte: case and a trailing space make another key.
TEST_P(OrdersContract, KeysCompareExactly) {
  const std::string mug = product("MUG", 5);
  const orders::Placement plain = service_.place("alice", Items{{mug, 1}}, "key-1");
  const orders::Placement upper = service_.place("alice", Items{{mug, 1}}, "KEY-1");
  const orders::Placement spaced = service_.place("alice", Items{{mug, 1}}, "key-1 ");

  EXPECT_FALSE(upper.replayed);
  EXPECT_FALSE(spaced.replayed);
  EXPECT_EQ(std::set<std::string>({orderIdOf(plain), orderIdOf(upper), orderIdOf(spaced)}).size(),
            3u);
  EXPECT_EQ(stockOf(mug), 2);
}

// Test that an out-of-stock order stores nothing and leaves its key free.
TEST_P(OrdersContract, OutOfStockStoresNothing) {
  const std::string mug = product("MUG", 1);
  EXPECT_EQ(problemType([&] {
              service_.place("alice", Items{{mug, 2}}, "key-1");
            }),
            "/problems/out-of-stock");
  EXPECT_TRUE(allOrdersOf("alice").empty());

  EXPECT_FALSE(service_.place("alice", Items{{mug, 1}}, "key-1").replayed);
  EXPECT_EQ(stockOf(mug), 0);
}

// Test that cancelling returns the stock and a second cancel conflicts.
TEST_P(OrdersContract, CancelReturnsStockOnce) {
  const std::string mug = product("MUG", 5);
  const std::string id = orderIdOf(service_.place("alice", Items{{mug, 2}}, {}));

  EXPECT_EQ(service_.cancel(alice_, id).status, "cancelled");
  EXPECT_EQ(problemType([&] { service_.cancel(alice_, id); }), "/problems/already-cancelled");
  EXPECT_EQ(service_.get(alice_, id).status, "cancelled");
  EXPECT_EQ(stockOf(mug), 5);
}

// Test that the listing pages through a user's orders newest first, each once.
TEST_P(OrdersContract, ListsNewestFirstAcrossPages) {
  const std::string mug = product("MUG", 50);
  std::vector<std::string> placed;
  for (int i = 0; i < 5; ++i) {
    if (i % 2 == 0) clock_.advance(1);
    placed.push_back(orderIdOf(service_.place("alice", Items{{mug, 1}}, {})));
  }
  service_.place("bob", Items{{mug, 1}}, {});

  const auto listed = allOrdersOf("alice");
  ASSERT_EQ(listed.size(), 5u);
  for (std::size_t i = 1; i < listed.size(); ++i) {
    EXPECT_GE(listed[i - 1].created_at, listed[i].created_at);
  }
  std::set<std::string> ids;
  for (const auto& order : listed) ids.insert(order.id);
  EXPECT_EQ(ids, std::set<std::string>(placed.begin(), placed.end()));
}

// Test that concurrent requests with one key place one order and reserve once.
TEST_P(OrdersContract, ConcurrentSameKeyPlacesOnce) {
  const std::string mug = product("MUG", 20);
  std::atomic<int> fresh{0};
  std::atomic<int> unexpected{0};
  runConcurrently(8, [&](int) {
    try {
      if (!service_.place("alice", Items{{mug, 2}}, "key-1").replayed) ++fresh;
    } catch (const http::Problem& problem) {
      if (problem.type() != "/problems/idempotency-in-progress") ++unexpected;
    }
  });

  EXPECT_EQ(fresh.load(), 1);
  EXPECT_EQ(unexpected.load(), 0);
  EXPECT_EQ(allOrdersOf("alice").size(), 1u);
  EXPECT_EQ(stockOf(mug), 18);
}

}  // namespace agora::testing
