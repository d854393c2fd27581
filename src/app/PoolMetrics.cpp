// Metrics of the connection pools: a module's database sessions and the Redis connections.
#include "app/PoolMetrics.h"

namespace agora::app {

void addDatabasePoolMetrics(metrics::Registry& registry, const std::string& module,
                            const std::shared_ptr<data::Database>& database) {
  registry.describe("agora_db_pool_in_use_connections", "gauge",
                    "Database sessions lent out, by module.");
  registry.describe("agora_db_pool_idle_connections", "gauge",
                    "Open database sessions waiting in the pool, by module.");
  registry.describe("agora_db_pool_max_connections", "gauge",
                    "Maximum number of database sessions the pool opens, by module.");
  registry.describe("agora_db_pool_waits_total", "counter",
                    "Calls that found every database session lent out and waited, by module.");
  registry.describe("agora_db_pool_errors_total", "counter",
                    "Database calls that failed as unavailable or busy, by module.");

  std::weak_ptr<data::Database> watched = database;
  const metrics::Labels labels = {{"module", module}};
  registry.addCollector([watched, labels](metrics::Registry& target) {
    auto alive = watched.lock();
    if (!alive) return;
    const data::PoolStats stats = alive->poolStats();
    target.setGauge("agora_db_pool_in_use_connections", labels, stats.in_use);
    target.setGauge("agora_db_pool_idle_connections", labels, stats.idle);
    target.setGauge("agora_db_pool_max_connections", labels, stats.max);
    // The database keeps the running totals, so the counters are set rather than incremented.
    target.setGauge("agora_db_pool_waits_total", labels, static_cast<double>(stats.waits));
    target.setGauge("agora_db_pool_errors_total", labels, static_cast<double>(stats.errors));
  });
}

void addRedisPoolMetrics(metrics::Registry& registry, const std::string& pool_name,
                         const std::shared_ptr<redis::RedisClientPool>& pool) {
  registry.describe("agora_redis_pool_in_use_connections", "gauge",
                    "Redis connections lent out or being opened, by pool.");
  registry.describe("agora_redis_pool_idle_connections", "gauge",
                    "Open Redis connections waiting in the pool, by pool.");
  registry.describe("agora_redis_pool_max_connections", "gauge",
                    "Maximum number of Redis connections the pool lends at once, by pool.");
  registry.describe("agora_redis_pool_waits_total", "counter",
                    "Calls that found every Redis connection in use and waited, by pool.");
  registry.describe("agora_redis_pool_errors_total", "counter",
                    "Calls that failed to reach Redis, by pool.");

  std::weak_ptr<redis::RedisClientPool> watched = pool;
  const metrics::Labels labels = {{"pool", pool_name}};
  registry.addCollector([watched, labels](metrics::Registry& target) {
    auto alive = watched.lock();
    if (!alive) return;
    target.setGauge("agora_redis_pool_in_use_connections", labels,
                    static_cast<double>(alive->inUse()));
    target.setGauge("agora_redis_pool_idle_connections", labels,
                    static_cast<double>(alive->idle()));
    target.setGauge("agora_redis_pool_max_connections", labels,
                    static_cast<double>(alive->poolSize()));
    target.setGauge("agora_redis_pool_waits_total", labels, static_cast<double>(alive->waits()));
    target.setGauge("agora_redis_pool_errors_total", labels, static_cast<double>(alive->errors()));
  });
}

}  // namespace agora::app
