// JSON rendering of orders.
#include "modules/orders/Order.h"

#include <Poco/JSON/Array.h>

#include "platform/Clock.h"

namespace agora::orders {

Poco::JSON::Object::Ptr orderToJson(const Order& order) {
  Poco::JSON::Array::Ptr items = new Poco::JSON::Array();
  for (const auto& line : order.lines) {
    Poco::JSON::Object::Ptr item = new Poco::JSON::Object();
    item->set("product_id", line.product_id);
    item->set("name", line.name);
    item->set("quantity", line.quantity);
    item->set("unit_price_cents", line.unit_price_cents);
    items->add(item);
  }
  Poco::JSON::Object::Ptr json = new Poco::JSON::Object();
  json->set("id", order.id);
  json->set("user_id", order.user_id);
  json->set("status", order.status);
  json->set("items", items);
  json->set("total_cents", order.total_cents);
  json->set("currency", order.currency);
  json->set("created_at", formatRfc3339(order.created_at));
  json->set("updated_at", formatRfc3339(order.updated_at));
  return json;
}

}  // namespace agora::orders
