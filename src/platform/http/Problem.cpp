// Problem details: the standard problems and their JSON form.
#include "platform/http/Problem.h"

#include <Poco/JSON/Array.h>

#include <string>

namespace agora::http {

Problem::Problem(int status, std::string type, std::string title, std::string detail)
    : status_(status),
      type_(std::move(type)),
      title_(std::move(title)),
      detail_(std::move(detail)) {}

Problem& Problem::withError(std::string field, std::string message) {
  errors_.push_back({std::move(field), std::move(message)});
  return *this;
}

Problem& Problem::withHeader(std::string name, std::string value) {
  headers_.emplace_back(std::move(name), std::move(value));
  return *this;
}

Problem& Problem::withExtension(std::string name, Poco::Dynamic::Var value) {
  extensions_.emplace_back(std::move(name), std::move(value));
  return *this;
}

namespace {

/**
 * Returns the request path as a URI reference for the `instance` member: every byte outside
 * printable ASCII is percent-encoded. A raw path may contain any bytes, and one that is not UTF-8
 * would otherwise make the whole body invalid JSON.
 */
std::string uriReference(const std::string& path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string reference;
  reference.reserve(path.size());
  for (const char c : path) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte > 0x20 && byte < 0x7F) {
      reference += c;
    } else {
      reference += '%';
      reference += kHex[byte >> 4];
      reference += kHex[byte & 0x0F];
    }
  }
  return reference;
}

}  // namespace

Poco::JSON::Object::Ptr Problem::toJson(const std::string& instance,
                                        const std::string& request_id) const {
  Poco::JSON::Object::Ptr body = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  body->set("type", type_);
  body->set("title", title_);
  body->set("status", status_);
  body->set("detail", detail_.empty() ? title_ : detail_);
  body->set("instance", uriReference(instance));
  body->set("request_id", request_id);
  if (!errors_.empty()) {
    Poco::JSON::Array::Ptr errors = new Poco::JSON::Array;
    for (const auto& error : errors_) {
      Poco::JSON::Object::Ptr entry = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
      entry->set("field", error.field);
      entry->set("message", error.message);
      errors->add(entry);
    }
    body->set("errors", errors);
  }
  // Extensions come last so they can never replace a standard member.
  for (const auto& [name, value] : extensions_) {
    if (!body->has(name)) body->set(name, value);
  }
  return body;
}

Problem Problem::badRequest(std::string detail) {
  return Problem(400, "/problems/bad-request", "Bad request", std::move(detail));
}

Problem Problem::validation(std::vector<FieldError> errors) {
  std::string detail;
  for (const auto& error : errors) {
    if (!detail.empty()) detail += "; ";
    detail += "`" + error.field + "` " + error.message;
  }
  if (detail.empty()) detail = "the request is invalid";
  Problem problem(400, "/problems/validation", "Invalid request", std::move(detail));
  problem.errors_ = std::move(errors);
  return problem;
}

Problem Problem::unauthorized(std::string detail) {
  return Problem(401, "/problems/unauthorized", "Authentication required", std::move(detail))
      .withHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
}

Problem Problem::forbidden(std::string detail) {
  return Problem(403, "/problems/forbidden", "Forbidden", std::move(detail));
}

Problem Problem::notFound(std::string detail) {
  return Problem(404, "/problems/not-found", "Not found", std::move(detail));
}

Problem Problem::conflict(std::string type, std::string title, std::string detail) {
  return Problem(409, std::move(type), std::move(title), std::move(detail));
}

Problem Problem::unsupportedMediaType(std::string detail) {
  return Problem(415, "/problems/unsupported-media-type", "Unsupported media type",
                 std::move(detail));
}

Problem Problem::payloadTooLarge(std::string detail) {
  return Problem(413, "/problems/payload-too-large", "Payload too large", std::move(detail));
}

Problem Problem::unprocessable(std::string type, std::string title, std::string detail) {
  return Problem(422, std::move(type), std::move(title), std::move(detail));
}

Problem Problem::tooManyRequests(std::string detail, int retry_after_seconds) {
  return Problem(429, "/problems/too-many-requests", "Too many requests", std::move(detail))
      .withHeader("Retry-After", std::to_string(retry_after_seconds < 1 ? 1 : retry_after_seconds));
}

Problem Problem::unavailable(std::string detail) {
  return Problem(503, "/problems/unavailable", "Service unavailable", std::move(detail));
}

Problem Problem::internal() {
  return Problem(500, "/problems/internal", "Internal error",
                 "the server could not complete the request");
}

}  // namespace agora::http
