// An order with its lines, and its JSON shape.
#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <string>
#include <vector>

namespace agora::orders {

/** One line of an order, priced by the catalog when the stock was reserved. */
struct OrderLine {
  std::string product_id;
  std::string name;
  int64_t quantity = 0;
  int64_t unit_price_cents = 0;
};

/** The status values an order goes through. */
inline constexpr const char* kStatusPlaced = "placed";
inline constexpr const char* kStatusCancelled = "cancelled";

/** An order as stored, owned by `user_id`. */
struct Order {
  std::string id;
  std::string user_id;
  std::string status;
  std::vector<OrderLine> lines;
  int64_t total_cents = 0;
  std::string currency;
  int64_t created_at = 0;  // seconds since the epoch
  int64_t updated_at = 0;
};

/**
 * Renders {id, user_id, status, items:[{product_id, name, quantity, unit_price_cents}],
 * total_cents, currency, created_at, updated_at}.
 */
Poco::JSON::Object::Ptr orderToJson(const Order& order);

}  // namespace agora::orders
