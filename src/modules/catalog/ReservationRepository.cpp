// Portable SQL for reservations: the header row keyed by order id, one row per reserved item.
#include "modules/catalog/ReservationRepository.h"

#include <Poco/Data/Statement.h>

#include <vector>

namespace agora::catalog {

using namespace Poco::Data::Keywords;

std::optional<StoredReservation> ReservationRepository::find(Poco::Data::Session& session,
                                                             const std::string& order_id) {
  std::vector<std::string> currencies;
  std::vector<int64_t> released;
  session << "SELECT currency, released FROM reservations WHERE order_id = ?", bind(order_id),
      into(currencies), into(released), now;
  if (currencies.empty()) return std::nullopt;

  StoredReservation stored;
  stored.reservation.order_id = order_id;
  stored.reservation.currency = currencies.front();
  stored.released = released.front() != 0;

  std::vector<std::string> product_ids, names;
  std::vector<int64_t> quantities, prices;
  session << "SELECT product_id, name, quantity, unit_price_cents FROM reservation_items"
             " WHERE order_id = ? ORDER BY line_no",
      bind(order_id), into(product_ids), into(names), into(quantities), into(prices), now;
  for (std::size_t i = 0; i < product_ids.size(); ++i) {
    stored.reservation.items.push_back(
        ReservedItem{product_ids[i], names[i], quantities[i], prices[i]});
  }
  return stored;
}

void ReservationRepository::insertHeader(Poco::Data::Session& session, const std::string& order_id,
                                         const std::string& currency, int64_t now_seconds) {
  session << "INSERT INTO reservations (order_id, currency, created_at, released)"
             " VALUES (?, ?, ?, 0)",
      bind(order_id), bind(currency), bind(now_seconds), now;
}

void ReservationRepository::insertItems(Poco::Data::Session& session,
                                        const Reservation& reservation) {
  int line_no = 0;
  for (const auto& item : reservation.items) {
    session << "INSERT INTO reservation_items"
               " (order_id, line_no, product_id, name, quantity, unit_price_cents)"
               " VALUES (?, ?, ?, ?, ?, ?)",
        bind(reservation.order_id), bind(line_no++), bind(item.product_id), bind(item.name),
        bind(item.quantity), bind(item.unit_price_cents), now;
  }
}

bool ReservationRepository::markReleased(Poco::Data::Session& session, const std::string& order_id,
                                         int64_t now_seconds) {
  Poco::Data::Statement statement(session);
  statement << "UPDATE reservations SET released = 1, released_at = ?"
               " WHERE order_id = ? AND released = 0",
      bind(now_seconds), bind(order_id);
  return statement.execute() == 1;
}

}  // namespace agora::catalog
