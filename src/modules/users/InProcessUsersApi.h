// UsersApi for modules in the same process: calls the user service directly.
#pragma once

#include <memory>

#include "modules/users/UserService.h"
#include "modules/users/UsersApi.h"

namespace agora::users {

/** The in-process adapter of UsersApi over UserService. Thread-safe. */
class InProcessUsersApi : public UsersApi {
 public:
  explicit InProcessUsersApi(std::shared_ptr<UserService> service);

  /** See UserService::authenticate: equal argon2id work for known and unknown emails. */
  AuthenticationOutcome authenticate(const std::string& email,
                                     const std::string& password) override;
  std::optional<UserIdentity> findUser(const std::string& user_id) override;

 private:
  std::shared_ptr<UserService> service_;
};

}  // namespace agora::users
