// The steps every API request goes through, from request id to log line.
#pragma once

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <atomic>
#include <memory>

#include "platform/http/Authenticator.h"
#include "platform/http/HttpServer.h"
#include "platform/http/Problem.h"
#include "platform/http/Router.h"
#include "platform/metrics/Metrics.h"

namespace agora::http {

/**
 * Runs one request: request id, route match (404/405), body limits (413) and media type
 * (415), access check (401/403), the handler, problem rendering (4xx, 503, 500), security
 * headers, one log line and the request metrics. Catches every exception of these steps and
 * of the handler. Thread-safe.
 */
class RequestPipeline {
 public:
  RequestPipeline(ServerSettings settings, const Router& router,
                  std::shared_ptr<Authenticator> authenticator,
                  std::shared_ptr<metrics::Registry> registry);

  void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);

  /**
   * Answers a request the connection could not read or frame safely (see ServerConnection)
   * with `problem`, a fresh request id and the security headers, and closes the connection.
   * `path` is the request path when the head was read, else empty. Logs and counts it.
   */
  void reject(Poco::Net::HTTPServerResponse& response, const Problem& problem,
              const std::string& path, const std::string& client_ip);

  /** The registry the request metrics go to. */
  const std::shared_ptr<metrics::Registry>& registry() const { return registry_; }

  /** Requests currently being handled (for draining). */
  int inFlight() const { return in_flight_.load(); }

 private:
  ServerSettings settings_;
  const Router& router_;
  std::shared_ptr<Authenticator> authenticator_;
  std::shared_ptr<metrics::Registry> registry_;
  std::atomic<int> in_flight_{0};
};

}  // namespace agora::http
