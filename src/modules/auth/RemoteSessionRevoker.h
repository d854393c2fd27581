// SessionRevoker for a users role in another process: the auth role's internal route over HTTP.
#pragma once

#include <memory>

#include "modules/auth/SessionRevoker.h"
#include "platform/client/ServiceClient.h"

namespace agora::auth {

/**
 * The HTTP adapter of SessionRevoker over `POST /internal/auth/users/{id}/sessions/revoke`
 * ({keep_session_id} → 200 {revoked}). Revoking is idempotent, so failed attempts are
 * repeated. Throws http::Problem 503 when the auth role cannot respond. Thread-safe.
 */
class RemoteSessionRevoker : public SessionRevoker {
 public:
  explicit RemoteSessionRevoker(std::shared_ptr<client::ServiceClient> auth);

  int revokeAllSessions(const std::string& user_id, const std::string& keep_session_id) override;

 private:
  std::shared_ptr<client::ServiceClient> auth_;
};

}  // namespace agora::auth
