// The API server: a Poco HTTP(S) server with its own thread pool around the request pipeline.
#include "platform/http/HttpServer.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/ThreadPool.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "platform/http/Listener.h"
#include "platform/http/RequestPipeline.h"

namespace agora::http {
namespace {

constexpr int kBacklog = 256;
constexpr int kMaxKeepAliveRequests = 1000;
/** How long a client may take to send a request once connected (limits slow senders). */
constexpr int kReceiveTimeoutSeconds = 30;

class PipelineHandler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit PipelineHandler(RequestPipeline& pipeline) : pipeline_(pipeline) {}
  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
    pipeline_.handle(request, response);
  }

 private:
  RequestPipeline& pipeline_;
};

class PipelineHandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit PipelineHandlerFactory(std::shared_ptr<RequestPipeline> pipeline)
      : pipeline_(std::move(pipeline)) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new PipelineHandler(*pipeline_);
  }

 private:
  std::shared_ptr<RequestPipeline> pipeline_;
};

}  // namespace

struct HttpServer::Impl {
  ServerSettings settings;
  std::shared_ptr<RequestPipeline> pipeline;
  std::unique_ptr<Poco::ThreadPool> threads;
  std::unique_ptr<Poco::Net::HTTPServer> server;
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

  auto params = Poco::makeAuto<Poco::Net::HTTPServerParams>();
  params->setMaxQueued(settings.max_queued);
  params->setKeepAlive(true);
  params->setKeepAliveTimeout(Poco::Timespan(settings.keep_alive_timeout_seconds, 0));
  params->setMaxKeepAliveRequests(kMaxKeepAliveRequests);
  params->setTimeout(Poco::Timespan(kReceiveTimeoutSeconds, 0));
  // TODO: Poco reads the request head itself and rejects more than 100 header fields, names
  // over 256 bytes and values over 8 KiB with a bare 400 (no request id, no security headers)
  // instead of a 431 problem.

  // Poco serves each keep-alive connection on one thread until it closes, so the pool
  // is sized to the configured connection peak rather than to the CPU count.
  int max_threads = std::max(2, settings.max_threads);
  params->setMaxThreads(max_threads);
  impl_->threads = std::make_unique<Poco::ThreadPool>(2, max_threads);
  impl_->server = std::make_unique<Poco::Net::HTTPServer>(
      new PipelineHandlerFactory(impl_->pipeline), *impl_->threads, socket, params);
  impl_->server->start();
  impl_->running = true;
}

void HttpServer::stop(int grace_seconds) {
  if (!impl_->running) return;
  impl_->running = false;

  impl_->server->stopAll(false);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(grace_seconds);
  while (impl_->pipeline->inFlight() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  // Idle keep-alive connections would otherwise linger until their timeout.
  impl_->server->stopAll(true);
  // A handler still running past the grace period is waited for here.
  impl_->threads->joinAll();
  impl_->server.reset();
}

int HttpServer::port() const {
  return impl_->port;
}

}  // namespace agora::http
