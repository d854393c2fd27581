// SQL for stock reservations and their items, written once for SQLite and MySQL.
#pragma once

#include <Poco/Data/Session.h>

#include <cstdint>
#include <optional>
#include <string>

#include "modules/catalog/CatalogApi.h"

namespace agora::catalog {

/** A stored reservation and whether its stock went back already. */
struct StoredReservation {
  Reservation reservation;
  bool released = false;
};

/** Reads and writes reservations through a session the caller owns. Stateless. */
class ReservationRepository {
 public:
  /** The reservation of an order with its items in request order, if one was made. */
  std::optional<StoredReservation> find(Poco::Data::Session& session, const std::string& order_id);
  /**
   * Records that an order's reservation is being made. The order id is the primary key, so a
   * concurrent second insert for the same order fails instead of reserving twice.
   */
  void insertHeader(Poco::Data::Session& session, const std::string& order_id,
                    const std::string& currency, int64_t now);
  /** Records the reserved items, in request order, under an inserted header. */
  void insertItems(Poco::Data::Session& session, const Reservation& reservation);
  /** Marks a reservation released. Returns false if it was released already or is unknown. */
  bool markReleased(Poco::Data::Session& session, const std::string& order_id, int64_t now);
};

}  // namespace agora::catalog
