// One HTTP/1.1 connection of the API server: reads request heads, rejects what cannot be framed
// safely with problem details, and hands every other request to the pipeline.
#pragma once

#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/TCPServerConnection.h>
#include <Poco/Net/TCPServerConnectionFactory.h>

#include <atomic>
#include <exception>
#include <memory>
#include <optional>

#include "platform/http/ConnectionGuard.h"
#include "platform/http/Problem.h"
#include "platform/http/RequestPipeline.h"

namespace agora::http {

/**
 * Returns the problem for a request head that could not be read. That is 431 when a header
 * line or the number of header fields is over the limit, 414 for a request target over the
 * limit, and 400 otherwise (a malformed request line or Content-Length, for example).
 */
Problem headProblem(const std::exception& error);

/**
 * Returns the problem with a parsed request head, if any: 505 for a version other than
 * HTTP/1.x and 400 for a method that is not an HTTP token. It is also 400 when the head does
 * not frame its body unambiguously, because the rest of the stream could then be read as
 * another request (request smuggling). That covers a header name that is not a token, more than
 * one Content-Length, a Content-Length that is not a plain decimal number, a Transfer-Encoding
 * other than one `chunked`, and Transfer-Encoding together with Content-Length.
 */
std::optional<Problem> requestProblem(const Poco::Net::HTTPRequest& head);

/** Creates a ServerConnection for each accepted connection. */
class ServerConnectionFactory : public Poco::Net::TCPServerConnectionFactory {
 public:
  ServerConnectionFactory(Poco::Net::HTTPServerParams::Ptr params,
                          std::shared_ptr<RequestPipeline> pipeline,
                          std::shared_ptr<ConnectionGuard> guard,
                          std::shared_ptr<std::atomic<bool>> draining);
  Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket) override;

 private:
  Poco::Net::HTTPServerParams::Ptr params_;
  std::shared_ptr<RequestPipeline> pipeline_;
  std::shared_ptr<ConnectionGuard> guard_;
  std::shared_ptr<std::atomic<bool>> draining_;
};

/**
 * Serves the requests of one connection in turn, under the watch of the ConnectionGuard.
 * A head that cannot be read or framed gets problem details and the connection closes;
 * while draining, every response closes its connection.
 */
class ServerConnection : public Poco::Net::TCPServerConnection {
 public:
  ServerConnection(const Poco::Net::StreamSocket& socket, Poco::Net::HTTPServerParams::Ptr params,
                   std::shared_ptr<RequestPipeline> pipeline,
                   std::shared_ptr<ConnectionGuard> guard,
                   std::shared_ptr<std::atomic<bool>> draining);
  void run() override;

 private:
  Poco::Net::HTTPServerParams::Ptr params_;
  std::shared_ptr<RequestPipeline> pipeline_;
  std::shared_ptr<ConnectionGuard> guard_;
  std::shared_ptr<std::atomic<bool>> draining_;
};

}  // namespace agora::http
