// Tests of the orders routes through the router, with the caller set on each request.
#include <Poco/JSON/Array.h>

#include "OrdersTestSupport.h"

namespace agora::orders::testing {
namespace {

using catalog::testing::bodyObject;
using catalog::testing::RouteCall;
using catalog::testing::runRoute;

/** Returns the value of a response header, or an empty string. */
std::string headerOf(const http::Response& response, const std::string& name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) return value;
  }
  return "";
}

class OrdersRoutesTest : public OrdersTest {
 protected:
  OrdersRoutesTest() : module_(ordersConfig(), orders_database_, catalog_, clock_.clock()) {
    module_.registerRoutes(router_);
    mug_ = product("MUG", 10, 1290);
  }

  static config::Config ordersConfig() {
    config::Config config;
    OrdersModule::addDefaults(config);
    return config;
  }

  std::string orderBody(int quantity) const {
    return R"({"items":[{"product_id":")" + mug_ + R"(","quantity":)" + std::to_string(quantity) +
           "}]}";
  }

  http::Response placeAs(const http::Principal& caller, const std::string& key = "") {
    RouteCall call{"POST", "/api/orders", orderBody(1), caller};
    if (!key.empty()) call.headers["idempotency-key"] = key;
    return runRoute(router_, call);
  }

  OrdersModule module_;
  http::Router router_;
  std::string mug_;
};

// Test that placing returns 201 with the order's Location.
TEST_F(OrdersRoutesTest, PlaceAnswersCreatedWithLocation) {
  const http::Response response = placeAs(alice_);

  EXPECT_EQ(response.status, 201);
  const std::string id = bodyObject(response)->getValue<std::string>("id");
  EXPECT_EQ(headerOf(response, "Location"), "/api/orders/" + id);
  EXPECT_EQ(headerOf(response, "Idempotency-Replayed"), "");
}

// Test that a replay carries the same body and the Idempotency-Replayed header.
TEST_F(OrdersRoutesTest, ReplayIsMarked) {
  const http::Response first = placeAs(alice_, "key-7");
  const http::Response replay = placeAs(alice_, "key-7");

  EXPECT_EQ(replay.status, 201);
  EXPECT_EQ(headerOf(replay, "Idempotency-Replayed"), "true");
  EXPECT_EQ(bodyObject(replay)->getValue<std::string>("id"),
            bodyObject(first)->getValue<std::string>("id"));
  EXPECT_EQ(headerOf(replay, "Location"), headerOf(first, "Location"));
}

// Test that an Idempotency-Key with a control character is a bad request.
TEST_F(OrdersRoutesTest, BadIdempotencyKeyIsRejected) {
  auto problem = problemOf([&] { placeAs(alice_, "key\x01"); });

  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->status(), 400);
}

// Test that a product listed twice in the body is a validation error.
TEST_F(OrdersRoutesTest, DuplicateProductIsRejected) {
  const std::string body = R"({"items":[{"product_id":")" + mug_ +
                           R"(","quantity":1},{"product_id":")" + mug_ + R"(","quantity":2}]})";
  auto problem = problemOf([&] { runRoute(router_, {"POST", "/api/orders", body, alice_}); });

  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->status(), 400);
}

// Test that a customer passing user_id to the listing is forbidden.
TEST_F(OrdersRoutesTest, CustomerCannotListByUser) {
  auto problem = problemOf([&] {
    runRoute(router_, {"GET", "/api/orders", "", alice_, {{"user_id", "bob"}}});
  });

  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->status(), 403);
}

// Test that an admin lists exactly the orders of the user asked for.
TEST_F(OrdersRoutesTest, AdminListsByUser) {
  placeAs(alice_);
  placeAs(alice_);
  placeAs(bob_);
  auto body =
      bodyObject(runRoute(router_, {"GET", "/api/orders", "", admin_, {{"user_id", "alice"}}}));

  auto items = body->getArray("items");
  ASSERT_EQ(items->size(), 2u);
  EXPECT_EQ(items->getObject(0)->getValue<std::string>("user_id"), "alice");
  EXPECT_EQ(items->getObject(1)->getValue<std::string>("user_id"), "alice");
  EXPECT_TRUE(body->isNull("next_cursor"));
}

// Test that a customer's listing contains only their own orders.
TEST_F(OrdersRoutesTest, CustomerListsOwnOrders) {
  placeAs(alice_);
  placeAs(bob_);
  auto body = bodyObject(runRoute(router_, {"GET", "/api/orders", "", bob_}));

  auto items = body->getArray("items");
  ASSERT_EQ(items->size(), 1u);
  EXPECT_EQ(items->getObject(0)->getValue<std::string>("user_id"), "bob");
}

// Test that another customer's order is 404 through the route.
TEST_F(OrdersRoutesTest, OtherUsersOrderRouteIsNotFound) {
  const std::string id = bodyObject(placeAs(alice_))->getValue<std::string>("id");
  auto problem = problemOf([&] { runRoute(router_, {"GET", "/api/orders/" + id, "", bob_}); });

  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->status(), 404);
}

// Test that the cancel route returns the cancelled order.
TEST_F(OrdersRoutesTest, CancelRouteAnswersOrder) {
  const std::string id = bodyObject(placeAs(alice_))->getValue<std::string>("id");
  auto response = runRoute(router_, {"POST", "/api/orders/" + id + "/cancel", "", alice_});

  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(bodyObject(response)->getValue<std::string>("status"), "cancelled");
  EXPECT_EQ(stockOf(mug_), 10);
}

}  // namespace
}  // namespace agora::orders::testing
