// Keeps slow or idle clients from holding the API server's threads: time limits on every
// connection, and eviction of connections that are not being served while others wait.
#pragma once

#include <Poco/Net/StreamSocket.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "platform/metrics/Metrics.h"

namespace agora::http {

/** The time limits of the connections of one server. */
struct ConnectionLimits {
  /** From a connection's accept (or a later request's first byte) to its complete head. */
  std::chrono::milliseconds head_timeout{10'000};
  /** From a complete head to the end of its response: body, handler and response. */
  std::chrono::milliseconds request_timeout{60'000};
  /**
   * How long a connection that is opening or sending a request head keeps its thread while
   * other connections wait.
   */
  std::chrono::milliseconds eviction_grace{250};
  /**
   * How long a connection idle between keep-alive requests keeps its thread while others
   * wait. A proxy reuses its pooled connections within milliseconds under load, and closing one
   * just as the proxy sends on it fails that request, so only connections idle this long go.
   */
  std::chrono::milliseconds idle_grace{1000};
  /** How often the limits are checked. */
  std::chrono::milliseconds check_interval{20};
};

/**
 * Watches the connections that hold a server thread. A connection that overruns its time
 * limit is shut down (the socket, not the TLS session, so the thread serving it reads the end
 * of the stream at once). While connections wait in the server's queue for a thread, the
 * connections that are not being served are shut down to make room: first those idle between
 * keep-alive requests, then those that have been opening or sending a request head the
 * longest. A thousand clients that trickle their request heads a byte at a time then cost
 * the others a fraction of a second instead of every thread. Thread-safe.
 */
class ConnectionGuard {
 public:
  /** The number of accepted connections waiting for a thread. */
  using QueueLength = std::function<int()>;

 private:
  struct Entry;

 public:
  /** One watched connection; destroying it ends the watch (before the socket closes). */
  class Watch {
   public:
    ~Watch();
    Watch(const Watch&) = delete;
    Watch& operator=(const Watch&) = delete;

    /** Waiting for the next request (the first one must arrive within the head timeout). */
    void awaitRequest();
    /** A request has begun: its head must be complete within the head timeout. */
    void readHead();
    /** The head is complete: the response must be sent within the request timeout. */
    void serve();
    /** True when the guard shut the connection down; nothing more can be sent on it. */
    bool wasCut() const;

   private:
    friend class ConnectionGuard;
    Watch(ConnectionGuard& guard, std::list<Entry>::iterator entry)
        : guard_(guard), entry_(entry) {}
    ConnectionGuard& guard_;
    std::list<Entry>::iterator entry_;
  };

  /** Starts the checking thread; `registry` counts what it shuts down under `role`. */
  ConnectionGuard(ConnectionLimits limits, QueueLength queue_length,
                  std::shared_ptr<metrics::Registry> registry, std::string role);
  ~ConnectionGuard();
  ConnectionGuard(const ConnectionGuard&) = delete;
  ConnectionGuard& operator=(const ConnectionGuard&) = delete;

  /** Watches a connection that has just been given a thread; it starts awaiting a request. */
  std::unique_ptr<Watch> watch(const Poco::Net::StreamSocket& socket);
  /** Shuts down every watched connection (the end of a server's stop). */
  void shutdownAll();
  /** Stops the checking thread (the destructor does too); connections are no longer cut. */
  void stop();

 private:
  enum class Phase { kAwaiting, kHead, kServing };
  enum class Reason { kHeadTimeout, kRequestTimeout, kEvicted, kStopping };

  void run();
  /** Between two keep-alive requests, with nothing received of the next one. */
  static bool isIdle(const Entry& entry);
  void cut(Entry& entry, Reason reason);

  ConnectionLimits limits_;
  QueueLength queue_length_;
  std::shared_ptr<metrics::Registry> registry_;
  std::string role_;

  mutable std::mutex mutex_;  // guards everything below
  std::condition_variable wake_;
  std::list<Entry> entries_;
  bool stopping_ = false;
  std::thread checker_;
};

/** The guard's record of one connection. */
struct ConnectionGuard::Entry {
  Poco::Net::StreamSocket socket;  // a copy, so the descriptor stays open while watched
  Phase phase = Phase::kAwaiting;
  std::chrono::steady_clock::time_point phase_started;
  std::optional<std::chrono::steady_clock::time_point> deadline;
  bool first_request = true;
  bool cut = false;
};

}  // namespace agora::http
