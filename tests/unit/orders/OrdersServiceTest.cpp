// Tests of placing and cancelling orders against the real in-process catalog on SQLite files.
#include <Poco/JSON/Array.h>

#include <optional>

#include "OrdersTestSupport.h"
#include "modules/orders/IdempotencyRepository.h"

namespace agora::orders::testing {
namespace {

using Items = std::vector<catalog::ReservationRequestItem>;

class OrdersServiceTest : public OrdersTest {};

// Test that placing an order takes the stock and totals the catalog's prices.
TEST_F(OrdersServiceTest, PlaceTakesStockAndTotals) {
  const std::string mug = product("MUG", 5, 1290);
  const std::string tee = product("TEE", 5, 2490);
  const Placement placement = service_.place("alice", Items{{mug, 2}, {tee, 1}}, std::nullopt);

  auto body = placement.body.extract<Poco::JSON::Object::Ptr>();
  EXPECT_EQ(placement.status, 201);
  EXPECT_EQ(body->getValue<std::string>("status"), "placed");
  EXPECT_EQ(body->getValue<int64_t>("total_cents"), 2 * 1290 + 2490);
  EXPECT_EQ(body->getValue<std::string>("currency"), "EUR");
  EXPECT_EQ(stockOf(mug), 3);
  EXPECT_EQ(stockOf(tee), 4);
}

// Test that a placed order reads back with its lines in request order.
TEST_F(OrdersServiceTest, PlacedOrderReadsBack) {
  const std::string mug = product("MUG", 5);
  const std::string tee = product("TEE", 5);
  const std::string id = orderIdOf(service_.place("alice", Items{{tee, 1}, {mug, 3}}, {}));

  const Order order = service_.get(alice_, id);
  ASSERT_EQ(order.lines.size(), 2u);
  EXPECT_EQ(order.lines[0].product_id, tee);
  EXPECT_EQ(order.lines[1].quantity, 3);
  EXPECT_EQ(order.user_id, "alice");
}

// Test that the same key and body replay the first order and reserve once.
TEST_F(OrdersServiceTest, SameKeyReplaysFirstOrder) {
  const std::string mug = product("MUG", 5);
  const Placement first = service_.place("alice", Items{{mug, 2}}, "key-1");
  const Placement second = service_.place("alice", Items{{mug, 2}}, "key-1");

  EXPECT_EQ(orderIdOf(second), orderIdOf(first));
  EXPECT_EQ(second.order_id, first.order_id);
  EXPECT_EQ(second.status, 201);
  EXPECT_TRUE(second.replayed);
  EXPECT_EQ(stockOf(mug), 3);
}

// Test that the same key from another user is another order.
TEST_F(OrdersServiceTest, KeysArePerUser) {
  const std::string mug = product("MUG", 5);
  const Placement alice = service_.place("alice", Items{{mug, 1}}, "key-1");
  const Placement bob = service_.place("bob", Items{{mug, 1}}, "key-1");

  EXPECT_NE(bob.order_id, alice.order_id);
  EXPECT_FALSE(bob.replayed);
}

// Test that the same key with another body is 422.
TEST_F(OrdersServiceTest, SameKeyOtherBodyIsUnprocessable) {
  const std::string mug = product("MUG", 5);
  service_.place("alice", Items{{mug, 1}}, "key-1");
  auto problem = problemOf([&] { service_.place("alice", Items{{mug, 2}}, "key-1"); });

  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->status(), 422);
  EXPECT_EQ(problem->type(), "/problems/idempotency-key-reused");
}

// Test that a retry while the first request is still running is 409.
TEST_F(OrdersServiceTest, SameKeyWhileRunningIsInProgress) {
  const std::string mug = product("MUG", 5);
  std::optional<http::Problem> inner;
  bool retried = false;
  catalog_->during_reserve = [&] {
    if (retried) return;
    retried = true;
    inner = problemOf([&] { service_.place("alice", Items{{mug, 1}}, "key-1"); });
  };
  service_.place("alice", Items{{mug, 1}}, "key-1");

  ASSERT_TRUE(inner);
  EXPECT_EQ(inner->status(), 409);
  EXPECT_EQ(inner->type(), "/problems/idempotency-in-progress");
}

// Test that out of stock is 409 and stores no order.
TEST_F(OrdersServiceTest, OutOfStockStoresNoOrder) {
  const std::string mug = product("MUG", 1);
  auto problem = problemOf([&] { service_.place("alice", Items{{mug, 2}}, "key-1"); });

  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->status(), 409);
  EXPECT_EQ(problem->type(), "/problems/out-of-stock");
  EXPECT_TRUE(service_.list("alice", http::PageRequest{}).items.empty());
  EXPECT_EQ(stockOf(mug), 1);
}

// Test that a key used by a refused attempt works again for the same body.
TEST_F(OrdersServiceTest, KeyFreedAfterFailedAttempt) {
  const std::string mug = product("MUG", 1);
  ASSERT_TRUE(problemOf([&] { service_.place("alice", Items{{mug, 2}}, "key-1"); }));
  products_.update(mug, catalog::ProductChanges{std::nullopt, std::nullopt, std::nullopt, 5});

  const Placement retry = service_.place("alice", Items{{mug, 2}}, "key-1");
  EXPECT_EQ(retry.status, 201);
  EXPECT_FALSE(retry.replayed);
}

