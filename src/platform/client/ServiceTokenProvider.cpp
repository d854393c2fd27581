// Service tokens from the auth role's client-credentials exchange, cached until near expiry.
#include "platform/client/ServiceTokenProvider.h"

#include "platform/log/Log.h"

namespace agora::client {

ServiceTokenProvider::ServiceTokenProvider(std::shared_ptr<ServiceClient> auth,
                                           std::string client_id, std::string client_secret,
                                           Clock clock)
    : auth_(std::move(auth)),
      client_id_(std::move(client_id)),
      client_secret_(std::move(client_secret)),
      clock_(std::move(clock)) {}

std::string ServiceTokenProvider::token() {
  std::lock_guard lock(mutex_);
  if (!token_.empty() && clock_() < renew_at_) return token_;

  Poco::JSON::Object::Ptr request = new Poco::JSON::Object;
  request->set("client_id", client_id_);
  request->set("client_secret", client_secret_);
  const CallResult result =
      auth_->call("POST", "/internal/auth/service-token", request, Idempotency::kYes);

  Poco::JSON::Object::Ptr body = result.object();
  if (result.status != 200 || !body || !body->has("access_token") || !body->has("expires_in")) {
    Poco::JSON::Object fields;
    fields.set("client_id", client_id_);
    fields.set("status", result.status);
    fields.set("fix", result.status == 401
                          ? "list this client in the auth role's auth.service_clients and set "
                            "the same services.client_id and services.client_secret here"
                          : "check services.auth.url: it must name the auth role");
    log::error("client", "service_token_rejected", fields);
    throw auth_->unavailable();
  }

  std::string token = body->getValue<std::string>("access_token");
  int64_t lifetime = body->getValue<int64_t>("expires_in");
  token_ = std::move(token);
  renew_at_ = renewalTime(clock_(), lifetime);
  return token_;
}

void ServiceTokenProvider::rejected(const std::string& token) {
  std::lock_guard lock(mutex_);
  if (token == token_) token_.clear();
}

}  // namespace agora::client
