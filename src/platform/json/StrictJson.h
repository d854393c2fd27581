// Strict parsing of a JSON request body into a Poco object, beyond what Poco checks itself.
#pragma once

#include <Poco/JSON/Object.h>

#include <cstddef>
#include <string>

namespace agora::json {

/** The deepest nesting a request body may have (the top-level object is depth 1). */
constexpr std::size_t kMaxDepth = 32;

/**
 * Parses `body` as one JSON object. Throws http::Problem 400 on malformed JSON, a top level
 * that is not an object, a duplicate key in any object, nesting deeper than kMaxDepth,
 * invalid UTF-8, or an integer literal outside the 64-bit range. Integer literals come back
 * as integer Vars, every number with a fraction or exponent as a double.
 */
Poco::JSON::Object::Ptr parseStrictObject(const std::string& body);

}  // namespace agora::json
