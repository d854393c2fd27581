// SessionRevoker for a users role in another process: the auth role's internal route over HTTP.
#include "modules/auth/RemoteSessionRevoker.h"

#include "platform/log/Log.h"

namespace agora::auth {

RemoteSessionRevoker::RemoteSessionRevoker(std::shared_ptr<client::ServiceClient> auth)
    : auth_(std::move(auth)) {}

int RemoteSessionRevoker::revokeAllSessions(const std::string& user_id,
                                            const std::string& keep_session_id) {
  Poco::JSON::Object::Ptr request = new Poco::JSON::Object;
  request->set("keep_session_id", keep_session_id);
  const client::CallResult response = auth_->call(
      "POST", "/internal/auth/users/" + client::encodePathSegment(user_id) + "/sessions/revoke",
      request, client::Idempotency::kYes);

  Poco::JSON::Object::Ptr body = response.object();
  if (response.status != 200 || !body || !body->has("revoked")) {
    Poco::JSON::Object fields;
    fields.set("user_id", user_id);
    fields.set("status", response.status);
    log::error("auth", "unexpected_revoke_response", fields);
    throw auth_->unavailable();
  }
  return body->getValue<int>("revoked");
}

}  // namespace agora::auth
