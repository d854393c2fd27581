// Cursor pagination: `limit` checking and base64url cursors holding a JSON array of sort keys.
#include "platform/http/Pagination.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <sstream>

#include "platform/http/Problem.h"
#include "platform/security/Digest.h"

namespace agora::http {
namespace {

constexpr int kDefaultLimit = 20;
constexpr int kMaxLimit = 100;
/** Far above any cursor this server makes; longer input is rejected before decoding. */
constexpr std::size_t kMaxCursorLength = 2048;

std::optional<int> parseLimit(const std::string& text) {
  if (text.empty() || text.size() > 3) return std::nullopt;
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  if (value < 1 || value > kMaxLimit) return std::nullopt;
  return value;
}

}  // namespace

PageRequest readPageRequest(const Request& request, std::size_t cursor_key_count) {
  PageRequest page;
  std::vector<FieldError> errors;

  if (auto limit = request.queryValue("limit")) {
    if (auto value = parseLimit(*limit)) {
      page.limit = *value;
    } else {
      errors.push_back({"limit", "must be an integer from 1 to " + std::to_string(kMaxLimit)});
    }
  } else {
    page.limit = kDefaultLimit;
  }

  if (auto cursor = request.queryValue("cursor"); cursor && !cursor->empty()) {
    if (auto keys = decodeCursor(*cursor, cursor_key_count)) {
      page.after = std::move(*keys);
    } else {
      errors.push_back({"cursor", "is not a cursor from a previous page; start without one"});
    }
  }

  if (!errors.empty()) throw Problem::validation(std::move(errors));
  return page;
}

std::string encodeCursor(const std::vector<std::string>& keys) {
  Poco::JSON::Array array;
  for (const auto& key : keys) array.add(key);
  std::ostringstream json;
  array.stringify(json);
  return security::base64UrlEncode(json.str());
}

std::optional<std::vector<std::string>> decodeCursor(const std::string& cursor,
                                                     std::size_t key_count) {
  if (cursor.empty() || cursor.size() > kMaxCursorLength) return std::nullopt;
  auto json = security::base64UrlDecode(cursor);
  if (!json || json->empty() || json->front() != '[') return std::nullopt;

  Poco::Dynamic::Var parsed;
  try {
    Poco::JSON::Parser parser;
    parsed = parser.parse(*json);
  } catch (const Poco::Exception&) {
    return std::nullopt;
  }
  if (parsed.type() != typeid(Poco::JSON::Array::Ptr)) return std::nullopt;

  auto array = parsed.extract<Poco::JSON::Array::Ptr>();
  if (array->size() != key_count) return std::nullopt;
  std::vector<std::string> keys;
  keys.reserve(key_count);
  for (std::size_t i = 0; i < key_count; ++i) {
    Poco::Dynamic::Var key = array->get(static_cast<unsigned>(i));
    if (key.type() != typeid(std::string)) return std::nullopt;
    keys.push_back(key.extract<std::string>());
  }
  return keys;
}

}  // namespace agora::http
