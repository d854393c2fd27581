// The address of another role's API: its base URL, such as http://catalog:8080.
#pragma once

#include <string>

namespace agora::client {

/** A parsed base URL: scheme, host and port, without path, query or credentials. */
struct ServiceEndpoint {
  std::string scheme;  // "http" or "https"
  std::string host;    // a name, an IPv4 address or an IPv6 address without brackets
  int port = 0;

  /**
   * Parses "http://host:port" or "https://host[:port]" (an optional trailing "/"; IPv6 in
   * brackets). The port defaults to 80 or 443. Throws std::invalid_argument naming the URL and
   * what to change when it has another scheme, a path, a query, user info or a bad port.
   */
  static ServiceEndpoint parse(const std::string& url);

  bool secure() const { return scheme == "https"; }
  /** The URL back, e.g. "http://catalog:8080", for logs and error messages. */
  std::string url() const;
};

}  // namespace agora::client
