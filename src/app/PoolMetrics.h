// Metrics of the connection pools: a module's database sessions and the Redis connections.
#pragma once

#include <memory>
#include <string>

#include "platform/data/Database.h"
#include "platform/metrics/Metrics.h"
#include "platform/redis/RedisClientPool.h"

namespace agora::app {

/**
 * Reports `database`'s pool before each render, labelled {module}: the gauges
 * agora_db_pool_in_use_connections, agora_db_pool_idle_connections and
 * agora_db_pool_max_connections, and the counters agora_db_pool_waits_total and
 * agora_db_pool_errors_total. Stops reporting once the database is gone.
 */
void addDatabasePoolMetrics(metrics::Registry& registry, const std::string& module,
                            const std::shared_ptr<data::Database>& database);

/**
 * Reports `pool` before each render, labelled {pool} (e.g. "sessions", "login_throttle"):
 * agora_redis_pool_in_use_connections, agora_redis_pool_idle_connections,
 * agora_redis_pool_max_connections, agora_redis_pool_waits_total and
 * agora_redis_pool_errors_total. Stops reporting once the pool is gone.
 */
void addRedisPoolMetrics(metrics::Registry& registry, const std::string& pool_name,
                         const std::shared_ptr<redis::RedisClientPool>& pool);

}  // namespace agora::app
