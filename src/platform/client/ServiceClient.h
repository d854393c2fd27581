// Calls to another role's API: pooled connections, service token, trace headers, retries and a
// circuit breaker.
#pragma once

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Object.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>

#include "platform/client/CircuitBreaker.h"
#include "platform/client/HttpClientPool.h"
#include "platform/client/RetryPolicy.h"
#include "platform/client/ServiceEndpoint.h"
#include "platform/client/TokenSource.h"
#include "platform/http/Problem.h"
#include "platform/metrics/Metrics.h"

namespace agora::client {

/** Everything a ServiceClient needs to know about its target. */
struct ServiceClientSettings {
  std::string target;  // the role called, e.g. "catalog", as error messages name it
  /** The `target` label of the metrics and logs; the target when empty. Two clients of one
   *  role (one with, one without a token source) keep their series apart with it. */
  std::string label;
  ServiceEndpoint endpoint;
  PoolSettings pool;
  RetryPolicy retry;
  int breaker_failures = 5;
  std::chrono::milliseconds breaker_cooldown{5000};
  std::size_t max_response_bytes = 4 * 1024 * 1024;
};

/** A response of the other role: any status below 500. */
struct CallResult {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-cased names
  std::string body;
  Poco::Dynamic::Var json;  // the parsed body when it is JSON; empty otherwise

  /** The body as a JSON object, or null when it is not one. */
  Poco::JSON::Object::Ptr object() const;
  std::string header(const std::string& name) const;
};

/**
 * A client of one other role. Each call sends `Authorization: Bearer <service token>` (when
 * a TokenSource is given), the `X-Request-Id` of the request this thread serves and a
 * `traceparent` in its trace with a new span id (a new id and trace outside of a request).
 *
 * Connection errors, timeouts and 5xx responses count as failures for the circuit breaker.
 * Idempotent calls are repeated after connection errors, timeouts, 502, 503 and 504 (see
 * RetryPolicy). A 401 makes the TokenSource drop its token and the call is sent once more with
 * a new one. When the breaker is open, the attempts are used up or the response is a 5xx,
 * call() throws unavailable(): a 503 problem naming the target.
 *
 * Metrics: agora_client_requests_total{target,outcome} (outcome 2xx, 4xx, 5xx, timeout,
 * connection_error, circuit_open), agora_client_retries_total{target} (at 0 from construction)
 * and agora_client_circuit_state{target} (0 closed, 1 open, 2 half-open). Thread-safe.
 */
class ServiceClient {
 public:
  /** `tokens` may be null for calls that need no token (the JWK Set, the token exchange). */
  ServiceClient(ServiceClientSettings settings, std::shared_ptr<TokenSource> tokens,
                std::shared_ptr<metrics::Registry> registry);

  /**
   * Sends `method` `path` (already percent-encoded) with `body` as JSON unless it is empty.
   * Returns the response when its status is below 500; throws unavailable() otherwise.
   */
  CallResult call(const std::string& method, const std::string& path,
                  const Poco::Dynamic::Var& body, Idempotency idempotency);

  /** The 503 problem "<target> is unavailable", also for adapters that get an unexpected response.
   */
  http::Problem unavailable() const;

  const std::string& target() const { return settings_.target; }
  const std::string& label() const { return settings_.label; }
  const ServiceEndpoint& endpoint() const { return settings_.endpoint; }
  BreakerState breakerState() const { return breaker_->state(); }

 private:
  struct Attempt;
  Attempt attempt(const std::string& method, const std::string& path, const std::string& payload,
                  const std::string& token, const std::string& request_id,
                  const std::string& traceparent, std::chrono::milliseconds read_timeout,
                  bool new_connection);
  void count(const std::string& outcome);

  ServiceClientSettings settings_;
  std::shared_ptr<TokenSource> tokens_;
  std::shared_ptr<metrics::Registry> registry_;
  std::shared_ptr<CircuitBreaker> breaker_;
  HttpClientPool pool_;
};

/** Percent-encodes one path segment, e.g. an id taken from a request. */
std::string encodePathSegment(const std::string& segment);

}  // namespace agora::client
