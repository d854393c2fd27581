// W3C Trace Context: parsing and writing the `traceparent` header that links calls to a trace.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace agora::http {

/** The fields of a `traceparent` header (version 00). Ids are lowercase hex. */
struct TraceParent {
  std::string trace_id;   // 32 hex digits, not all zero
  std::string parent_id;  // 16 hex digits, not all zero: the caller's span
  uint8_t flags = 0;      // bit 0: sampled
};

/**
 * Parses a `traceparent` header. Accepts version 00 exactly and later versions by their first
 * four fields, as the W3C recommendation requires. Returns nullopt for version ff, uppercase or
 * non-hex digits, wrong lengths and all-zero ids.
 */
std::optional<TraceParent> parseTraceParent(std::string_view header);

/** A random trace id: 32 lowercase hex digits, never all zero. */
std::string newTraceId();
/** A random span id: 16 lowercase hex digits, never all zero. */
std::string newSpanId();

/** Writes a version 00 header: "00-<trace_id>-<span_id>-<flags as two hex digits>". */
std::string formatTraceParent(const std::string& trace_id, const std::string& span_id,
                              uint8_t flags);

}  // namespace agora::http
