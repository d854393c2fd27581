// Routes of the catalog module: JSON in and out around the product and reservation services.
#include "modules/catalog/CatalogModule.h"

#include <Poco/JSON/Array.h>

#include <algorithm>

#include "modules/catalog/CatalogMigrations.h"
#include "modules/catalog/DemoProducts.h"
#include "modules/catalog/InProcessCatalogApi.h"
#include "platform/http/Pagination.h"
#include "platform/json/JsonReader.h"

namespace agora::catalog {

namespace {

constexpr int64_t kMaxPriceCents = 1'000'000'000'000;
constexpr int64_t kMaxStock = 1'000'000'000;
constexpr const char* kProductsPath = "/api/catalog/products";

std::string readCurrency(const config::Config& config) {
  const std::string currency = config.getString("catalog.currency");
  const bool valid =
      currency.size() == 3 &&
      std::all_of(currency.begin(), currency.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
  if (!valid) {
    throw config::ConfigError("invalid `catalog.currency` \"" + currency +
                              "\": use an ISO 4217 code of three capital letters, e.g. EUR");
  }
  return currency;
}

Poco::JSON::Object::Ptr pageToJson(const ProductPage& page) {
  Poco::JSON::Array::Ptr items = new Poco::JSON::Array();
  for (const auto& product : page.items) items->add(productToJson(product));
  Poco::JSON::Object::Ptr json = new Poco::JSON::Object();
  json->set("items", items);
  json->set("next_cursor",
            page.next_cursor ? Poco::Dynamic::Var(*page.next_cursor) : Poco::Dynamic::Var());
  return json;
}

Poco::JSON::Object::Ptr reservationToJson(const Reservation& reservation) {
  Poco::JSON::Array::Ptr items = new Poco::JSON::Array();
  for (const auto& item : reservation.items) {
    Poco::JSON::Object::Ptr line = new Poco::JSON::Object();
    line->set("product_id", item.product_id);
    line->set("name", item.name);
    line->set("quantity", item.quantity);
    line->set("unit_price_cents", item.unit_price_cents);
    items->add(line);
  }
  Poco::JSON::Object::Ptr json = new Poco::JSON::Object();
  json->set("order_id", reservation.order_id);
  json->set("items", items);
  json->set("currency", reservation.currency);
  return json;
}

NewProduct readNewProduct(const std::string& body) {
  auto reader = json::JsonReader::parse(body);
  reader.rejectUnknown({"sku", "name", "description", "price_cents", "stock"});
  NewProduct draft;
  draft.sku = reader.requiredString("sku", 1, 64);
  draft.name = reader.requiredString("name", 1, 200);
  draft.description = reader.optionalString("description", 0, 4000).value_or("");
  draft.price_cents = reader.requiredInteger("price_cents", 0, kMaxPriceCents);
  draft.stock = reader.requiredInteger("stock", 0, kMaxStock);
  reader.finish();
  return draft;
}

ProductChanges readProductChanges(const std::string& body) {
  auto reader = json::JsonReader::parse(body);
  reader.rejectUnknown({"name", "description", "price_cents", "stock"});
  ProductChanges changes;
  changes.name = reader.optionalString("name", 1, 200);
  changes.description = reader.optionalString("description", 0, 4000);
  changes.price_cents = reader.optionalInteger("price_cents", 0, kMaxPriceCents);
  changes.stock = reader.optionalInteger("stock", 0, kMaxStock);
  reader.finish();
  return changes;
}

struct ReservationRequest {
  std::string order_id;
  std::vector<ReservationRequestItem> items;
};

ReservationRequest readReservationRequest(const std::string& body) {
  auto reader = json::JsonReader::parse(body);
  reader.rejectUnknown({"order_id", "items"});
  ReservationRequest request;
  request.order_id = reader.requiredString("order_id", 1, 64);
  for (auto& line : reader.requiredObjectArray("items", 1, 50)) {
    line.rejectUnknown({"product_id", "quantity"});
    ReservationRequestItem item;
    item.product_id = line.requiredString("product_id", 1, 64);
    item.quantity = line.requiredInteger("quantity", 1, 1000);
    request.items.push_back(std::move(item));
  }
  reader.finish();
  return request;
}

}  // namespace

void CatalogModule::addDefaults(config::Config& config) {
  config.setDefault("catalog.currency", "EUR");
}

std::vector<data::Migration> CatalogModule::migrations() {
  return catalogMigrations();
}

CatalogModule::CatalogModule(const config::Config& config, std::shared_ptr<data::Database> database,
                             Clock clock)
    : database_(std::move(database)) {
  const std::string currency = readCurrency(config);
  products_ = std::make_shared<ProductService>(database_, currency, clock);
  reservations_ = std::make_shared<ReservationService>(database_, currency, clock);
  api_ = std::make_shared<InProcessCatalogApi>(reservations_);
}

void CatalogModule::setMetrics(std::shared_ptr<metrics::Registry> registry) {
  reservations_->setMetrics(std::move(registry));
}

std::shared_ptr<CatalogApi> CatalogModule::api() {
  return api_;
}

int CatalogModule::seedDemoProducts() {
  return products_->seed(demoProducts());
}

std::string CatalogModule::readinessProblem() {
  return database_->ping();
}

void CatalogModule::registerRoutes(http::Router& router) {
  auto products = products_;
  auto reservations = reservations_;

  router.add({.method = "GET",
              .path_template = kProductsPath,
              .access = http::Access::kPublic,
              .handler = [products](http::Request& request) {
                const auto page = http::readPageRequest(request, 2);
                const auto result = products->list(request.queryValue("q").value_or(""), page);
                return http::Response::json(200, pageToJson(result));
              }});

  router.add({.method = "GET",
              .path_template = std::string(kProductsPath) + "/{id}",
              .access = http::Access::kPublic,
              .handler = [products](http::Request& request) {
                return http::Response::json(200, productToJson(products->get(request.param("id"))));
              }});

  router.add({.method = "POST",
              .path_template = kProductsPath,
              .access = http::Access::kAdmin,
              .handler =
                  [products](http::Request& request) {
                    const Product product = products->create(readNewProduct(request.body));
                    return http::Response::json(201, productToJson(product))
                        .withHeader("Location", std::string(kProductsPath) + "/" + product.id);
                  },
              .has_body = true});

  router.add({.method = "PATCH",
              .path_template = std::string(kProductsPath) + "/{id}",
              .access = http::Access::kAdmin,
              .handler =
                  [products](http::Request& request) {
                    const Product product =
                        products->update(request.param("id"), readProductChanges(request.body));
                    return http::Response::json(200, productToJson(product));
                  },
              .has_body = true});

  router.add({.method = "DELETE",
              .path_template = std::string(kProductsPath) + "/{id}",
              .access = http::Access::kAdmin,
              .handler = [products](http::Request& request) {
                products->remove(request.param("id"));
                return http::Response::noContent();
              }});

  router.add({.method = "POST",
              .path_template = "/internal/catalog/reservations",
              .access = http::Access::kService,
              .handler =
                  [reservations](http::Request& request) {
                    const auto body = readReservationRequest(request.body);
                    const Reservation reservation =
                        reservations->reserve(body.order_id, body.items);
                    return http::Response::json(200, reservationToJson(reservation));
                  },
              .has_body = true});

  router.add({.method = "DELETE",
              .path_template = "/internal/catalog/reservations/{order_id}",
              .access = http::Access::kService,
              .handler = [reservations](http::Request& request) {
                reservations->release(request.param("order_id"));
                return http::Response::noContent();
              }});
}

}  // namespace agora::catalog
