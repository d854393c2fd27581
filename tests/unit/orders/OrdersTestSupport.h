// Shared setup of the orders tests: a real catalog and orders database in a temp folder, and a
// CatalogApi that records the calls it passes on to the real in-process catalog.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "../catalog/CatalogTestSupport.h"
#include "modules/catalog/ProductService.h"
#include "modules/orders/OrdersModule.h"
#include "modules/orders/OrdersService.h"

namespace agora::orders::testing {

using catalog::testing::ManualClock;
using catalog::testing::migratedDatabase;
using catalog::testing::principal;
using catalog::testing::problemOf;
using catalog::testing::TempFolder;

/** Passes calls to the real catalog and records them; a hook may run inside reserve(). */
class RecordingCatalogApi : public catalog::CatalogApi {
 public:
  explicit RecordingCatalogApi(std::shared_ptr<catalog::CatalogApi> real)
      : real_(std::move(real)) {}

  catalog::Reservation reserve(const std::string& order_id,
                               const std::vector<catalog::ReservationRequestItem>& items) override {
    {
      std::lock_guard lock(mutex_);
      reserved.push_back(order_id);
    }
    auto reservation = real_->reserve(order_id, items);
    if (during_reserve) during_reserve();
    return reservation;
  }

  void release(const std::string& order_id) override {
    {
      std::lock_guard lock(mutex_);
      released.push_back(order_id);
    }
    real_->release(order_id);
  }

  std::vector<std::string> reserved;
  std::vector<std::string> released;
  /** Runs after the real reservation succeeded, before the order is saved. */
  std::function<void()> during_reserve;

 private:
  std::shared_ptr<catalog::CatalogApi> real_;
  std::mutex mutex_;
};

/** A catalog module and an orders service over separate SQLite files. */
class OrdersTest : public ::testing::Test {
 protected:
  OrdersTest()
      : catalog_database_(
            migratedDatabase(folder_, "catalog", catalog::CatalogModule::migrations())),
        orders_database_(migratedDatabase(folder_, "orders", OrdersModule::migrations())),
        catalog_module_(catalog::testing::catalogConfig(), catalog_database_, clock_.clock()),
        products_(catalog_database_, "EUR", clock_.clock()),
        catalog_(std::make_shared<RecordingCatalogApi>(catalog_module_.api())),
        service_(orders_database_, catalog_, clock_.clock(), 60) {}

  std::string product(const std::string& sku, int64_t stock, int64_t price_cents = 500) {
    return products_.create(catalog::NewProduct{sku, "Name of " + sku, "", price_cents, stock}).id;
  }

  int64_t stockOf(const std::string& id) { return products_.get(id).stock; }

  /** Returns the id of the order in a placement's response. */
  static std::string orderIdOf(const Placement& placement) {
    return placement.body.extract<Poco::JSON::Object::Ptr>()->getValue<std::string>("id");
  }

  TempFolder folder_;
  ManualClock clock_;
  std::shared_ptr<data::Database> catalog_database_;
  std::shared_ptr<data::Database> orders_database_;
  catalog::CatalogModule catalog_module_;
  catalog::ProductService products_;
  std::shared_ptr<RecordingCatalogApi> catalog_;
  OrdersService service_;
  http::Principal alice_ = principal("alice", {"customer"});
  http::Principal bob_ = principal("bob", {"customer"});
  http::Principal admin_ = principal("root", {"customer", "admin"});
};

}  // namespace agora::orders::testing
