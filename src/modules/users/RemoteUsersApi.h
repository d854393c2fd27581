// UsersApi for an auth role in another process: the users role's internal routes over HTTP.
#pragma once

#include <memory>

#include "modules/users/UsersApi.h"
#include "platform/client/ServiceClient.h"

namespace agora::users {

/**
 * The HTTP adapter of UsersApi over `POST /internal/users/authenticate` and
 * `GET /internal/users/{id}`. Throws http::Problem 503 when the users role cannot respond.
 * Thread-safe.
 */
class RemoteUsersApi : public UsersApi {
 public:
  explicit RemoteUsersApi(std::shared_ptr<client::ServiceClient> users);

  /**
   * 200 is kValid with the identity; 401 is kInvalid, because the route gives one response for
   * a wrong password, an unknown email and a disabled account. Not repeated on failure: a
   * repeat would redo the argon2id work of a users role that is already slow.
   */
  AuthenticationOutcome authenticate(const std::string& email,
                                     const std::string& password) override;
  /** 200 is the identity with `disabled`; 404 is nullopt. */
  std::optional<UserIdentity> findUser(const std::string& user_id) override;

 private:
  std::shared_ptr<client::ServiceClient> users_;
};

}  // namespace agora::users
