// The steps every API request goes through, from request id to log line.
#include "platform/http/RequestPipeline.h"

#include <Poco/Net/HTTPRequest.h>
#include <Poco/String.h>

#include <chrono>
#include <cmath>

#include "platform/data/Database.h"
#include "platform/http/AccessCheck.h"
#include "platform/http/Problem.h"
#include "platform/http/RequestContext.h"
#include "platform/http/RequestId.h"
#include "platform/http/ResponseWriter.h"
#include "platform/http/TraceParent.h"
#include "platform/http/UrlCoding.h"
#include "platform/log/Log.h"
#include "platform/sessions/SessionStore.h"

namespace agora::http {
namespace {

constexpr const char* kUnmatchedRoute = "unmatched";
/** How many times the body limit the server still reads (and drops) before responding 413. */
constexpr std::size_t kDrainFactor = 4;
/** How much of the User-Agent header the request context keeps for audit lines. */
constexpr std::size_t kMaxUserAgentBytes = 1024;

std::string statusClass(int status) {
  return std::to_string(status / 100) + "xx";
}

/** Cuts `text` to at most `limit` bytes for logs, so one bad value cannot flood them. */
std::string clipped(const std::string& text, std::size_t limit = 300) {
  return text.size() <= limit ? text : text.substr(0, limit) + "...";
}

bool isMediaTypeJson(const std::string& content_type) {
  std::string media_type =
      Poco::toLower(Poco::trim(content_type.substr(0, content_type.find(';'))));
  return media_type == "application/json";
}

/** Outcome of a request, for the log line and the metrics. */
struct Outcome {
  int status = 500;
  std::string route = kUnmatchedRoute;
  bool body_consumed = false;
};

/** True when the request announces a body (Content-Length above zero or chunked). */
bool announcesBody(const Poco::Net::HTTPServerRequest& request) {
  if (request.getChunkedTransferEncoding()) return true;
  return request.hasContentLength() && request.getContentLength64() > 0;
}

/**
 * Reads and drops up to `budget` more bytes of a body. Returns true when the body ended within
 * the budget, so the connection can carry another request.
 */
bool discardBody(std::istream& stream, std::size_t budget) {
  char buffer[16 * 1024];
  std::size_t discarded = 0;
  while (stream && discarded <= budget) {
    stream.read(buffer, sizeof(buffer));
    discarded += static_cast<std::size_t>(stream.gcount());
  }
  return !stream && stream.eof() && discarded <= budget;
}

Problem bodyTooLarge(std::size_t limit) {
  return Problem::payloadTooLarge("the request body is larger than " + std::to_string(limit) +
                                  " bytes");
}

/**
 * Reads the body, at most `limit` bytes, and throws 413 beyond that. A too large body of up to
 * kDrainFactor times the limit is read and dropped before the 413, because a client that
 * is still sending when the server closes gets a connection reset instead of the response.
 * Sets `consumed` when nothing of the body is left unread on the connection.
 */
std::string readBody(Poco::Net::HTTPServerRequest& request, std::size_t limit, bool& consumed) {
  consumed = false;
  // Without a length or chunking an HTTP/1.1 request has no body (RFC 9112 section 6.3),
  // but Poco would read until the client closes.
  if (!request.getChunkedTransferEncoding() && !request.hasContentLength()) {
    consumed = true;
    return {};
  }

  std::istream& stream = request.stream();
  std::size_t drain_limit = limit * kDrainFactor;
  if (request.hasContentLength() &&
      static_cast<Poco::UInt64>(request.getContentLength64()) > limit) {
    if (static_cast<Poco::UInt64>(request.getContentLength64()) <= drain_limit) {
      consumed = discardBody(stream, drain_limit);
    }
    throw bodyTooLarge(limit);
  }

  std::string body;
  char buffer[16 * 1024];
  while (stream) {
    stream.read(buffer, sizeof(buffer));
    body.append(buffer, static_cast<std::size_t>(stream.gcount()));
    if (body.size() > limit) {
      consumed = discardBody(stream, body.size() < drain_limit ? drain_limit - body.size() : 0);
      throw bodyTooLarge(limit);
    }
  }
  consumed = true;
  return body;
}

std::string clientIpOf(const Poco::Net::HTTPServerRequest& request, bool trust_forwarded_for) {
  std::string peer = request.clientAddress().host().toString();
  if (!trust_forwarded_for || !request.has("X-Forwarded-For")) return peer;
  // The trusted proxy appends the address it saw; anything before it came from the client.
  const std::string& forwarded = request.get("X-Forwarded-For");
  std::string last = Poco::trim(forwarded.substr(forwarded.rfind(',') + 1));
  bool plausible = !last.empty() && last.size() <= 45 &&
                   last.find_first_not_of("0123456789abcdefABCDEF.:") == std::string::npos;
  return plausible ? last : peer;
}

/** The method as a metrics label; anything unusual is folded so labels stay bounded. */
std::string methodLabel(const std::string& method) {
  for (const char* known : {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}) {
    if (method == known) return method;
  }
  return "other";
}

}  // namespace

RequestPipeline::RequestPipeline(ServerSettings settings, const Router& router,
                                 std::shared_ptr<Authenticator> authenticator,
                                 std::shared_ptr<metrics::Registry> registry)
    : settings_(std::move(settings)),
      router_(router),
      authenticator_(std::move(authenticator)),
      registry_(std::move(registry)) {
  registry_->describe("http_server_requests_total", "counter", "HTTP requests handled.");
  registry_->describe("http_server_request_duration_seconds", "histogram",
                      "Time from reading the request to sending the response.");
  registry_->describe("http_server_requests_in_flight", "gauge",
                      "HTTP requests being handled right now.");
  // Present from the start, so that alerts and dashboards see 0 rather than no series.
  registry_->addGauge("http_server_requests_in_flight", {{"role", settings_.role}}, 0);
}

void RequestPipeline::handle(Poco::Net::HTTPServerRequest& request,
                             Poco::Net::HTTPServerResponse& response) {
  auto started = std::chrono::steady_clock::now();
  ++in_flight_;
  registry_->addGauge("http_server_requests_in_flight", {{"role", settings_.role}}, 1);

  Request req;
  req.method = request.getMethod();
  for (const auto& [name, value] : request) {
    auto [entry, inserted] = req.headers.emplace(Poco::toLower(name), value);
    if (!inserted) entry->second += ", " + value;
  }
  req.request_id = acceptOrGenerateRequestId(req.header("x-request-id"));
  req.client_ip = clientIpOf(request, settings_.trust_forwarded_for);
  // Calls to other roles and log lines written while handling this request carry its ids.
  RequestContext started_context = startRequestContext(req.request_id, req.header("traceparent"));
  started_context.client_ip = req.client_ip;
  started_context.user_agent = req.header("user-agent").value_or("").substr(0, kMaxUserAgentBytes);
  RequestContextScope context(std::move(started_context));
  const std::string& uri = request.getURI();
  std::size_t question = uri.find('?');
  req.path = uri.substr(0, question);

  response.set("X-Request-Id", req.request_id);
  // The caller learns which trace and span this request was recorded under.
  response.set("traceparent",
               formatTraceParent(context.context().trace_id, context.context().span_id,
                                 context.context().trace_flags));
  setSecurityHeaders(response, settings_.content_security_policy);

  Outcome outcome;
  auto fail = [&](const Problem& problem) {
    outcome.status = problem.status();
    // An unread body would be taken for the next request on this connection.
    if (!outcome.body_consumed && announcesBody(request)) response.setKeepAlive(false);
    sendProblem(response, problem, req.path, req.request_id);
  };

  try {
    try {
      auto query =
          parseQuery(question == std::string::npos ? std::string_view()
                                                   : std::string_view(uri).substr(question + 1));
      if (!query) throw Problem::badRequest("the query string is not valid percent-encoded UTF-8");
      req.query = std::move(*query);

      RouteMatch match = router_.match(req.method, req.path);
      if (match.route == nullptr && match.path_known) {
        throw Problem(405, "/problems/method-not-allowed", "Method not allowed",
                      req.method + " is not allowed on this path")
            .withHeader("Allow", Poco::cat(std::string(", "), match.allowed_methods.begin(),
                                           match.allowed_methods.end()));
      }
      if (match.route == nullptr) throw Problem::notFound("no route for this path");
      const Route& route = *match.route;
      req.route = route.path_template;
      req.path_params = std::move(match.path_params);
      outcome.route = route.path_template;

      req.body = readBody(request, settings_.max_body_bytes, outcome.body_consumed);
      // An empty body needs no media type; the route's JSON reader reports it as missing.
      if (route.has_body && !req.body.empty() &&
          !isMediaTypeJson(req.header("content-type").value_or(""))) {
        throw Problem::unsupportedMediaType("send the body as application/json");
      }

      req.principal = checkAccess(route.access, req.header("authorization"), *authenticator_);

      Response result = route.handler(req);
      outcome.status = result.status;
      for (const auto& rejected : sendResponse(response, result)) {
        Poco::JSON::Object fields;
        fields.set("request_id", req.request_id);
        fields.set("route", outcome.route);
        fields.set("header", clipped(rejected, 64));
        log::warn("http", "response_header_rejected", fields);
      }
    } catch (const Problem& problem) {
      if (response.sent()) throw;
      fail(problem);
    } catch (const data::Unavailable& error) {
      if (response.sent()) throw;
      Poco::JSON::Object fields;
      fields.set("request_id", req.request_id);
      fields.set("route", outcome.route);
      fields.set("error", clipped(error.what()));
      log::warn("http", "database_unavailable", fields);
      fail(Problem::unavailable("the database is unavailable; try again shortly"));
    } catch (const sessions::Unavailable& error) {
      if (response.sent()) throw;
      Poco::JSON::Object fields;
      fields.set("request_id", req.request_id);
      fields.set("route", outcome.route);
      fields.set("error", clipped(error.what()));
      log::warn("http", "session_store_unavailable", fields);
      fail(Problem::unavailable("the session store is unavailable; try again shortly"));
    }
  } catch (const std::exception& error) {
    Poco::JSON::Object fields;
    fields.set("request_id", req.request_id);
    fields.set("route", outcome.route);
    fields.set("error", clipped(error.what()));
    log::error("http", "unhandled_exception", fields);
    if (!response.sent()) {
      try {
        fail(Problem::internal());
      } catch (const std::exception&) {
        // The client is gone; the log line above is all that can be done.
      }
    }
    outcome.status = 500;
  } catch (...) {
    Poco::JSON::Object fields;
    fields.set("request_id", req.request_id);
    fields.set("route", outcome.route);
    fields.set("error", "an exception of unknown type");
    log::error("http", "unhandled_exception", fields);
    if (!response.sent()) {
      try {
        fail(Problem::internal());
      } catch (...) {
        // The client is gone, so there is nothing left to send.
      }
    }
    outcome.status = 500;
  }

  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  metrics::Labels labels = {{"role", settings_.role},
                            {"route", outcome.route},
                            {"method", methodLabel(req.method)},
                            {"status_class", statusClass(outcome.status)}};
  registry_->increment("http_server_requests_total", labels);
  registry_->observe("http_server_request_duration_seconds", labels, seconds);
  registry_->addGauge("http_server_requests_in_flight", {{"role", settings_.role}}, -1);
  --in_flight_;

  Poco::JSON::Object fields(Poco::JSON_PRESERVE_KEY_ORDER);
  fields.set("request_id", req.request_id);
  fields.set("method", req.method);
  fields.set("route", outcome.route);
  fields.set("status", outcome.status);
  fields.set("duration_ms", std::round(seconds * 100000.0) / 100.0);
  fields.set("client_ip", req.client_ip);
  fields.set("role", settings_.role);
  fields.set("trace_id", context.context().trace_id);
  fields.set("span_id", context.context().span_id);
  if (req.principal) fields.set("user_id", req.principal->user_id);
  log::info("http", "request", fields);
}

void RequestPipeline::reject(Poco::Net::HTTPServerResponse& response, const Problem& problem,
                             const std::string& path, const std::string& client_ip) {
  const std::string request_id = acceptOrGenerateRequestId(std::nullopt);
  response.setKeepAlive(false);
  response.set("X-Request-Id", request_id);
  setSecurityHeaders(response, settings_.content_security_policy);
  try {
    sendProblem(response, problem, path, request_id);
  } catch (const std::exception&) {
    // The client is gone; the log line below is all that is left to do.
  }

  registry_->increment("http_server_requests_total",
                       {{"role", settings_.role},
                        {"route", kUnmatchedRoute},
                        {"method", "other"},
                        {"status_class", statusClass(problem.status())}});
  Poco::JSON::Object fields(Poco::JSON_PRESERVE_KEY_ORDER);
  fields.set("request_id", request_id);
  fields.set("status", problem.status());
  fields.set("type", problem.type());
  fields.set("client_ip", client_ip);
  fields.set("role", settings_.role);
  log::info("http", "request_rejected", fields);
}

}  // namespace agora::http
