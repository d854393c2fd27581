// A bounded pool of Redis connections that checks, reconnects and authenticates them.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "platform/redis/RedisReply.h"
#include "platform/redis/RedisScript.h"

namespace agora::redis {

/** The address of a Redis server, its credentials, and how long to wait for it. */
struct RedisSettings {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string password;  // empty: no AUTH
  int database = 0;      // SELECTed on every new connection
  int pool_size = 16;
  int connect_timeout_milliseconds = 1000;
  int read_timeout_milliseconds = 1000;

  /** "host:port", for messages. */
  std::string address() const;
};

/**
 * A pool that lends each call a connection of its own, at most `pool_size` at once. It opens
 * connections on demand and sends AUTH and SELECT on each new one. A connection idle for
 * kValidateAfterIdle or longer is checked with PING before use and replaced when that fails.
 * A connection that fails during a call is closed, never reused. When the server closed it,
 * every idle connection is dropped too, because a restarted server closed those as well. A
 * call never takes longer than the connect timeout plus the read timeout, including the wait
 * for a free connection. Unreachable or slow servers, and replies such as LOADING, READONLY
 * or OOM, throw sessions::Unavailable. Thread-safe.
 */
class RedisClientPool {
 public:
  static constexpr std::chrono::milliseconds kValidateAfterIdle{1000};

  /** Opens no connection. Throws std::invalid_argument naming the first invalid setting. */
  explicit RedisClientPool(RedisSettings settings);
  ~RedisClientPool();
  RedisClientPool(const RedisClientPool&) = delete;
  RedisClientPool& operator=(const RedisClientPool&) = delete;

  /**
   * Sends one command, each argument as a bulk string, and returns the reply. Throws
   * sessions::Unavailable as described above and RedisError for any other error reply.
   */
  RedisReply command(const std::vector<std::string>& arguments);

  /**
   * Runs `script` with EVALSHA and, when the server does not have it cached (NOSCRIPT, e.g.
   * after a restart), with EVAL, which caches it again. Throws like command().
   */
  RedisReply run(const RedisScript& script, const std::vector<std::string>& keys,
                 const std::vector<std::string>& arguments);

  /** Caches `script` on the server with SCRIPT LOAD. Throws like command(). */
  void load(const RedisScript& script);

  /** Returns an empty string when PING succeeds within the timeouts, else the reason. */
  std::string ping();

  /** The settings as constructed; pool_size there stays the first size (see poolSize()). */
  const RedisSettings& settings() const { return settings_; }

  /**
   * Changes how many connections may be lent at once, e.g. on a configuration reload. Calls
   * waiting for a connection see a larger size at once. After a smaller size, idle connections
   * beyond it close now, and lent ones close when they come back. Throws std::invalid_argument
   * for a size below 1.
   */
  void setPoolSize(int pool_size);
  /** Returns how many connections may be lent at once. */
  std::size_t poolSize() const;

  /** Returns how many connections are lent out or being opened right now. */
  std::size_t inUse() const;
  /** Returns how many open connections wait in the pool. */
  std::size_t idle() const;
  /** Returns how many calls found every connection in use and had to wait. */
  uint64_t waits() const { return waits_.load(); }
  /** Returns how many calls failed to reach Redis (refused, closed, timed out or no slot). */
  uint64_t errors() const { return errors_.load(); }

 private:
  struct Connection;
  class Lease;
  using TimePoint = std::chrono::steady_clock::time_point;

  /** Sends a command and returns its reply, an error reply included. */
  RedisReply exchange(const std::vector<std::string>& arguments);
  /** Returns `reply`, or throws for an error reply. */
  RedisReply checked(const std::string& command_name, RedisReply reply) const;

  Lease acquire(TimePoint deadline);
  void release(std::unique_ptr<Connection> connection, bool reusable);
  void dropIdle();
  std::unique_ptr<Connection> connect(TimePoint deadline);
  RedisReply send(Connection& connection, const std::vector<std::string>& arguments,
                  TimePoint deadline);

  RedisSettings settings_;
  std::chrono::milliseconds connect_timeout_;
  std::chrono::milliseconds read_timeout_;

  mutable std::mutex mutex_;  // guards idle_, in_use_ and pool_size_
  std::condition_variable available_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::size_t in_use_ = 0;
  std::size_t pool_size_ = 0;

  std::atomic<uint64_t> waits_{0};
  std::atomic<uint64_t> errors_{0};
};

}  // namespace agora::redis
