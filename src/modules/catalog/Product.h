// A product of the catalog, the fields a new product or a change carries, and its JSON shape.
#pragma once

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <optional>
#include <string>

namespace agora::catalog {

/** A product as stored. Deleted products stay in the table but are hidden from clients. */
struct Product {
  std::string id;
  std::string sku;
  std::string name;
  std::string description;
  int64_t price_cents = 0;
  std::string currency;
  int64_t stock = 0;
  int64_t created_at = 0;  // seconds since the epoch
  int64_t updated_at = 0;
};

/** The fields an admin supplies to create a product. The catalog sets id, currency and times. */
struct NewProduct {
  std::string sku;
  std::string name;
  std::string description;
  int64_t price_cents = 0;
  int64_t stock = 0;
};

/** A partial change. Fields left empty keep their value. */
struct ProductChanges {
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<int64_t> price_cents;
  std::optional<int64_t> stock;

  bool empty() const { return !name && !description && !price_cents && !stock; }
};

/** Renders {id, sku, name, description, price_cents, currency, stock, created_at, updated_at}. */
Poco::JSON::Object::Ptr productToJson(const Product& product);

/** Returns whether `id` could be an id this catalog made (1-64 of [A-Za-z0-9-]). */
bool isPlausibleId(const std::string& id);

}  // namespace agora::catalog
