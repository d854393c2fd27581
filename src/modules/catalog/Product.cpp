// JSON rendering of products and the id shape check shared by the catalog's services.
#include "modules/catalog/Product.h"

#include "platform/Clock.h"

namespace agora::catalog {

Poco::JSON::Object::Ptr productToJson(const Product& product) {
  Poco::JSON::Object::Ptr json = new Poco::JSON::Object();
  json->set("id", product.id);
  json->set("sku", product.sku);
  json->set("name", product.name);
  json->set("description", product.description);
  json->set("price_cents", product.price_cents);
  json->set("currency", product.currency);
  json->set("stock", product.stock);
  json->set("created_at", formatRfc3339(product.created_at));
  json->set("updated_at", formatRfc3339(product.updated_at));
  return json;
}

bool isPlausibleId(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (const char c : id) {
    const bool alphanumeric =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alphanumeric && c != '-') return false;
  }
  return true;
}

}  // namespace agora::catalog
