// Tests the business counters of orders and of the catalog's reservations: placed, cancelled,
// reserved, refused for short stock or unknown products, released.
#include <gtest/gtest.h>

#include "OrdersTestSupport.h"
#include "platform/metrics/Metrics.h"

namespace agora::orders {
namespace {

class OrdersMonitoringTest : public testing::OrdersTest {
 protected:
  void SetUp() override {
    registry_ = std::make_shared<metrics::Registry>();
    catalog_module_.setMetrics(registry_);
    service_.setMetrics(registry_);
  }

  double metric(const std::string& series) {
    const std::string text = registry_->render();
    const auto at = text.find("\n" + series + " ");
    if (at == std::string::npos) return -1;
    return std::stod(text.substr(at + series.size() + 2));
  }

  std::shared_ptr<metrics::Registry> registry_;
};

// Test that every series exists at 0 before the first order.
TEST_F(OrdersMonitoringTest, SeriesStartAtZero) {
  EXPECT_EQ(metric("agora_orders_placed_total"), 0);
  EXPECT_EQ(metric("agora_orders_cancelled_total"), 0);
  EXPECT_EQ(metric("agora_stock_conflicts_total"), 0);
  EXPECT_EQ(metric("agora_reservations_total{result=\"reserved\"}"), 0);
  EXPECT_EQ(metric("agora_reservations_released_total"), 0);
}

// Test that a placed order counts once, also when its idempotency key is replayed.
TEST_F(OrdersMonitoringTest, PlacedCountedOncePerKey) {
  const std::string id = product("sku-1", 10);
  service_.place("alice", {{id, 1}}, std::string("key-1"));
  Placement replay = service_.place("alice", {{id, 1}}, std::string("key-1"));
  ASSERT_TRUE(replay.replayed);
  EXPECT_EQ(metric("agora_orders_placed_total"), 1);
  EXPECT_EQ(metric("agora_reservations_total{result=\"reserved\"}"), 1);
}

// Test that short stock counts a conflict and no order.
TEST_F(OrdersMonitoringTest, OutOfStockCountedAsConflict) {
  const std::string id = product("sku-1", 1);
  auto problem = testing::problemOf([&] { service_.place("alice", {{id, 2}}, {}); });
  ASSERT_TRUE(problem.has_value());
  ASSERT_EQ(problem->status(), 409);
  EXPECT_EQ(metric("agora_stock_conflicts_total"), 1);
  EXPECT_EQ(metric("agora_reservations_total{result=\"out_of_stock\"}"), 1);
  EXPECT_EQ(metric("agora_orders_placed_total"), 0);
}

// Test that an unknown product counts as such and not as a stock conflict.
TEST_F(OrdersMonitoringTest, UnknownProductCounted) {
  auto problem = testing::problemOf([&] {
    service_.place("alice", {{"00000000-0000-4000-8000-000000000000", 1}}, {});
  });
  ASSERT_TRUE(problem.has_value());
  ASSERT_EQ(problem->status(), 422);
  EXPECT_EQ(metric("agora_reservations_total{result=\"unknown_product\"}"), 1);
  EXPECT_EQ(metric("agora_stock_conflicts_total"), 0);
}

// Test that a cancellation counts the order and the released reservation.
TEST_F(OrdersMonitoringTest, CancelCountsRelease) {
  const std::string id = product("sku-1", 10);
  Placement placed = service_.place("alice", {{id, 3}}, {});
  service_.cancel(alice_, orderIdOf(placed));
  EXPECT_EQ(metric("agora_orders_cancelled_total"), 1);
  EXPECT_EQ(metric("agora_reservations_released_total"), 1);
}

}  // namespace
}  // namespace agora::orders
