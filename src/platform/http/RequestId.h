// The request id every response and log line carries.
#pragma once

#include <optional>
#include <string>

namespace agora::http {

/** True for 1-128 characters of [A-Za-z0-9._-]. */
bool isSaneRequestId(const std::string& id);

/** Keeps an incoming X-Request-Id when it is sane; otherwise returns a new UUID. */
std::string acceptOrGenerateRequestId(const std::optional<std::string>& incoming);

}  // namespace agora::http
