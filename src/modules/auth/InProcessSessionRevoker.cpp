// Ending sessions in this process: the store deletes them and the local authenticator drops them.
#include "modules/auth/InProcessSessionRevoker.h"

#include <utility>

#include "platform/log/Log.h"

namespace agora::auth {

InProcessSessionRevoker::InProcessSessionRevoker(std::shared_ptr<sessions::SessionStore> store,
                                                 SessionEndedHook on_session_ended)
    : store_(std::move(store)), on_session_ended_(std::move(on_session_ended)) {}

int InProcessSessionRevoker::revokeAllSessions(const std::string& user_id,
                                               const std::string& keep_session_id) {
  const auto sessions = store_->listForUser(user_id);
  const int removed = store_->removeAllForUser(user_id, keep_session_id);
  if (on_session_ended_) {
    for (const auto& session : sessions) {
      if (session.id != keep_session_id) on_session_ended_(session.id);
    }
  }
  Poco::JSON::Object fields;
  fields.set("user_id", user_id);
  fields.set("sessions", removed);
  log::info("auth", "sessions_revoked", fields);
  return removed;
}

bool InProcessSessionRevoker::revokeSession(const std::string& session_id) {
  const bool removed = store_->remove(session_id);
  if (on_session_ended_) on_session_ended_(session_id);
  return removed;
}

}  // namespace agora::auth
