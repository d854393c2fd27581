// Turns a bearer token into a principal: the check nginx's auth_request and every module share.
#pragma once

#include "platform/http/Principal.h"

#include <optional>
#include <string>

namespace agora::http {

/** The outcome of checking a bearer token. */
struct AuthenticationResult {
  std::optional<Principal> principal;  // set when the token is valid and its session active
  std::string reason;                  // why not, for logs only (never sent to the client)
};

/** Verifies access and service tokens. Thread-safe. */
class Authenticator {
 public:
  virtual ~Authenticator() = default;
  /**
   * Checks signature and claims, and for user tokens that the session is still active (a
   * revoked session is rejected within one second). `token` is the raw JWT without "Bearer ".
   */
  virtual AuthenticationResult authenticate(const std::string& token) = 0;
};

}  // namespace agora::http
