// The HTTP/1.1 request loop of one API connection: head limits, framing checks, the pipeline.
#include "platform/http/ServerConnection.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponseImpl.h>
#include <Poco/Net/HTTPServerSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/String.h>
#include <Poco/Timestamp.h>

#include <string_view>

namespace agora::http {
namespace {

bool isTokenCharacter(char c) {
  if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool isToken(const std::string& text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!isTokenCharacter(c)) return false;
  }
  return true;
}

bool isDecimal(const std::string& text) {
  // 18 digits stay below the 64-bit range, far above any body the server accepts.
  return !text.empty() && text.size() <= 18 &&
         text.find_first_not_of("0123456789") == std::string::npos;
}

Problem headerTooLarge() {
  return Problem(431, "/problems/header-too-large", "Request header fields too large",
                 "a header line is over 8 KiB or there are over 100 header fields: send "
                 "fewer or shorter headers");
}

Problem uriTooLong() {
  return Problem(414, "/problems/uri-too-long", "URI too long",
                 "the request target is missing, malformed or over 16 KiB");
}

std::string peerHost(Poco::Net::StreamSocket& socket) {
  try {
    return socket.peerAddress().host().toString();
  } catch (const Poco::Exception&) {
    return {};
  }
}

}  // namespace

Problem headProblem(const std::exception& error) {
  if (const auto* message = dynamic_cast<const Poco::Net::MessageException*>(&error)) {
    const std::string& text = message->message();
    if (text.find("header fields") != std::string::npos ||
        text.find("Field name") != std::string::npos ||
        text.find("Field value") != std::string::npos) {
      return headerTooLarge();
    }
    if (text.find("URI") != std::string::npos) return uriTooLong();
  }
  if (dynamic_cast<const Poco::SyntaxException*>(&error)) {
    return Problem::badRequest("the Content-Length header is not a decimal number");
  }
  return Problem::badRequest("the request line or a header is malformed");
}

std::optional<Problem> requestProblem(const Poco::Net::HTTPRequest& head) {
  const std::string& version = head.getVersion();
  if (version.size() != 8 || version.rfind("HTTP/1.", 0) != 0 || version[7] < '0' ||
      version[7] > '9') {
    return Problem(505, "/problems/http-version-not-supported", "HTTP version not supported",
                   "this server speaks HTTP/1.1 (and HTTP/1.0)");
  }
  if (!isToken(head.getMethod())) {
    return Problem::badRequest("the method is not an HTTP token");
  }

  int content_lengths = 0;
  int transfer_encodings = 0;
  for (const auto& [name, value] : head) {
    if (!isToken(name)) {
      return Problem::badRequest(
          "a header name holds a character other than letters, digits and !#$%&'*+-.^_`|~ "
          "(no spaces before the colon)");
    }
    if (Poco::icompare(name, "Content-Length") == 0) {
      ++content_lengths;
      if (!isDecimal(Poco::trim(value))) {
        return Problem::badRequest("the Content-Length header is not a decimal number");
      }
    } else if (Poco::icompare(name, "Transfer-Encoding") == 0) {
      ++transfer_encodings;
      if (Poco::icompare(Poco::trim(value), "chunked") != 0) {
        return Problem::badRequest(
            "Transfer-Encoding must be exactly `chunked`, the only "
            "coding this server reads; or send Content-Length");
      }
    }
  }
  if (content_lengths > 1) {
    return Problem::badRequest("send one Content-Length header, not " +
                               std::to_string(content_lengths));
  }
  if (transfer_encodings > 1) {
    return Problem::badRequest("send one Transfer-Encoding header, not " +
                               std::to_string(transfer_encodings));
  }
  if (content_lengths > 0 && transfer_encodings > 0) {
    return Problem::badRequest(
        "send either Content-Length or Transfer-Encoding, not both: the body's end is ambiguous");
  }
  return std::nullopt;
}

