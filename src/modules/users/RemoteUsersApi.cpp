// UsersApi for an auth role in another process: the users role's internal routes over HTTP.
#include "modules/users/RemoteUsersApi.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>

#include "platform/log/Log.h"

namespace agora::users {
namespace {

/** Reads {id, email, display_name, roles[, disabled]}; nullopt when a member is missing. */
std::optional<UserIdentity> readIdentity(const Poco::JSON::Object::Ptr& body) {
  if (!body) return std::nullopt;
  try {
    Poco::JSON::Array::Ptr roles = body->getArray("roles");
    if (!roles || !body->has("id") || !body->has("email") || !body->has("display_name")) {
      return std::nullopt;
    }
    UserIdentity user;
    user.id = body->getValue<std::string>("id");
    user.email = body->getValue<std::string>("email");
    user.display_name = body->getValue<std::string>("display_name");
    for (std::size_t i = 0; i < roles->size(); ++i) {
      user.roles.push_back(roles->getElement<std::string>(static_cast<unsigned>(i)));
    }
    user.disabled = body->optValue<bool>("disabled", false);
    return user;
  } catch (const Poco::Exception&) {
    // A member of the wrong type: the caller reports the response as unreadable.
    return std::nullopt;
  }
}

void logUnexpected(const std::string& route, int status) {
  Poco::JSON::Object fields;
  fields.set("route", route);
  fields.set("status", status);
  log::error("users", "unexpected_users_response", fields);
}

}  // namespace

RemoteUsersApi::RemoteUsersApi(std::shared_ptr<client::ServiceClient> users)
    : users_(std::move(users)) {}

AuthenticationOutcome RemoteUsersApi::authenticate(const std::string& email,
                                                   const std::string& password) {
  Poco::JSON::Object::Ptr request = new Poco::JSON::Object;
  request->set("email", email);
  request->set("password", password);
  const client::CallResult response =
      users_->call("POST", "/internal/users/authenticate", request, client::Idempotency::kNo);

  AuthenticationOutcome outcome;
  if (response.status == 401) return outcome;
  std::optional<UserIdentity> user;
  if (response.status == 200) user = readIdentity(response.object());
  if (!user) {
    logUnexpected("/internal/users/authenticate", response.status);
    throw users_->unavailable();
  }
  outcome.check = CredentialCheck::kValid;
  outcome.user = std::move(user);
  return outcome;
}

std::optional<UserIdentity> RemoteUsersApi::findUser(const std::string& user_id) {
  const client::CallResult response =
      users_->call("GET", "/internal/users/" + client::encodePathSegment(user_id), {},
                   client::Idempotency::kYes);
  if (response.status == 404) return std::nullopt;
  std::optional<UserIdentity> user;
  if (response.status == 200) user = readIdentity(response.object());
  if (!user) {
    logUnexpected("/internal/users/{id}", response.status);
    throw users_->unavailable();
  }
  return user;
}

}  // namespace agora::users
