// Turns another role's problem-details response back into the http::Problem it threw there.
#include "platform/client/RemoteProblem.h"

#include <Poco/JSON/Array.h>

#include <set>

namespace agora::client {
namespace {

std::string memberText(const Poco::JSON::Object& object, const std::string& name,
                       const std::string& fallback) {
  Poco::Dynamic::Var value = object.get(name);
  return value.isString() ? value.toString() : fallback;
}

}  // namespace

http::Problem problemFromResponse(const CallResult& response) {
  Poco::JSON::Object::Ptr body = response.object();
  if (!body) {
    return http::Problem(response.status, "/problems/upstream",
                         "Request rejected by another service",
                         "another service responded " + std::to_string(response.status));
  }

  http::Problem problem(response.status, memberText(*body, "type", "/problems/upstream"),
                        memberText(*body, "title", "Request rejected by another service"),
                        memberText(*body, "detail", ""));
  if (Poco::JSON::Array::Ptr errors = body->getArray("errors")) {
    for (std::size_t i = 0; i < errors->size(); ++i) {
      Poco::JSON::Object::Ptr error = errors->getObject(static_cast<unsigned>(i));
      if (!error) continue;
      problem.withError(memberText(*error, "field", ""), memberText(*error, "message", ""));
    }
  }
  static const std::set<std::string> kStandard = {"type",     "title",      "status", "detail",
                                                  "instance", "request_id", "errors"};
  for (const auto& [name, value] : *body) {
    if (kStandard.count(name) == 0) problem.withExtension(name, value);
  }
  return problem;
}

}  // namespace agora::client
