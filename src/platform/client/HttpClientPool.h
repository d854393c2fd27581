// A bounded pool of HTTP/1.1 keep-alive connections to one other role.
#pragma once

#include <Poco/Net/HTTPClientSession.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "platform/client/ServiceEndpoint.h"

namespace agora::client {

/** Timeouts and size of a pool. */
struct PoolSettings {
  std::chrono::milliseconds connect_timeout{500};
  std::chrono::milliseconds read_timeout{3000};
  std::size_t max_connections = 32;
  /** An idle connection older than this is reopened before use. */
  // NOTE: this must stay below the callee's http.keep_alive_timeout_seconds (10 s by default).
  // A connection the callee closed first fails one call that is not repeated.
  std::chrono::milliseconds idle_timeout{4000};
};

/** Thrown by acquire() when every connection stayed busy for the whole connect timeout. */
class PoolExhausted : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/**
 * Keeps up to `max_connections` connections to one endpoint open between calls. A connection
 * is leased to one call at a time. A call that failed discards its connection instead of
 * returning it, so a broken socket is not handed out again. Thread-safe.
 */
class HttpClientPool {
 public:
  /** A connection lent to one call; returned to the pool when destroyed unless discarded. */
  class Lease {
   public:
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    ~Lease();

    Poco::Net::HTTPClientSession& session() { return *session_; }
    /** Closes the connection and frees its slot: call after any error on it. */
    void discard();
    /** True when the connection served an earlier call, so the server may have closed it. */
    bool reused() const { return reused_; }

   private:
    friend class HttpClientPool;
    Lease(HttpClientPool* pool, std::unique_ptr<Poco::Net::HTTPClientSession> session, bool reused);

    HttpClientPool* pool_;
    std::unique_ptr<Poco::Net::HTTPClientSession> session_;
    bool reused_;
  };

  HttpClientPool(ServiceEndpoint endpoint, PoolSettings settings);
  ~HttpClientPool();
  HttpClientPool(const HttpClientPool&) = delete;
  HttpClientPool& operator=(const HttpClientPool&) = delete;

  /**
   * Lends an idle connection, or a new one (it connects on first use, within the connect
   * timeout). Waits up to the connect timeout for a free slot, then throws PoolExhausted.
   * The pool must outlive its leases.
   */
  Lease acquire();

  /**
   * Like acquire(), but always lends a new connection: when every slot is taken, an idle
   * connection is closed to make room. For repeating a call whose kept-alive connection the
   * server had closed, since the other idle ones may be closed too.
   */
  Lease acquireNew();

  /** Sets the read timeout of a leased connection, e.g. shorter for the last retry. */
  void setReadTimeout(Lease& lease, std::chrono::milliseconds timeout) const;

  const ServiceEndpoint& endpoint() const { return endpoint_; }
  /** Connections open now, leased or idle. */
  std::size_t openConnections() const;
  std::size_t idleConnections() const;

 private:
  Lease acquire(bool reuse_idle);
  std::unique_ptr<Poco::Net::HTTPClientSession> newSession() const;
  void giveBack(std::unique_ptr<Poco::Net::HTTPClientSession> session, bool reusable);

  ServiceEndpoint endpoint_;
  PoolSettings settings_;
  mutable std::mutex mutex_;
  std::condition_variable slot_freed_;
  std::vector<std::unique_ptr<Poco::Net::HTTPClientSession>> idle_;
  std::size_t open_ = 0;
};

}  // namespace agora::client
