// The auth role's public signing keys for roles in other processes: its JWK Set over HTTP.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "platform/client/ServiceClient.h"
#include "platform/security/Jwt.h"

namespace agora::client {

/**
 * Loads `GET /api/auth/jwks.json` from the auth role into a PublicKeySet: once at start-up,
 * then again when a token names a kid the set does not know, at most once per
 * `refresh_interval`, so forged kids cannot flood the auth role. Thread-safe.
 */
class RemoteKeySource {
 public:
  using TimeSource = std::function<std::chrono::steady_clock::time_point()>;

  RemoteKeySource(std::shared_ptr<ServiceClient> auth, std::shared_ptr<security::PublicKeySet> keys,
                  std::chrono::milliseconds refresh_interval = std::chrono::seconds(30),
                  TimeSource now = std::chrono::steady_clock::now);

  /**
   * Fetches the JWK Set until it yields at least one key, waiting longer after each failure,
   * for at most `wait`. Throws std::runtime_error naming the URL, the last error and the fix
   * when the time runs out.
   */
  void loadAtStartup(std::chrono::milliseconds wait);

  /**
   * Fetches the set again unless a fetch ran within the refresh interval. Returns whether
   * `kid` is known afterwards. Never throws; failures are logged.
   */
  bool refreshFor(const std::string& kid);

 private:
  /** Fetches and adds the keys; returns how many were added. Throws on any failure. */
  std::size_t fetch();

  std::shared_ptr<ServiceClient> auth_;
  std::shared_ptr<security::PublicKeySet> keys_;
  std::chrono::milliseconds refresh_interval_;
  TimeSource now_;

  std::mutex mutex_;
  bool fetched_once_ = false;
  std::chrono::steady_clock::time_point last_fetch_{};
};

}  // namespace agora::client
