// The authenticated caller of a request, taken from a verified access or service token.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

namespace agora::http {

/** Who is calling: a user with a session, or another role with a service token. */
struct Principal {
  std::string user_id;     // `sub`; the client id for service tokens
  std::string session_id;  // `sid`; empty for service tokens
  std::vector<std::string> roles;
  std::string token_id;    // `jti`
  int64_t expires_at = 0;  // `exp`, seconds since the epoch

  bool hasRole(const std::string& role) const {
    return std::find(roles.begin(), roles.end(), role) != roles.end();
  }
  bool isAdmin() const { return hasRole("admin"); }
  bool isService() const { return hasRole("service"); }
};

}  // namespace agora::http
