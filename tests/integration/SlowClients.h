// Slow clients for the attack tests: many connections that trickle bytes or sit idle, and a
// bystander timed while they do. Header-only, like RawClient.h.
#pragma once

#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "RawClient.h"

namespace agora::testing::raw {

/** Returns the first bytes a TLS client sends (its ClientHello), for clients that trickle them. */
inline std::string clientHello() {
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> context(SSL_CTX_new(TLS_client_method()),
                                                            SSL_CTX_free);
  SSL* ssl = SSL_new(context.get());
  BIO* incoming = BIO_new(BIO_s_mem());
  BIO* outgoing = BIO_new(BIO_s_mem());
  SSL_set_bio(ssl, incoming, outgoing);
  SSL_set_tlsext_host_name(ssl, "localhost");
  SSL_connect(ssl);  // stops to wait for the server's hello, with its own hello written
  std::string hello(static_cast<std::size_t>(BIO_ctrl_pending(outgoing)), '\0');
  BIO_read(outgoing, hello.data(), static_cast<int>(hello.size()));
  SSL_free(ssl);
  return hello;
}

/**
 * Many connections that each send `payload` one byte per step and never finish it. Owns the
 * sockets; their TLS state, if any, was set up before (see openTls).
 */
class Trickle {
 public:
  Trickle() = default;
  Trickle(const Trickle&) = delete;
  Trickle& operator=(const Trickle&) = delete;
  ~Trickle() {
    for (auto& client : clients_) {
      if (client.ssl) SSL_free(client.ssl);
      if (client.fd >= 0) close(client.fd);
    }
  }

  /** Opens `count` plain TCP connections that will trickle `payload` (raw bytes). */
  int openPlain(int port, int count, const std::string& payload) {
    int opened = 0;
    for (int i = 0; i < count; ++i) {
      const int fd = connectTcp(port);
      if (fd < 0) continue;
      fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
      clients_.push_back({fd, nullptr, payload, 0, true});
      ++opened;
    }
    return opened;
  }

  /**
   * Opens `count` TLS connections and shakes hands on each, then they will trickle `payload`
   * through TLS. Returns how many completed the handshake.
   */
  int openTls(int port, int count, const std::string& payload) {
    static SSL_CTX* context = [] {
      SSL_CTX* created = SSL_CTX_new(TLS_client_method());
      SSL_CTX_set_verify(created, SSL_VERIFY_NONE, nullptr);
      return created;
    }();
    int opened = 0;
    for (int i = 0; i < count; ++i) {
      const int fd = connectTcp(port);
      if (fd < 0) continue;
      timeval timeout{5, 0};
      setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
      SSL* ssl = SSL_new(context);
      SSL_set_fd(ssl, fd);
      SSL_set_tlsext_host_name(ssl, "localhost");
      if (SSL_connect(ssl) != 1) {
        SSL_free(ssl);
        close(fd);
        continue;
      }
      clients_.push_back({fd, ssl, payload, 0, true});
      ++opened;
    }
    return opened;
  }

  /**
   * Opens `count` TLS connections that each send `request` and read its response, then stay
   * open and silent (idle keep-alive clients). Returns how many got their response.
   */
  int openIdle(int port, int count, const std::string& request) {
    int opened = 0;
    for (int i = 0; i < count; ++i) {
      auto connection = Connection::open(port, true);
      if (!connection || !connection->send(request) || !connection->readResponse()) continue;
      idle_.push_back(std::move(connection));
      ++opened;
    }
    return opened;
  }

  /** Sends the next byte on every connection still open; returns how many are still open. */
  int step() {
    int alive = 0;
    for (const auto& connection : idle_) alive += peerClosed(connection->fd()) ? 0 : 1;
    for (auto& client : clients_) {
      if (!client.alive) continue;
      if (peerClosed(client.fd)) {
        client.alive = false;
        continue;
      }
      if (client.sent < client.payload.size()) {
        const char* next = client.payload.data() + client.sent;
        const int sent = client.ssl ? SSL_write(client.ssl, next, 1)
                                    : static_cast<int>(::send(client.fd, next, 1, MSG_NOSIGNAL));
        if (sent == 1) {
          ++client.sent;
        } else if (client.ssl || errno != EAGAIN) {
          client.alive = false;
          continue;
        }
      }
      ++alive;
    }
    return alive;
  }

  std::size_t size() const { return clients_.size() + idle_.size(); }

 private:
  struct Client {
    int fd;
    SSL* ssl;
    std::string payload;
    std::size_t sent;
    bool alive;
  };

  /** True when the server closed the connection (end of stream or reset), read or not. */
  static bool peerClosed(int fd) {
    pollfd entry{fd, POLLRDHUP, 0};
    if (poll(&entry, 1, 0) <= 0) return false;
    return (entry.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0;
  }

  std::vector<Client> clients_;
  std::vector<std::unique_ptr<Connection>> idle_;
};

/**
 * Returns the maximum time a bystander's request (a new TLS connection included) may take while
 * slow clients besiege the server: 3 s, or 8 s in a sanitizer build, which runs several times
 * slower.
 */
inline std::chrono::milliseconds bystanderBound() {
  const char* sanitizer = std::getenv("ASAN_OPTIONS");
  return std::chrono::milliseconds(sanitizer && *sanitizer ? 8000 : 3000);
}

/** What a bystander saw while the slow clients held their connections. */
struct SiegeReport {
  int requests = 0;
  int failures = 0;
  std::chrono::milliseconds slowest{0};
  int still_open = 0;  // slow connections still open at the end
};

/**
 * For `duration`, sends the next byte on every connection of `trickle` every 250 ms while
 * another thread calls `bystander` (true when its request was served) in a loop with short
 * pauses, timing each call.
 */
inline SiegeReport besiege(Trickle& trickle, std::chrono::milliseconds duration,
                           const std::function<bool()>& bystander) {
  using Clock = std::chrono::steady_clock;
  SiegeReport report;
  std::atomic<bool> done{false};
  auto watcher = std::async(std::launch::async, [&] {
    // The slow clients settle first: the server has just been handed a thousand connections.
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    while (!done.load()) {
      const auto started = Clock::now();
      const bool served = bystander();
      const auto took =
          std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
      ++report.requests;
      if (!served) ++report.failures;
      report.slowest = std::max(report.slowest, took);
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
  });
  const auto end = Clock::now() + duration;
  while (Clock::now() < end) {
    report.still_open = trickle.step();
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  done.store(true);
  watcher.get();
  report.still_open = trickle.step();
  return report;
}

}  // namespace agora::testing::raw
