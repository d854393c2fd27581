// The request a thread is serving: its id and trace, for log lines and calls to other roles.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace agora::http {

/** The owner of a piece of work: the request id and this request's place in its trace. */
struct RequestContext {
  std::string request_id;
  std::string trace_id;  // 32 hex digits, shared by every call of one trace
  std::string span_id;   // 16 hex digits, this request's own span
  uint8_t trace_flags = 0;
  std::string client_ip;   // as the request pipeline determined it, for audit lines
  std::string user_agent;  // the User-Agent header (at most 1 KiB), for audit lines
};

/**
 * The context of an incoming request: continues the trace of a valid `traceparent` header
 * with a new span id, and starts a new trace without one.
 */
RequestContext startRequestContext(std::string request_id,
                                   const std::optional<std::string>& traceparent);

/** The context of the request this thread is serving, or nullptr outside of one. */
const RequestContext* currentRequestContext();

/**
 * Makes `context` the current one of this thread until the scope ends, then restores the
 * previous one. The request pipeline opens one per request.
 */
class RequestContextScope {
 public:
  explicit RequestContextScope(RequestContext context);
  ~RequestContextScope();
  RequestContextScope(const RequestContextScope&) = delete;
  RequestContextScope& operator=(const RequestContextScope&) = delete;

  const RequestContext& context() const { return context_; }

 private:
  RequestContext context_;
  const RequestContext* previous_;
};

}  // namespace agora::http
