// Order rules: idempotent placement around a catalog reservation, compensating releases and
// cancellation.
#include "modules/orders/OrdersService.h"

#include <Poco/Data/DataException.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <charconv>
#include <exception>
#include <set>
#include <sstream>

#include "platform/data/DataErrors.h"
#include "platform/http/Problem.h"
#include "platform/log/Log.h"
#include "platform/security/Digest.h"
#include "platform/security/Random.h"

namespace agora::orders {

namespace {

constexpr const char* kPlacedMetric = "agora_orders_placed_total";
constexpr const char* kCancelledMetric = "agora_orders_cancelled_total";

constexpr std::size_t kMaxLines = 50;
constexpr int64_t kMaxQuantity = 1000;
constexpr std::size_t kMaxKeyLength = 255;
constexpr int kClaimAttempts = 3;

void checkItems(const std::vector<catalog::ReservationRequestItem>& items) {
  std::vector<http::FieldError> errors;
  if (items.empty() || items.size() > kMaxLines) {
    errors.push_back({"items", "has " + std::to_string(items.size()) + " lines: must be 1-" +
                                   std::to_string(kMaxLines)});
  }
  std::set<std::string> seen;
  for (std::size_t i = 0; i < items.size(); ++i) {
    const std::string prefix = "items[" + std::to_string(i) + "].";
    if (items[i].product_id.empty()) {
      errors.push_back({prefix + "product_id", "must not be empty"});
    } else if (!seen.insert(items[i].product_id).second) {
      errors.push_back({prefix + "product_id", "product " + items[i].product_id +
                                                   " appears more than once: put its whole"
                                                   " quantity on one line"});
    }
    if (items[i].quantity < 1 || items[i].quantity > kMaxQuantity) {
      errors.push_back({prefix + "quantity", std::to_string(items[i].quantity) +
                                                 " is out of range: must be 1-" +
                                                 std::to_string(kMaxQuantity)});
    }
  }
  if (!errors.empty()) throw http::Problem::validation(std::move(errors));
}

std::string stringify(const Poco::Dynamic::Var& json) {
  std::ostringstream out;
  Poco::JSON::Stringifier::condense(json, out);
  return out.str();
}

Order orderFrom(const catalog::Reservation& reservation, const std::string& user_id, int64_t now) {
  Order order;
  order.id = reservation.order_id;
  order.user_id = user_id;
  order.status = kStatusPlaced;
  order.currency = reservation.currency;
  order.created_at = now;
  order.updated_at = now;
  for (const auto& item : reservation.items) {
    order.lines.push_back(
        OrderLine{item.product_id, item.name, item.quantity, item.unit_price_cents});
    order.total_cents += item.quantity * item.unit_price_cents;
  }
  return order;
}

http::Problem keyInProgress() {
  return http::Problem::conflict("/problems/idempotency-in-progress", "Idempotency key in progress",
                                 "a request with this Idempotency-Key is still running: retry "
                                 "after it finished to get its response");
}

http::Problem orderNotFound(const std::string& id) {
  // A path parameter can be long, so the message repeats only ids of a sane length.
  const std::string id_text = id.size() <= 64 ? " " + id : "";
  return http::Problem::notFound("order" + id_text + " not found");
}

void logOrder(log::Level level, const std::string& event, const std::string& order_id,
              const std::string& user_id) {
  Poco::JSON::Object fields;
  fields.set("order_id", order_id);
  fields.set("user_id", user_id);
  log::write(level, "orders", event, fields);
}

}  // namespace

std::string requestFingerprint(const std::vector<catalog::ReservationRequestItem>& items) {
  // Poco sorts object keys, so equal items give equal text.
  Poco::JSON::Array::Ptr array = new Poco::JSON::Array();
  for (const auto& item : items) {
    Poco::JSON::Object::Ptr line = new Poco::JSON::Object();
    line->set("product_id", item.product_id);
    line->set("quantity", item.quantity);
    array->add(line);
  }
  return security::sha256Hex(stringify(array));
}

void checkIdempotencyKey(const std::string& key) {
  bool printable = !key.empty() && key.size() <= kMaxKeyLength;
  for (const char c : key) printable = printable && c >= 0x20 && c <= 0x7e;
  if (!printable) {
    throw http::Problem::badRequest("invalid `Idempotency-Key` header of " +
                                    std::to_string(key.size()) +
                                    " bytes: use 1-255 printable ASCII characters, e.g. a UUID");
  }
}

OrdersService::OrdersService(std::shared_ptr<data::Database> database,
                             std::shared_ptr<catalog::CatalogApi> catalog, Clock clock,
                             int64_t stale_key_seconds)
    : database_(std::move(database)),
      catalog_(std::move(catalog)),
      clock_(std::move(clock)),
      stale_key_seconds_(stale_key_seconds) {}

void OrdersService::setMetrics(std::shared_ptr<metrics::Registry> registry) {
  counters_.bind(std::move(registry));
  counters_.declare(kPlacedMetric, "Orders placed (a replay of an idempotency key excluded).");
  counters_.declare(kCancelledMetric, "Orders cancelled.");
}

Placement OrdersService::place(const std::string& user_id,
                               const std::vector<catalog::ReservationRequestItem>& items,
                               const std::optional<std::string>& idempotency_key) {
  checkItems(items);
  if (idempotency_key) checkIdempotencyKey(*idempotency_key);

  const std::string order_id = security::newUuid();
  if (idempotency_key) {
    if (auto earlier = claimKey(user_id, *idempotency_key, requestFingerprint(items), order_id)) {
      return *earlier;
    }
  }

  catalog::Reservation reservation;
  try {
    reservation = catalog_->reserve(order_id, items);
  } catch (const http::Problem&) {
    // The catalog refused and reserved nothing, so the client may try the same key again.
    if (idempotency_key) freeKey(user_id, *idempotency_key, order_id);
    throw;
  } catch (...) {
    // A remote catalog may have reserved before the call failed. Releasing is harmless if not.
    releaseQuietly(order_id, "reservation_outcome_unknown");
    if (idempotency_key) freeKey(user_id, *idempotency_key, order_id);
    throw;
  }

  const Order order = orderFrom(reservation, user_id, clock_());
  Placement placement{201, orderToJson(order), order_id, false};
  try {
    database_->transaction([&](Poco::Data::Session& session) {
      orders_.insert(session, order);
      if (idempotency_key &&
          !keys_.complete(session, user_id, *idempotency_key, order_id, placement.status,
                          stringify(placement.body), order.created_at)) {
        // A later request took the key over as stale, so that request now owns the key.
        throw keyInProgress();
      }
    });
  } catch (...) {
    logOrder(log::Level::kWarn, "order_not_saved", order_id, user_id);
    releaseQuietly(order_id, "order_not_saved");
    if (idempotency_key) freeKey(user_id, *idempotency_key, order_id);
    throw;
  }

  counters_.add(kPlacedMetric);
  logOrder(log::Level::kInfo, "order_placed", order_id, user_id);
  return placement;
}

std::optional<Placement> OrdersService::claimKey(const std::string& user_id, const std::string& key,
                                                 const std::string& fingerprint,
                                                 const std::string& order_id) {
  std::exception_ptr failure;
  for (int attempt = 0; attempt < kClaimAttempts; ++attempt) {
    try {
      database_->transaction([&](Poco::Data::Session& session) {
        keys_.insertInProgress(session, user_id, key, fingerprint, order_id, clock_());
      });
      return std::nullopt;
    } catch (const Poco::Data::DataException& e) {
      if (!data::isDuplicateKey(e)) throw;
      // Usually the key exists already. The lookup below checks.
      failure = std::current_exception();
    }

    // The lookup runs in a transaction so that it reads the other claim's commit.
    std::optional<IdempotencyRecord> record;
    database_->transaction(
        [&](Poco::Data::Session& session) { record = keys_.find(session, user_id, key); });
    // A failed attempt may have freed the key in between, so claim it again.
    if (!record) continue;
    if (record->fingerprint != fingerprint) {
      throw http::Problem::unprocessable(
          "/problems/idempotency-key-reused", "Idempotency key reused",
          "this Idempotency-Key was used for another request body: use a new key for a new "
          "order");
    }
    if (record->completed) {
      Placement replay;
      replay.status = record->response_status;
      replay.body = Poco::JSON::Parser().parse(record->response_body);
      replay.order_id = record->order_id;
      replay.replayed = true;
      return replay;
    }
    if (clock_() - record->created_at < stale_key_seconds_) throw keyInProgress();
    takeOver(user_id, key, *record);
  }
  if (failure) std::rethrow_exception(failure);
  throw keyInProgress();
}

void OrdersService::takeOver(const std::string& user_id, const std::string& key,
                             const IdempotencyRecord& stale) {
  // The request that claimed the key died or hangs. Its reservation, if any, is released first.
  // Should that request still finish, it finds the key gone and releases its order itself.
  catalog_->release(stale.order_id);
  database_->transaction([&](Poco::Data::Session& session) {
    keys_.removeInProgress(session, user_id, key, stale.order_id);
  });

  Poco::JSON::Object fields;
  fields.set("user_id", user_id);
  fields.set("stale_order_id", stale.order_id);
  log::warn("orders", "idempotency_key_taken_over", fields);
}

void OrdersService::freeKey(const std::string& user_id, const std::string& key,
                            const std::string& order_id) {
  try {
    database_->transaction([&](Poco::Data::Session& session) {
      keys_.removeInProgress(session, user_id, key, order_id);
    });
  } catch (const std::exception& e) {
    // The key stays in progress until it goes stale and a retry takes it over.
    Poco::JSON::Object fields;
    fields.set("order_id", order_id);
    fields.set("error", e.what());
    log::error("orders", "idempotency_key_not_freed", fields);
  }
}

void OrdersService::releaseQuietly(const std::string& order_id, const std::string& reason) {
  try {
    catalog_->release(order_id);
  } catch (const std::exception& e) {
    // TODO: failed releases are not retried, so the stock stays reserved under this order id.
    Poco::JSON::Object fields;
    fields.set("order_id", order_id);
    fields.set("reason", reason);
    fields.set("error", e.what());
    log::error("orders", "reservation_not_released", fields);
  }
}

OrderPage OrdersService::list(const std::string& user_id, const http::PageRequest& page) {
  OrderFilter filter;
  filter.user_id = user_id;
  if (page.after.size() == 2) {
    int64_t created_at = 0;
    const std::string& text = page.after[0];
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), created_at);
    if (error != std::errc() || end != text.data() + text.size()) {
      throw http::Problem::badRequest(
          "invalid `cursor`: it does not come from this listing, so start again without it");
    }
    filter.before_created_at = created_at;
    filter.before_id = page.after[1];
  }
  // One extra row shows whether another page follows.
  filter.limit = page.limit + 1;

  OrderPage result;
  database_->withSession(
      [&](Poco::Data::Session& session) { result.items = orders_.listByUser(session, filter); });
  if (result.items.size() > static_cast<std::size_t>(page.limit)) {
    result.items.pop_back();
    const Order& last = result.items.back();
    result.next_cursor = http::encodeCursor({std::to_string(last.created_at), last.id});
  }
  return result;
}

