// A bounded pool of HTTP/1.1 keep-alive connections to one other role.
#include "platform/client/HttpClientPool.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Timespan.h>

namespace agora::client {
namespace {

Poco::Timespan toTimespan(std::chrono::milliseconds duration) {
  return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(duration.count()) * 1000);
}

Poco::Net::Context::Ptr clientTlsContext() {
  // Peers are verified against the system's certificate authorities.
  static Poco::Net::Context::Ptr context = [] {
    Poco::Net::initializeSSL();
    return Poco::Net::Context::Ptr(new Poco::Net::Context(
        Poco::Net::Context::TLS_CLIENT_USE, "", Poco::Net::Context::VERIFY_RELAXED, 9, true));
  }();
  return context;
}

}  // namespace

HttpClientPool::Lease::Lease(HttpClientPool* pool,
                             std::unique_ptr<Poco::Net::HTTPClientSession> session, bool reused)
    : pool_(pool), session_(std::move(session)), reused_(reused) {}

HttpClientPool::Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_), session_(std::move(other.session_)), reused_(other.reused_) {
  other.pool_ = nullptr;
}

HttpClientPool::Lease::~Lease() {
  if (pool_ != nullptr && session_) pool_->giveBack(std::move(session_), true);
}

void HttpClientPool::Lease::discard() {
  if (pool_ != nullptr && session_) pool_->giveBack(std::move(session_), false);
}

HttpClientPool::HttpClientPool(ServiceEndpoint endpoint, PoolSettings settings)
    : endpoint_(std::move(endpoint)), settings_(settings) {
  if (settings_.max_connections == 0) settings_.max_connections = 1;
}

HttpClientPool::~HttpClientPool() = default;

HttpClientPool::Lease HttpClientPool::acquire() {
  return acquire(true);
}

HttpClientPool::Lease HttpClientPool::acquireNew() {
  return acquire(false);
}

HttpClientPool::Lease HttpClientPool::acquire(bool reuse_idle) {
  std::unique_lock lock(mutex_);
  bool free = slot_freed_.wait_for(lock, settings_.connect_timeout, [this] {
    return !idle_.empty() || open_ < settings_.max_connections;
  });
  if (!free) {
    throw PoolExhausted("all " + std::to_string(settings_.max_connections) + " connections to " +
                        endpoint_.url() + " are busy");
  }
  if (!idle_.empty() && reuse_idle) {
    std::unique_ptr<Poco::Net::HTTPClientSession> session = std::move(idle_.back());
    idle_.pop_back();
    session->setTimeout(toTimespan(settings_.connect_timeout), toTimespan(settings_.read_timeout),
                        toTimespan(settings_.read_timeout));
    return Lease(this, std::move(session), true);
  }
  std::unique_ptr<Poco::Net::HTTPClientSession> closing;
  if (open_ < settings_.max_connections) {
    ++open_;
  } else {
    // Every slot is taken and one is idle: its slot goes to the new connection.
    closing = std::move(idle_.back());
    idle_.pop_back();
  }
  lock.unlock();
  closing.reset();
  try {
    return Lease(this, newSession(), false);
  } catch (...) {
    giveBack(nullptr, false);
    throw;
  }
}

void HttpClientPool::setReadTimeout(Lease& lease, std::chrono::milliseconds timeout) const {
  lease.session().setTimeout(toTimespan(settings_.connect_timeout), toTimespan(timeout),
                             toTimespan(timeout));
}

std::size_t HttpClientPool::openConnections() const {
  std::lock_guard lock(mutex_);
  return open_;
}

std::size_t HttpClientPool::idleConnections() const {
  std::lock_guard lock(mutex_);
  return idle_.size();
}

std::unique_ptr<Poco::Net::HTTPClientSession> HttpClientPool::newSession() const {
  std::unique_ptr<Poco::Net::HTTPClientSession> session;
  auto port = static_cast<Poco::UInt16>(endpoint_.port);
  if (endpoint_.secure()) {
    session =
        std::make_unique<Poco::Net::HTTPSClientSession>(endpoint_.host, port, clientTlsContext());
  } else {
    session = std::make_unique<Poco::Net::HTTPClientSession>(endpoint_.host, port);
  }
  // Without this Poco sends `Connection: close` and every call pays for a new connection.
  session->setKeepAlive(true);
  session->setKeepAliveTimeout(toTimespan(settings_.idle_timeout));
  session->setTimeout(toTimespan(settings_.connect_timeout), toTimespan(settings_.read_timeout),
                      toTimespan(settings_.read_timeout));
  return session;
}

void HttpClientPool::giveBack(std::unique_ptr<Poco::Net::HTTPClientSession> session,
                              bool reusable) {
  std::unique_ptr<Poco::Net::HTTPClientSession> closing;
  {
    std::lock_guard lock(mutex_);
    if (session && reusable) {
      idle_.push_back(std::move(session));
    } else {
      closing = std::move(session);
      --open_;
    }
  }
  slot_freed_.notify_one();
  // The socket closes outside the lock.
  closing.reset();
}

}  // namespace agora::client
