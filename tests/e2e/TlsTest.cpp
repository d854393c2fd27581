// The edge's TLS: protocol versions, cipher suites, ALPN for HTTP/2 and session tickets, checked
// with raw OpenSSL handshakes so the client can offer what a browser no longer would.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <regex>
#include <string>

#include "../integration/TlsHello.h"
#include "Topology.h"

namespace agora::testing {
namespace {

/** What one handshake with the edge gave. */
struct Handshake {
  bool ok = false;
  std::string protocol;  // e.g. "TLSv1.3"
  std::string cipher;
  std::string alpn;         // the protocol the server selected, or ""
  int error_reason = 0;     // ERR_GET_REASON of the failure
  bool has_ticket = false;  // the server sent a session ticket
};

/** The options of a handshake: version range, TLS 1.2 cipher list and ALPN offer. */
struct Offer {
  int min_version = TLS1_2_VERSION;
  int max_version = TLS1_3_VERSION;
  std::string ciphers;  // OpenSSL cipher list for TLS 1.2 and below; "" keeps the default
  std::string alpn;     // ALPN in wire format (length-prefixed names); "" offers none
};

std::string alpnOffer(std::initializer_list<std::string> names) {
  std::string wire;
  for (const auto& name : names) wire += static_cast<char>(name.size()) + name;
  return wire;
}

Handshake handshake(const Offer& offer) {
  std::unique_ptr<SSL_CTX, decltype(&SSL_CTX_free)> context(SSL_CTX_new(TLS_client_method()),
                                                            SSL_CTX_free);
  // Security level 0 lets this client offer TLS 1.0 and 1.1, so a refusal is the server's.
  SSL_CTX_set_security_level(context.get(), 0);
  SSL_CTX_set_min_proto_version(context.get(), offer.min_version);
  SSL_CTX_set_max_proto_version(context.get(), offer.max_version);
  if (!offer.ciphers.empty()) SSL_CTX_set_cipher_list(context.get(), offer.ciphers.c_str());
  if (!offer.alpn.empty()) {
    SSL_CTX_set_alpn_protos(context.get(),
                            reinterpret_cast<const unsigned char*>(offer.alpn.data()),
                            static_cast<unsigned>(offer.alpn.size()));
  }

  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(Topology::get().port("EDGE_PORT")));
  inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  Handshake result;
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    close(fd);
    ADD_FAILURE() << "cannot connect to the edge";
    return result;
  }

  SSL* ssl = SSL_new(context.get());
  SSL_set_fd(ssl, fd);
  SSL_set_tlsext_host_name(ssl, "localhost");
  ERR_clear_error();
  if (SSL_connect(ssl) == 1) {
    result.ok = true;
    result.protocol = SSL_get_version(ssl);
    result.cipher = SSL_get_cipher_name(ssl);
    const unsigned char* selected = nullptr;
    unsigned length = 0;
    SSL_get0_alpn_selected(ssl, &selected, &length);
    if (selected) result.alpn.assign(reinterpret_cast<const char*>(selected), length);
    SSL_SESSION* session = SSL_get_session(ssl);
    result.has_ticket = session && SSL_SESSION_has_ticket(session);
    SSL_shutdown(ssl);
  } else {
    result.error_reason = ERR_GET_REASON(ERR_peek_last_error());
  }
  SSL_free(ssl);
  close(fd);
  return result;
}

// Test that TLS 1.0 and 1.1 are refused by the server with a protocol version alert.
TEST(Tls, OldProtocolsAreRefused) {
  for (int version : {TLS1_VERSION, TLS1_1_VERSION}) {
    Handshake result = handshake({version, version, "", ""});
    EXPECT_FALSE(result.ok) << "accepted " << result.protocol;
    EXPECT_EQ(result.error_reason, SSL_R_TLSV1_ALERT_PROTOCOL_VERSION)
        << ERR_reason_error_string(ERR_PACK(ERR_LIB_SSL, 0, result.error_reason));
  }
}

// Test that TLS 1.2 and 1.3 are accepted.
TEST(Tls, ModernProtocolsAreAccepted) {
  Handshake tls12 = handshake({TLS1_2_VERSION, TLS1_2_VERSION, "", ""});
  ASSERT_TRUE(tls12.ok);
  EXPECT_EQ(tls12.protocol, "TLSv1.2");
  EXPECT_EQ(tls12.cipher.rfind("ECDHE-", 0), 0u) << tls12.cipher;

  Handshake tls13 = handshake({TLS1_3_VERSION, TLS1_3_VERSION, "", ""});
  ASSERT_TRUE(tls13.ok);
  EXPECT_EQ(tls13.protocol, "TLSv1.3");
}

