// Routes of the orders module: JSON in and out around the orders service.
#include "modules/orders/OrdersModule.h"

#include <Poco/JSON/Array.h>

#include "modules/orders/OrdersMigrations.h"
#include "platform/http/Problem.h"
#include "platform/json/JsonReader.h"

namespace agora::orders {

namespace {

constexpr const char* kOrdersPath = "/api/orders";

std::vector<catalog::ReservationRequestItem> readItems(const std::string& body) {
  auto reader = json::JsonReader::parse(body);
  reader.rejectUnknown({"items"});
  std::vector<catalog::ReservationRequestItem> items;
  for (auto& line : reader.requiredObjectArray("items", 1, 50)) {
    line.rejectUnknown({"product_id", "quantity"});
    catalog::ReservationRequestItem item;
    item.product_id = line.requiredString("product_id", 1, 64);
    item.quantity = line.requiredInteger("quantity", 1, 1000);
    items.push_back(std::move(item));
  }
  reader.finish();
  return items;
}

Poco::JSON::Object::Ptr pageToJson(const OrderPage& page) {
  Poco::JSON::Array::Ptr items = new Poco::JSON::Array();
  for (const auto& order : page.items) items->add(orderToJson(order));
  Poco::JSON::Object::Ptr json = new Poco::JSON::Object();
  json->set("items", items);
  json->set("next_cursor",
            page.next_cursor ? Poco::Dynamic::Var(*page.next_cursor) : Poco::Dynamic::Var());
  return json;
}

/** Returns whose orders a listing shows: the caller's, or for an admin the requested `user_id`. */
std::string listedUser(const http::Request& request) {
  const http::Principal& caller = request.caller();
  const auto user_id = request.queryValue("user_id");
  if (!user_id) return caller.user_id;
  if (!caller.isAdmin()) {
    throw http::Problem::forbidden("only admins may list another user's orders with `user_id`");
  }
  if (user_id->empty() || user_id->size() > 64) {
    throw http::Problem::validation({{"user_id", "must be 1-64 characters"}});
  }
  return *user_id;
}

}  // namespace

void OrdersModule::setMetrics(std::shared_ptr<metrics::Registry> registry) {
  service_->setMetrics(std::move(registry));
}

void OrdersModule::addDefaults(config::Config& config) {
  config.setDefault("orders.idempotency_stale_seconds", "60");
}

std::vector<data::Migration> OrdersModule::migrations() {
  return ordersMigrations();
}

OrdersModule::OrdersModule(const config::Config& config, std::shared_ptr<data::Database> database,
                           std::shared_ptr<catalog::CatalogApi> catalog, Clock clock)
    : database_(std::move(database)) {
  const int64_t stale_seconds = config.getInt("orders.idempotency_stale_seconds", 10, 86400);
  service_ = std::make_shared<OrdersService>(database_, std::move(catalog), std::move(clock),
                                             stale_seconds);
}

std::string OrdersModule::readinessProblem() {
  return database_->ping();
}

void OrdersModule::registerRoutes(http::Router& router) {
  auto service = service_;

  router.add(
      {.method = "POST",
       .path_template = kOrdersPath,
       .access = http::Access::kUser,
       .handler =
           [service](http::Request& request) {
             const auto key = request.header("Idempotency-Key");
             if (key) checkIdempotencyKey(*key);
             const auto items = readItems(request.body);
             const Placement placement = service->place(request.caller().user_id, items, key);
             auto response = http::Response::json(placement.status, placement.body);
             response.withHeader("Location", std::string(kOrdersPath) + "/" + placement.order_id);
             if (placement.replayed) response.withHeader("Idempotency-Replayed", "true");
             return response;
           },
       .has_body = true});

  router.add({.method = "GET",
              .path_template = kOrdersPath,
              .access = http::Access::kUser,
              .handler = [service](http::Request& request) {
                const std::string user_id = listedUser(request);
                const auto page = service->list(user_id, http::readPageRequest(request, 2));
                return http::Response::json(200, pageToJson(page));
              }});

  router.add({.method = "GET",
              .path_template = std::string(kOrdersPath) + "/{id}",
              .access = http::Access::kUser,
              .handler = [service](http::Request& request) {
                const Order order = service->get(request.caller(), request.param("id"));
                return http::Response::json(200, orderToJson(order));
              }});

  router.add({.method = "POST",
              .path_template = std::string(kOrdersPath) + "/{id}/cancel",
              .access = http::Access::kUser,
              .handler = [service](http::Request& request) {
                const Order order = service->cancel(request.caller(), request.param("id"));
                return http::Response::json(200, orderToJson(order));
              }});
}

}  // namespace agora::orders
