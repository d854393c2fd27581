// Tests of the catalog's routes through the router: status codes, headers and JSON shapes.
#include <Poco/JSON/Array.h>

#include "CatalogTestSupport.h"

namespace agora::catalog::testing {
namespace {

class CatalogRoutesTest : public ::testing::Test {
 protected:
  CatalogRoutesTest()
      : database_(migratedDatabase(folder_, "catalog", CatalogModule::migrations())),
        module_(catalogConfig(), database_, clock_.clock()) {
    module_.registerRoutes(router_);
  }

  http::Response createMug() {
    return runRoute(router_,
                    {"POST", "/api/catalog/products",
                     R"({"sku":"MUG-1","name":"Mug","price_cents":1290,"stock":4})", admin_});
  }

  TempFolder folder_;
  ManualClock clock_;
  std::shared_ptr<data::Database> database_;
  CatalogModule module_;
  http::Router router_;
  http::Principal admin_ = principal("admin-1", {"customer", "admin"});
  http::Principal service_ = principal("orders", {"service"});
};

// Test that creating a product returns 201 with its Location.
TEST_F(CatalogRoutesTest, CreateAnswersCreatedWithLocation) {
  const http::Response response = createMug();

  EXPECT_EQ(response.status, 201);
  const std::string id = bodyObject(response)->getValue<std::string>("id");
  ASSERT_EQ(response.headers.size(), 1u);
  EXPECT_EQ(response.headers[0].first, "Location");
  EXPECT_EQ(response.headers[0].second, "/api/catalog/products/" + id);
}

// Test that an unknown body field is a validation error.
TEST_F(CatalogRoutesTest, UnknownFieldIsRejected) {
  auto problem = problemOf([&] {
    runRoute(router_,
             {"POST", "/api/catalog/products",
              R"({"sku":"A","name":"A","price_cents":1,"stock":1,"colour":"red"})", admin_});
  });

  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->status(), 400);
}

// Test that the listing has items and a null next_cursor on its only page.
TEST_F(CatalogRoutesTest, ListingEndsWithNullCursor) {
  createMug();
  const http::Response response = runRoute(router_, {"GET", "/api/catalog/products"});

  auto body = bodyObject(response);
  EXPECT_EQ(body->getArray("items")->size(), 1u);
  EXPECT_TRUE(body->isNull("next_cursor"));
}

// Test that a product JSON carries its currency and RFC 3339 times.
TEST_F(CatalogRoutesTest, ProductJsonHasCurrencyAndTimes) {
  const std::string id = bodyObject(createMug())->getValue<std::string>("id");
  auto body = bodyObject(runRoute(router_, {"GET", "/api/catalog/products/" + id}));

  EXPECT_EQ(body->getValue<std::string>("currency"), "EUR");
  EXPECT_EQ(body->getValue<std::string>("created_at"), formatRfc3339(clock_.now()));
}

// Test that PATCH changes a field and DELETE returns 204.
TEST_F(CatalogRoutesTest, PatchThenDelete) {
  const std::string id = bodyObject(createMug())->getValue<std::string>("id");
  auto patched =
      runRoute(router_, {"PATCH", "/api/catalog/products/" + id, R"({"stock":9})", admin_});
  auto deleted = runRoute(router_, {"DELETE", "/api/catalog/products/" + id, "", admin_});

  EXPECT_EQ(bodyObject(patched)->getValue<int64_t>("stock"), 9);
  EXPECT_EQ(deleted.status, 204);
}

// Test that the reservation route returns the reservation and release returns 204.
TEST_F(CatalogRoutesTest, ReserveAndReleaseRoutes) {
  const std::string id = bodyObject(createMug())->getValue<std::string>("id");
  auto reserved = runRoute(
      router_, {"POST", "/internal/catalog/reservations",
                R"({"order_id":"order-9","items":[{"product_id":")" + id + R"(","quantity":3}]})",
                service_});
  auto released =
      runRoute(router_, {"DELETE", "/internal/catalog/reservations/order-9", "", service_});

  auto body = bodyObject(reserved);
  EXPECT_EQ(reserved.status, 200);
  EXPECT_EQ(body->getValue<std::string>("order_id"), "order-9");
  EXPECT_EQ(body->getArray("items")->getObject(0)->getValue<int64_t>("unit_price_cents"), 1290);
  EXPECT_EQ(released.status, 204);
}

// Test that the demo seed fills an empty catalog once.
TEST_F(CatalogRoutesTest, DemoSeedRunsOnce) {
  EXPECT_GT(module_.seedDemoProducts(), 0);
  EXPECT_EQ(module_.seedDemoProducts(), 0);
}

// Test that a currency that is not three capital letters stops the module.
TEST_F(CatalogRoutesTest, BadCurrencyIsConfigError) {
  config::Config config = catalogConfig();
  config.set("catalog.currency", "euro");

  EXPECT_THROW(CatalogModule(config, database_, clock_.clock()), config::ConfigError);
}

// Test that the module reports ready while its database is reachable.
TEST_F(CatalogRoutesTest, ReadyWithDatabase) {
  EXPECT_EQ(module_.readinessProblem(), "");
}

}  // namespace
}  // namespace agora::catalog::testing
