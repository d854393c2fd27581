// The audit stream: security events as JSON lines marked "stream":"audit", apart from the
// operational log so that collectors can route and keep them separately.
#pragma once

#include <Poco/JSON/Object.h>

#include <cstdio>
#include <string>

namespace agora::log {

/**
 * Sends audit lines to the file at `path` from now on, appending (created with mode 0640);
 * an empty path sends them to stdout. Each call reopens the file, so a call after the file was
 * rotated starts a new one. Throws std::runtime_error naming the path and the reason when it
 * cannot be opened; the previous destination stays in use then.
 */
void setAuditFile(const std::string& path);

/** Sends audit lines to `stream` (tests); nullptr returns to the file or stdout. */
void setAuditOutput(std::FILE* stream);

/**
 * Writes one audit line whatever the log levels: {"ts","stream":"audit","module","event", then
 * "request_id", "trace_id", "span_id", "client_ip" and "user_agent" of the request this thread
 * serves unless `fields` sets them, then `fields`}. Never put a password, token or email
 * address in `fields`; use emailDigest() to name an account that has no user id.
 */
void audit(const std::string& module, const std::string& event,
           const Poco::JSON::Object& fields = Poco::JSON::Object());

/**
 * The SHA-256 hex digest of an email address trimmed and case-folded to NFC, so that audit
 * lines of one address can be matched without holding the address itself.
 */
std::string emailDigest(const std::string& email);

}  // namespace agora::log
