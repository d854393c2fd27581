// CatalogApi for an orders role in another process: the catalog's reservation routes over HTTP.
#include "modules/catalog/RemoteCatalogApi.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>

#include "platform/client/RemoteProblem.h"
#include "platform/log/Log.h"

namespace agora::catalog {
namespace {

bool isRejection(int status) {
  return status == 400 || status == 404 || status == 409 || status == 422;
}

/** Reads {order_id, items:[{product_id, name, quantity, unit_price_cents}], currency}. */
std::optional<Reservation> readReservation(const Poco::JSON::Object::Ptr& body) {
  if (!body || !body->has("order_id") || !body->has("currency")) return std::nullopt;
  Poco::JSON::Array::Ptr items = body->getArray("items");
  if (!items) return std::nullopt;
  Reservation reservation;
  reservation.order_id = body->getValue<std::string>("order_id");
  reservation.currency = body->getValue<std::string>("currency");
  for (std::size_t i = 0; i < items->size(); ++i) {
    Poco::JSON::Object::Ptr line = items->getObject(static_cast<unsigned>(i));
    if (!line) return std::nullopt;
    ReservedItem item;
    item.product_id = line->getValue<std::string>("product_id");
    item.name = line->getValue<std::string>("name");
    item.quantity = line->getValue<int64_t>("quantity");
    item.unit_price_cents = line->getValue<int64_t>("unit_price_cents");
    reservation.items.push_back(std::move(item));
  }
  return reservation;
}

void logUnexpected(const std::string& route, const std::string& order_id, int status) {
  Poco::JSON::Object fields;
  fields.set("route", route);
  fields.set("order_id", order_id);
  fields.set("status", status);
  log::error("catalog", "unexpected_catalog_response", fields);
}

}  // namespace

RemoteCatalogApi::RemoteCatalogApi(std::shared_ptr<client::ServiceClient> catalog)
    : catalog_(std::move(catalog)) {}

Reservation RemoteCatalogApi::reserve(const std::string& order_id,
                                      const std::vector<ReservationRequestItem>& items) {
  Poco::JSON::Array::Ptr lines = new Poco::JSON::Array;
  for (const auto& item : items) {
    Poco::JSON::Object::Ptr line = new Poco::JSON::Object;
    line->set("product_id", item.product_id);
    line->set("quantity", item.quantity);
    lines->add(line);
  }
  Poco::JSON::Object::Ptr request = new Poco::JSON::Object;
  request->set("order_id", order_id);
  request->set("items", lines);

  client::CallResult response;
  try {
    response = catalog_->call("POST", "/internal/catalog/reservations", request,
                              client::Idempotency::kYes);
  } catch (const http::Problem&) {
    try {
      release(order_id);
    } catch (const std::exception&) {
      // Unreachable too, so a reservation made before the failure stays until a later release.
    }
    throw;
  }

  if (isRejection(response.status)) throw client::problemFromResponse(response);
  std::optional<Reservation> reservation;
  try {
    if (response.status == 200) reservation = readReservation(response.object());
  } catch (const Poco::Exception&) {
    // A member of the wrong type: reported below like any unreadable response.
  }
  if (!reservation) {
    logUnexpected("/internal/catalog/reservations", order_id, response.status);
    throw catalog_->unavailable();
  }
  return *reservation;
}

void RemoteCatalogApi::release(const std::string& order_id) {
  const client::CallResult response = catalog_->call(
      "DELETE", "/internal/catalog/reservations/" + client::encodePathSegment(order_id), {},
      client::Idempotency::kYes);
  if (response.status != 204 && response.status != 200) {
    logUnexpected("/internal/catalog/reservations/{order_id}", order_id, response.status);
    throw catalog_->unavailable();
  }
}

}  // namespace agora::catalog
