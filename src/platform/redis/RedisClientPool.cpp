// Leases Redis connections with a deadline per call, and turns failures into Unavailable.
#include "platform/redis/RedisClientPool.h"

#include <Poco/Exception.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Redis/Array.h>
#include <Poco/Redis/RedisStream.h>
#include <Poco/Redis/Type.h>
#include <Poco/Timespan.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <stdexcept>
#include <string_view>
#include <utility>

#include "platform/log/Log.h"
#include "platform/sessions/SessionStore.h"

namespace agora::redis {

namespace {

using std::chrono::duration_cast;
using std::chrono::milliseconds;
using std::chrono::steady_clock;

/** A call that lost its connection: `closed` when the server closed it, else timed out. */
class ConnectionFailure : public sessions::Unavailable {
 public:
  ConnectionFailure(const std::string& message, bool closed)
      : sessions::Unavailable(message), closed(closed) {}
  bool closed;
};

/** Error codes after which Redis may work again soon, so callers should respond with 503. */
bool isTransientErrorCode(std::string_view code) {
  static constexpr std::array<std::string_view, 11> kCodes = {
      "LOADING", "BUSY",      "MASTERDOWN", "READONLY", "TRYAGAIN",  "CLUSTERDOWN",
      "NOAUTH",  "WRONGPASS", "OOM",        "MISCONF",  "NOREPLICAS"};
  return std::find(kCodes.begin(), kCodes.end(), code) != kCodes.end();
}

std::string errorCode(const std::string& message) {
  return message.substr(0, message.find(' '));
}

}  // namespace

std::string RedisSettings::address() const {
  return host + ":" + std::to_string(port);
}

/**
 * A socket with Poco's reply reader on top. Poco::Redis::Client hides its socket, so it can
 * neither turn off Nagle's algorithm nor send with MSG_NOSIGNAL. Its commands over its 1 KiB
 * buffer then wait for a delayed ACK, measured here at about 40 ms per call. This connection
 * writes each command in one send and sets TCP_NODELAY.
 */
struct RedisClientPool::Connection {
  Poco::Net::StreamSocket socket;
  std::unique_ptr<Poco::Redis::RedisInputStream> input;
  TimePoint last_used;
};

/** A connection lent out. Its destructor frees the pool slot and returns a kept connection. */
class RedisClientPool::Lease {
 public:
  Lease(RedisClientPool& pool, std::unique_ptr<Connection> connection)
      : connection(std::move(connection)), pool_(&pool) {}
  Lease(Lease&& other) noexcept
      : connection(std::move(other.connection)),
        pool_(std::exchange(other.pool_, nullptr)),
        reusable_(other.reusable_) {}
  Lease& operator=(Lease&&) = delete;
  ~Lease() {
    if (pool_) pool_->release(std::move(connection), reusable_);
  }

  /** Marks the connection as good to lend again. */
  void keep() { reusable_ = true; }

  std::unique_ptr<Connection> connection;

