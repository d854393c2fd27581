// Product management and search: the rules behind the catalog's product routes.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "modules/catalog/Product.h"
#include "modules/catalog/ProductRepository.h"
#include "platform/Clock.h"
#include "platform/data/Database.h"
#include "platform/http/Pagination.h"

namespace agora::catalog {

/** One page of a product listing. `next_cursor` is empty on the last page. */
struct ProductPage {
  std::vector<Product> items;
  std::optional<std::string> next_cursor;
};

/**
 * Creates, changes, soft-deletes, finds and lists products in the shop's one currency.
 * Throws http::Problem for client errors (400 validation, 404 unknown or deleted product,
 * 409 `/problems/duplicate-sku`) and data::Unavailable when the database is unreachable.
 */
class ProductService {
 public:
  ProductService(std::shared_ptr<data::Database> database, std::string currency, Clock clock);

  /** Validates and stores a product whose SKU is unique among live products, ignoring case. */
  Product create(const NewProduct& draft);
  /** Applies a non-empty change to a live product and returns the result. */
  Product update(const std::string& id, const ProductChanges& changes);
  /** Soft-deletes a live product. A second call finds nothing (404). */
  void remove(const std::string& id);
  /** A live product, or 404. */
  Product get(const std::string& id);
  /**
   * Live products whose name or SKU contains `query` ignoring case (empty: all), ordered by
   * creation time then id. `%` and `_` in the query match themselves.
   */
  ProductPage list(const std::string& query, const http::PageRequest& page);

  /** Creates `products` if the catalog never had any product, and returns how many. */
  int seed(const std::vector<NewProduct>& products);

  const std::string& currency() const { return currency_; }

 private:
  std::shared_ptr<data::Database> database_;
  std::string currency_;
  Clock clock_;
  ProductRepository products_;

  Product insertValidated(Poco::Data::Session& session, const NewProduct& draft);
};

/** Whether `sku` is 1-64 characters of [A-Za-z0-9._-]. */
bool isValidSku(const std::string& sku);

/** Case-folds `text` (Unicode, NFC) so that searches ignore case. Throws 400 on bad UTF-8. */
std::string searchKey(const std::string& text, const std::string& field);

/** Escapes `!`, `%` and `_` with `!` so a LIKE pattern matches them literally. */
std::string escapeLike(const std::string& text);

}  // namespace agora::catalog
