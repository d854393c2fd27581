// Portable SQL for products: `?` placeholders, no dialect-specific functions.
#include "modules/catalog/ProductRepository.h"

#include <Poco/Data/Statement.h>

namespace agora::catalog {

using namespace Poco::Data::Keywords;

namespace {

// The description is a TEXT column, for which MySQL's client sizes a fetch buffer of 256 KiB
// (64 Ki characters of up to 4 bytes) that Poco clears for every statement. Cast to the length
// the service allows, the buffer is 16 KB and a listing costs a fraction of the time.
const std::string kColumns =
    "SELECT id, sku, name, CAST(description AS CHAR(" +
    std::to_string(ProductRepository::kMaxDescriptionCodePoints) +
    ")), price_cents, currency, stock, created_at, updated_at FROM products ";

/** Column vectors of a product query, filled by one statement and zipped into products. */
struct ProductColumns {
  std::vector<std::string> ids, skus, names, descriptions, currencies;
  std::vector<int64_t> prices, stocks, created, updated;

  void addInto(Poco::Data::Statement& statement) {
    statement, into(ids), into(skus), into(names), into(descriptions), into(prices),
        into(currencies), into(stocks), into(created), into(updated);
  }

  std::vector<Product> products() const {
    std::vector<Product> result;
    result.reserve(ids.size());
    for (std::size_t i = 0; i < ids.size(); ++i) {
      result.push_back(Product{ids[i], skus[i], names[i], descriptions[i], prices[i], currencies[i],
                               stocks[i], created[i], updated[i]});
    }
    return result;
  }
};

}  // namespace

void ProductRepository::insert(Poco::Data::Session& session, const Product& product,
                               const std::string& sku_key, const std::string& name_key) {
  session << "INSERT INTO products (id, sku, sku_key, live_sku, name, name_key, description,"
             " price_cents, currency, stock, created_at, updated_at, deleted)"
             " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
      bind(product.id), bind(product.sku), bind(sku_key), bind(sku_key), bind(product.name),
      bind(name_key), bind(product.description), bind(product.price_cents), bind(product.currency),
      bind(product.stock), bind(product.created_at), bind(product.updated_at), now;
}

void ProductRepository::update(Poco::Data::Session& session, const Product& product,
                               const std::string& name_key) {
  // No affected-row check: MySQL counts a row whose values did not change as unaffected.
  session << "UPDATE products SET name = ?, name_key = ?, description = ?, price_cents = ?,"
             " stock = ?, updated_at = ? WHERE id = ? AND deleted = 0",
      bind(product.name), bind(name_key), bind(product.description), bind(product.price_cents),
      bind(product.stock), bind(product.updated_at), bind(product.id), now;
}

bool ProductRepository::softDelete(Poco::Data::Session& session, const std::string& id,
                                   int64_t now_seconds) {
  Poco::Data::Statement statement(session);
  statement << "UPDATE products SET deleted = 1, live_sku = NULL, updated_at = ?"
               " WHERE id = ? AND deleted = 0",
      bind(now_seconds), bind(id);
  return statement.execute() == 1;
}

std::optional<Product> ProductRepository::findLive(Poco::Data::Session& session,
                                                   const std::string& id) {
  ProductColumns columns;
  Poco::Data::Statement statement(session);
  statement << kColumns + "WHERE id = ? AND deleted = 0", bind(id);
  columns.addInto(statement);
  statement.execute();
  auto products = columns.products();
  if (products.empty()) return std::nullopt;
  return products.front();
}

bool ProductRepository::liveSkuExists(Poco::Data::Session& session, const std::string& sku_key) {
  int64_t count = 0;
  session << "SELECT COUNT(*) FROM products WHERE live_sku = ?", bind(sku_key), into(count), now;
  return count > 0;
}

std::vector<Product> ProductRepository::list(Poco::Data::Session& session,
                                             const ProductFilter& filter) {
  std::string sql = kColumns + "WHERE deleted = 0";
  Poco::Data::Statement statement(session);
  if (!filter.like_pattern.empty()) {
    sql += " AND (name_key LIKE ? ESCAPE '!' OR sku_key LIKE ? ESCAPE '!')";
  }
  if (filter.after_created_at) {
    sql += " AND (created_at > ? OR (created_at = ? AND id > ?))";
  }
  // The limit is an int the service checked, so it can sit in the SQL text.
  sql += " ORDER BY created_at, id LIMIT " + std::to_string(filter.limit);

  statement << sql;
  if (!filter.like_pattern.empty()) {
    statement, bind(filter.like_pattern), bind(filter.like_pattern);
  }
  if (filter.after_created_at) {
    statement, bind(*filter.after_created_at), bind(*filter.after_created_at),
        bind(filter.after_id);
  }
  ProductColumns columns;
  columns.addInto(statement);
  statement.execute();
  return columns.products();
}

int64_t ProductRepository::countAll(Poco::Data::Session& session) {
  int64_t count = 0;
  session << "SELECT COUNT(*) FROM products", into(count), now;
  return count;
}

bool ProductRepository::takeStock(Poco::Data::Session& session, const std::string& id,
                                  int64_t quantity) {
  Poco::Data::Statement statement(session);
  statement << "UPDATE products SET stock = stock - ? WHERE id = ? AND deleted = 0 AND stock >= ?",
      bind(quantity), bind(id), bind(quantity);
  return statement.execute() == 1;
}

void ProductRepository::returnStock(Poco::Data::Session& session, const std::string& id,
                                    int64_t quantity) {
  session << "UPDATE products SET stock = stock + ? WHERE id = ?", bind(quantity), bind(id), now;
}

}  // namespace agora::catalog
