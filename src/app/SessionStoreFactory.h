// Builds the session store and the login throttle from configuration.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "modules/auth/LoginThrottle.h"
#include "platform/Clock.h"
#include "platform/config/Config.h"
#include "platform/redis/RedisClientPool.h"
#include "platform/sessions/SessionStore.h"

namespace agora::app {

/** Told of each Redis pool a factory below opens, with a name for it ("sessions", ...). */
using RedisPoolHook =
    std::function<void(const std::string& pool_name, std::shared_ptr<redis::RedisClientPool>)>;

/**
 * Builds the session store `session.store` names. `memory` takes keys from `session.keys` or
 * makes a key per start. `redis` reads the `redis.*` keys and requires `session.keys` (or
 * `session.keys_file`), because every replica must open every record. Works even while Redis
 * is down. Throws config::ConfigError naming the key of a missing or invalid setting. A Redis
 * store's pool is handed to `on_pool` as "sessions".
 */
std::shared_ptr<sessions::SessionStore> makeSessionStore(const config::Config& config, Clock clock,
                                                         const RedisPoolHook& on_pool = {});

/**
 * Builds the login throttle that goes with the session store: in memory for `session.store=memory`,
 * in Redis (with its own connection pool, opened lazily, handed to `on_pool` as
 * "login_throttle") for `redis`. Throws like makeSessionStore().
 */
std::shared_ptr<auth::LoginThrottle> makeLoginThrottle(const config::Config& config, Clock clock,
                                                       const RedisPoolHook& on_pool = {});

/** Reads the `redis.*` settings. Throws config::ConfigError naming the key of an invalid value. */
redis::RedisSettings redisSettings(const config::Config& config);

}  // namespace agora::app
