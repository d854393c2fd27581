// Fuzzes the orders routes (placing with an Idempotency-Key, listing with user_id, limit and
// cursor, reading, cancelling) over the real catalog and SQLite: every request ends in a
// success or a 4xx problem.
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "FuzzCheck.h"
#include "ModuleDatabases.h"
#include "RouteFuzzing.h"
#include "modules/catalog/CatalogModule.h"
#include "modules/orders/OrdersModule.h"

namespace agora::fuzz {
namespace {

/** The orders module in one process with the catalog, as `--role=all` runs them. */
struct Orders {
  std::shared_ptr<data::Database> catalog_database =
      migratedDatabase(runFolder("orders"), "catalog", catalog::CatalogModule::migrations());
  std::shared_ptr<data::Database> orders_database =
      migratedDatabase(runFolder("orders"), "orders", orders::OrdersModule::migrations());
  std::unique_ptr<catalog::CatalogModule> catalog_module;
  std::unique_ptr<orders::OrdersModule> module;
  http::Router catalog_router;
  http::Router router;
  Callers callers{principal("alice", "session-alice", {"customer"}),
                  principal("admin-1", "session-admin", {"customer", "admin"}),
                  principal("orders", "", {"service"})};
  std::map<std::string, std::string> placeholders;

  Orders() {
    const Clock clock = [] { return int64_t{1'800'000'000}; };
    config::Config config;
    catalog::CatalogModule::addDefaults(config);
    orders::OrdersModule::addDefaults(config);
    catalog_module = std::make_unique<catalog::CatalogModule>(config, catalog_database, clock);
    catalog_module->seedDemoProducts();
    catalog_module->registerRoutes(catalog_router);
    module = std::make_unique<orders::OrdersModule>(config, orders_database, catalog_module->api(),
                                                    clock);
    module->registerRoutes(router);

    placeholders["{product}"] = firstItemMember(
        setUpRequest(catalog_router, "GET /api/catalog/products?limit=1", std::nullopt), "id");
    const std::string order = "POST /api/orders\n\n{\"items\":[{\"product_id\":\"" +
                              placeholders["{product}"] + "\",\"quantity\":1}]}";
    placeholders["{order}"] = memberOf(setUpRequest(router, order, callers.user), "id");
  }
};

Orders& ordersUnderTest() {
  // Destroyed at exit before Poco's thread pool, so the database pools stop their timers
  // first instead of making that pool wait for them.
  static Orders fixture;
  return fixture;
}

}  // namespace
}  // namespace agora::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using namespace agora::fuzz;
  Orders& orders = ordersUnderTest();
  const auto request = readFuzzRequest(textOf(data, size), orders.placeholders);
  if (request) runRequest(orders.router, *request, orders.callers);
  return 0;
}
