// Fuzzes the strict JSON body parser and JsonReader. Rejections must be 400 problems, accepted
// bodies must survive a stringify and parse round trip, and after finish() every value read
// must be within its bounds.
#include <Poco/JSON/Stringifier.h>

#include <cstdint>
#include <limits>
#include <sstream>
#include <string>

#include "FuzzCheck.h"
#include "platform/http/Problem.h"
#include "platform/json/JsonReader.h"
#include "platform/json/StrictJson.h"
#include "platform/security/UnicodeText.h"

namespace agora::fuzz {
namespace {

constexpr std::size_t kMaxFieldsRead = 8;

std::string stringify(const Poco::JSON::Object::Ptr& object) {
  std::ostringstream out;
  Poco::JSON::Stringifier::stringify(object, out);
  return out.str();
}

/**
 * Returns whether a stringified body may contain a number that Poco writes as bare inf or nan.
 * A literal such as 1e999 parses to infinity, so such a body cannot round trip. Routes read
 * only integers, which cannot overflow this way.
 */
bool hasNonFiniteNumber(const std::string& json) {
  for (std::size_t at = json.find_first_of("in"); at != std::string::npos;
       at = json.find_first_of("in", at + 1)) {
    const bool word = json.compare(at, 3, "inf") == 0 || json.compare(at, 3, "nan") == 0;
    std::size_t before = at;
    if (before > 0 && json[before - 1] == '-') --before;
    if (word && before > 0 &&
        (json[before - 1] == ':' || json[before - 1] == '[' || json[before - 1] == ',')) {
      return true;
    }
  }
  return false;
}

void checkRejection(const http::Problem& problem, const std::string& stage) {
  require(problem.status() == 400, "a rejected body must be a 400 problem", stage);
  require(!problem.detail().empty() || !problem.errors().empty(), "a rejected body must say why",
          stage);
}

/** Accepted bodies stringify to JSON that the strict parser accepts and maps to itself. */
void checkRoundTrip(const Poco::JSON::Object::Ptr& object) {
  const std::string first = stringify(object);
  if (hasNonFiniteNumber(first)) return;
  Poco::JSON::Object::Ptr again;
  try {
    again = json::parseStrictObject(first);
  } catch (const http::Problem& problem) {
    fail("an accepted body must parse again after stringify", first + " -> " + problem.what());
  }
  require(stringify(again) == first, "stringify must be stable over a round trip", first);
}

/** A bounded check of what a reader returned, valid only once finish() passed. */
struct StringRead {
  std::string value;
  std::size_t min;
  std::size_t max;
};
struct IntegerRead {
  int64_t value;
  int64_t min;
  int64_t max;
};

/** Reads each key with the reader kind its first letter picks, as a route would. */
void readFields(const std::string& body, const Poco::JSON::Object::Ptr& object) {
  json::JsonReader reader = json::JsonReader::parse(body);
  std::vector<StringRead> strings;
  std::vector<IntegerRead> integers;
  std::vector<std::string> array_strings;
  std::size_t read = 0;
  for (const auto& [key, unused] : *object) {
    if (++read > kMaxFieldsRead) break;
    const std::size_t pick = key.empty() ? 0 : static_cast<unsigned char>(key[0]) % 7;
    switch (pick) {
      case 0:
        strings.push_back({reader.requiredString(key, 1, 64), 1, 64});
        break;
      case 1:
        if (auto value = reader.optionalString(key, 0, 4000)) strings.push_back({*value, 0, 4000});
        break;
      case 2:
        integers.push_back({reader.requiredInteger(key, 1, 1000), 1, 1000});
        break;
      case 3:
        if (auto value = reader.optionalInteger(key, std::numeric_limits<int64_t>::min(),
                                                std::numeric_limits<int64_t>::max())) {
          integers.push_back(
              {*value, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max()});
        }
        break;
      case 4:
        reader.optionalBool(key);
        break;
      case 5:
        for (auto& item : reader.requiredObjectArray(key, 1, 50)) {
          strings.push_back({item.requiredString("product_id", 1, 64), 1, 64});
          integers.push_back({item.requiredInteger("quantity", 1, 1000), 1, 1000});
          item.rejectUnknown({"product_id", "quantity"});
        }
        break;
      default:
        if (auto values = reader.optionalStringArray(key, 10)) {
          require(values->size() <= 10, "optionalStringArray must respect max_items", key);
          for (auto& value : *values) array_strings.push_back(value);
        }
        break;
    }
  }
  reader.rejectUnknown({"email", "password", "items", "name"});

  try {
    reader.finish();
  } catch (const http::Problem& problem) {
    checkRejection(problem, "finish");
    require(!problem.errors().empty(), "a failed finish() must list field errors");
    require(problem.errors().size() <= 100, "field errors must be capped at 100");
    return;
  }
  for (const auto& string : strings) {
    require(security::isValidUtf8(string.value), "an accepted string must be valid UTF-8");
    const std::size_t length = security::codePointCount(string.value);
    require(length >= string.min && length <= string.max,
            "an accepted string must be within its length bounds", string.value);
  }
  for (const auto& integer : integers) {
    require(integer.value >= integer.min && integer.value <= integer.max,
            "an accepted integer must be within its range", std::to_string(integer.value));
  }
  for (const auto& value : array_strings) {
    require(security::isValidUtf8(value), "an accepted array string must be valid UTF-8");
  }
}

}  // namespace
}  // namespace agora::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using namespace agora;
  const std::string body = fuzz::textOf(data, size);

  Poco::JSON::Object::Ptr object;
  try {
    object = json::parseStrictObject(body);
  } catch (const http::Problem& problem) {
    fuzz::checkRejection(problem, "parse");
    return 0;
  }
  fuzz::require(!object.isNull(), "an accepted body must be an object");
  fuzz::checkRoundTrip(object);
  fuzz::readFields(body, object);
  return 0;
}