 private:
  RedisClientPool* pool_;
  bool reusable_ = false;
};

RedisClientPool::RedisClientPool(RedisSettings settings)
    : settings_(std::move(settings)),
      connect_timeout_(settings_.connect_timeout_milliseconds),
      read_timeout_(settings_.read_timeout_milliseconds) {
  if (settings_.host.empty()) throw std::invalid_argument("invalid Redis host: it is empty");
  if (settings_.port < 1 || settings_.port > 65535) {
    throw std::invalid_argument("invalid Redis port " + std::to_string(settings_.port) +
                                ": must be 1-65535");
  }
  if (settings_.database < 0) {
    throw std::invalid_argument("invalid Redis database " + std::to_string(settings_.database) +
                                ": must be 0 or more");
  }
  if (settings_.pool_size < 1) {
    throw std::invalid_argument("invalid Redis pool size " + std::to_string(settings_.pool_size) +
                                ": must be 1 or more");
  }
  pool_size_ = static_cast<std::size_t>(settings_.pool_size);
  if (connect_timeout_.count() < 1 || read_timeout_.count() < 1) {
    throw std::invalid_argument(
        "invalid Redis timeouts connect " + std::to_string(connect_timeout_.count()) +
        " ms, read " + std::to_string(read_timeout_.count()) + " ms: both must be 1 or more");
  }
}

RedisClientPool::~RedisClientPool() = default;

RedisReply RedisClientPool::command(const std::vector<std::string>& arguments) {
  if (arguments.empty()) throw std::invalid_argument("a Redis command needs a name, got none");
  return checked(arguments.front(), exchange(arguments));
}

RedisReply RedisClientPool::run(const RedisScript& script, const std::vector<std::string>& keys,
                                const std::vector<std::string>& arguments) {
  std::vector<std::string> call = {"EVALSHA", script.sha1(), std::to_string(keys.size())};
  call.insert(call.end(), keys.begin(), keys.end());
  call.insert(call.end(), arguments.begin(), arguments.end());

  RedisReply reply = exchange(call);
  if (reply.isError() && errorCode(reply.errorMessage()) == "NOSCRIPT") {
    call[0] = "EVAL";
    call[1] = script.source();
    reply = exchange(call);
  }
  return checked(call[0], std::move(reply));
}

void RedisClientPool::load(const RedisScript& script) {
  const RedisReply reply = command({"SCRIPT", "LOAD", script.source()});
  if (reply.asOptionalText() != script.sha1()) {
    throw RedisError("Redis at " + settings_.address() +
                     " cached a script under another digest than " + script.sha1());
  }
}

std::string RedisClientPool::ping() {
  try {
    const RedisReply reply = command({"PING"});
    if (reply.kind() == RedisReply::Kind::kStatus && reply.asOptionalText() == "PONG") return "";
    return std::string("Redis at ") + settings_.address() + " returned " +
           RedisReply::kindName(reply.kind()) + " for PING, expected PONG";
  } catch (const std::exception& error) {
    return error.what();
  }
}

void RedisClientPool::setPoolSize(int pool_size) {
  if (pool_size < 1) {
    throw std::invalid_argument("invalid Redis pool size " + std::to_string(pool_size) +
                                ": must be 1 or more");
  }
  std::vector<std::unique_ptr<Connection>> surplus;
  {
    std::lock_guard lock(mutex_);
    pool_size_ = static_cast<std::size_t>(pool_size);
    while (!idle_.empty() && in_use_ + idle_.size() > pool_size_) {
      surplus.push_back(std::move(idle_.back()));
      idle_.pop_back();
    }
  }
  available_.notify_all();
  // The surplus connections close here, outside the lock.
}

std::size_t RedisClientPool::poolSize() const {
  std::lock_guard lock(mutex_);
  return pool_size_;
}

std::size_t RedisClientPool::inUse() const {
  std::lock_guard lock(mutex_);
  return in_use_;
}

std::size_t RedisClientPool::idle() const {
  std::lock_guard lock(mutex_);
  return idle_.size();
}

RedisReply RedisClientPool::exchange(const std::vector<std::string>& arguments) {
  const TimePoint deadline = steady_clock::now() + connect_timeout_ + read_timeout_;
  Lease lease = acquire(deadline);
  try {
    RedisReply reply = send(*lease.connection, arguments, deadline);
    lease.keep();
    return reply;
  } catch (const ConnectionFailure& failure) {
    ++errors_;
    if (failure.closed) dropIdle();
    throw;
  }
}

RedisReply RedisClientPool::checked(const std::string& command_name, RedisReply reply) const {
  if (!reply.isError()) return reply;
  const std::string& message = reply.errorMessage();
  if (isTransientErrorCode(errorCode(message))) {
    throw sessions::Unavailable("Redis at " + settings_.address() + " rejected " + command_name +
                                ": " + message);
  }
  throw RedisError("Redis at " + settings_.address() + " returned an error for " + command_name +
                   ": " + message);
}

RedisClientPool::Lease RedisClientPool::acquire(TimePoint deadline) {
  std::unique_ptr<Connection> reused;
  {
    std::unique_lock lock(mutex_);
    // Idle connections count against the size too, so a lent one is either reused or new.
    const auto has_room = [this] { return in_use_ < pool_size_; };
    if (!has_room()) {
      ++waits_;
      if (!available_.wait_until(lock, deadline, has_room)) {
        ++errors_;
        throw sessions::Unavailable("all " + std::to_string(pool_size_) +
                                    " connections to Redis at " + settings_.address() +
                                    " stayed busy for " +
                                    std::to_string((connect_timeout_ + read_timeout_).count()) +
                                    " ms; raise redis.pool_size or look at Redis latency");
      }
    }
    ++in_use_;
    if (!idle_.empty()) {
      reused = std::move(idle_.back());
      idle_.pop_back();
    }
  }

  Lease lease(*this, std::move(reused));
  if (lease.connection && steady_clock::now() - lease.connection->last_used >= kValidateAfterIdle) {
    try {
      const RedisReply pong = send(*lease.connection, {"PING"}, deadline);
      if (pong.kind() != RedisReply::Kind::kStatus) lease.connection.reset();
    } catch (const ConnectionFailure& failure) {
      lease.connection.reset();
      // A server that lets a PING time out would let a new connection time out too.
      if (!failure.closed) {
        ++errors_;
        throw;
      }
      Poco::JSON::Object fields;
      fields.set("address", settings_.address());
      fields.set("error", failure.what());
      log::info("redis", "idle_connections_dropped", fields);
      dropIdle();
    }
  }
  if (!lease.connection) {
    try {
      lease.connection = connect(deadline);
    } catch (const sessions::Unavailable&) {
      ++errors_;
      throw;
    }
  }
  return lease;
}

void RedisClientPool::release(std::unique_ptr<Connection> connection, bool reusable) {
  {
    std::lock_guard lock(mutex_);
    --in_use_;
    // After the pool shrank, connections beyond the new size close on their way back.
    if (reusable && connection && in_use_ + idle_.size() < pool_size_) {
      connection->last_used = steady_clock::now();
      idle_.push_back(std::move(connection));
    }
  }
  available_.notify_one();
  // A connection not taken back is closed here, outside the lock.
}

void RedisClientPool::dropIdle() {
  std::vector<std::unique_ptr<Connection>> dropped;
  std::lock_guard lock(mutex_);
  dropped.swap(idle_);
}

std::unique_ptr<RedisClientPool::Connection> RedisClientPool::connect(TimePoint deadline) {
  const milliseconds wait =
      std::min(connect_timeout_, duration_cast<milliseconds>(deadline - steady_clock::now()));
  if (wait.count() <= 0) {
    throw sessions::Unavailable("timed out before connecting to Redis at " + settings_.address());
  }

  auto connection = std::make_unique<Connection>();
  try {
    connection->socket.connect(Poco::Net::SocketAddress(settings_.host, settings_.port),
                               Poco::Timespan(wait.count() * 1000));
    connection->socket.setNoDelay(true);
    connection->input = std::make_unique<Poco::Redis::RedisInputStream>(connection->socket);
  } catch (const Poco::Exception& error) {
    throw sessions::Unavailable("cannot connect to Redis at " + settings_.address() + " within " +
                                std::to_string(wait.count()) + " ms: " + error.displayText());
  }

  if (!settings_.password.empty()) {
    const RedisReply reply = send(*connection, {"AUTH", settings_.password}, deadline);
    if (reply.isError()) {
      throw sessions::Unavailable(
          "Redis at " + settings_.address() +
          " rejected the password from redis.password: " + errorCode(reply.errorMessage()));
    }
  }
  if (settings_.database != 0) {
    const RedisReply reply =
        send(*connection, {"SELECT", std::to_string(settings_.database)}, deadline);
    if (reply.isError()) {
      throw sessions::Unavailable("Redis at " + settings_.address() + " rejected database " +
                                  std::to_string(settings_.database) +
                                  " from redis.database: " + reply.errorMessage());
    }
  }
  return connection;
}

RedisReply RedisClientPool::send(Connection& connection, const std::vector<std::string>& arguments,
                                 TimePoint deadline) {
  const TimePoint started = steady_clock::now();
  const milliseconds wait =
      std::min(read_timeout_, duration_cast<milliseconds>(deadline - started));
  const std::string& name = arguments.front();
  if (wait.count() <= 0) {
    throw ConnectionFailure(
        "timed out before sending " + name + " to Redis at " + settings_.address(), false);
  }

  Poco::Redis::Array command;
  for (const std::string& argument : arguments) command.add(argument);
  const std::string request = command.toString();
  try {
    const Poco::Timespan timeout(wait.count() * 1000);
    connection.socket.setSendTimeout(timeout);
    connection.socket.setReceiveTimeout(timeout);
    for (std::size_t sent = 0; sent < request.size();) {
      const int count = connection.socket.sendBytes(
          request.data() + sent, static_cast<int>(request.size() - sent), MSG_NOSIGNAL);
      if (count <= 0) throw Poco::IOException("the connection is closed");
      sent += static_cast<std::size_t>(count);
    }

    Poco::Redis::RedisInputStream& input = *connection.input;
    const int marker = input.get();
    if (marker == std::char_traits<char>::eof()) throw Poco::IOException("no reply");
    Poco::Redis::RedisType::Ptr reply =
        Poco::Redis::RedisType::createRedisType(static_cast<char>(marker));
    if (reply.isNull()) throw Poco::IOException("a reply of unknown type");
    reply->read(input);
    if (!input) throw Poco::IOException("a reply cut short");
    return RedisReply::fromPoco(*reply);
  } catch (const std::exception& error) {
    // The stream reports a receive timeout as a generic read failure, so the clock decides.
    const bool timed_out = steady_clock::now() - started >= wait - milliseconds(5);
    if (timed_out) {
      throw ConnectionFailure("Redis at " + settings_.address() + " timed out: no reply to " +
                                  name + " within " + std::to_string(wait.count()) + " ms",
                              false);
    }
    const auto* poco = dynamic_cast<const Poco::Exception*>(&error);
    throw ConnectionFailure("Redis at " + settings_.address() + " dropped the connection during " +
                                name + ": " + (poco ? poco->displayText() : error.what()),
                            true);
  }
}

}  // namespace agora::redis
