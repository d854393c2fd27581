// What the auth module offers the users module: ending a user's sessions.
#pragma once

#include <string>

namespace agora::auth {

/**
 * Implemented in-process by the auth module and, between pods, by an HTTP client of the
 * auth role. Used when a password changes or an account is disabled.
 */
class SessionRevoker {
 public:
  virtual ~SessionRevoker() = default;
  /** Revokes every session of the user except `keep_session_id` (may be empty); returns count. */
  virtual int revokeAllSessions(const std::string& user_id, const std::string& keep_session_id) = 0;
};

}  // namespace agora::auth
