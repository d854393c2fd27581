// Strict field reading for JSON request bodies; every violation is collected before failing.
#include "platform/json/JsonReader.h"

#include <limits>

#include "platform/json/StrictJson.h"
#include "platform/security/UnicodeText.h"

namespace agora::json {
namespace {

/** Maximum number of errors one body can produce, so a hostile body cannot inflate the response. */
constexpr std::size_t kMaxErrors = 100;

std::string kindOf(const Poco::Dynamic::Var& value) {
  if (value.isEmpty()) return "null";
  if (value.type() == typeid(std::string)) return "a string";
  if (value.type() == typeid(bool)) return "a boolean";
  if (value.type() == typeid(Poco::JSON::Object::Ptr)) return "an object";
  if (value.type() == typeid(Poco::JSON::Array::Ptr)) return "an array";
  if (value.type() == typeid(double) || value.type() == typeid(float)) {
    return "a number with a fraction or exponent";
  }
  return "a number";
}

/**
 * Returns the value of an integer Var, or nullopt when it is not an integer. Sets `too_large`
 * for values above the int64 range.
 */
std::optional<int64_t> integerOf(const Poco::Dynamic::Var& value, bool& too_large) {
  too_large = false;
  const auto& type = value.type();
  if (type == typeid(int)) return value.extract<int>();
  if (type == typeid(Poco::Int64)) return value.extract<Poco::Int64>();
  if (type == typeid(long)) return value.extract<long>();
  if (type == typeid(unsigned)) return value.extract<unsigned>();
  if (type == typeid(Poco::UInt64)) {
    auto unsigned_value = value.extract<Poco::UInt64>();
    if (unsigned_value > static_cast<Poco::UInt64>(std::numeric_limits<int64_t>::max())) {
      too_large = true;
      return std::nullopt;
    }
    return static_cast<int64_t>(unsigned_value);
  }
  return std::nullopt;
}

std::string rangeMessage(int64_t min, int64_t max) {
  if (max == std::numeric_limits<int64_t>::max()) return "must be at least " + std::to_string(min);
  if (min == std::numeric_limits<int64_t>::min()) return "must be at most " + std::to_string(max);
  return "must be from " + std::to_string(min) + " to " + std::to_string(max);
}

std::string lengthMessage(std::size_t min, std::size_t max, std::size_t actual) {
  std::string bounds =
      min == max ? std::to_string(min) : std::to_string(min) + "-" + std::to_string(max);
  return "must be " + bounds + " characters long (got " + std::to_string(actual) + ")";
}

}  // namespace

JsonReader JsonReader::parse(const std::string& body) {
  return JsonReader(parseStrictObject(body), "");
}

JsonReader::JsonReader(Poco::JSON::Object::Ptr object, std::string prefix)
    : object_(std::move(object)),
      prefix_(std::move(prefix)),
      errors_(std::make_shared<std::vector<http::FieldError>>()) {}

std::string JsonReader::name(const std::string& field) const {
  return prefix_.empty() ? field : prefix_ + "." + field;
}

bool JsonReader::has(const std::string& field) const {
  return object_ && object_->has(field);
}

void JsonReader::addError(const std::string& field, const std::string& message) {
  if (errors_->size() < kMaxErrors) errors_->push_back({name(field), message});
}

std::string JsonReader::requiredString(const std::string& field, std::size_t min_code_points,
                                       std::size_t max_code_points) {
  if (!has(field)) {
    addError(field, "is required");
    return {};
  }
  auto value = optionalString(field, min_code_points, max_code_points);
  if (!value) {
    addError(field, "must be a string (got null)");
    return {};
  }
  return *value;
}

std::optional<std::string> JsonReader::optionalString(const std::string& field,
                                                      std::size_t min_code_points,
                                                      std::size_t max_code_points) {
  if (!has(field) || object_->isNull(field)) return std::nullopt;
  Poco::Dynamic::Var value = object_->get(field);
  if (value.type() != typeid(std::string)) {
    addError(field, "must be a string (got " + kindOf(value) + ")");
    return std::string();
  }

  const auto& text = value.extract<std::string>();
  if (!security::isValidUtf8(text)) {
    addError(field, "must be valid UTF-8");
    return std::string();
  }
  std::size_t length = security::codePointCount(text);
  if (length < min_code_points || length > max_code_points) {
    addError(field, lengthMessage(min_code_points, max_code_points, length));
  }
  return text;
}

int64_t JsonReader::requiredInteger(const std::string& field, int64_t min, int64_t max) {
  if (!has(field)) {
    addError(field, "is required");
    return min;
  }
  auto value = optionalInteger(field, min, max);
  if (!value) {
    addError(field, "must be an integer (got null)");
    return min;
  }
  return *value;
}

std::optional<int64_t> JsonReader::optionalInteger(const std::string& field, int64_t min,
                                                   int64_t max) {
  if (!has(field) || object_->isNull(field)) return std::nullopt;
  Poco::Dynamic::Var value = object_->get(field);

  bool too_large = false;
  auto integer = integerOf(value, too_large);
  if (too_large) {
    addError(field, rangeMessage(min, max));
    return min;
  }
  if (!integer) {
    addError(field, "must be an integer (got " + kindOf(value) + ")");
    return min;
  }
  if (*integer < min || *integer > max) {
    addError(field, rangeMessage(min, max) + " (got " + std::to_string(*integer) + ")");
  }
  return *integer;
}

std::optional<bool> JsonReader::optionalBool(const std::string& field) {
  if (!has(field) || object_->isNull(field)) return std::nullopt;
  Poco::Dynamic::Var value = object_->get(field);
  if (value.type() != typeid(bool)) {
    addError(field, "must be true or false (got " + kindOf(value) + ")");
    return false;
  }
  return value.extract<bool>();
}

std::vector<JsonReader> JsonReader::requiredObjectArray(const std::string& field,
                                                        std::size_t min_items,
                                                        std::size_t max_items) {
  std::vector<JsonReader> readers;
  if (!has(field)) {
    addError(field, "is required");
    return readers;
  }
  Poco::Dynamic::Var value = object_->get(field);
  if (value.type() != typeid(Poco::JSON::Array::Ptr)) {
    addError(field, "must be an array (got " + kindOf(value) + ")");
    return readers;
  }

  auto array = value.extract<Poco::JSON::Array::Ptr>();
  if (array->size() < min_items || array->size() > max_items) {
    addError(field, "must have " + std::to_string(min_items) + "-" + std::to_string(max_items) +
                        " items (got " + std::to_string(array->size()) + ")");
    return readers;
  }
  for (std::size_t i = 0; i < array->size(); ++i) {
    std::string item_name = field + "[" + std::to_string(i) + "]";
    Poco::Dynamic::Var item = array->get(static_cast<unsigned>(i));
    if (item.type() != typeid(Poco::JSON::Object::Ptr)) {
      addError(item_name, "must be an object (got " + kindOf(item) + ")");
      continue;
    }
    JsonReader reader(item.extract<Poco::JSON::Object::Ptr>(), name(item_name));
    reader.errors_ = errors_;
    readers.push_back(std::move(reader));
  }
  return readers;
}

std::optional<std::vector<std::string>> JsonReader::optionalStringArray(const std::string& field,
                                                                        std::size_t max_items) {
  if (!has(field) || object_->isNull(field)) return std::nullopt;
  Poco::Dynamic::Var value = object_->get(field);
  if (value.type() != typeid(Poco::JSON::Array::Ptr)) {
    addError(field, "must be an array of strings (got " + kindOf(value) + ")");
    return std::vector<std::string>();
  }

  auto array = value.extract<Poco::JSON::Array::Ptr>();
  if (array->size() > max_items) {
    addError(field, "must have at most " + std::to_string(max_items) + " items (got " +
                        std::to_string(array->size()) + ")");
    return std::vector<std::string>();
  }
  std::vector<std::string> strings;
  for (std::size_t i = 0; i < array->size(); ++i) {
    Poco::Dynamic::Var item = array->get(static_cast<unsigned>(i));
    if (item.type() != typeid(std::string) || !security::isValidUtf8(item.extract<std::string>())) {
      addError(field + "[" + std::to_string(i) + "]",
               "must be a string (got " + kindOf(item) + ")");
      continue;
    }
    strings.push_back(item.extract<std::string>());
  }
  return strings;
}

void JsonReader::rejectUnknown(std::initializer_list<const char*> known) {
  if (!object_) return;
  for (const auto& [key, value] : *object_) {
    bool is_known = false;
    for (const char* candidate : known) {
      if (key == candidate) {
        is_known = true;
        break;
      }
    }
    if (!is_known) addError(key, "is not a known field");
  }
}

void JsonReader::finish() {
  if (!errors_->empty()) throw http::Problem::validation(*errors_);
}

}  // namespace agora::json
