// Raw HTTP/1.1 over TLS or TCP for the attack tests: the bytes go out exactly as written, so a
// test can send what no well-behaved client library would (bad framing, huge heads, slow heads).
// Header-only, for the integration tests and, through a relative include, the end-to-end tests;
// SlowClients.h and TlsHello.h build on it.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace agora::testing::raw {

/** Raises this process's soft limit on open files to at least `needed` (up to the hard limit). */
inline void raiseOpenFileLimit(rlim_t needed) {
  rlimit limit{};
  ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &limit), 0);
  if (limit.rlim_cur >= needed) return;
  ASSERT_TRUE(limit.rlim_max == RLIM_INFINITY || limit.rlim_max >= needed)
      << "the hard limit on open files is " << limit.rlim_max << ", below the " << needed
      << " this test needs: raise it with ulimit -Hn";
  limit.rlim_cur = needed;
  ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &limit), 0);
}

/** Connects a TCP socket to 127.0.0.1:`port`, from `source` (another loopback address) if set. */
inline int connectTcp(int port, const std::string& source = {}) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (!source.empty()) {
    sockaddr_in local{};
    local.sin_family = AF_INET;
    inet_pton(AF_INET, source.c_str(), &local.sin_addr);
    if (bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
      close(fd);
      return -1;
    }
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

/** One response as read from the wire. */
struct Response {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // lower-case names, raw values
  std::string head;                                          // the status line and headers
  std::string body;

  std::string header(const std::string& name) const {
    for (const auto& [key, value] : headers) {
      if (key == name) return value;
    }
    return {};
  }
  std::size_t count(const std::string& name) const {
    std::size_t found = 0;
    for (const auto& entry : headers) found += entry.first == name ? 1 : 0;
    return found;
  }
};

/**
 * Parses the response at the start of `bytes` (Content-Length or chunked body) and sets `used`
 * to its length. Returns nullopt while it is incomplete or when `bytes` contains no response.
 */
inline std::optional<Response> parseResponse(std::string_view bytes, std::size_t& used) {
  const auto head_end = bytes.find("\r\n\r\n");
  if (head_end == std::string_view::npos) return std::nullopt;
  Response response;
  response.head = std::string(bytes.substr(0, head_end));
  if (response.head.rfind("HTTP/1.", 0) != 0 || response.head.size() < 12) return std::nullopt;
  response.status = std::atoi(response.head.substr(9, 3).c_str());

  bool chunked = false;
  std::size_t length = 0;
  std::size_t line_start = response.head.find("\r\n");
  while (line_start != std::string::npos) {
    const std::size_t line_end = response.head.find("\r\n", line_start + 2);
    const std::string line = response.head.substr(line_start + 2, line_end == std::string::npos
                                                                      ? std::string::npos
                                                                      : line_end - line_start - 2);
    const auto colon = line.find(':');
    if (colon != std::string::npos) {
      std::string name = line.substr(0, colon);
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      if (name == "content-length") length = std::stoul(value);
      if (name == "transfer-encoding" && value == "chunked") chunked = true;
      response.headers.emplace_back(name, value);
    }
    line_start = line_end;
  }

  std::size_t position = head_end + 4;
  if (!chunked) {
    if (bytes.size() < position + length) return std::nullopt;
    response.body = std::string(bytes.substr(position, length));
    used = position + length;
    return response;
  }
  while (true) {
    const auto size_end = bytes.find("\r\n", position);
    if (size_end == std::string_view::npos) return std::nullopt;
    const std::size_t size =
        std::stoul(std::string(bytes.substr(position, size_end - position)), nullptr, 16);
    if (bytes.size() < size_end + 2 + size + 2) return std::nullopt;
    response.body += bytes.substr(size_end + 2, size);
    position = size_end + 2 + size + 2;
    if (size == 0) break;
  }
  used = position;
  return response;
}

/** Splits `bytes` into the responses it contains, in order, up to an incomplete one. */
inline std::vector<Response> parseResponses(std::string_view bytes) {
  std::vector<Response> responses;
  std::size_t used = 0;
  while (auto response = parseResponse(bytes, used)) {
    responses.push_back(std::move(*response));
    bytes.remove_prefix(used);
  }
  return responses;
}

/** An HTTP/1.1 connection over TLS (any certificate accepted) or plain TCP. */
class Connection {
 public:
  /** Connects (and shakes hands for TLS); nullptr when either fails. */
  static std::unique_ptr<Connection> open(int port, bool tls, const std::string& source = {}) {
    const int fd = connectTcp(port, source);
    if (fd < 0) return nullptr;
    std::unique_ptr<Connection> connection(new Connection(fd));
    if (tls) {
      connection->ssl_ = SSL_new(clientContext());
      SSL_set_fd(connection->ssl_, fd);
      SSL_set_tlsext_host_name(connection->ssl_, "localhost");
      connection->setTimeout(std::chrono::milliseconds(10'000));
      if (SSL_connect(connection->ssl_) != 1) return nullptr;
    }
    return connection;
  }

  ~Connection() {
    if (ssl_) SSL_free(ssl_);
    close(fd_);
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /** Sends all of `bytes`; false when the connection broke. */
  bool send(std::string_view bytes) {
    while (!bytes.empty()) {
      const int sent =
          ssl_ ? SSL_write(ssl_, bytes.data(), static_cast<int>(bytes.size()))
               : static_cast<int>(::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL));
      if (sent <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(sent));
    }
    return true;
  }

  /** Reads until the peer closes the connection or `timeout` passes without data. */
  std::string readUntilClosed(std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    setTimeout(timeout);
    std::string received;
    char buffer[16 * 1024];
    while (true) {
      const int count = ssl_ ? SSL_read(ssl_, buffer, sizeof buffer)
                             : static_cast<int>(recv(fd_, buffer, sizeof buffer, 0));
      if (count <= 0) break;
      received.append(buffer, static_cast<std::size_t>(count));
    }
    return received;
  }

  /** Reads until one complete response has arrived; nullopt when the connection ended first. */
  std::optional<Response> readResponse(
      std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    setTimeout(timeout);
    char buffer[16 * 1024];
    while (true) {
      std::size_t used = 0;
      if (auto response = parseResponse(pending_, used)) {
        pending_.erase(0, used);
        return response;
      }
      const int count = ssl_ ? SSL_read(ssl_, buffer, sizeof buffer)
                             : static_cast<int>(recv(fd_, buffer, sizeof buffer, 0));
      if (count <= 0) return std::nullopt;
      pending_.append(buffer, static_cast<std::size_t>(count));
    }
  }

  int fd() const { return fd_; }

 private:
  explicit Connection(int fd) : fd_(fd) {}

  void setTimeout(std::chrono::milliseconds timeout) {
    timeval value{};
    value.tv_sec = static_cast<time_t>(timeout.count() / 1000);
    value.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &value, sizeof value);
    setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &value, sizeof value);
  }

  static SSL_CTX* clientContext() {
    static SSL_CTX* context = [] {
      SSL_CTX* created = SSL_CTX_new(TLS_client_method());
      SSL_CTX_set_verify(created, SSL_VERIFY_NONE, nullptr);
      return created;
    }();
    return context;
  }

  int fd_;
  SSL* ssl_ = nullptr;
  std::string pending_;
};

/** Sends `request` on a new connection and returns every response before the close. */
inline std::vector<Response> exchange(int port, bool tls, std::string_view request,
                                      std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  auto connection = Connection::open(port, tls);
  if (!connection) {
    ADD_FAILURE() << "cannot connect to port " << port;
    return {};
  }
  connection->send(request);
  return parseResponses(connection->readUntilClosed(timeout));
}

}  // namespace agora::testing::raw
