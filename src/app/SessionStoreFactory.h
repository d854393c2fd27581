// Builds the session store and the login throttle from configuration.
#pragma once

#include <memory>

#include "modules/auth/LoginThrottle.h"
#include "platform/Clock.h"
#include "platform/config/Config.h"
#include "platform/redis/RedisClientPool.h"
#include "platform/sessions/SessionStore.h"

namespace agora::app {

/**
 * Builds the session store `session.store` names. `memory` takes keys from `session.keys` or
 * makes a key per start. `redis` reads the `redis.*` keys and requires `session.keys` (or
 * `session.keys_file`), because every replica must open every record. Works even while Redis
 * is down. Throws config::ConfigError naming the key of a missing or invalid setting.
 */
std::shared_ptr<sessions::SessionStore> makeSessionStore(const config::Config& config, Clock clock);

/**
 * Builds the login throttle that goes with the session store: in memory for `session.store=memory`,
 * in Redis (with its own connection pool, opened lazily) for `redis`. Throws like
 * makeSessionStore().
 */
std::shared_ptr<auth::LoginThrottle> makeLoginThrottle(const config::Config& config, Clock clock);

/** Reads the `redis.*` settings. Throws config::ConfigError naming the key of an invalid value. */
redis::RedisSettings redisSettings(const config::Config& config);

}  // namespace agora::app
