// Strict reading of JSON request bodies: types, ranges, required and unknown fields.
#pragma once

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "platform/http/Problem.h"

namespace agora::json {

/**
 * Reads fields of one JSON object and collects every violation, so a client learns all of
 * them at once. Call finish() after the reads: it throws a 400 validation problem listing
 * each invalid, missing or unknown field. String values must be valid UTF-8. A JSON null
 * counts as absent for the optional readers. Values returned before finish() passed are
 * placeholders when their field was invalid.
 */
class JsonReader {
 public:
  /** Parses a request body; throws Problem 400 on malformed JSON, duplicate keys, a
   *  non-object top level or nesting deeper than 32 levels. */
  static JsonReader parse(const std::string& body);
  /** Reads an object nested in another body, reporting errors under `prefix`. */
  JsonReader(Poco::JSON::Object::Ptr object, std::string prefix);

  std::string requiredString(const std::string& field, std::size_t min_code_points,
                             std::size_t max_code_points);
  std::optional<std::string> optionalString(const std::string& field, std::size_t min_code_points,
                                            std::size_t max_code_points);
  int64_t requiredInteger(const std::string& field, int64_t min, int64_t max);
  std::optional<int64_t> optionalInteger(const std::string& field, int64_t min, int64_t max);
  std::optional<bool> optionalBool(const std::string& field);
  /** An array of objects, each read through a nested reader named "field[i]". */
  std::vector<JsonReader> requiredObjectArray(const std::string& field, std::size_t min_items,
                                              std::size_t max_items);
  std::optional<std::vector<std::string>> optionalStringArray(const std::string& field,
                                                              std::size_t max_items);
  bool has(const std::string& field) const;

  /** Records an error for a field the caller checked itself. */
  void addError(const std::string& field, const std::string& message);
  /** Marks every field not in `known` as unknown. */
  void rejectUnknown(std::initializer_list<const char*> known);
  /** Throws the collected errors (including those of nested readers) as one 400. */
  void finish();

 private:
  Poco::JSON::Object::Ptr object_;
  std::string prefix_;
  std::shared_ptr<std::vector<http::FieldError>> errors_;
  std::string name(const std::string& field) const;
};

}  // namespace agora::json
