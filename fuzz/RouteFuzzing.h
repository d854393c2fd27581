// Runs a fuzzed request through a module's routes as the server does after its own checks, and
// checks the contract: a success or a 4xx problem, never a 5xx problem or another exception.
#pragma once

#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/String.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>

#include "FuzzCheck.h"
#include "platform/data/Database.h"
#include "platform/http/Principal.h"
#include "platform/http/Problem.h"
#include "platform/http/Request.h"
#include "platform/http/Router.h"
#include "platform/http/UrlCoding.h"
#include "platform/json/StrictJson.h"
#include "platform/sessions/SessionStore.h"

namespace agora::fuzz {

/**
 * A fuzz input read as a small HTTP request:
 *   METHOD /path?query
 *   Name: value          (any number of header lines)
 *                        (a blank line)
 *   body                 (everything after it)
 * Each `{name}` key of `placeholders` found in the input is replaced by its value first, so
 * seeds can name the ids of the records that a target creates at start (random in every run).
 */
struct FuzzRequest {
  std::string method;
  std::string path;
  std::string query;
  std::map<std::string, std::string> headers;  // lower-cased names
  std::string body;
};

/** Reads `text` as a FuzzRequest; nullopt without a space in the first line or a colon in a
 *  header line. */
inline std::optional<FuzzRequest> readFuzzRequest(
    std::string text, const std::map<std::string, std::string>& placeholders) {
  for (const auto& [name, value] : placeholders) Poco::replaceInPlace(text, name, value);

  FuzzRequest request;
  std::size_t line_end = text.find('\n');
  const std::string request_line = text.substr(0, line_end);
  const std::size_t space = request_line.find(' ');
  if (space == std::string::npos) return std::nullopt;
  request.method = request_line.substr(0, space);
  const std::string target = request_line.substr(space + 1);
  const std::size_t question = target.find('?');
  request.path = target.substr(0, question);
  if (question != std::string::npos) request.query = target.substr(question + 1);

  while (line_end != std::string::npos) {
    const std::size_t start = line_end + 1;
    line_end = text.find('\n', start);
    const std::string line =
        text.substr(start, line_end == std::string::npos ? line_end : line_end - start);
    if (line.empty()) {
      if (line_end != std::string::npos) request.body = text.substr(line_end + 1);
      break;
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string::npos) return std::nullopt;
    request.headers[Poco::toLower(line.substr(0, colon))] = Poco::trim(line.substr(colon + 1));
  }
  return request;
}

/** The callers the server would have authenticated for each access level. */
struct Callers {
  http::Principal user;
  http::Principal admin;
  http::Principal service;
};

inline http::Principal principal(std::string user_id, std::string session_id,
                                 std::vector<std::string> roles) {
  http::Principal caller;
  caller.user_id = std::move(user_id);
  caller.session_id = std::move(session_id);
  caller.roles = std::move(roles);
  return caller;
}

/** Anything sent back must be JSON that a strict client parser accepts. */
inline void requireJsonBody(const Poco::Dynamic::Var& body, const std::string& route) {
  if (body.isEmpty()) return;
  std::ostringstream out;
  Poco::JSON::Stringifier::stringify(body, out);
  const std::string text = out.str();
  if (body.type() != typeid(Poco::JSON::Object::Ptr)) {
    try {
      Poco::JSON::Parser().parse(text);
    } catch (const Poco::Exception& error) {
      fail("a response body must be valid JSON", route + ": " + error.displayText());
    }
    return;
  }
  try {
    json::parseStrictObject(text);
  } catch (const http::Problem& problem) {
    fail("a response body must be strict JSON", route + ": " + problem.what() + " in " + text);
  }
}

/**
 * Prints each request's route and status on stderr when AGORA_FUZZ_TRACE is set, to check
 * which seeds reach a handler and what it returned.
 */
inline void traceOutcome(const std::string& route, int status, const char* detail) {
  static const bool enabled = std::getenv("AGORA_FUZZ_TRACE") != nullptr;
  if (enabled) std::fprintf(stderr, "agora-fuzz: %s -> %d %s\n", route.c_str(), status, detail);
}

/**
 * Matches and runs `request` as RequestPipeline does once the query, media type and access
 * checks passed, with the caller the route's access level needs. Returns the status, or 0
 * when the server would have responded before the handler (unknown route, bad query).
 */
inline int runRequest(const http::Router& router, const FuzzRequest& fuzzed,
                      const Callers& callers) {
  const http::RouteMatch match = router.match(fuzzed.method, fuzzed.path);
  if (match.route == nullptr) return 0;
  auto query = http::parseQuery(fuzzed.query);
  if (!query) return 0;

  http::Request request;
  request.method = fuzzed.method;
  request.path = fuzzed.path;
  request.route = match.route->path_template;
  request.request_id = "fuzz-request";
  request.client_ip = "127.0.0.1";
  request.body = fuzzed.body;
  request.path_params = match.path_params;
  request.query = std::move(*query);
  request.headers = fuzzed.headers;
  switch (match.route->access) {
    case http::Access::kPublic:
      break;
    case http::Access::kUser:
      request.principal = callers.user;
      break;
    case http::Access::kAdmin:
      request.principal = callers.admin;
      break;
    case http::Access::kService:
      request.principal = callers.service;
      break;
  }

  const std::string route = fuzzed.method + " " + request.route;
  try {
    const http::Response response = match.route->handler(request);
    require(response.status >= 200 && response.status < 400,
            "a handler must return a success; errors are thrown as problems", route);
    requireJsonBody(response.body, route);
    traceOutcome(route, response.status, "");
    return response.status;
  } catch (const http::Problem& problem) {
    require(problem.status() >= 400 && problem.status() < 500,
            "a request must never end in a 5xx problem", route + ": " + problem.what());
    requireJsonBody(problem.toJson(request.path, request.request_id), route);
    traceOutcome(route, problem.status(), problem.what());
    return problem.status();
  } catch (const data::Unavailable& error) {
    fail("the database failed on a request", route + ": " + error.what());
  } catch (const sessions::Unavailable& error) {
    fail("the session store failed on a request", route + ": " + error.what());
  } catch (const std::exception& error) {
    fail("a handler threw something other than a problem (a 500)", route + ": " + error.what());
  }
}

/**
 * Runs a request that a target needs at start (written like a fuzz input) as `caller` and
 * returns the response. Any error stops the run, because the target itself is then broken.
 */
inline http::Response setUpRequest(const http::Router& router, const std::string& text,
                                   const std::optional<http::Principal>& caller) {
  const auto fuzzed = readFuzzRequest(text, {});
  if (!fuzzed) fail("a set-up request does not parse", text);
  const http::RouteMatch match = router.match(fuzzed->method, fuzzed->path);
  if (match.route == nullptr) fail("a set-up request has no route", text);
  http::Request request;
  request.method = fuzzed->method;
  request.path = fuzzed->path;
  request.route = match.route->path_template;
  request.body = fuzzed->body;
  request.path_params = match.path_params;
  request.query = http::parseQuery(fuzzed->query).value_or(request.query);
  request.headers = fuzzed->headers;
  request.client_ip = "127.0.0.1";
  request.principal = caller;
  try {
    return match.route->handler(request);
  } catch (const std::exception& error) {
    fail("a set-up request failed", text + ": " + error.what());
  }
}

/** Returns a string member of a response's JSON object, or of its first `items` entry. */
inline std::string memberOf(const http::Response& response, const std::string& name) {
  return response.body.extract<Poco::JSON::Object::Ptr>()->getValue<std::string>(name);
}
inline std::string firstItemMember(const http::Response& response, const std::string& name) {
  return response.body.extract<Poco::JSON::Object::Ptr>()
      ->getArray("items")
      ->getObject(0)
      ->getValue<std::string>(name);
}

}  // namespace agora::fuzz
