// Ending sessions in this process: the store deletes them and the local authenticator drops them.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "modules/auth/SessionRevoker.h"
#include "platform/sessions/SessionStore.h"

namespace agora::auth {

/** Called with the id of each session that was ended, so in-process caches drop it at once. */
using SessionEndedHook = std::function<void(const std::string& session_id)>;

/**
 * The SessionRevoker used when the users and auth modules share a process; the auth module's
 * own logout routes use it too. Thread-safe.
 */
class InProcessSessionRevoker : public SessionRevoker {
 public:
  InProcessSessionRevoker(std::shared_ptr<sessions::SessionStore> store,
                          SessionEndedHook on_session_ended);

  int revokeAllSessions(const std::string& user_id, const std::string& keep_session_id) override;
  /** Ends one session; false when the store did not have it. */
  bool revokeSession(const std::string& session_id);

 private:
  std::shared_ptr<sessions::SessionStore> store_;
  SessionEndedHook on_session_ended_;
};

}  // namespace agora::auth
