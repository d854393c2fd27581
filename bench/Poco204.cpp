// poco-204: the same API server a role runs (platform/http HttpServer: request id, security
// headers, metrics, one JSON log line per request) with one route that answers 204 and does
// nothing else. The bench measures GET /internal/auth/verify against it, so the ratio shows
// what the token and session checks cost on top of the server itself.
//
//   poco-204 --port N [--threads N]     serves GET /bench/204 on 127.0.0.1:N until SIGTERM
#include <csignal>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>

#include "platform/http/HttpServer.h"
#include "platform/http/Router.h"
#include "platform/metrics/Metrics.h"

namespace {

/** Rejects every token: the one route is public, so nothing ever asks. */
class NoTokens : public agora::http::Authenticator {
 public:
  agora::http::AuthenticationResult authenticate(const std::string&) override {
    return {std::nullopt, "poco-204 accepts no tokens"};
  }
};

int run(int port, int threads) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  // Blocked before the server's threads start, so only sigwait() below receives them.
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  agora::http::Router router;
  router.add({"GET", "/bench/204", agora::http::Access::kPublic,
              [](agora::http::Request&) { return agora::http::Response::noContent(); }});

  agora::http::ServerSettings settings;
  settings.role = "poco-204";
  settings.port = port;
  settings.max_threads = threads;
  agora::http::HttpServer server(settings, router, std::make_shared<NoTokens>(),
                                 std::make_shared<agora::metrics::Registry>());
  server.start();
  std::cerr << "poco-204: serving GET /bench/204 on 127.0.0.1:" << server.port() << "\n";

  int received = 0;
  sigwait(&signals, &received);
  server.stop(0);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  int port = -1;
  int threads = 64;  // the roles' http.max_threads default
  try {
    for (int i = 1; i + 1 < argc; i += 2) {
      const std::string flag = argv[i];
      if (flag == "--port") {
        port = std::stoi(argv[i + 1]);
      } else if (flag == "--threads") {
        threads = std::stoi(argv[i + 1]);
      } else {
        throw std::invalid_argument("unknown option " + flag);
      }
    }
    if (port < 0 || port > 65535 || argc % 2 == 0) {
      throw std::invalid_argument("usage: poco-204 --port N [--threads N]");
    }
    return run(port, threads);
  } catch (const std::exception& error) {
    std::cerr << "poco-204: " << error.what() << "\n";
    return 2;
  }
}
