// RFC 9457 problem details: the one error type every route throws and every client reads.
#pragma once

#include <Poco/JSON/Object.h>

#include <exception>
#include <string>
#include <utility>
#include <vector>

namespace agora::http {

/** One invalid field of a request body or query, reported in `errors`. */
struct FieldError {
  std::string field;
  std::string message;
};

/**
 * An error that ends a request with problem details. Routes and services throw it; the
 * server turns it into an `application/problem+json` response with the request id.
 * `type` is a stable code such as "/problems/out-of-stock".
 */
class Problem : public std::exception {
 public:
  Problem(int status, std::string type, std::string title, std::string detail = {});

  int status() const { return status_; }
  const std::string& type() const { return type_; }
  const std::string& title() const { return title_; }
  const std::string& detail() const { return detail_; }
  const std::vector<FieldError>& errors() const { return errors_; }
  const std::vector<std::pair<std::string, std::string>>& headers() const { return headers_; }
  const char* what() const noexcept override { return detail_.empty() ? title_.c_str() : detail_.c_str(); }

  /** Adds a field error (for validation problems). */
  Problem& withError(std::string field, std::string message);
  /** Adds a response header such as `Retry-After` or `WWW-Authenticate`. */
  Problem& withHeader(std::string name, std::string value);
  /** Adds an extra member to the problem body, e.g. the short products of an out-of-stock. */
  Problem& withExtension(std::string name, Poco::Dynamic::Var value);

  /** Builds the problem body; `instance` is the request path. */
  Poco::JSON::Object::Ptr toJson(const std::string& instance, const std::string& request_id) const;

  static Problem badRequest(std::string detail);
  /** 400 with `errors`; detail summarises them. */
  static Problem validation(std::vector<FieldError> errors);
  /** 401 with `WWW-Authenticate: Bearer`. */
  static Problem unauthorized(std::string detail = "missing or invalid credentials");
  static Problem forbidden(std::string detail = "this operation needs another role");
  static Problem notFound(std::string detail = "no such resource");
  static Problem conflict(std::string type, std::string title, std::string detail);
  static Problem unsupportedMediaType(std::string detail);
  static Problem payloadTooLarge(std::string detail);
  static Problem unprocessable(std::string type, std::string title, std::string detail);
  /** 429 with `Retry-After` in whole seconds. */
  static Problem tooManyRequests(std::string detail, int retry_after_seconds);
  /** 503: a backend (database, session store, another role) is unavailable. */
  static Problem unavailable(std::string detail);
  static Problem internal();

 private:
  int status_;
  std::string type_;
  std::string title_;
  std::string detail_;
  std::vector<FieldError> errors_;
  std::vector<std::pair<std::string, std::string>> headers_;
  std::vector<std::pair<std::string, Poco::Dynamic::Var>> extensions_;
};

}  // namespace agora::http