// Test that TLS 1.2 takes only forward-secret AEAD suites: CBC suites are refused.
TEST(Tls, OnlyAeadCipherSuites) {
  Handshake cbc = handshake(
      {TLS1_2_VERSION, TLS1_2_VERSION, "ECDHE-ECDSA-AES128-SHA:ECDHE-ECDSA-AES256-SHA384", ""});
  EXPECT_FALSE(cbc.ok) << "accepted " << cbc.cipher;
  EXPECT_EQ(cbc.error_reason, SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE);

  for (const char* suite : {"ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384",
                            "ECDHE-ECDSA-CHACHA20-POLY1305"}) {
    Handshake aead = handshake({TLS1_2_VERSION, TLS1_2_VERSION, suite, ""});
    EXPECT_TRUE(aead.ok) << suite;
    EXPECT_EQ(aead.cipher, suite);
  }
}

// Test that ALPN selects HTTP/2 when offered and HTTP/1.1 otherwise.
TEST(Tls, AlpnSelectsHttp2) {
  Handshake both = handshake({TLS1_2_VERSION, TLS1_3_VERSION, "", alpnOffer({"h2", "http/1.1"})});
  ASSERT_TRUE(both.ok);
  EXPECT_EQ(both.alpn, "h2");

  Handshake old = handshake({TLS1_2_VERSION, TLS1_3_VERSION, "", alpnOffer({"http/1.1"})});
  ASSERT_TRUE(old.ok);
  EXPECT_EQ(old.alpn, "http/1.1");
}

// Test that a real HTTP/2 request is served (curl negotiates it through ALPN).
TEST(Tls, CurlGetsHttp2) {
  const Topology& topology = Topology::get();
  const std::string command =
      "curl -s -o /dev/null --max-time 10 --http2 -w '%{http_version} %{http_code}' --cacert '" +
      topology.value("CERTIFICATE_FILE") + "' https://localhost:" + topology.value("EDGE_PORT") +
      "/api/openapi.json";
  std::unique_ptr<FILE, decltype(&pclose)> pipe(popen(command.c_str(), "r"), pclose);
  ASSERT_TRUE(pipe);
  char output[64] = {};
  ASSERT_NE(fgets(output, sizeof output, pipe.get()), nullptr) << command;
  EXPECT_STREQ(output, "2 200");
}

// Test that the edge issues no TLS 1.2 session tickets.
TEST(Tls, NoSessionTickets) {
  Handshake tls12 = handshake({TLS1_2_VERSION, TLS1_2_VERSION, "", ""});
  ASSERT_TRUE(tls12.ok);
  EXPECT_FALSE(tls12.has_ticket);
}

// Test that RC4, 3DES, NULL, export, anonymous and CBC-SHA1 suites are refused, offered with
// hand-built hellos (this machine's OpenSSL can no longer offer some of them itself), while the
// same hello with modern suites is accepted.
TEST(Tls, WeakCipherSuitesAreRefused) {
  const int port = Topology::get().port("EDGE_PORT");
  raw::HelloAnswer modern = raw::offerHello(port, TLS1_2_VERSION, raw::modernSuites());
  ASSERT_TRUE(modern.server_hello) << "alert " << modern.alert;
  for (const auto& [family, suites] : raw::weakSuites()) {
    raw::HelloAnswer answer = raw::offerHello(port, TLS1_2_VERSION, suites);
    EXPECT_FALSE(answer.server_hello) << family << ": accepted suite " << std::hex << answer.cipher;
  }
  for (uint16_t version : {SSL3_VERSION, TLS1_VERSION, TLS1_1_VERSION}) {
    raw::HelloAnswer answer = raw::offerHello(port, version, {0xC013, 0xC014, 0xC009, 0x002F});
    EXPECT_FALSE(answer.server_hello) << "accepted version " << std::hex << answer.version;
  }
}

// Test that HSTS lasts at least a year and no response names nginx's version.
TEST(Tls, LongHstsAndNoVersion) {
  const Topology& topology = Topology::get();
  for (const Reply& reply : {topology.edgeGet("/api/catalog/products?limit=1"),
                             topology.edgeGet("/"), topology.edgeGet("/nothing-here")}) {
    std::smatch age;
    const std::string hsts = reply.header("strict-transport-security");
    ASSERT_TRUE(std::regex_search(hsts, age, std::regex("max-age=([0-9]+)"))) << hsts;
    EXPECT_GE(std::stoll(age[1]), 31536000) << "HSTS for less than a year";
    EXPECT_EQ(reply.header("server"), "nginx");
    EXPECT_EQ(reply.body.find("nginx/"), std::string::npos);
  }
}

}  // namespace
}  // namespace agora::testing
