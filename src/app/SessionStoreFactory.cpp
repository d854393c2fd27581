// Builds the session store and login throttle that `session.store` selects.
#include "app/SessionStoreFactory.h"

#include "modules/auth/MemoryLoginThrottle.h"
#include "modules/auth/RedisLoginThrottle.h"
#include "platform/security/Aead.h"
#include "platform/security/Random.h"
#include "platform/sessions/MemorySessionStore.h"
#include "platform/sessions/RedisSessionStore.h"
#include "platform/sessions/SessionCodec.h"

namespace agora::app {

namespace {

constexpr const char* kKeysFormat = "id:base64-of-32-bytes[,id:...]";

/** Returns "memory" or "redis", or throws naming the key. */
std::string storeKind(const config::Config& config) {
  std::string store = config.getString("session.store");
  if (store != "memory" && store != "redis") {
    throw config::ConfigError("invalid session.store '" + store + "': use memory or redis");
  }
  return store;
}

std::shared_ptr<const security::KeyRing> keyRing(const config::Config& config,
                                                 const std::string& store) {
  const std::optional<std::string> spec = config.getSecret("session.keys");
  if (!spec) {
    if (store == "redis") {
      throw config::ConfigError(
          std::string("session.store=redis needs session.keys (or session.keys_file), the same on "
                      "every replica, in the format ") +
          kKeysFormat);
    }
    // The in-process store lives and dies with the process, so a per-start key is enough.
    return std::make_shared<security::KeyRing>(
        "local", std::map<std::string, std::string>{{"local", security::randomBytes(32)}});
  }
  const std::string encryption_key_id = config.getString("session.encryption_key_id");
  try {
    return std::make_shared<security::KeyRing>(
        security::KeyRing::fromSpec(*spec, encryption_key_id));
  } catch (const std::invalid_argument& error) {
    throw config::ConfigError(std::string("invalid session.keys (format ") + kKeysFormat +
                              ", session.encryption_key_id '" + encryption_key_id +
                              "' among them): " + error.what());
  }
}

std::shared_ptr<redis::RedisClientPool> redisPool(const config::Config& config,
                                                  const std::string& name,
                                                  const RedisPoolHook& on_pool) {
  auto pool = std::make_shared<redis::RedisClientPool>(redisSettings(config));
  if (on_pool) on_pool(name, pool);
  return pool;
}

}  // namespace

redis::RedisSettings redisSettings(const config::Config& config) {
  redis::RedisSettings settings;
  settings.host = config.getString("redis.host");
  if (settings.host.empty()) throw config::ConfigError("invalid redis.host: it is empty");
  settings.port = static_cast<int>(config.getInt("redis.port", 1, 65535));
  settings.password = config.getSecret("redis.password").value_or("");
  settings.database = static_cast<int>(config.getInt("redis.database", 0, 1'000'000));
  settings.pool_size = static_cast<int>(config.getInt("redis.pool_size", 1, 1024));
  settings.connect_timeout_milliseconds =
      static_cast<int>(config.getInt("redis.connect_timeout_milliseconds", 1, 60'000));
  settings.read_timeout_milliseconds =
      static_cast<int>(config.getInt("redis.read_timeout_milliseconds", 1, 60'000));
  return settings;
}

std::shared_ptr<sessions::SessionStore> makeSessionStore(const config::Config& config, Clock clock,
                                                         const RedisPoolHook& on_pool) {
  const std::string store = storeKind(config);
  auto codec = std::make_shared<sessions::SessionCodec>(keyRing(config, store));

  sessions::SessionLimits limits;
  limits.idle_timeout = config.getInt("session.idle_timeout", 60, 30 * 24 * 3600);
  limits.absolute_lifetime = config.getInt("session.absolute_lifetime", 60, 365 * 24 * 3600);
  if (store == "redis") {
    return std::make_shared<sessions::RedisSessionStore>(redisPool(config, "sessions", on_pool),
                                                         config.getString("redis.key_prefix"),
                                                         codec, limits, clock);
  }
  return std::make_shared<sessions::MemorySessionStore>(codec, limits, clock);
}

std::shared_ptr<auth::LoginThrottle> makeLoginThrottle(const config::Config& config, Clock clock,
                                                       const RedisPoolHook& on_pool) {
  if (storeKind(config) == "redis") {
    return std::make_shared<auth::RedisLoginThrottle>(redisPool(config, "login_throttle", on_pool),
                                                      config.getString("redis.key_prefix"));
  }
  return std::make_shared<auth::MemoryLoginThrottle>(clock);
}

}  // namespace agora::app
