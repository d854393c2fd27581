// The API server: a Poco HTTP(S) server with its own thread pool around the request pipeline.
#include "platform/http/HttpServer.h"

#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/TCPServer.h>
#include <Poco/ThreadPool.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "platform/http/ConnectionGuard.h"
#include "platform/http/Listener.h"
#include "platform/http/RequestPipeline.h"
#include "platform/http/ServerConnection.h"

namespace agora::http {
namespace {

constexpr int kBacklog = 256;
constexpr int kMaxKeepAliveRequests = 1000;
/** The maximum time one read or write on a connection may block. */
constexpr int kSocketTimeoutSeconds = 30;

}  // namespace

struct HttpServer::Impl {
  ServerSettings settings;
  std::shared_ptr<RequestPipeline> pipeline;
  std::shared_ptr<std::atomic<bool>> draining = std::make_shared<std::atomic<bool>>(false);
  // A second handle on the server's socket, to close it when stopping: Poco's stop only
  // stops accepting, and connections would otherwise queue unanswered in the backlog.
  Poco::Net::ServerSocket listener;
  std::unique_ptr<Poco::ThreadPool> threads;
  std::shared_ptr<ConnectionGuard> guard;
  std::unique_ptr<Poco::Net::TCPServer> server;
  std::atomic<Poco::Net::TCPServer*> serving{nullptr};  // `server` for the guard's thread
  int port = 0;
  bool running = false;
};

HttpServer::HttpServer(ServerSettings settings, const Router& router,
                       std::shared_ptr<Authenticator> authenticator,
                       std::shared_ptr<metrics::Registry> registry)
    : impl_(std::make_unique<Impl>()) {
  if (!authenticator || !registry) {
    throw std::invalid_argument("HttpServer needs an authenticator and a metrics registry");
  }
  impl_->settings = settings;
  impl_->pipeline = std::make_shared<RequestPipeline>(
      std::move(settings), router, std::move(authenticator), std::move(registry));
}

HttpServer::~HttpServer() {
  if (impl_->running) stop(0);
}

void HttpServer::start() {
  if (impl_->running) return;
  const ServerSettings& settings = impl_->settings;

  Poco::Net::Context::Ptr tls;
  if (settings.tls) {
    tls = makeServerTlsContext(settings.tls_certificate_file, settings.tls_private_key_file);
  }
  Poco::Net::ServerSocket socket =
      openListener(settings.bind_address, settings.port, kBacklog, tls);
  impl_->port = socket.address().port();
  impl_->listener = socket;

  auto params = Poco::makeAuto<Poco::Net::HTTPServerParams>();
  params->setMaxQueued(settings.max_queued);
  params->setKeepAlive(true);
  params->setKeepAliveTimeout(Poco::Timespan(settings.keep_alive_timeout_seconds, 0));
  params->setMaxKeepAliveRequests(kMaxKeepAliveRequests);
  params->setTimeout(Poco::Timespan(kSocketTimeoutSeconds, 0));

  // Poco serves each keep-alive connection on one thread until it closes, so the pool
  // is sized to the configured connection peak rather than to the CPU count.
  int max_threads = std::max(2, settings.max_threads);
  params->setMaxThreads(max_threads);
  impl_->threads = std::make_unique<Poco::ThreadPool>(2, max_threads);

  ConnectionLimits limits;
  limits.head_timeout = std::chrono::seconds(settings.head_timeout_seconds);
  limits.request_timeout = std::chrono::seconds(settings.request_timeout_seconds);
  Impl* impl = impl_.get();
  // stop() stops the guard before it destroys the server, so the server whose queue length the
  // guard reads is always alive.
  impl_->guard = std::make_shared<ConnectionGuard>(
      limits,
      [impl] {
        Poco::Net::TCPServer* server = impl->serving.load();
        // While a thread is free a queued connection is picked up at once, so only a queue
        // behind busy threads counts as waiting.
        if (server == nullptr || server->currentThreads() < server->maxThreads()) return 0;
        return server->queuedConnections();
      },
      impl_->pipeline->registry(), settings.role);
  impl_->server = std::make_unique<Poco::Net::TCPServer>(
      new ServerConnectionFactory(params, impl_->pipeline, impl_->guard, impl_->draining),
      *impl_->threads, socket, params);
  impl_->serving.store(impl_->server.get());
  impl_->server->start();
  impl_->running = true;
}

void HttpServer::drain() {
  impl_->draining->store(true);
}

void HttpServer::stop(int grace_seconds) {
  if (!impl_->running) return;
  impl_->running = false;
  drain();
  // No more evictions: once stopped, the server's queue contains its threads' stop notices
  // rather than waiting connections, and the open connections finish within the grace period.
  impl_->serving.store(nullptr);

  // A refused connection makes a client or proxy try another replica right away. A connection
  // accepted but never served would fail only after the request was sent.
  impl_->server->stop();
  impl_->listener.close();

  // Open connections go on serving, each response now closing its connection, until the
  // clients have closed them all or the grace period is over. Closing an idle keep-alive
  // connection from this side could cross a request the client is sending on it, and that
  // request would fail without a response. Clients close idle connections themselves after
  // their keep-alive timeout (the edge's nginx after 8 s, within the default 10 s grace).
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(grace_seconds);
  while ((impl_->pipeline->inFlight() > 0 || impl_->server->currentConnections() > 0) &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  // Shuts down what is left after the grace period: idle connections and slow requests.
  impl_->guard->shutdownAll();
  // A handler still running past the grace period is waited for here.
  impl_->threads->joinAll();
  impl_->guard->stop();
  impl_->server.reset();
  impl_->guard.reset();
}

int HttpServer::port() const {
  return impl_->port;
}

}  // namespace agora::http
