// Fuzzes the catalog's routes with their JSON bodies, ids and listing queries (q, limit,
// cursor) over a real SQLite database: every request ends in a success or a 4xx problem.
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "FuzzCheck.h"
#include "ModuleDatabases.h"
#include "RouteFuzzing.h"
#include "modules/catalog/CatalogModule.h"

namespace agora::fuzz {
namespace {

/** The catalog module as the embedded default runs it, with the demo products. */
struct Catalog {
  std::shared_ptr<data::Database> database =
      migratedDatabase(runFolder("catalog"), "catalog", catalog::CatalogModule::migrations());
  std::unique_ptr<catalog::CatalogModule> module;
  http::Router router;
  Callers callers{principal("alice", "session-alice", {"customer"}),
                  principal("admin-1", "session-admin", {"customer", "admin"}),
                  principal("orders", "", {"service"})};
  std::map<std::string, std::string> placeholders;

  Catalog() {
    config::Config config;
    catalog::CatalogModule::addDefaults(config);
    module = std::make_unique<catalog::CatalogModule>(config, database,
                                                      [] { return int64_t{1'800'000'000}; });
    module->registerRoutes(router);
    module->seedDemoProducts();
    placeholders["{product}"] = firstItemMember(
        setUpRequest(router, "GET /api/catalog/products?limit=1", std::nullopt), "id");
  }
};

Catalog& catalogUnderTest() {
  // Destroyed at exit before Poco's thread pool, so the database pools stop their timers
  // first instead of making that pool wait for them.
  static Catalog fixture;
  return fixture;
}

}  // namespace
}  // namespace agora::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using namespace agora::fuzz;
  Catalog& catalog = catalogUnderTest();
  const auto request = readFuzzRequest(textOf(data, size), catalog.placeholders);
  if (request) runRequest(catalog.router, *request, catalog.callers);
  return 0;
}
