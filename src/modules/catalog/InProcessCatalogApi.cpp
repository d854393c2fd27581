// Direct calls into the reservation service for orders running in the catalog's process.
#include "modules/catalog/InProcessCatalogApi.h"

namespace agora::catalog {

InProcessCatalogApi::InProcessCatalogApi(std::shared_ptr<ReservationService> reservations)
    : reservations_(std::move(reservations)) {}

Reservation InProcessCatalogApi::reserve(const std::string& order_id,
                                         const std::vector<ReservationRequestItem>& items) {
  return reservations_->reserve(order_id, items);
}

void InProcessCatalogApi::release(const std::string& order_id) {
  reservations_->release(order_id);
}

}  // namespace agora::catalog
