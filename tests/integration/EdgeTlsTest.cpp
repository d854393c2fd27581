// The built-in edge's TLS and response headers: TLS 1.2 and 1.3 only, no weak cipher suites
// (offered with hand-built hellos, so a refusal is the server's), the security headers, no
// server banner and no implementation details in error bodies.
#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include <regex>
#include <string>

#include "AgoraProcess.h"
#include "TlsHello.h"

namespace agora::testing {
namespace {

class EdgeTlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { agora_ = new AgoraProcess(); }
  static void TearDownTestSuite() {
    delete agora_;
    agora_ = nullptr;
  }
  static AgoraProcess* agora_;
};

AgoraProcess* EdgeTlsTest::agora_ = nullptr;

// Test that a modern hand-built hello is accepted: the refusals below are about what is offered.
TEST_F(EdgeTlsTest, ModernHelloIsAccepted) {
  raw::HelloAnswer answer = raw::offerHello(agora_->apiPort(), TLS1_2_VERSION, raw::modernSuites());
  ASSERT_TRUE(answer.server_hello) << "alert " << answer.alert;
  EXPECT_EQ(answer.version, TLS1_2_VERSION);
  const auto modern = raw::modernSuites();
  EXPECT_NE(std::find(modern.begin(), modern.end(), answer.cipher), modern.end()) << answer.cipher;

  // TLS 1.3 through OpenSSL itself.
  auto connection = raw::Connection::open(agora_->apiPort(), true);
  ASSERT_TRUE(connection);
}

// Test that SSL 3.0, TLS 1.0 and TLS 1.1 are refused.
TEST_F(EdgeTlsTest, OldProtocolsAreRefused) {
  for (uint16_t version : {SSL3_VERSION, TLS1_VERSION, TLS1_1_VERSION}) {
    raw::HelloAnswer answer =
        raw::offerHello(agora_->apiPort(), version, {0xC013, 0xC014, 0xC009, 0xC00A, 0x002F});
    EXPECT_FALSE(answer.server_hello) << "accepted version " << std::hex << answer.version;
  }
}

// Test that RC4, 3DES, NULL, export, anonymous and CBC-SHA1 suites are all refused.
TEST_F(EdgeTlsTest, WeakCipherSuitesAreRefused) {
  for (const auto& [family, suites] : raw::weakSuites()) {
    raw::HelloAnswer answer = raw::offerHello(agora_->apiPort(), TLS1_2_VERSION, suites);
    EXPECT_FALSE(answer.server_hello) << family << ": accepted suite " << std::hex << answer.cipher;
  }
}

// Test the security headers and that no response names the server software.
TEST_F(EdgeTlsTest, SecurityHeadersAndNoBanner) {
  for (const HttpResult& result :
       {agora_->get("/api/catalog/products?limit=1"), agora_->get("/"),
        agora_->get("/api/nothing-here"), agora_->post("/api/users", "{not json")}) {
    SCOPED_TRACE(result.status);
    std::smatch age;
    const std::string hsts = result.header("strict-transport-security");
    ASSERT_TRUE(std::regex_search(hsts, age, std::regex("max-age=([0-9]+)"))) << hsts;
    EXPECT_GE(std::stoll(age[1]), 31536000) << "HSTS for less than a year";
    EXPECT_NE(hsts.find("includeSubDomains"), std::string::npos);
    EXPECT_EQ(result.header("x-content-type-options"), "nosniff");
    EXPECT_NE(result.header("content-security-policy").find("frame-ancestors 'none'"),
              std::string::npos);
    EXPECT_EQ(result.headers.count("server"), 0u) << result.header("server");
    EXPECT_EQ(result.headers.count("x-powered-by"), 0u);
  }
}

// Test that error bodies, the server's own included, carry no implementation details.
TEST_F(EdgeTlsTest, ErrorBodiesHideTheImplementation) {
  const std::string head = "GET /api/catalog/products HTTP/1.1\r\nHost: localhost\r\n";
  std::vector<raw::Response> responses;
  for (const std::string& request : std::vector<std::string>{
           head + "X-Big: " + std::string(9000, 'b') + "\r\n\r\n",
           "GET /" + std::string(17000, 'u') + " HTTP/1.1\r\nHost: localhost\r\n\r\n",
           head + "Content-Length: x\r\n\r\n",
           std::string("\x01\x02\x03 / HTTP/1.1\r\nHost: localhost\r\n\r\n"),
           "GET / HTTP/9.9\r\nHost: localhost\r\n\r\n",
           "POST /api/users HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
           "Content-Length: 9\r\nConnection: close\r\n\r\n{\"a\":tru}",
           "DELETE /api/catalog/products HTTP/1.1\r\nHost: localhost\r\nConnection: "
           "close\r\n\r\n"}) {
    for (auto& response : raw::exchange(agora_->apiPort(), true, request)) {
      responses.push_back(std::move(response));
    }
  }
  ASSERT_EQ(responses.size(), 7u);
  for (const auto& response : responses) {
    SCOPED_TRACE(response.head);
    EXPECT_EQ(response.head.rfind("HTTP/1.1 ", 0), 0u);
    EXPECT_GE(response.status, 400);
    // 505 for the unknown HTTP version, 4xx for everything else.
    EXPECT_TRUE(response.status < 500 || response.status == 505);
    EXPECT_EQ(response.header("content-type").rfind("application/problem+json", 0), 0u);
    EXPECT_EQ(response.count("server"), 0u);
    for (const char* leak :
         {"Poco", "Exception", "exception", "std::", "/work/", ".cpp", "0.1.0"}) {
      EXPECT_EQ(response.body.find(leak), std::string::npos) << leak << " in " << response.body;
    }
  }
}

}  // namespace
}  // namespace agora::testing
