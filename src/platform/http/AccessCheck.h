// Enforces a route's Access from the Authorization header, before its handler runs.
#pragma once

#include <optional>
#include <string>

#include "platform/http/Authenticator.h"
#include "platform/http/Route.h"

namespace agora::http {

/**
 * Returns the caller a route may run for, nullopt for kPublic routes. Throws
 * Problem::unauthorized (401) when the bearer token is missing or invalid, and
 * Problem::forbidden (403) when a valid caller lacks the role. `authorization` is the raw
 * Authorization header. Session store outages propagate as sessions::Unavailable.
 */
std::optional<Principal> checkAccess(Access access, const std::optional<std::string>& authorization,
                                     Authenticator& authenticator);

/** The token of a `Bearer <token>` header (scheme matched case-insensitively), else nullopt. */
std::optional<std::string> bearerToken(const std::optional<std::string>& authorization);

}  // namespace agora::http
