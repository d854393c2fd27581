// The orders module: placing and tracking orders, mounted into a process by main.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "modules/catalog/CatalogApi.h"
#include "modules/orders/OrdersService.h"
#include "platform/Clock.h"
#include "platform/config/Config.h"
#include "platform/data/Database.h"
#include "platform/data/Migrations.h"
#include "platform/http/Module.h"

namespace agora::orders {

/** Serves `/api/orders` and reserves and releases stock through the CatalogApi it is given. */
class OrdersModule : public http::Module {
 public:
  /**
   * Sets `orders.idempotency_stale_seconds` (default 60): how long an Idempotency-Key may stay
   * in progress before a retry with the same key takes it over.
   */
  static void addDefaults(config::Config& config);
  static std::vector<data::Migration> migrations();

  /** Throws config::ConfigError on a setting out of range. */
  OrdersModule(const config::Config& config, std::shared_ptr<data::Database> database,
               std::shared_ptr<catalog::CatalogApi> catalog, Clock clock);

  /** Counts placed and cancelled orders into `registry` (see OrdersService::setMetrics). */
  void setMetrics(std::shared_ptr<metrics::Registry> registry);

  std::string name() const override { return "orders"; }
  void registerRoutes(http::Router& router) override;
  std::string readinessProblem() override;

 private:
  std::shared_ptr<data::Database> database_;
  std::shared_ptr<OrdersService> service_;
};

}  // namespace agora::orders
