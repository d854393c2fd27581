// Tests parsing and writing W3C traceparent headers and the per-thread request context.
#include <gtest/gtest.h>

#include <thread>

#include "platform/http/RequestContext.h"
#include "platform/http/TraceParent.h"

namespace agora::http {
namespace {

constexpr const char* kValid = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

// Test that a valid version 00 header yields its ids and flags.
TEST(TraceParent, ParsesVersion00) {
  auto parsed = parseTraceParent(kValid);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->trace_id, "0af7651916cd43dd8448eb211c80319c");
  EXPECT_EQ(parsed->parent_id, "b7ad6b7169203331");
  EXPECT_EQ(parsed->flags, 1);
}

// Test that malformed headers are rejected.
TEST(TraceParent, RejectsMalformed) {
  for (const char* header : {
           "",
           "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331",           // no flags
           "00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01",        // uppercase
           "00-00000000000000000000000000000000-b7ad6b7169203331-01",        // zero trace id
           "00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01",        // zero parent id
           "ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",        // version ff
           "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-extra",  // 00 with more
           "00_0af7651916cd43dd8448eb211c80319c_b7ad6b7169203331_01",        // wrong separators
           "00-0af7651916cd43dd8448eb211c80319g-b7ad6b7169203331-01",        // not hex
       }) {
    EXPECT_FALSE(parseTraceParent(header)) << header;
  }
}

// Test that a later version is read by its first four fields.
TEST(TraceParent, AcceptsLaterVersionWithMoreFields) {
  auto parsed = parseTraceParent("01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00-more");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->trace_id, "0af7651916cd43dd8448eb211c80319c");
}

// Test that generated ids have the right length and differ.
TEST(TraceParent, GeneratesIds) {
  std::string trace = newTraceId();
  std::string span = newSpanId();
  EXPECT_EQ(trace.size(), 32u);
  EXPECT_EQ(span.size(), 16u);
  EXPECT_NE(newTraceId(), trace);
}

// Test that a written header parses back to the same fields.
TEST(TraceParent, FormatRoundTrips) {
  std::string header = formatTraceParent(newTraceId(), newSpanId(), 1);
  auto parsed = parseTraceParent(header);
  ASSERT_TRUE(parsed) << header;
  EXPECT_EQ(formatTraceParent(parsed->trace_id, parsed->parent_id, parsed->flags), header);
}

// Test that an incoming traceparent is continued with a new span id.
TEST(RequestContext, ContinuesIncomingTrace) {
  RequestContext context = startRequestContext("req-1", std::string(kValid));
  EXPECT_EQ(context.request_id, "req-1");
  EXPECT_EQ(context.trace_id, "0af7651916cd43dd8448eb211c80319c");
  EXPECT_NE(context.span_id, "b7ad6b7169203331");
  EXPECT_EQ(context.span_id.size(), 16u);
}

// Test that a missing or invalid traceparent starts a new trace.
TEST(RequestContext, StartsTraceWithoutValidHeader) {
  RequestContext none = startRequestContext("req-2", std::nullopt);
  RequestContext invalid = startRequestContext("req-3", std::string("garbage"));
  EXPECT_EQ(none.trace_id.size(), 32u);
  EXPECT_EQ(invalid.trace_id.size(), 32u);
  EXPECT_NE(none.trace_id, invalid.trace_id);
}

// Test that the scope sets the thread's context and restores the previous one.
TEST(RequestContext, ScopeSetsAndClears) {
  EXPECT_EQ(currentRequestContext(), nullptr);
  {
    RequestContextScope outer(startRequestContext("outer", std::nullopt));
    ASSERT_NE(currentRequestContext(), nullptr);
    EXPECT_EQ(currentRequestContext()->request_id, "outer");
    {
      RequestContextScope inner(startRequestContext("inner", std::nullopt));
      EXPECT_EQ(currentRequestContext()->request_id, "inner");
    }
    EXPECT_EQ(currentRequestContext()->request_id, "outer");
  }
  EXPECT_EQ(currentRequestContext(), nullptr);
}

// Test that another thread does not see this thread's context.
TEST(RequestContext, ContextIsPerThread) {
  RequestContextScope scope(startRequestContext("mine", std::nullopt));
  const RequestContext* seen = &scope.context();
  std::thread other([&seen] { seen = currentRequestContext(); });
  other.join();
  EXPECT_EQ(seen, nullptr);
}

}  // namespace
}  // namespace agora::http
