// All-or-nothing stock reservations for orders, idempotent by order id.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "modules/catalog/CatalogApi.h"
#include "modules/catalog/ProductRepository.h"
#include "modules/catalog/ReservationRepository.h"
#include "platform/Clock.h"
#include "platform/data/Database.h"
#include "platform/metrics/Counters.h"

namespace agora::catalog {

/**
 * Takes stock for an order and gives it back. Thread-safe: every call runs in its own
 * database transaction.
 */
class ReservationService {
 public:
  ReservationService(std::shared_ptr<data::Database> database, std::string currency, Clock clock);

  /**
   * Counts into `registry` from now on (call before serving):
   * agora_reservations_total{result="reserved"|"out_of_stock"|"unknown_product"},
   * agora_stock_conflicts_total (reservations refused for short stock) and
   * agora_reservations_released_total.
   */
  void setMetrics(std::shared_ptr<metrics::Registry> registry);

  /**
   * Reserves every item or none, at the catalog's current names and prices. Throws
   * http::Problem 400 for an invalid request (order id, 1-50 items, quantities 1-1000, a
   * product at most once), 422 `/problems/unknown-product` for unknown or deleted products,
   * 409 `/problems/out-of-stock` listing the products short of stock in `products`. A
   * second call with the same order id returns the first result and reserves nothing.
   */
  Reservation reserve(const std::string& order_id,
                      const std::vector<ReservationRequestItem>& items);

  /**
   * Returns the stock of an order's reservation, to products even if they were deleted since.
   * Does nothing for an unknown or already released reservation.
   */
  void release(const std::string& order_id);

 private:
  std::shared_ptr<data::Database> database_;
  std::string currency_;
  Clock clock_;
  ProductRepository products_;
  ReservationRepository reservations_;
  metrics::Counters counters_;

  Reservation reserveInTransaction(Poco::Data::Session& session, const std::string& order_id,
                                   const std::vector<ReservationRequestItem>& items);
};

/** Whether `order_id` is 1-64 characters of [A-Za-z0-9._-]. */
bool isValidOrderId(const std::string& order_id);

}  // namespace agora::catalog
