// Strict JSON parsing: Poco's parser plus duplicate-key, depth, UTF-8 and integer-range checks.
#include "platform/json/StrictJson.h"

#include <Poco/Exception.h>
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>

#include <charconv>
#include <set>
#include <vector>

#include "platform/http/Problem.h"
#include "platform/security/UnicodeText.h"

namespace agora::json {
namespace {

std::string shortened(std::string_view text) {
  constexpr std::size_t kMaxShown = 40;
  if (text.size() <= kMaxShown) return std::string(text);
  return std::string(text.substr(0, kMaxShown)) + "...";
}

/**
 * Poco parses integer literals beyond the 64-bit range into a wrapped value or fails with a
 * vague syntax error, so every integer literal is checked here first.
 */
void checkIntegerLiterals(std::string_view body) {
  bool in_string = false;
  for (std::size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
      continue;
    }
    if (c != '-' && (c < '0' || c > '9')) continue;

    std::size_t end = i;
    bool integer = true;
    while (end < body.size()) {
      char d = body[end];
      if (d == '.' || d == 'e' || d == 'E') {
        integer = false;
      } else if (d != '-' && d != '+' && (d < '0' || d > '9')) {
        break;
      }
      ++end;
    }
    std::string_view literal = body.substr(i, end - i);
    if (integer) {
      int64_t value = 0;
      auto [rest, error] = std::from_chars(literal.data(), literal.data() + literal.size(), value);
      if (error == std::errc::result_out_of_range) {
        throw http::Problem::badRequest("number " + shortened(literal) +
                                        " is out of range: integers must fit in 64 bits");
      }
    }
    i = end - 1;
  }
}

/** Builds the object like Poco's handler while rejecting duplicates, depth and bad UTF-8. */
class StrictHandler : public Poco::JSON::ParseHandler {
 public:
  void startObject() override {
    enter();
    keys_.emplace_back();
    ParseHandler::startObject();
  }
  void endObject() override {
    keys_.pop_back();
    --depth_;
    ParseHandler::endObject();
  }
  void startArray() override {
    enter();
    ParseHandler::startArray();
  }
  void endArray() override {
    --depth_;
    ParseHandler::endArray();
  }
  void key(const std::string& name) override {
    requireUtf8(name);
    if (!keys_.empty() && !keys_.back().insert(name).second) {
      throw http::Problem::badRequest("duplicate key \"" + shortened(name) +
                                      "\" in a JSON object: send each member once");
    }
    ParseHandler::key(name);
  }
  void value(const std::string& text) override {
    requireUtf8(text);
    ParseHandler::value(text);
  }
  // The other value() overloads would otherwise be hidden by the one above.
  using ParseHandler::value;

 private:
  std::size_t depth_ = 0;
  std::vector<std::set<std::string>> keys_;

  void enter() {
    if (++depth_ > kMaxDepth) {
      throw http::Problem::badRequest("JSON nested deeper than " + std::to_string(kMaxDepth) +
                                      " levels");
    }
  }
  static void requireUtf8(const std::string& text) {
    if (!security::isValidUtf8(text))
      throw http::Problem::badRequest("JSON string is not valid UTF-8");
  }
};

}  // namespace

Poco::JSON::Object::Ptr parseStrictObject(const std::string& body) {
  std::size_t first = body.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) throw http::Problem::badRequest("request body is required");
  if (body[first] != '{') throw http::Problem::badRequest("request body must be a JSON object");

  checkIntegerLiterals(body);

  Poco::Dynamic::Var result;
  try {
    Poco::JSON::Parser parser(new StrictHandler);
    result = parser.parse(body);
  } catch (const Poco::Exception& error) {
    std::string reason = error.message().empty() ? error.displayText() : error.message();
    // Poco quotes the offending byte, which may be anything; keep the detail printable ASCII.
    for (char& c : reason) {
      if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7E) c = '?';
    }
    throw http::Problem::badRequest("malformed JSON: " + reason);
  }
  if (result.type() != typeid(Poco::JSON::Object::Ptr)) {
    throw http::Problem::badRequest("request body must be a JSON object");
  }
  return result.extract<Poco::JSON::Object::Ptr>();
}

}  // namespace agora::json
