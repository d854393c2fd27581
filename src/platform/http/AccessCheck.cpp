// Enforces a route's Access from the Authorization header, before its handler runs.
#include "platform/http/AccessCheck.h"

#include <Poco/String.h>

#include "platform/http/Problem.h"

namespace agora::http {

std::optional<std::string> bearerToken(const std::optional<std::string>& authorization) {
  if (!authorization) return std::nullopt;
  std::string header = Poco::trim(*authorization);
  constexpr std::string_view kScheme = "bearer ";
  if (header.size() <= kScheme.size() ||
      Poco::icompare(header.substr(0, kScheme.size()), std::string(kScheme)) != 0) {
    return std::nullopt;
  }
  std::string token = Poco::trim(header.substr(kScheme.size()));
  if (token.empty()) return std::nullopt;
  return token;
}

std::optional<Principal> checkAccess(Access access, const std::optional<std::string>& authorization,
                                     Authenticator& authenticator) {
  if (access == Access::kPublic) return std::nullopt;

  auto token = bearerToken(authorization);
  if (!token) throw Problem::unauthorized("a bearer token is required");
  auto result = authenticator.authenticate(*token);
  if (!result.principal) throw Problem::unauthorized("the bearer token is invalid or expired");
  const Principal& principal = *result.principal;

  switch (access) {
    case Access::kPublic:
      break;
    case Access::kUser:
    case Access::kAdmin:
      if (principal.isService()) {
        throw Problem::forbidden("service tokens cannot call user routes");
      }
      if (principal.session_id.empty()) {
        throw Problem::unauthorized("the bearer token carries no session");
      }
      if (access == Access::kAdmin && !principal.isAdmin()) {
        throw Problem::forbidden("this operation needs the admin role");
      }
      break;
    case Access::kService:
      // Internal routes take only service tokens: a user token is no credential there at
      // all, so the status is 401 rather than 403.
      if (!principal.isService()) {
        throw Problem::unauthorized("internal routes need a service token");
      }
      break;
  }
  return principal;
}

}  // namespace agora::http
