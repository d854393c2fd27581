// Shared parts of JSON log lines, for the operational log and the audit stream: the timestamp
// and the ids of the request being served.
#pragma once

#include <Poco/JSON/Object.h>

#include <ostream>
#include <string>

namespace agora::log {

/** The time now in RFC 3339 UTC with milliseconds, e.g. 2026-12-04T16:19:32.123Z. */
std::string timestampNow();

/** Appends `,"<name>":"<value>"` with `value` escaped as a JSON string. */
void appendMember(std::ostream& line, const char* name, const std::string& value);

/**
 * Appends `,"request_id":…,"trace_id":…,"span_id":…` of the request this thread serves, each
 * only when `fields` has no member of that name. Appends nothing outside of a request.
 */
void appendRequestIds(std::ostream& line, const Poco::JSON::Object& fields);

/** Appends the members of `fields` after a comma, or nothing when it is empty, then `}\n`. */
void closeLine(std::ostream& line, const Poco::JSON::Object& fields);

/**
 * Returns `text` fit for a log value: control characters become spaces, every byte above 0x7F
 * becomes `?` when `text` is not valid UTF-8, and it is cut to at most `limit` bytes on a
 * character boundary.
 */
std::string printable(const std::string& text, std::size_t limit);

}  // namespace agora::log
