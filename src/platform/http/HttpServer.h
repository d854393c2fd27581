// The HTTP(S) server of a process: the request pipeline around the router, and the admin port.
#pragma once

#include "platform/http/Authenticator.h"
#include "platform/http/Router.h"
#include "platform/metrics/Metrics.h"

#include <atomic>
#include <functional>
#include <memory>
#include <string>

namespace agora::http {

/** Settings of the API listener. */
struct ServerSettings {
  std::string role;                 // for logs and metrics labels, e.g. "all" or "catalog"
  std::string bind_address = "127.0.0.1";
  int port = 8443;                  // 0 picks a free port (see HttpServer::port())
  bool tls = false;                 // true for the built-in edge
  std::string tls_certificate_file;
  std::string tls_private_key_file;
  int max_threads = 64;             // above the peak number of keep-alive connections
  int max_queued = 256;
  std::size_t max_body_bytes = 1024 * 1024;
  int keep_alive_timeout_seconds = 10;
  int head_timeout_seconds = 10;     // accept (or first byte) to complete request head
  int request_timeout_seconds = 60;  // complete head to the end of the response
  bool trust_forwarded_for = false; // true behind nginx: client ip from X-Forwarded-For
  std::string content_security_policy = "default-src 'none'; frame-ancestors 'none'";
};

/**
 * Serves the routes of a Router. For every request it assigns the request id, checks body
 * size and media type, authenticates by the route's Access (through the Authenticator),
 * runs the handler, renders Problem and unexpected errors as problem details, adds the
 * security headers and writes one JSON log line and the request metrics. Heads over the
 * limits or with ambiguous framing get problem details too (ServerConnection), and slow or
 * idle connections lose their thread when others wait for one (ConnectionGuard).
 */
class HttpServer {
 public:
  HttpServer(ServerSettings settings, const Router& router,
             std::shared_ptr<Authenticator> authenticator,
             std::shared_ptr<metrics::Registry> registry);
  ~HttpServer();

  /** Binds (failing loudly if the port is taken) and starts serving. */
  void start();
  /**
   * Starts draining: the server keeps serving, but every response from now on carries
   * `Connection: close`, so keep-alive clients (nginx) reconnect elsewhere.
   */
  void drain();
  /**
   * Stops accepting and closes the listening socket (new connections are refused at once),
   * then waits up to `grace_seconds` for in-flight requests to finish and for clients to close
   * their connections (every response now says `Connection: close`), then closes the rest.
   */
  void stop(int grace_seconds);
  /** The bound port (useful when the settings asked for 0). */
  int port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/** Readiness as the admin port reports it: empty when ready, else the reason. */
using ReadinessCheck = std::function<std::string()>;

/** Serves /healthz, /readyz and /metrics on a separate plain-HTTP port. */
class AdminServer {
 public:
  AdminServer(std::string bind_address, int port, ReadinessCheck readiness,
              std::shared_ptr<metrics::Registry> registry);
  ~AdminServer();
  void start();
  void stop();
  int port() const;
  /** From now on /readyz returns 503 "shutting down". */
  void markDraining();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace agora::http
