// The auth role's public signing keys for roles in other processes: its JWK Set over HTTP.
#include "platform/client/RemoteKeySource.h"

#include <algorithm>
#include <stdexcept>
#include <thread>

#include "platform/log/Log.h"

namespace agora::client {
namespace {

constexpr const char* kJwksPath = "/api/auth/jwks.json";

}  // namespace

RemoteKeySource::RemoteKeySource(std::shared_ptr<ServiceClient> auth,
                                 std::shared_ptr<security::PublicKeySet> keys,
                                 std::chrono::milliseconds refresh_interval, TimeSource now)
    : auth_(std::move(auth)),
      keys_(std::move(keys)),
      refresh_interval_(refresh_interval),
      now_(std::move(now)) {}

std::size_t RemoteKeySource::fetch() {
  const CallResult result = auth_->call("GET", kJwksPath, {}, Idempotency::kYes);
  Poco::JSON::Object::Ptr body = result.object();
  if (result.status != 200 || !body) {
    throw std::runtime_error("the JWK Set response has status " + std::to_string(result.status) +
                             " and no JSON object");
  }
  std::size_t added = keys_->addJwks(*body);
  if (added == 0) throw std::runtime_error("the JWK Set contains no RS256 signing key");
  return added;
}

void RemoteKeySource::loadAtStartup(std::chrono::milliseconds wait) {
  const auto deadline = std::chrono::steady_clock::now() + wait;
  std::chrono::milliseconds pause(100);
  std::string last_error;
  while (true) {
    try {
      std::size_t added = fetch();
      std::lock_guard lock(mutex_);
      fetched_once_ = true;
      last_fetch_ = now_();
      Poco::JSON::Object fields;
      fields.set("keys", static_cast<int>(added));
      fields.set("url", auth_->endpoint().url() + kJwksPath);
      log::info("client", "signing_keys_loaded", fields);
      return;
    } catch (const std::exception& error) {
      last_error = error.what();
    }
    if (std::chrono::steady_clock::now() + pause >= deadline) break;
    std::this_thread::sleep_for(pause);
    pause = std::min<std::chrono::milliseconds>(pause * 2, std::chrono::seconds(2));
  }
  throw std::runtime_error("cannot load the token signing keys from " + auth_->endpoint().url() +
                           kJwksPath + " within " + std::to_string(wait.count()) + " ms (" +
                           last_error +
                           "): check services.auth.url and that the auth role runs, or raise "
                           "services.startup_wait_milliseconds");
}

bool RemoteKeySource::refreshFor(const std::string& kid) {
  std::lock_guard lock(mutex_);
  if (keys_->has(kid)) return true;
  const auto now = now_();
  if (fetched_once_ && now - last_fetch_ < refresh_interval_) return false;
  fetched_once_ = true;
  last_fetch_ = now;
  try {
    fetch();
  } catch (const std::exception& error) {
    Poco::JSON::Object fields;
    fields.set("kid", kid.substr(0, 64));
    fields.set("error", error.what());
    log::warn("client", "signing_keys_refresh_failed", fields);
  }
  return keys_->has(kid);
}

}  // namespace agora::client
