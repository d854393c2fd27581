// Writing responses: JSON and problem bodies, safe extra headers and the security headers.
#include "platform/http/ResponseWriter.h"

#include <Poco/JSON/Stringifier.h>
#include <Poco/String.h>

#include <set>
#include <sstream>

namespace agora::http {
namespace {

bool isTokenCharacter(char c) {
  if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

}  // namespace

std::string toJsonText(const Poco::Dynamic::Var& value) {
  std::ostringstream out;
  Poco::JSON::Stringifier::condense(value, out);
  return out.str();
}

void setSecurityHeaders(Poco::Net::HTTPServerResponse& response,
                        const std::string& content_security_policy) {
  response.set("Strict-Transport-Security", "max-age=63072000; includeSubDomains");
  response.set("X-Content-Type-Options", "nosniff");
  response.set("X-Frame-Options", "DENY");
  response.set("Referrer-Policy", "no-referrer");
  response.set("Content-Security-Policy", content_security_policy);
  // Every API response may carry tokens or personal data, so none is cached anywhere.
  response.set("Cache-Control", "no-store");
  response.set("Cross-Origin-Opener-Policy", "same-origin");
}

bool addSafeHeader(Poco::Net::HTTPServerResponse& response, const std::string& name,
                   const std::string& value) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!isTokenCharacter(c)) return false;
  }
  if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) return false;
  response.add(name, value);
  return true;
}

void sendBody(Poco::Net::HTTPServerResponse& response, int status, const std::string& content_type,
              const std::string& body) {
  response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
  if (status == 204 || status == 304 || (body.empty() && content_type.empty())) {
    if (status != 204 && status != 304) response.setContentLength(0);
    response.send();
    return;
  }
  response.setContentType(content_type);
  response.setContentLength(static_cast<std::streamsize>(body.size()));
  response.send().write(body.data(), static_cast<std::streamsize>(body.size()));
}

std::vector<std::string> sendResponse(Poco::Net::HTTPServerResponse& response,
                                      const Response& result) {
  std::vector<std::string> rejected;
  std::set<std::string> replaced;
  for (const auto& [name, value] : result.headers) {
    // A handler's header replaces the default of that name, such as a page's own security
    // policy. Several headers of one name from the handler (Set-Cookie) are all sent.
    if (replaced.insert(Poco::toLower(name)).second) response.erase(name);
    if (!addSafeHeader(response, name, value)) rejected.push_back(name);
  }
  if (!result.raw_body.empty()) {
    sendBody(response, result.status, result.content_type, result.raw_body);
  } else if (result.body.isEmpty()) {
    sendBody(response, result.status, "", "");
  } else {
    sendBody(response, result.status, result.content_type, toJsonText(result.body));
  }
  return rejected;
}

void sendProblem(Poco::Net::HTTPServerResponse& response, const Problem& problem,
                 const std::string& path, const std::string& request_id) {
  for (const auto& [name, value] : problem.headers()) addSafeHeader(response, name, value);
  sendBody(response, problem.status(), kProblemContentType,
           toJsonText(problem.toJson(path, request_id)));
}

}  // namespace agora::http
