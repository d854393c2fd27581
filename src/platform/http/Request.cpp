// Accessors of a parsed request: parameters, query values, headers, cookies and the caller.
#include "platform/http/Request.h"

#include <Poco/String.h>

#include <stdexcept>

#include "platform/http/Problem.h"

namespace agora::http {

const std::string& Request::param(const std::string& name) const {
  auto found = path_params.find(name);
  if (found == path_params.end()) {
    throw std::logic_error("route " + route + " has no path parameter {" + name + "}");
  }
  return found->second;
}

std::optional<std::string> Request::queryValue(const std::string& name) const {
  auto found = query.find(name);
  if (found == query.end()) return std::nullopt;
  return found->second;
}

std::optional<std::string> Request::header(const std::string& name) const {
  auto found = headers.find(Poco::toLower(name));
  if (found == headers.end()) return std::nullopt;
  return found->second;
}

std::optional<std::string> Request::cookie(const std::string& name) const {
  auto cookies = header("cookie");
  if (!cookies) return std::nullopt;

  std::size_t position = 0;
  while (position <= cookies->size()) {
    std::size_t end = cookies->find(';', position);
    if (end == std::string::npos) end = cookies->size();
    std::string pair = Poco::trim(cookies->substr(position, end - position));
    std::size_t equals = pair.find('=');
    if (equals != std::string::npos && Poco::trim(pair.substr(0, equals)) == name) {
      std::string value = Poco::trim(pair.substr(equals + 1));
      // RFC 6265 allows the value to be wrapped in double quotes.
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
      }
      return value;
    }
    position = end + 1;
  }
  return std::nullopt;
}

const Principal& Request::caller() const {
  if (!principal) throw Problem::unauthorized();
  return *principal;
}

}  // namespace agora::http
