// The request a thread is serving: its id and trace, for log lines and calls to other roles.
#include "platform/http/RequestContext.h"

#include "platform/http/TraceParent.h"

namespace agora::http {
namespace {

thread_local const RequestContext* current_context = nullptr;

}  // namespace

RequestContext startRequestContext(std::string request_id,
                                   const std::optional<std::string>& traceparent) {
  RequestContext context;
  context.request_id = std::move(request_id);
  std::optional<TraceParent> incoming;
  if (traceparent) incoming = parseTraceParent(*traceparent);
  if (incoming) {
    context.trace_id = incoming->trace_id;
    context.trace_flags = incoming->flags;
  } else {
    context.trace_id = newTraceId();
  }
  context.span_id = newSpanId();
  return context;
}

const RequestContext* currentRequestContext() {
  return current_context;
}

RequestContextScope::RequestContextScope(RequestContext context)
    : context_(std::move(context)), previous_(current_context) {
  current_context = &context_;
}

RequestContextScope::~RequestContextScope() {
  current_context = previous_;
}

}  // namespace agora::http
