// CatalogApi for an orders role in another process: the catalog's reservation routes over HTTP.
#pragma once

#include <memory>

#include "modules/catalog/CatalogApi.h"
#include "platform/client/ServiceClient.h"

namespace agora::catalog {

/**
 * The HTTP adapter of CatalogApi over `POST /internal/catalog/reservations` and
 * `DELETE /internal/catalog/reservations/{order_id}`. Both are idempotent by order id, so
 * failed attempts are repeated. A rejection by the catalog (400, 404, 409 out of stock, 422
 * unknown product) is thrown as the same http::Problem the catalog threw, `products`
 * included. An unreachable catalog is a 503 problem. Thread-safe.
 */
class RemoteCatalogApi : public CatalogApi {
 public:
  explicit RemoteCatalogApi(std::shared_ptr<client::ServiceClient> catalog);

  /**
   * When the catalog cannot be reached, the reservation may still have been made before the
   * connection broke, so it is released (best effort) before the 503 is thrown.
   */
  Reservation reserve(const std::string& order_id,
                      const std::vector<ReservationRequestItem>& items) override;
  void release(const std::string& order_id) override;

 private:
  std::shared_ptr<client::ServiceClient> catalog_;
};

}  // namespace agora::catalog
