// The CatalogApi for a process that runs the catalog module itself: direct calls, no HTTP.
#pragma once

#include <memory>

#include "modules/catalog/CatalogApi.h"
#include "modules/catalog/ReservationService.h"

namespace agora::catalog {

/** Calls the catalog's reservation service in this process, with the same contract as HTTP. */
class InProcessCatalogApi : public CatalogApi {
 public:
  explicit InProcessCatalogApi(std::shared_ptr<ReservationService> reservations);

  Reservation reserve(const std::string& order_id,
                      const std::vector<ReservationRequestItem>& items) override;
  void release(const std::string& order_id) override;

 private:
  std::shared_ptr<ReservationService> reservations_;
};

}  // namespace agora::catalog
