// Writing responses: JSON and problem bodies, safe extra headers and the security headers.
#pragma once

#include <Poco/Dynamic/Var.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <string>

#include "platform/http/Problem.h"
#include "platform/http/Response.h"

namespace agora::http {

/** The media type of problem responses. */
inline constexpr const char* kProblemContentType = "application/problem+json";

/** Compact JSON text of an object, array or scalar. */
std::string toJsonText(const Poco::Dynamic::Var& value);

/**
 * Sets the headers every API response carries: HSTS, nosniff, DENY framing, no referrer,
 * the content security policy, no-store caching and same-origin opener policy.
 */
void setSecurityHeaders(Poco::Net::HTTPServerResponse& response,
                        const std::string& content_security_policy);

/**
 * Adds a header unless its name is not an HTTP token or its value holds CR, LF or NUL (which
 * would split the header block). Returns false when the header was rejected.
 */
bool addSafeHeader(Poco::Net::HTTPServerResponse& response, const std::string& name,
                   const std::string& value);

/**
 * Sends `status` with `body` (no body at all for 204 or an empty body). Uses
 * setStatusAndReason so the reason phrase matches the status.
 */
void sendBody(Poco::Net::HTTPServerResponse& response, int status, const std::string& content_type,
              const std::string& body);

/**
 * Sends a handler's Response and returns the names of headers that addSafeHeader rejected. A
 * header the handler sets replaces the default of the same name (see setSecurityHeaders).
 */
std::vector<std::string> sendResponse(Poco::Net::HTTPServerResponse& response,
                                      const Response& result);

/** Sends problem details with `instance` = path and the request id. */
void sendProblem(Poco::Net::HTTPServerResponse& response, const Problem& problem,
                 const std::string& path, const std::string& request_id);

}  // namespace agora::http
