// Shared setup for the Redis tests: settings of the test server, a plain client, and outages.
#pragma once

#include <Poco/Redis/Array.h>
#include <Poco/Redis/Client.h>
#include <Poco/Redis/Type.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <random>
#include <string>

#include "TestServers.h"
#include "platform/redis/RedisClientPool.h"

namespace agora::testing {

/** Returns settings for the fixture's Redis with the given timeouts, in milliseconds. */
inline redis::RedisSettings redisTestSettings(int timeout_milliseconds = 1000, int pool_size = 16) {
  const TestServers& servers = TestServers::get();
  redis::RedisSettings settings;
  settings.host = "127.0.0.1";
  settings.port = servers.port("REDIS_PORT");
  settings.password = servers.value("REDIS_PASSWORD");
  settings.pool_size = pool_size;
  settings.connect_timeout_milliseconds = timeout_milliseconds;
  settings.read_timeout_milliseconds = timeout_milliseconds;
  return settings;
}

/** Returns a key prefix no other test uses, so tests never see each other's keys. */
inline std::string uniqueKeyPrefix(const std::string& name) {
  static std::atomic<int> counter{0};
  static const unsigned salt = std::random_device{}();
  return "agora-test:" + name + ":" + std::to_string(getpid()) + "-" +
         std::to_string(counter.fetch_add(1)) + "-" + std::to_string(salt) + ":";
}

/** A connection made without the code under test, to look at what it stored. */
class PlainRedis {
 public:
  explicit PlainRedis(int database = 0) {
    const TestServers& servers = TestServers::get();
    client_.connect("127.0.0.1", servers.port("REDIS_PORT"), Poco::Timespan(5, 0));
    client_.setReceiveTimeout(Poco::Timespan(5, 0));
    Poco::Redis::Array auth;
    auth << "AUTH" << servers.value("REDIS_PASSWORD");
    client_.execute<std::string>(auth);
    if (database != 0) {
      Poco::Redis::Array select;
      select << "SELECT" << std::to_string(database);
      client_.execute<std::string>(select);
    }
  }

  /** Returns the value of `key`, or nullopt when it does not exist. */
  std::optional<std::string> get(const std::string& key) {
    Poco::Redis::Array command;
    command << "GET" << key;
    const auto value = client_.execute<Poco::Redis::BulkString>(command);
    if (value.isNull()) return std::nullopt;
    return value.value();
  }

  /** Returns the remaining lifetime of `key` in milliseconds: -1 without expiry, -2 if missing. */
  int64_t pttl(const std::string& key) {
    Poco::Redis::Array command;
    command << "PTTL" << key;
    return client_.execute<Poco::Int64>(command);
  }

  /** Runs a command whose reply is a status such as OK. */
  std::string status(Poco::Redis::Array command) { return client_.execute<std::string>(command); }

 private:
  Poco::Redis::Client client_;
};

/**
 * An outage of the fixture's Redis for the lifetime of this object, or until end(). kPause
 * freezes it: connections hang and the data stays. kStop stops it: the data is lost, and it
 * comes back empty on the same port with the same password.
 */
class RedisOutage {
 public:
  enum class Kind { kPause, kStop };

  explicit RedisOutage(Kind kind) : kind_(kind) {
    TestServers::get().runScript(kind_ == Kind::kPause ? "pause-redis" : "stop-redis");
  }
  ~RedisOutage() {
    try {
      end();
    } catch (...) {
      // The next backend test reports the missing server loudly.
    }
  }
  RedisOutage(const RedisOutage&) = delete;
  RedisOutage& operator=(const RedisOutage&) = delete;

  /** Brings Redis back. */
  void end() {
    if (ended_) return;
    ended_ = true;
    TestServers::get().runScript(kind_ == Kind::kPause ? "resume-redis" : "start-redis-again");
  }

 private:
  Kind kind_;
  bool ended_ = false;
};

/** Returns the milliseconds `action` took. */
template <typename Action>
int64_t millisecondsOf(Action&& action) {
  const auto started = std::chrono::steady_clock::now();
  action();
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               started)
      .count();
}

}  // namespace agora::testing
