// Reservation rules: check the request, take stock per item with a guarded update, record it.
#include "modules/catalog/ReservationService.h"

#include <Poco/Data/DataException.h>
#include <Poco/JSON/Array.h>

#include <algorithm>
#include <numeric>
#include <set>

#include "platform/data/DataErrors.h"
#include "platform/http/Problem.h"
#include "platform/log/Log.h"

namespace agora::catalog {

namespace {

constexpr const char* kOutOfStockType = "/problems/out-of-stock";
constexpr const char* kUnknownProductType = "/problems/unknown-product";
constexpr const char* kReservationsMetric = "agora_reservations_total";
constexpr const char* kStockConflictsMetric = "agora_stock_conflicts_total";
constexpr const char* kReleasesMetric = "agora_reservations_released_total";

constexpr std::size_t kMaxItems = 50;
constexpr int64_t kMaxQuantity = 1000;

void checkRequest(const std::string& order_id, const std::vector<ReservationRequestItem>& items) {
  std::vector<http::FieldError> errors;
  if (!isValidOrderId(order_id)) {
    errors.push_back({"order_id", "must be 1-64 characters of A-Z, a-z, 0-9, '.', '_' or '-'"});
  }
  if (items.empty() || items.size() > kMaxItems) {
    errors.push_back({"items", "has " + std::to_string(items.size()) + " items: must be 1-" +
                                   std::to_string(kMaxItems)});
  }
  std::set<std::string> seen;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string prefix = "items[" + std::to_string(i) + "].";
    const auto& item = items[i];
    if (item.product_id.empty()) {
      errors.push_back({prefix + "product_id", "must not be empty"});
    } else if (!seen.insert(item.product_id).second) {
      errors.push_back({prefix + "product_id", "product " + item.product_id +
                                                   " appears more than once: put its whole"
                                                   " quantity on one line"});
    }
    if (item.quantity < 1 || item.quantity > kMaxQuantity) {
      errors.push_back({prefix + "quantity", std::to_string(item.quantity) +
                                                 " is out of range: must be 1-" +
                                                 std::to_string(kMaxQuantity)});
    }
  }
  if (!errors.empty()) throw http::Problem::validation(std::move(errors));
}

Poco::JSON::Array::Ptr toArray(const std::vector<std::string>& values) {
  Poco::JSON::Array::Ptr array = new Poco::JSON::Array();
  for (const auto& value : values) array->add(value);
  return array;
}

std::string joined(const std::vector<std::string>& values) {
  std::string text;
  for (const auto& value : values) text += (text.empty() ? "" : ", ") + value;
  return text;
}

http::Problem unknownProducts(const std::vector<std::string>& product_ids) {
  http::Problem problem = http::Problem::unprocessable(
      kUnknownProductType, "Unknown product",
      "product " + joined(product_ids) + " not found in the catalog: remove it from the order");
  problem.withExtension("products", toArray(product_ids));
  return problem;
}

http::Problem outOfStock(const std::vector<std::string>& product_ids) {
  http::Problem problem = http::Problem::conflict(
      kOutOfStockType, "Out of stock",
      "not enough stock of " + joined(product_ids) + ": order fewer or try again later");
  problem.withExtension("products", toArray(product_ids));
  return problem;
}

void logReservation(const std::string& event, const std::string& order_id,
                    const std::string& detail) {
  Poco::JSON::Object fields;
  fields.set("order_id", order_id);
  if (!detail.empty()) fields.set("detail", detail);
  log::info("catalog", event, fields);
}

}  // namespace

bool isValidOrderId(const std::string& order_id) {
  if (order_id.empty() || order_id.size() > 64) return false;
  for (const char c : order_id) {
    const bool alphanumeric =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alphanumeric && c != '.' && c != '_' && c != '-') return false;
  }
  return true;
}

ReservationService::ReservationService(std::shared_ptr<data::Database> database,
                                       std::string currency, Clock clock)
    : database_(std::move(database)), currency_(std::move(currency)), clock_(std::move(clock)) {}

