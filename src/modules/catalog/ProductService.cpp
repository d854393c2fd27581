// Product rules: validation, case-insensitive unique SKUs, soft deletes and keyset pagination.
#include "modules/catalog/ProductService.h"

#include <Poco/Data/DataException.h>

#include <charconv>

#include "platform/data/DataErrors.h"
#include "platform/http/Problem.h"
#include "platform/log/Log.h"
#include "platform/security/Random.h"
#include "platform/security/UnicodeText.h"

namespace agora::catalog {

namespace {

constexpr std::size_t kMaxNameCodePoints = 200;
constexpr std::size_t kMaxDescriptionCodePoints = ProductRepository::kMaxDescriptionCodePoints;
constexpr std::size_t kMaxQueryCodePoints = 200;
constexpr int64_t kMaxPriceCents = 1'000'000'000'000;
constexpr int64_t kMaxStock = 1'000'000'000;

std::string lowerAscii(std::string text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

bool isBlank(const std::string& text) {
  return text.find_first_not_of(" \t\r\n") == std::string::npos;
}

/**
 * Returns whether valid UTF-8 `text` contains a control character (C0, DEL or C1), except tab,
 * line feed and carriage return when `allow_line_breaks`. A NUL would also cut the text short
 * in SQLite, which reads text up to the first NUL.
 */
bool hasControlCharacter(const std::string& text, bool allow_line_breaks) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (allow_line_breaks && (byte == '\t' || byte == '\n' || byte == '\r')) continue;
    if (byte < 0x20 || byte == 0x7F) return true;
    // U+0080 to U+009F are encoded as C2 80 to C2 9F.
    if (byte == 0xC2 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) <= 0x9F) {
      return true;
    }
  }
  return false;
}

void checkText(std::vector<http::FieldError>& errors, const std::string& field,
               const std::string& text, std::size_t min, std::size_t max,
               bool allow_line_breaks = false) {
  if (!security::isValidUtf8(text)) {
    errors.push_back({field, "must be valid UTF-8"});
    return;
  }
  if (hasControlCharacter(text, allow_line_breaks)) {
    errors.push_back({field, allow_line_breaks
                                 ? "must not contain control characters other than tab and "
                                   "line breaks"
                                 : "must not contain control characters or line breaks"});
    return;
  }
  const std::size_t length = security::codePointCount(text);
  if (length < min || length > max) {
    errors.push_back({field, "has " + std::to_string(length) + " characters: must be " +
                                 std::to_string(min) + "-" + std::to_string(max)});
  } else if (min > 0 && isBlank(text)) {
    errors.push_back({field, "must not be blank"});
  }
}

void checkRange(std::vector<http::FieldError>& errors, const std::string& field, int64_t value,
                int64_t max) {
  if (value < 0 || value > max) {
    errors.push_back(
        {field, std::to_string(value) + " is out of range: must be 0-" + std::to_string(max)});
  }
}

void checkNewProduct(const NewProduct& draft) {
  std::vector<http::FieldError> errors;
  if (!isValidSku(draft.sku)) {
    const std::string sku_text = draft.sku.size() <= 64 ? " \"" + draft.sku + "\"" : "";
    errors.push_back({"sku", "invalid SKU" + sku_text +
                                 ": use 1-64 characters of A-Z, a-z, 0-9, '.', '_' or '-'"});
  }
  checkText(errors, "name", draft.name, 1, kMaxNameCodePoints);
  checkText(errors, "description", draft.description, 0, kMaxDescriptionCodePoints, true);
  checkRange(errors, "price_cents", draft.price_cents, kMaxPriceCents);
  checkRange(errors, "stock", draft.stock, kMaxStock);
  if (!errors.empty()) throw http::Problem::validation(std::move(errors));
}

void checkChanges(const ProductChanges& changes) {
  std::vector<http::FieldError> errors;
  if (changes.empty()) {
    errors.push_back({"body", "change at least one of name, description, price_cents, stock"});
  }
  if (changes.name) checkText(errors, "name", *changes.name, 1, kMaxNameCodePoints);
  if (changes.description) {
    checkText(errors, "description", *changes.description, 0, kMaxDescriptionCodePoints, true);
  }
  if (changes.price_cents) checkRange(errors, "price_cents", *changes.price_cents, kMaxPriceCents);
  if (changes.stock) checkRange(errors, "stock", *changes.stock, kMaxStock);
  if (!errors.empty()) throw http::Problem::validation(std::move(errors));
}

http::Problem duplicateSku(const std::string& sku) {
  return http::Problem::conflict("/problems/duplicate-sku", "Duplicate SKU",
                                 "SKU \"" + sku +
                                     "\" is taken by another product (ignoring case)"
                                     ": choose another SKU or change that product");
}

http::Problem productNotFound(const std::string& id) {
  // A path parameter can be long, so the message repeats only ids of a sane length.
  const std::string id_text = id.size() <= 64 ? " " + id : "";
  return http::Problem::notFound("product" + id_text + " not found");
}

}  // namespace

bool isValidSku(const std::string& sku) {
  if (sku.empty() || sku.size() > 64) return false;
  for (const char c : sku) {
    const bool alphanumeric =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!alphanumeric && c != '.' && c != '_' && c != '-') return false;
  }
  return true;
}

std::string searchKey(const std::string& text, const std::string& field) {
  auto folded = security::caseFoldNfc(text);
  if (!folded) throw http::Problem::validation({{field, "must be valid UTF-8"}});
  return *folded;
}

std::string escapeLike(const std::string& text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (const char c : text) {
    if (c == '!' || c == '%' || c == '_') escaped.push_back('!');
    escaped.push_back(c);
  }
  return escaped;
}

