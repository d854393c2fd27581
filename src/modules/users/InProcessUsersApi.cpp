// UsersApi for modules in the same process: calls the user service directly.
#include "modules/users/InProcessUsersApi.h"

#include <utility>

namespace agora::users {

InProcessUsersApi::InProcessUsersApi(std::shared_ptr<UserService> service)
    : service_(std::move(service)) {}

AuthenticationOutcome InProcessUsersApi::authenticate(const std::string& email,
                                                      const std::string& password) {
  return service_->authenticate(email, password);
}

std::optional<UserIdentity> InProcessUsersApi::findUser(const std::string& user_id) {
  std::optional<UserView> user = service_->findUser(user_id);
  if (!user) return std::nullopt;
  return toIdentity(*user);
}

}  // namespace agora::users
