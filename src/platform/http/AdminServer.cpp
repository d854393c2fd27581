// The operations port: liveness, readiness and Prometheus metrics over plain HTTP.
#include <Poco/JSON/Object.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/ThreadPool.h>

#include "platform/http/HttpServer.h"
#include "platform/http/Listener.h"
#include "platform/http/ResponseWriter.h"
#include "platform/log/Log.h"

namespace agora::http {
namespace {

constexpr int kAdminThreads = 8;
constexpr const char* kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";
constexpr const char* kJsonContentType = "application/json; charset=utf-8";

struct AdminState {
  ReadinessCheck readiness;
  std::shared_ptr<metrics::Registry> registry;
  std::atomic<bool> draining{false};
};

std::string statusBody(const std::string& status, const std::string& reason = {}) {
  Poco::JSON::Object::Ptr body = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
  body->set("status", status);
  if (!reason.empty()) body->set("reason", reason);
  return toJsonText(body);
}

/** Empty when ready, else why not; a throwing check counts as not ready. */
std::string readinessProblem(AdminState& state) {
  if (state.draining) return "shutting down";
  if (!state.readiness) return {};
  try {
    return state.readiness();
  } catch (const std::exception& error) {
    Poco::JSON::Object fields;
    fields.set("error", std::string(error.what()).substr(0, 300));
    log::warn("admin", "readiness_check_failed", fields);
    return std::string("readiness check failed: ") + error.what();
  }
}

class AdminHandler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit AdminHandler(std::shared_ptr<AdminState> state) : state_(std::move(state)) {}

  void handleRequest(Poco::Net::HTTPServerRequest& request,
                     Poco::Net::HTTPServerResponse& response) override {
    try {
      respond(request, response);
    } catch (const std::exception& error) {
      Poco::JSON::Object fields;
      fields.set("path", request.getURI().substr(0, 200));
      fields.set("error", std::string(error.what()).substr(0, 300));
      log::error("admin", "unhandled_exception", fields);
      if (!response.sent()) sendBody(response, 500, kJsonContentType, statusBody("error"));
    }
  }

 private:
  std::shared_ptr<AdminState> state_;

  void respond(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    response.set("X-Content-Type-Options", "nosniff");
    response.set("Cache-Control", "no-store");
    const std::string& uri = request.getURI();
    std::string path = uri.substr(0, uri.find('?'));
    bool known = path == "/healthz" || path == "/readyz" || path == "/metrics";
    if (!known) {
      sendBody(response, 404, kJsonContentType, statusBody("not found"));
      return;
    }
    if (request.getMethod() != "GET" && request.getMethod() != "HEAD") {
      response.set("Allow", "GET, HEAD");
      sendBody(response, 405, kJsonContentType, statusBody("method not allowed"));
      return;
    }

    if (path == "/healthz") {
      sendBody(response, 200, kJsonContentType, statusBody("ok"));
    } else if (path == "/readyz") {
      std::string problem = readinessProblem(*state_);
      if (problem.empty()) {
        sendBody(response, 200, kJsonContentType, statusBody("ready"));
      } else {
        sendBody(response, 503, kJsonContentType, statusBody("not ready", problem));
      }
    } else {
      sendBody(response, 200, kMetricsContentType, state_->registry->render());
    }
  }
};

class AdminHandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit AdminHandlerFactory(std::shared_ptr<AdminState> state) : state_(std::move(state)) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(
      const Poco::Net::HTTPServerRequest&) override {
    return new AdminHandler(state_);
  }

 private:
  std::shared_ptr<AdminState> state_;
};

}  // namespace

struct AdminServer::Impl {
  std::string bind_address;
  int requested_port = 0;
  int port = 0;
  std::shared_ptr<AdminState> state = std::make_shared<AdminState>();
  std::unique_ptr<Poco::ThreadPool> threads;
  std::unique_ptr<Poco::Net::HTTPServer> server;
};

AdminServer::AdminServer(std::string bind_address, int port, ReadinessCheck readiness,
                         std::shared_ptr<metrics::Registry> registry)
    : impl_(std::make_unique<Impl>()) {
  if (!registry) throw std::invalid_argument("AdminServer needs a metrics registry");
  impl_->bind_address = std::move(bind_address);
  impl_->requested_port = port;
  impl_->state->readiness = std::move(readiness);
  impl_->state->registry = std::move(registry);
}

AdminServer::~AdminServer() {
  stop();
}

void AdminServer::start() {
  if (impl_->server) return;
  Poco::Net::ServerSocket socket = openListener(impl_->bind_address, impl_->requested_port, 64);
  impl_->port = socket.address().port();

  auto params = Poco::makeAuto<Poco::Net::HTTPServerParams>();
  params->setMaxThreads(kAdminThreads);
  params->setMaxQueued(64);
  params->setKeepAlive(true);
  params->setKeepAliveTimeout(Poco::Timespan(5, 0));
  params->setTimeout(Poco::Timespan(10, 0));
  impl_->threads = std::make_unique<Poco::ThreadPool>(1, kAdminThreads);
  impl_->server = std::make_unique<Poco::Net::HTTPServer>(new AdminHandlerFactory(impl_->state),
                                                          *impl_->threads, socket, params);
  impl_->server->start();
}

void AdminServer::stop() {
  if (!impl_->server) return;
  impl_->server->stopAll(true);
  impl_->threads->joinAll();
  impl_->server.reset();
}

int AdminServer::port() const {
  return impl_->port;
}

void AdminServer::markDraining() {
  impl_->state->draining = true;
}

}  // namespace agora::http
