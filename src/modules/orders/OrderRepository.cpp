// Portable SQL for orders with `?` placeholders. The lines of a page come in one extra query.
#include "modules/orders/OrderRepository.h"

#include <Poco/Data/Statement.h>

#include <map>

namespace agora::orders {

using namespace Poco::Data::Keywords;

namespace {

constexpr const char* kColumns =
    "SELECT id, user_id, status, total_cents, currency, created_at, updated_at FROM orders ";

/** Column vectors of an order query, filled by one statement and zipped into orders. */
struct OrderColumns {
  std::vector<std::string> ids, user_ids, statuses, currencies;
  std::vector<int64_t> totals, created, updated;

  void addInto(Poco::Data::Statement& statement) {
    statement, into(ids), into(user_ids), into(statuses), into(totals), into(currencies),
        into(created), into(updated);
  }

  std::vector<Order> orders() const {
    std::vector<Order> result;
    result.reserve(ids.size());
    for (std::size_t i = 0; i < ids.size(); ++i) {
      result.push_back(Order{
          ids[i], user_ids[i], statuses[i], {}, totals[i], currencies[i], created[i], updated[i]});
    }
    return result;
  }
};

/** Fills in the lines of `orders` with one query. */
void loadLines(Poco::Data::Session& session, std::vector<Order>& orders) {
  if (orders.empty()) return;

  std::string placeholders;
  for (std::size_t i = 0; i < orders.size(); ++i) placeholders += i == 0 ? "?" : ", ?";
  Poco::Data::Statement statement(session);
  statement << "SELECT order_id, product_id, name, quantity, unit_price_cents FROM order_lines"
               " WHERE order_id IN (" +
                   placeholders + ") ORDER BY order_id, line_no";
  for (const auto& order : orders) statement, bind(order.id);

  std::vector<std::string> order_ids, product_ids, names;
  std::vector<int64_t> quantities, prices;
  statement, into(order_ids), into(product_ids), into(names), into(quantities), into(prices);
  statement.execute();

  std::map<std::string, Order*> by_id;
  for (auto& order : orders) by_id[order.id] = &order;
  for (std::size_t i = 0; i < order_ids.size(); ++i) {
    by_id.at(order_ids[i])
        ->lines.push_back(OrderLine{product_ids[i], names[i], quantities[i], prices[i]});
  }
}

}  // namespace

void OrderRepository::insert(Poco::Data::Session& session, const Order& order) {
  session << "INSERT INTO orders (id, user_id, status, total_cents, currency, created_at,"
             " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      bind(order.id), bind(order.user_id), bind(order.status), bind(order.total_cents),
      bind(order.currency), bind(order.created_at), bind(order.updated_at), now;

  int line_no = 0;
  for (const auto& line : order.lines) {
    session << "INSERT INTO order_lines (order_id, line_no, product_id, name, quantity,"
               " unit_price_cents) VALUES (?, ?, ?, ?, ?, ?)",
        bind(order.id), bind(line_no++), bind(line.product_id), bind(line.name),
        bind(line.quantity), bind(line.unit_price_cents), now;
  }
}

std::optional<Order> OrderRepository::find(Poco::Data::Session& session, const std::string& id) {
  OrderColumns columns;
  Poco::Data::Statement statement(session);
  statement << std::string(kColumns) + "WHERE id = ?", bind(id);
  columns.addInto(statement);
  statement.execute();

  auto orders = columns.orders();
  if (orders.empty()) return std::nullopt;
  loadLines(session, orders);
  return orders.front();
}

std::vector<Order> OrderRepository::listByUser(Poco::Data::Session& session,
                                               const OrderFilter& filter) {
  std::string sql = std::string(kColumns) + "WHERE user_id = ?";
  if (filter.before_created_at) {
    sql += " AND (created_at < ? OR (created_at = ? AND id < ?))";
  }
  // The limit is an int the service checked, so it can sit in the SQL text.
  sql += " ORDER BY created_at DESC, id DESC LIMIT " + std::to_string(filter.limit);

  Poco::Data::Statement statement(session);
  statement << sql, bind(filter.user_id);
  if (filter.before_created_at) {
    statement, bind(*filter.before_created_at), bind(*filter.before_created_at),
        bind(filter.before_id);
  }
  OrderColumns columns;
  columns.addInto(statement);
  statement.execute();

  auto orders = columns.orders();
  loadLines(session, orders);
  return orders;
}

bool OrderRepository::markCancelled(Poco::Data::Session& session, const std::string& id,
                                    int64_t now_seconds) {
  Poco::Data::Statement statement(session);
  statement << "UPDATE orders SET status = ?, updated_at = ? WHERE id = ? AND status = ?",
      bind(std::string(kStatusCancelled)), bind(now_seconds), bind(id),
      bind(std::string(kStatusPlaced));
  return statement.execute() == 1;
}

}  // namespace agora::orders
