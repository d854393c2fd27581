// A parsed incoming request as routes see it: path parameters, query, headers, body, caller.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "platform/http/Principal.h"

namespace agora::http {

/**
 * Everything a handler may read about a request. Header names are matched
 * case-insensitively. The body is already size-checked (at most the configured limit).
 */
class Request {
 public:
  std::string method;
  std::string path;        // without the query string
  std::string route;       // the matched template, e.g. "/api/orders/{id}"
  std::string request_id;  // sane incoming X-Request-Id or a generated one
  std::string client_ip;   // the peer, or the address a trusted proxy appended to X-Forwarded-For
  std::string body;
  std::map<std::string, std::string> path_params;
  std::multimap<std::string, std::string> query;
  std::map<std::string, std::string> headers;  // keys lower-cased
  std::optional<Principal> principal;          // set when the route needs authentication

  /** A path parameter of the matched template; throws if the route has none by that name. */
  const std::string& param(const std::string& name) const;
  /** The first value of a query parameter. */
  std::optional<std::string> queryValue(const std::string& name) const;
  /** A header by case-insensitive name. */
  std::optional<std::string> header(const std::string& name) const;
  /** A cookie from the Cookie header. */
  std::optional<std::string> cookie(const std::string& name) const;
  /** The caller; throws Problem::unauthorized when the route ran without one. */
  const Principal& caller() const;
};

}  // namespace agora::http
