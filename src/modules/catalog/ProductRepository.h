// SQL for the products table, written once for SQLite and MySQL.
#pragma once

#include <Poco/Data/Session.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "modules/catalog/Product.h"

namespace agora::catalog {

/** The selection of a product listing: a search pattern and the position after the cursor. */
struct ProductFilter {
  /** A LIKE pattern (escape character `!`) over the case-folded name and SKU, or empty for all. */
  std::string like_pattern;
  std::optional<int64_t> after_created_at;
  std::string after_id;
  int limit = 20;
};

/**
 * Reads and writes products through a session the caller owns (usually a transaction's).
 * "Live" means not soft-deleted. Stateless, so every method is safe to call from any thread.
 */
class ProductRepository {
 public:
  /** The longest description the service accepts; reads never return more. */
  static constexpr std::size_t kMaxDescriptionCodePoints = 4000;

  /** Inserts a product with its case-folded search keys `sku_key` and `name_key`. */
  void insert(Poco::Data::Session& session, const Product& product, const std::string& sku_key,
              const std::string& name_key);
  /** Writes the changeable fields of a live product. A deleted or unknown one stays as it is. */
  void update(Poco::Data::Session& session, const Product& product, const std::string& name_key);
  /** Marks a live product deleted and frees its SKU. Returns false if it is deleted or unknown. */
  bool softDelete(Poco::Data::Session& session, const std::string& id, int64_t now);

  std::optional<Product> findLive(Poco::Data::Session& session, const std::string& id);
  /** Returns whether a live product has this lower-cased SKU. */
  bool liveSkuExists(Poco::Data::Session& session, const std::string& sku_key);
  /** Live products ordered by created_at then id, at most `filter.limit` of them. */
  std::vector<Product> list(Poco::Data::Session& session, const ProductFilter& filter);
  /** Every product row, deleted ones included. */
  int64_t countAll(Poco::Data::Session& session);

  /** Takes `quantity` from a live product's stock if it has that much, else returns false. */
  bool takeStock(Poco::Data::Session& session, const std::string& id, int64_t quantity);
  /** Gives `quantity` back to a product, deleted or not. */
  void returnStock(Poco::Data::Session& session, const std::string& id, int64_t quantity);
};

}  // namespace agora::catalog
