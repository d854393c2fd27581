// What the catalog module offers the orders module: all-or-nothing stock reservations.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace agora::catalog {

struct ReservationRequestItem {
  std::string product_id;
  int64_t quantity = 0;
};

struct ReservedItem {
  std::string product_id;
  std::string name;
  int64_t quantity = 0;
  int64_t unit_price_cents = 0;
};

/** A reservation as the catalog made it; prices come from the catalog, never the client. */
struct Reservation {
  std::string order_id;
  std::vector<ReservedItem> items;
  std::string currency;
};

/**
 * Implemented in-process by the catalog module and, between pods, by an HTTP client of
 * `/internal/catalog/reservations`. Both calls are idempotent by order id.
 * reserve() throws http::Problem 409 `/problems/out-of-stock` (with the short product ids
 * in a `products` extension), 422 `/problems/unknown-product` for unknown or deleted products
 * or 400 for an invalid request, and reserves nothing then.
 */
class CatalogApi {
 public:
  virtual ~CatalogApi() = default;
  virtual Reservation reserve(const std::string& order_id,
                              const std::vector<ReservationRequestItem>& items) = 0;
  /** Returns the reserved stock; a second call, or an unknown order id, does nothing. */
  virtual void release(const std::string& order_id) = 0;
};

}  // namespace agora::catalog
