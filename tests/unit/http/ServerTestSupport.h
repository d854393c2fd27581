// Shared pieces of the HTTP server tests: a token table, a tiny router and a loopback client.
#pragma once

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <map>
#include <sstream>
#include <stdexcept>
#include <string>

#include "platform/data/Database.h"
#include "platform/http/Authenticator.h"
#include "platform/http/Problem.h"
#include "platform/http/Router.h"

namespace agora::http::testing {

/**
 * Maps a fixed set of tokens to principals. JWT verification has its own tests, so the server
 * tests only need some tokens that are valid and some that are not.
 */
class TokenTable : public Authenticator {
 public:
  TokenTable() {
    principals_["customer-token"] = Principal{"user-1", "session-1", {"customer"}, "j1", 0};
    principals_["admin-token"] = Principal{"user-2", "session-2", {"customer", "admin"}, "j2", 0};
  }
  AuthenticationResult authenticate(const std::string& token) override {
    auto found = principals_.find(token);
    if (found == principals_.end()) return {std::nullopt, "unknown token"};
    return {found->second, ""};
  }

 private:
  std::map<std::string, Principal> principals_;
};

/** Routes covering each step of the pipeline. */
inline Router makeTestRouter() {
  Router router;
  router.add({"GET", "/api/things/{id}", Access::kPublic, [](Request& request) {
                Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
                body->set("id", request.param("id"));
                body->set("q", request.queryValue("q").value_or(""));
                return Response::json(200, body).withHeader("X-Thing", "yes");
              }});
  router.add({"POST", "/api/things", Access::kUser,
              [](Request& request) {
                Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
                body->set("caller", request.caller().user_id);
                body->set("size", static_cast<int>(request.body.size()));
                return Response::json(201, body);
              },
              true});
  router.add({"DELETE", "/api/things/{id}", Access::kAdmin,
              [](Request&) { return Response::noContent(); }});
  router.add({"GET", "/api/broken", Access::kPublic,
              [](Request&) -> Response { throw std::runtime_error("secret internal detail"); }});
  router.add({"GET", "/api/database-down", Access::kPublic,
              [](Request&) -> Response { throw data::Unavailable("connection refused"); }});
  router.add({"GET", "/api/conflict", Access::kPublic, [](Request&) -> Response {
                throw Problem::conflict("/problems/out-of-stock", "Out of stock", "p1 is short");
              }});
  router.add({"GET", "/api/bad-header", Access::kPublic, [](Request&) {
                return Response::json(200, Poco::JSON::Object::Ptr(new Poco::JSON::Object))
                    .withHeader("X-Injected", "a\r\nSet-Cookie: evil=1");
              }});
  return router;
}

/** What a test reads from a response. */
struct Reply {
  int status = 0;
  std::string reason;
  std::map<std::string, std::string> headers;  // as sent; case as Poco reports it
  std::string body;

  std::string header(const std::string& name) const {
    auto found = headers.find(name);
    return found == headers.end() ? std::string() : found->second;
  }
  bool hasHeader(const std::string& name) const { return headers.count(name) > 0; }
  Poco::JSON::Object::Ptr json() const {
    return Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
  }
};

/** Sends one request on `session` and reads the whole response. */
inline Reply exchange(Poco::Net::HTTPClientSession& session, Poco::Net::HTTPRequest& request,
                      const std::string& body = {}) {
  if (!body.empty() && !request.getChunkedTransferEncoding()) {
    request.setContentLength(static_cast<std::streamsize>(body.size()));
  }
  std::ostream& out = session.sendRequest(request);
  out << body;

  Poco::Net::HTTPResponse response;
  std::istream& in = session.receiveResponse(response);
  Reply reply;
  reply.status = response.getStatus();
  reply.reason = response.getReason();
  for (const auto& [name, value] : response) reply.headers[name] = value;
  std::ostringstream content;
  Poco::StreamCopier::copyStream(in, content);
  reply.body = content.str();
  return reply;
}

}  // namespace agora::http::testing