Order OrdersService::get(const http::Principal& caller, const std::string& id) {
  if (id.empty() || id.size() > 64) throw orderNotFound(id);
  std::optional<Order> order;
  database_->withSession([&](Poco::Data::Session& session) { order = orders_.find(session, id); });
  // Someone else's order looks exactly like a missing one.
  if (!order || (order->user_id != caller.user_id && !caller.isAdmin())) throw orderNotFound(id);
  return *order;
}

Order OrdersService::cancel(const http::Principal& caller, const std::string& id) {
  Order order = get(caller, id);
  const http::Problem already_cancelled =
      http::Problem::conflict("/problems/already-cancelled", "Already cancelled",
                              "order " + order.id + " is cancelled already: nothing more to do");
  if (order.status == kStatusCancelled) {
    // Releasing is idempotent, so this finishes a release that failed during the first cancel.
    releaseQuietly(order.id, "cancelled_before");
    throw already_cancelled;
  }

  const int64_t now = clock_();
  bool cancelled = false;
  database_->transaction([&](Poco::Data::Session& session) {
    cancelled = orders_.markCancelled(session, order.id, now);
  });
  if (!cancelled) throw already_cancelled;

  try {
    catalog_->release(order.id);
  } catch (const std::exception& e) {
    Poco::JSON::Object fields;
    fields.set("order_id", order.id);
    fields.set("error", e.what());
    log::error("orders", "cancelled_order_stock_not_released", fields);
    throw;
  }
  order.status = kStatusCancelled;
  order.updated_at = now;
  counters_.add(kCancelledMetric);
  logOrder(log::Level::kInfo, "order_cancelled", order.id, caller.user_id);
  return order;
}

}  // namespace agora::orders
