// The address of another role's API: its base URL, such as http://catalog:8080.
#include "platform/client/ServiceEndpoint.h"

#include <charconv>
#include <stdexcept>

namespace agora::client {
namespace {

std::invalid_argument badUrl(const std::string& url, const std::string& why) {
  return std::invalid_argument("invalid service URL '" + url + "': " + why +
                               " (expected e.g. http://catalog:8080)");
}

}  // namespace

ServiceEndpoint ServiceEndpoint::parse(const std::string& url) {
  ServiceEndpoint endpoint;
  std::string rest;
  if (url.rfind("http://", 0) == 0) {
    endpoint.scheme = "http";
    rest = url.substr(7);
  } else if (url.rfind("https://", 0) == 0) {
    endpoint.scheme = "https";
    rest = url.substr(8);
  } else {
    throw badUrl(url, "use the scheme http or https");
  }
  if (!rest.empty() && rest.back() == '/') rest.pop_back();
  if (rest.find_first_of("/?#") != std::string::npos) {
    throw badUrl(url, "give only scheme, host and port, without a path or query");
  }
  if (rest.find('@') != std::string::npos) throw badUrl(url, "remove the user info");

  std::string port_text;
  if (!rest.empty() && rest.front() == '[') {
    std::size_t close = rest.find(']');
    if (close == std::string::npos) throw badUrl(url, "close the IPv6 address with ]");
    endpoint.host = rest.substr(1, close - 1);
    std::string after = rest.substr(close + 1);
    if (!after.empty() && after.front() != ':') throw badUrl(url, "put the port after ]:");
    if (!after.empty()) port_text = after.substr(1);
  } else {
    std::size_t colon = rest.find(':');
    endpoint.host = rest.substr(0, colon);
    if (colon != std::string::npos) port_text = rest.substr(colon + 1);
    if (colon != std::string::npos && port_text.empty()) throw badUrl(url, "the port is empty");
  }
  if (endpoint.host.empty()) throw badUrl(url, "the host is missing");

  endpoint.port = endpoint.secure() ? 443 : 80;
  if (!port_text.empty()) {
    int port = 0;
    auto [end, error] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (error != std::errc() || end != port_text.data() + port_text.size() || port < 1 ||
        port > 65535) {
      throw badUrl(url, "the port must be a number from 1 to 65535");
    }
    endpoint.port = port;
  }
  return endpoint;
}

std::string ServiceEndpoint::url() const {
  bool ipv6 = host.find(':') != std::string::npos;
  return scheme + "://" + (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

}  // namespace agora::client
