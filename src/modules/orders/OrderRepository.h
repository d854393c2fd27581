// SQL for orders and their lines, written once for SQLite and MySQL.
#pragma once

#include <Poco/Data/Session.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "modules/orders/Order.h"

namespace agora::orders {

/** The selection of an order listing: one user's orders, newest first, after a cursor. */
struct OrderFilter {
  std::string user_id;
  std::optional<int64_t> before_created_at;
  std::string before_id;
  int limit = 20;
};

/** Reads and writes orders through a session the caller owns. Stateless. */
class OrderRepository {
 public:
  /** Inserts an order and its lines in line order. */
  void insert(Poco::Data::Session& session, const Order& order);
  std::optional<Order> find(Poco::Data::Session& session, const std::string& id);
  /** A user's orders by created_at then id, both descending, with their lines. */
  std::vector<Order> listByUser(Poco::Data::Session& session, const OrderFilter& filter);
  /** Moves a placed order to cancelled. Returns false if it is not placed (any more). */
  bool markCancelled(Poco::Data::Session& session, const std::string& id, int64_t now);
};

}  // namespace agora::orders