ProductService::ProductService(std::shared_ptr<data::Database> database, std::string currency,
                               Clock clock)
    : database_(std::move(database)), currency_(std::move(currency)), clock_(std::move(clock)) {}

Product ProductService::insertValidated(Poco::Data::Session& session, const NewProduct& draft) {
  const std::string sku_key = lowerAscii(draft.sku);
  if (products_.liveSkuExists(session, sku_key)) throw duplicateSku(draft.sku);

  Product product;
  product.id = security::newUuid();
  product.sku = draft.sku;
  product.name = draft.name;
  product.description = draft.description;
  product.price_cents = draft.price_cents;
  product.currency = currency_;
  product.stock = draft.stock;
  product.created_at = clock_();
  product.updated_at = product.created_at;
  products_.insert(session, product, sku_key, searchKey(product.name, "name"));
  return product;
}

Product ProductService::create(const NewProduct& draft) {
  checkNewProduct(draft);

  Product product;
  try {
    database_->transaction(
        [&](Poco::Data::Session& session) { product = insertValidated(session, draft); });
  } catch (const Poco::Data::DataException& e) {
    if (!data::isDuplicateKey(e)) throw;
    // Concurrent creators of one SKU on MySQL both pass the check, and the unique index decides.
    // The check runs in a transaction so that it reads the winner's commit.
    bool sku_taken = false;
    database_->transaction([&](Poco::Data::Session& session) {
      sku_taken = products_.liveSkuExists(session, lowerAscii(draft.sku));
    });
    if (sku_taken) throw duplicateSku(draft.sku);
    throw;
  }

  Poco::JSON::Object fields;
  fields.set("product_id", product.id);
  fields.set("sku", product.sku);
  log::info("catalog", "product_created", fields);
  return product;
}

Product ProductService::update(const std::string& id, const ProductChanges& changes) {
  checkChanges(changes);
  if (!isPlausibleId(id)) throw productNotFound(id);

  Product product;
  database_->transaction([&](Poco::Data::Session& session) {
    auto found = products_.findLive(session, id);
    if (!found) throw productNotFound(id);
    product = *found;
    if (changes.name) product.name = *changes.name;
    if (changes.description) product.description = *changes.description;
    if (changes.price_cents) product.price_cents = *changes.price_cents;
    if (changes.stock) product.stock = *changes.stock;
    product.updated_at = clock_();
    products_.update(session, product, searchKey(product.name, "name"));
  });
  return product;
}

void ProductService::remove(const std::string& id) {
  if (!isPlausibleId(id)) throw productNotFound(id);
  bool deleted = false;
  database_->transaction(
      [&](Poco::Data::Session& session) { deleted = products_.softDelete(session, id, clock_()); });
  if (!deleted) throw productNotFound(id);

  Poco::JSON::Object fields;
  fields.set("product_id", id);
  log::info("catalog", "product_deleted", fields);
}

Product ProductService::get(const std::string& id) {
  if (!isPlausibleId(id)) throw productNotFound(id);
  std::optional<Product> found;
  database_->withSession(
      [&](Poco::Data::Session& session) { found = products_.findLive(session, id); });
  if (!found) throw productNotFound(id);
  return *found;
}

ProductPage ProductService::list(const std::string& query, const http::PageRequest& page) {
  ProductFilter filter;
  if (!query.empty()) {
    const std::string key = searchKey(query, "q");
    const std::size_t length = security::codePointCount(query);
    if (length > kMaxQueryCodePoints) {
      throw http::Problem::validation(
          {{"q", "has " + std::to_string(length) + " characters: must be at most " +
                     std::to_string(kMaxQueryCodePoints)}});
    }
    filter.like_pattern = "%" + escapeLike(key) + "%";
  }
  if (page.after.size() == 2) {
    int64_t created_at = 0;
    const std::string& text = page.after[0];
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), created_at);
    if (error != std::errc() || end != text.data() + text.size()) {
      throw http::Problem::badRequest(
          "invalid `cursor`: it does not come from this listing, so start again without it");
    }
    filter.after_created_at = created_at;
    filter.after_id = page.after[1];
  }
  // One extra row shows whether another page follows.
  filter.limit = page.limit + 1;

  ProductPage result;
  database_->withSession(
      [&](Poco::Data::Session& session) { result.items = products_.list(session, filter); });
  if (result.items.size() > static_cast<std::size_t>(page.limit)) {
    result.items.pop_back();
    const Product& last = result.items.back();
    result.next_cursor = http::encodeCursor({std::to_string(last.created_at), last.id});
  }
  return result;
}

int ProductService::seed(const std::vector<NewProduct>& products) {
  for (const auto& draft : products) checkNewProduct(draft);

  int created = 0;
  try {
    database_->transaction([&](Poco::Data::Session& session) {
      if (products_.countAll(session) > 0) return;
      for (const auto& draft : products) {
        insertValidated(session, draft);
        ++created;
      }
    });
  } catch (const Poco::Data::DataException& e) {
    if (!data::isDuplicateKey(e)) throw;
    // Another process seeding at the same moment on MySQL won the unique index, so keep its rows.
    Poco::JSON::Object fields;
    fields.set("error", e.displayText());
    log::warn("catalog", "demo_products_skipped", fields);
    return 0;
  } catch (const http::Problem& problem) {
    // A concurrent seeder already created a product with one of the SKUs.
    Poco::JSON::Object fields;
    fields.set("error", problem.detail());
    log::warn("catalog", "demo_products_skipped", fields);
    return 0;
  }

  if (created > 0) {
    Poco::JSON::Object fields;
    fields.set("count", created);
    log::info("catalog", "demo_products_created", fields);
  }
  return created;
}

}  // namespace agora::catalog