ServerConnectionFactory::ServerConnectionFactory(Poco::Net::HTTPServerParams::Ptr params,
                                                 std::shared_ptr<RequestPipeline> pipeline,
                                                 std::shared_ptr<ConnectionGuard> guard,
                                                 std::shared_ptr<std::atomic<bool>> draining)
    : params_(std::move(params)),
      pipeline_(std::move(pipeline)),
      guard_(std::move(guard)),
      draining_(std::move(draining)) {}

Poco::Net::TCPServerConnection* ServerConnectionFactory::createConnection(
    const Poco::Net::StreamSocket& socket) {
  return new ServerConnection(socket, params_, pipeline_, guard_, draining_);
}

ServerConnection::ServerConnection(const Poco::Net::StreamSocket& socket,
                                   Poco::Net::HTTPServerParams::Ptr params,
                                   std::shared_ptr<RequestPipeline> pipeline,
                                   std::shared_ptr<ConnectionGuard> guard,
                                   std::shared_ptr<std::atomic<bool>> draining)
    : Poco::Net::TCPServerConnection(socket),
      params_(std::move(params)),
      pipeline_(std::move(pipeline)),
      guard_(std::move(guard)),
      draining_(std::move(draining)) {}

void ServerConnection::run() {
  try {
    Poco::Net::HTTPServerSession session(socket(), params_);
    // Declared after the session, so the watch ends before the session closes the socket: the
    // guard never shuts down a descriptor number that another connection may be given next.
    std::unique_ptr<ConnectionGuard::Watch> watch = guard_->watch(socket());
    while (true) {
      watch->awaitRequest();
      if (!session.hasMoreRequests()) break;
      watch->readHead();

      Poco::Net::HTTPServerResponseImpl response(session);
      std::unique_ptr<Poco::Net::HTTPServerRequestImpl> request;
      try {
        request =
            std::make_unique<Poco::Net::HTTPServerRequestImpl>(response, session, params_.get());
      } catch (const Poco::Net::NoMessageException&) {
        break;  // the client closed the connection before another request
      } catch (const std::exception& error) {
        if (watch->wasCut()) break;
        // The request attached itself to `response` before its constructor threw, so that
        // response now points at freed memory: reject with a fresh one.
        Poco::Net::HTTPServerResponseImpl rejection(session);
        rejection.setVersion(Poco::Net::HTTPMessage::HTTP_1_1);
        rejection.setDate(Poco::Timestamp());
        pipeline_->reject(rejection, headProblem(error), "", peerHost(socket()));
        break;
      }

      watch->serve();
      response.setDate(Poco::Timestamp());
      // A later HTTP/1 minor version gets a 1.1 response, and requestProblem rejects others.
      response.setVersion(request->getVersion() == Poco::Net::HTTPMessage::HTTP_1_0
                              ? Poco::Net::HTTPMessage::HTTP_1_0
                              : Poco::Net::HTTPMessage::HTTP_1_1);
      // While draining, every response closes its connection, so keep-alive clients (nginx)
      // reconnect to another replica.
      response.setKeepAlive(params_->getKeepAlive() && request->getKeepAlive() &&
                            session.canKeepAlive() && !draining_->load());
      if (auto problem = requestProblem(*request)) {
        const std::string& uri = request->getURI();
        pipeline_->reject(response, *problem, uri.substr(0, uri.find('?')),
                          request->clientAddress().host().toString());
        break;
      }
      if (request->getExpectContinue() &&
          response.getStatus() == Poco::Net::HTTPResponse::HTTP_OK) {
        response.sendContinue();
      }
      pipeline_->handle(*request, response);
      session.setKeepAlive(params_->getKeepAlive() && response.getKeepAlive() &&
                           session.canKeepAlive());
    }
  } catch (const std::exception&) {
    // The client went away or the guard shut the connection down, so no response can be sent.
  }
}

}  // namespace agora::http