void ReservationService::setMetrics(std::shared_ptr<metrics::Registry> registry) {
  counters_.bind(std::move(registry));
  counters_.declare(
      kReservationsMetric, "Stock reservation requests, by result.",
      {{{"result", "reserved"}}, {{"result", "out_of_stock"}}, {{"result", "unknown_product"}}});
  counters_.declare(kStockConflictsMetric, "Reservations refused because stock ran short.");
  counters_.declare(kReleasesMetric, "Reservations released and their stock returned.");
}

Reservation ReservationService::reserveInTransaction(
    Poco::Data::Session& session, const std::string& order_id,
    const std::vector<ReservationRequestItem>& items) {
  if (auto stored = reservations_.find(session, order_id)) return stored->reservation;
  reservations_.insertHeader(session, order_id, currency_, clock_());

  Reservation reservation{order_id, {}, currency_};
  std::vector<std::string> unknown;
  for (const auto& item : items) {
    std::optional<Product> product;
    if (isPlausibleId(item.product_id)) product = products_.findLive(session, item.product_id);
    if (!product) {
      unknown.push_back(item.product_id);
      continue;
    }
    reservation.items.push_back(
        ReservedItem{product->id, product->name, item.quantity, product->price_cents});
  }
  if (!unknown.empty()) throw unknownProducts(unknown);

  // Update product rows in id order, so concurrent reservations on MySQL lock rows in the same
  // order and do not deadlock on each other's rows.
  std::vector<std::size_t> order(items.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return reservation.items[a].product_id < reservation.items[b].product_id;
  });
  std::vector<std::string> short_of_stock;
  for (const std::size_t i : order) {
    const auto& item = reservation.items[i];
    if (!products_.takeStock(session, item.product_id, item.quantity)) {
      short_of_stock.push_back(item.product_id);
    }
  }
  if (!short_of_stock.empty()) throw outOfStock(short_of_stock);

  reservations_.insertItems(session, reservation);
  return reservation;
}

Reservation ReservationService::reserve(const std::string& order_id,
                                        const std::vector<ReservationRequestItem>& items) {
  checkRequest(order_id, items);

  Reservation reservation;
  try {
    database_->transaction([&](Poco::Data::Session& session) {
      reservation = reserveInTransaction(session, order_id, items);
    });
  } catch (const http::Problem& problem) {
    logReservation("reservation_refused", order_id, problem.type());
    if (problem.type() == kOutOfStockType) {
      counters_.add(kReservationsMetric, {{"result", "out_of_stock"}});
      counters_.add(kStockConflictsMetric);
    } else if (problem.type() == kUnknownProductType) {
      counters_.add(kReservationsMetric, {{"result", "unknown_product"}});
    }
    throw;
  } catch (const Poco::Data::DataException& e) {
    if (!data::isDuplicateKey(e)) throw;
    // A concurrent call for the same order won the primary key, so its result is returned.
    // The lookup runs in a transaction so that it reads the winner's commit.
    std::optional<StoredReservation> stored;
    database_->transaction(
        [&](Poco::Data::Session& session) { stored = reservations_.find(session, order_id); });
    if (stored) return stored->reservation;
    throw;
  }

  counters_.add(kReservationsMetric, {{"result", "reserved"}});
  logReservation("reservation_made", order_id, "");
  return reservation;
}

void ReservationService::release(const std::string& order_id) {
  if (!isValidOrderId(order_id)) return;

  bool released = false;
  database_->transaction([&](Poco::Data::Session& session) {
    // Setting the flag first makes concurrent releases wait on that row, so only one wins.
    if (!reservations_.markReleased(session, order_id, clock_())) return;
    auto stored = reservations_.find(session, order_id);
    if (!stored) return;
    auto items = stored->reservation.items;
    std::sort(items.begin(), items.end(), [](const ReservedItem& a, const ReservedItem& b) {
      return a.product_id < b.product_id;
    });
    for (const auto& item : items) products_.returnStock(session, item.product_id, item.quantity);
    released = true;
  });

  if (released) {
    counters_.add(kReleasesMetric);
    logReservation("reservation_released", order_id, "");
  }
}

}  // namespace agora::catalog
