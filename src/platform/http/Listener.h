// Listening sockets for the API and admin servers: exclusive binds and the TLS context.
#pragma once

#include <Poco/Net/Context.h>
#include <Poco/Net/ServerSocket.h>

#include <string>

namespace agora::http {

/**
 * Binds `address`:`port` (0 picks a free port) with SO_REUSEADDR but without SO_REUSEPORT,
 * so binding a port that another socket uses fails here with Poco::Net::NetException
 * instead of silently sharing it. With `tls` set the socket speaks TLS using that context.
 */
Poco::Net::ServerSocket openListener(const std::string& address, int port, int backlog,
                                     Poco::Net::Context::Ptr tls = nullptr);

/** A server context from PEM files that accepts TLS 1.2 and newer only. */
Poco::Net::Context::Ptr makeServerTlsContext(const std::string& certificate_file,
                                             const std::string& private_key_file);

}  // namespace agora::http
