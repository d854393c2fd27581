// The catalog module: products, prices, stock and reservations, mounted into a process by main.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "modules/catalog/CatalogApi.h"
#include "modules/catalog/ProductService.h"
#include "modules/catalog/ReservationService.h"
#include "platform/Clock.h"
#include "platform/config/Config.h"
#include "platform/data/Database.h"
#include "platform/data/Migrations.h"
#include "platform/http/Module.h"

namespace agora::catalog {

/**
 * Serves `/api/catalog/products` and `/internal/catalog/reservations` and offers the
 * in-process CatalogApi to an orders module in the same process.
 */
class CatalogModule : public http::Module {
 public:
  /** Sets `catalog.currency` (default EUR): the one ISO 4217 currency of the shop. */
  static void addDefaults(config::Config& config);
  static std::vector<data::Migration> migrations();

  /** Throws config::ConfigError when `catalog.currency` is not three capital letters. */
  CatalogModule(const config::Config& config, std::shared_ptr<data::Database> database,
                Clock clock);

  /** The in-process adapter of CatalogApi, sharing this module's database. */
  std::shared_ptr<CatalogApi> api();
  /** Creates the demo products when the catalog is empty; returns how many were created. */
  int seedDemoProducts();

  /** Counts reservations into `registry` (see ReservationService::setMetrics). */
  void setMetrics(std::shared_ptr<metrics::Registry> registry);

  std::string name() const override { return "catalog"; }
  void registerRoutes(http::Router& router) override;
  std::string readinessProblem() override;

 private:
  std::shared_ptr<data::Database> database_;
  std::shared_ptr<ProductService> products_;
  std::shared_ptr<ReservationService> reservations_;
  std::shared_ptr<CatalogApi> api_;
};

}  // namespace agora::catalog
