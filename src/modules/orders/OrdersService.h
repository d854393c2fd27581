// Placing, listing, showing and cancelling orders, with idempotency keys and stock reservations.
#pragma once

#include <Poco/Dynamic/Var.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "modules/catalog/CatalogApi.h"
#include "modules/orders/IdempotencyRepository.h"
#include "modules/orders/Order.h"
#include "modules/orders/OrderRepository.h"
#include "platform/Clock.h"
#include "platform/data/Database.h"
#include "platform/http/Pagination.h"
#include "platform/http/Principal.h"
#include "platform/metrics/Counters.h"

namespace agora::orders {

/** The result of a placement: a new order, or the stored first response for a repeated key. */
struct Placement {
  int status = 201;
  Poco::Dynamic::Var body;
  std::string order_id;
  bool replayed = false;
};

/** One page of a user's orders. `next_cursor` is empty on the last page. */
struct OrderPage {
  std::vector<Order> items;
  std::optional<std::string> next_cursor;
};

/**
 * The orders domain. Stock is reserved through the CatalogApi outside any orders transaction,
 * and released again when the order cannot be saved or is cancelled. Thread-safe.
 * Throws http::Problem for client errors and data::Unavailable when the database is down.
 */
class OrdersService {
 public:
  /** Lets a retry take over an idempotency key in progress for over `stale_key_seconds`. */
  OrdersService(std::shared_ptr<data::Database> database,
                std::shared_ptr<catalog::CatalogApi> catalog, Clock clock,
                int64_t stale_key_seconds);

  /**
   * Counts into `registry` from now on (call before serving): agora_orders_placed_total and
   * agora_orders_cancelled_total. A replayed placement (same idempotency key) counts nothing.
   */
  void setMetrics(std::shared_ptr<metrics::Registry> registry);

  /**
   * Places an order for `user_id`: 1-50 lines, quantities 1-1000, a product at most once
   * (else 400). With an idempotency key (1-255 printable ASCII characters), the same request
   * again replays the first response. Another request with that key gets 422
   * `/problems/idempotency-key-reused`, and a retry while the first is running gets 409
   * `/problems/idempotency-in-progress`. Catalog problems (409 out of stock, 422 unknown
   * product) pass through and leave nothing stored, so the key can be used again.
   */
  Placement place(const std::string& user_id,
                  const std::vector<catalog::ReservationRequestItem>& items,
                  const std::optional<std::string>& idempotency_key);

  /** Lists a user's orders, newest first. */
  OrderPage list(const std::string& user_id, const http::PageRequest& page);

  /** Returns an order of the caller, or any order for an admin, else throws 404. */
  Order get(const http::Principal& caller, const std::string& id);

  /**
   * Cancels a placed order visible to the caller (see get) and releases its stock. Throws 409
   * `/problems/already-cancelled` when it is cancelled already.
   */
  Order cancel(const http::Principal& caller, const std::string& id);

 private:
  std::shared_ptr<data::Database> database_;
  std::shared_ptr<catalog::CatalogApi> catalog_;
  Clock clock_;
  int64_t stale_key_seconds_;
  OrderRepository orders_;
  IdempotencyRepository keys_;
  metrics::Counters counters_;

  std::optional<Placement> claimKey(const std::string& user_id, const std::string& key,
                                    const std::string& fingerprint, const std::string& order_id);
  void takeOver(const std::string& user_id, const std::string& key, const IdempotencyRecord& stale);
  void freeKey(const std::string& user_id, const std::string& key, const std::string& order_id);
  void releaseQuietly(const std::string& order_id, const std::string& reason);
};

/** SHA-256 hex of the canonical JSON of the items: equal for equal requests. */
std::string requestFingerprint(const std::vector<catalog::ReservationRequestItem>& items);

/** Throws Problem 400 unless `key` is 1-255 printable ASCII characters. */
void checkIdempotencyKey(const std::string& key);

}  // namespace agora::orders
