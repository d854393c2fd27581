// Calls to another role's API: pooled connections, service token, trace headers, retries and a
// circuit breaker.
#include "platform/client/ServiceClient.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include <optional>
#include <sstream>
#include <thread>

#include "platform/http/RequestContext.h"
#include "platform/http/TraceParent.h"
#include "platform/log/Log.h"
#include "platform/security/Random.h"

namespace agora::client {
namespace {

using Milliseconds = std::chrono::milliseconds;

constexpr const char* kRequestsMetric = "agora_client_requests_total";
constexpr const char* kRetriesMetric = "agora_client_retries_total";
constexpr const char* kCircuitMetric = "agora_client_circuit_state";

std::mt19937_64& jitterSource() {
  thread_local std::mt19937_64 random(std::random_device{}());
  return random;
}

Milliseconds since(std::chrono::steady_clock::time_point started) {
  return std::chrono::duration_cast<Milliseconds>(std::chrono::steady_clock::now() - started);
}

std::string failureName(AttemptFailure failure, int status) {
  switch (failure) {
    case AttemptFailure::kConnection:
      return "connection_error";
    case AttemptFailure::kTimeout:
      return "timeout";
    case AttemptFailure::kStatus:
    case AttemptFailure::kNone:
      break;
  }
  return std::to_string(status / 100) + "xx";
}

/** Reads at most `limit` bytes; false when the body is longer. */
bool readBounded(std::istream& in, std::size_t limit, std::string& body) {
  char buffer[16 * 1024];
  while (in) {
    in.read(buffer, sizeof buffer);
    body.append(buffer, static_cast<std::size_t>(in.gcount()));
    if (body.size() > limit) return false;
  }
  return true;
}

}  // namespace

/** The outcome of one attempt: a response, or a failure and its reason. */
struct ServiceClient::Attempt {
  AttemptFailure failure = AttemptFailure::kNone;
  std::string error;
  CallResult result;
  // A kept-alive connection broke before any response: the server closed it while idle, so it
  // never read the request.
  bool stale_connection = false;
};

Poco::JSON::Object::Ptr CallResult::object() const {
  if (json.type() != typeid(Poco::JSON::Object::Ptr)) return nullptr;
  return json.extract<Poco::JSON::Object::Ptr>();
}

std::string CallResult::header(const std::string& name) const {
  auto found = headers.find(Poco::toLower(name));
  return found == headers.end() ? std::string() : found->second;
}

ServiceClient::ServiceClient(ServiceClientSettings settings, std::shared_ptr<TokenSource> tokens,
                             std::shared_ptr<metrics::Registry> registry)
    : settings_(std::move(settings)),
      tokens_(std::move(tokens)),
      registry_(std::move(registry)),
      breaker_(
          std::make_shared<CircuitBreaker>(settings_.breaker_failures, settings_.breaker_cooldown)),
      pool_(settings_.endpoint, settings_.pool) {
  if (settings_.label.empty()) settings_.label = settings_.target;
  registry_->describe(kRequestsMetric, "counter", "Calls to other roles, by target and outcome.");
  registry_->describe(kRetriesMetric, "counter", "Repeated attempts of calls to other roles.");
  registry_->describe(kCircuitMetric, "gauge",
                      "Circuit breaker per target: 0 closed, 1 open, 2 half-open.");
  metrics::Labels labels = {{"target", settings_.label}};
  // At 0 from the start, so a retry rate reads 0 before the first retry instead of nothing.
  registry_->increment(kRetriesMetric, labels, 0);
  registry_->setGauge(kCircuitMetric, labels, 0);
  std::weak_ptr<CircuitBreaker> breaker = breaker_;
  registry_->addCollector([breaker, labels](metrics::Registry& registry) {
    if (auto alive = breaker.lock()) {
      registry.setGauge(kCircuitMetric, labels, static_cast<double>(alive->state()));
    }
  });
}

http::Problem ServiceClient::unavailable() const {
  return http::Problem::unavailable(settings_.target + " is unavailable: try again shortly");
}

void ServiceClient::count(const std::string& outcome) {
  registry_->increment(kRequestsMetric, {{"target", settings_.label}, {"outcome", outcome}});
}

CallResult ServiceClient::call(const std::string& method, const std::string& path,
                               const Poco::Dynamic::Var& body, Idempotency idempotency) {
  const auto started = std::chrono::steady_clock::now();
  const http::RequestContext* context = http::currentRequestContext();
  const std::string request_id = context ? context->request_id : security::newUuid();
  const std::string trace_id = context ? context->trace_id : http::newTraceId();
  const uint8_t trace_flags = context ? context->trace_flags : 0;

  std::string payload;
  if (!body.isEmpty()) {
    std::ostringstream text;
    Poco::JSON::Stringifier::condense(body, text);
    payload = text.str();
  }

  auto logFailure = [&](const std::string& event, int attempts, const std::string& error) {
    Poco::JSON::Object fields(Poco::JSON_PRESERVE_KEY_ORDER);
    fields.set("target", settings_.label);
    fields.set("method", method);
    fields.set("path", path.substr(0, 200));
    fields.set("attempts", attempts);
    fields.set("error", error.substr(0, 300));
    fields.set("request_id", request_id);
    fields.set("trace_id", trace_id);
    log::warn("client", event, fields);
  };

  int attempts = 0;
  bool token_renewed = false;
  bool new_connection = false;
  while (true) {
    // The token comes first: obtaining it uses its own client and breaker.
    const std::string token = tokens_ ? tokens_->token() : std::string();
    if (!breaker_->allowCall()) {
      count("circuit_open");
      logFailure("call_rejected_circuit_open", attempts, "the circuit breaker is open");
      throw unavailable();
    }
    ++attempts;

    const Milliseconds elapsed = since(started);
    const Milliseconds read_timeout = std::max(
        Milliseconds(1), std::min(settings_.pool.read_timeout, settings_.retry.budget - elapsed));
    const std::string traceparent =
        http::formatTraceParent(trace_id, http::newSpanId(), trace_flags);
    Attempt outcome = attempt(method, path, payload, token, request_id, traceparent, read_timeout,
                              new_connection);
    if (outcome.stale_connection && !new_connection) {
      // The server closed this idle keep-alive connection, so the target never read the
      // request. It goes out once more on a new connection, idempotent or not, and that
      // does not count as a retry.
      new_connection = true;
      --attempts;
      continue;
    }
    const int status = outcome.result.status;
    if (outcome.failure == AttemptFailure::kNone && status >= 500) {
      outcome.failure = classifyStatus(status);
      outcome.error = "responded " + std::to_string(status);
    }
    count(failureName(outcome.failure, status));

    const bool failed = outcome.failure != AttemptFailure::kNone || status >= 500;
    if (!failed) {
      breaker_->recordSuccess();
      if (status == 401 && tokens_ && !token_renewed) {
        // The token may have been revoked or signed with a retired key: one more try with a
        // fresh token, which does not count as a retry.
        tokens_->rejected(token);
        token_renewed = true;
        --attempts;
        continue;
      }
      return std::move(outcome.result);
    }

    breaker_->recordFailure();
    const Milliseconds delay = settings_.retry.backoff(attempts, jitterSource());
    if (!settings_.retry.mayRetry(idempotency, outcome.failure, attempts, since(started), delay)) {
      logFailure("call_failed", attempts, outcome.error);
      throw unavailable();
    }
    logFailure("call_retried", attempts, outcome.error);
    registry_->increment(kRetriesMetric, {{"target", settings_.label}});
    std::this_thread::sleep_for(delay);
  }
}

ServiceClient::Attempt ServiceClient::attempt(const std::string& method, const std::string& path,
                                              const std::string& payload, const std::string& token,
                                              const std::string& request_id,
                                              const std::string& traceparent,
                                              Milliseconds read_timeout, bool new_connection) {
  Attempt outcome;
  std::optional<HttpClientPool::Lease> lease;
  bool response_started = false;
  try {
    lease.emplace(new_connection ? pool_.acquireNew() : pool_.acquire());
    pool_.setReadTimeout(*lease, read_timeout);

    Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    request.set("Accept", "application/json");
    request.set("X-Request-Id", request_id);
    request.set("traceparent", traceparent);
    if (!token.empty()) request.set("Authorization", "Bearer " + token);
    if (!payload.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
      request.setContentType("application/json; charset=utf-8");
      request.setContentLength(static_cast<std::streamsize>(payload.size()));
    }

    std::ostream& out = lease->session().sendRequest(request);
    out << payload;
    Poco::Net::HTTPResponse response;
    std::istream& in = lease->session().receiveResponse(response);
    response_started = true;

    CallResult& result = outcome.result;
    result.status = static_cast<int>(response.getStatus());
    for (const auto& [name, value] : response) result.headers[Poco::toLower(name)] = value;
    if (!readBounded(in, settings_.max_response_bytes, result.body)) {
      lease->discard();
      outcome.failure = AttemptFailure::kConnection;
      outcome.error =
          "the response is larger than " + std::to_string(settings_.max_response_bytes) + " bytes";
      return outcome;
    }
    if (!result.body.empty() &&
        Poco::toLower(result.header("content-type")).find("json") != std::string::npos) {
      try {
        result.json = Poco::JSON::Parser().parse(result.body);
      } catch (const Poco::Exception&) {
        // Left empty, so the adapter reports a response body it cannot parse.
      }
    }
  } catch (const PoolExhausted& error) {
    // Every connection stayed busy because the target responds slowly, so this counts as a timeout.
    outcome.failure = AttemptFailure::kTimeout;
    outcome.error = error.what();
  } catch (const Poco::TimeoutException& error) {
    if (lease) lease->discard();
    outcome.failure = AttemptFailure::kTimeout;
    outcome.error = error.displayText();
  } catch (const Poco::Exception& error) {
    outcome.stale_connection = lease && lease->reused() && !response_started;
    if (lease) lease->discard();
    outcome.failure = AttemptFailure::kConnection;
    outcome.error = error.displayText();
  } catch (const std::exception& error) {
    if (lease) lease->discard();
    outcome.failure = AttemptFailure::kConnection;
    outcome.error = error.what();
  }
  return outcome;
}

std::string encodePathSegment(const std::string& segment) {
  std::string encoded;
  Poco::URI::encode(segment, "/?#[]@!$&'()*+,;=%", encoded);
  return encoded;
}

}  // namespace agora::client