// Test that a failure to save after reserving releases the reservation again.
TEST_F(OrdersServiceTest, SaveFailureReleasesReservation) {
  const std::string mug = product("MUG", 5);
  catalog_->during_reserve = [&] {
    Poco::Data::Session session = orders_database_->session();
    session << "DROP TABLE order_lines", Poco::Data::Keywords::now;
  };

  EXPECT_ANY_THROW(service_.place("alice", Items{{mug, 2}}, "key-1"));
  ASSERT_EQ(catalog_->reserved.size(), 1u);
  EXPECT_EQ(catalog_->released, catalog_->reserved);
  EXPECT_EQ(stockOf(mug), 5);
}

// Test that a catalog call failing after it reserved is followed by a release.
TEST_F(OrdersServiceTest, FailedReserveCallIsReleased) {
  const std::string mug = product("MUG", 5);
  catalog_->during_reserve = [] { throw std::runtime_error("catalog timed out"); };

  EXPECT_THROW(service_.place("alice", Items{{mug, 2}}, "key-1"), std::runtime_error);
  EXPECT_EQ(catalog_->released, catalog_->reserved);
  EXPECT_EQ(stockOf(mug), 5);
}

// Test that an in-progress key left by a dead request is taken over once it is stale.
TEST_F(OrdersServiceTest, StaleKeyIsTakenOver) {
  const std::string mug = product("MUG", 5);
  const Items items{{mug, 1}};
  orders_database_->transaction([&](Poco::Data::Session& session) {
    IdempotencyRepository().insertInProgress(session, "alice", "key-1", requestFingerprint(items),
                                             "dead-order", clock_.now());
  });
  ASSERT_TRUE(problemOf([&] { service_.place("alice", items, "key-1"); }));
  clock_.advance(61);

  const Placement placement = service_.place("alice", items, "key-1");
  EXPECT_EQ(placement.status, 201);
  EXPECT_EQ(catalog_->released, std::vector<std::string>{"dead-order"});
}

// Test that cancelling returns the stock.
TEST_F(OrdersServiceTest, CancelReleasesStock) {
  const std::string mug = product("MUG", 5);
  const std::string id = orderIdOf(service_.place("alice", Items{{mug, 2}}, {}));
  const Order cancelled = service_.cancel(alice_, id);

  EXPECT_EQ(cancelled.status, "cancelled");
  EXPECT_EQ(service_.get(alice_, id).status, "cancelled");
  EXPECT_EQ(stockOf(mug), 5);
}

// Test that cancelling twice is 409 and returns the stock only once.
TEST_F(OrdersServiceTest, CancelTwiceConflicts) {
  const std::string mug = product("MUG", 5);
  const std::string id = orderIdOf(service_.place("alice", Items{{mug, 2}}, {}));
  service_.cancel(alice_, id);
  auto problem = problemOf([&] { service_.cancel(alice_, id); });

  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->status(), 409);
  EXPECT_EQ(problem->type(), "/problems/already-cancelled");
  EXPECT_EQ(stockOf(mug), 5);
}

// Test that another customer's order is not found, for reading and for cancelling.
TEST_F(OrdersServiceTest, OtherUsersOrderIsNotFound) {
  const std::string mug = product("MUG", 5);
  const std::string id = orderIdOf(service_.place("alice", Items{{mug, 2}}, {}));

  auto read = problemOf([&] { service_.get(bob_, id); });
  auto cancel = problemOf([&] { service_.cancel(bob_, id); });
  ASSERT_TRUE(read);
  ASSERT_TRUE(cancel);
  EXPECT_EQ(read->status(), 404);
  EXPECT_EQ(cancel->status(), 404);
  EXPECT_EQ(stockOf(mug), 3);
}

// Test that an admin may read and cancel anyone's order.
TEST_F(OrdersServiceTest, AdminCancelsAnyOrder) {
  const std::string mug = product("MUG", 5);
  const std::string id = orderIdOf(service_.place("alice", Items{{mug, 2}}, {}));

  EXPECT_EQ(service_.cancel(admin_, id).status, "cancelled");
  EXPECT_EQ(stockOf(mug), 5);
}

// Test that a user's orders list newest first across pages without repeats.
TEST_F(OrdersServiceTest, ListIsNewestFirstAcrossPages) {
  const std::string mug = product("MUG", 50);
  std::vector<std::string> placed;
  for (int i = 0; i < 5; ++i) {
    if (i % 2 == 0) clock_.advance(1);
    placed.push_back(orderIdOf(service_.place("alice", Items{{mug, 1}}, {})));
  }
  service_.place("bob", Items{{mug, 1}}, {});

  std::vector<Order> listed;
  http::PageRequest page{2, {}};
  for (int pages = 0; pages < 10; ++pages) {
    const OrderPage result = service_.list("alice", page);
    listed.insert(listed.end(), result.items.begin(), result.items.end());
    if (!result.next_cursor) break;
    page.after = *http::decodeCursor(*result.next_cursor, 2);
  }

  ASSERT_EQ(listed.size(), 5u);
  for (std::size_t i = 1; i < listed.size(); ++i) {
    const bool descending =
        listed[i - 1].created_at > listed[i].created_at ||
        (listed[i - 1].created_at == listed[i].created_at && listed[i - 1].id > listed[i].id);
    EXPECT_TRUE(descending) << i;
  }
  EXPECT_EQ(listed.front().lines.size(), 1u);
}

// Test that 51 lines are a validation error.
TEST_F(OrdersServiceTest, TooManyLinesAreRejected) {
  Items items;
  for (int i = 0; i < 51; ++i) items.push_back({"product-" + std::to_string(i), 1});
  auto problem = problemOf([&] { service_.place("alice", items, std::nullopt); });

  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->status(), 400);
  EXPECT_TRUE(catalog_->reserved.empty());
}

}  // namespace
}  // namespace agora::orders::testing
