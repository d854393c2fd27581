// Listening sockets for the API and admin servers: exclusive binds and the TLS context.
#include "platform/http/Listener.h"

#include <Poco/Net/NetSSL.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/SocketAddress.h>

#include <stdexcept>
#include <string>

namespace agora::http {

Poco::Net::ServerSocket openListener(const std::string& address, int port, int backlog,
                                     Poco::Net::Context::Ptr tls) {
  try {
    Poco::Net::SocketAddress socket_address(address, static_cast<Poco::UInt16>(port));
    // The address-and-backlog constructor would turn SO_REUSEPORT on; bind explicitly instead.
    if (tls) {
      Poco::Net::SecureServerSocket socket(tls);
      socket.bind(socket_address, true, false);
      socket.listen(backlog);
      return socket;
    }
    Poco::Net::ServerSocket socket;
    socket.bind(socket_address, true, false);
    socket.listen(backlog);
    return socket;
  } catch (const Poco::Exception& error) {
    // Poco's what() is only "Net Exception", so the message adds the address and the cause.
    throw std::runtime_error("cannot listen on " + address + ":" + std::to_string(port) + ": " +
                             error.displayText());
  }
}

Poco::Net::Context::Ptr makeServerTlsContext(const std::string& certificate_file,
                                             const std::string& private_key_file) {
  Poco::Net::initializeSSL();
  Poco::Net::Context::Params params;
  params.privateKeyFile = private_key_file;
  params.certificateFile = certificate_file;
  params.verificationMode = Poco::Net::Context::VERIFY_NONE;  // clients bring no certificates
  params.loadDefaultCAs = false;
  params.cipherList = "ECDHE+AESGCM:ECDHE+CHACHA20:!aNULL:!eNULL:!MD5:!SHA1";
  Poco::Net::Context::Ptr context =
      new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, params);
  context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
  context->preferServerCiphers();
  return context;
}

}  // namespace agora::http
