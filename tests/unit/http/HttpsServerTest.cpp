// Tests the API server over TLS with a generated self-signed certificate.
#include <Poco/Net/HTTPSClientSession.h>
#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include "../data/TempFolder.h"
#include "ServerTestSupport.h"
#include "platform/http/HttpServer.h"
#include "platform/http/Listener.h"
#include "platform/security/KeyFiles.h"

namespace agora::http {
namespace {

using testing::exchange;
using testing::Reply;

class HttpsServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    certificate_ = folder_.file("tls.crt");
    private_key_ = folder_.file("tls.key");
    security::loadOrCreateSelfSignedCertificate(certificate_, private_key_, "localhost");

    ServerSettings settings;
    settings.role = "edge";
    settings.port = 0;
    settings.max_threads = 4;
    settings.tls = true;
    settings.tls_certificate_file = certificate_;
    settings.tls_private_key_file = private_key_;
    server_ =
        std::make_unique<HttpServer>(settings, router_, std::make_shared<testing::TokenTable>(),
                                     std::make_shared<metrics::Registry>());
    server_->start();
  }
  void TearDown() override { server_->stop(1); }

  /** Sends a GET through a client that trusts only the generated certificate. */
  Reply get(const std::string& uri) {
    Poco::Net::Context::Ptr context =
        new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", certificate_,
                               Poco::Net::Context::VERIFY_STRICT, 9, false);
    // The certificate names localhost; Poco matches 127.0.0.1 to it through that name.
    Poco::Net::HTTPSClientSession session("127.0.0.1", static_cast<Poco::UInt16>(server_->port()),
                                          context);
    session.setTimeout(Poco::Timespan(10, 0));
    Poco::Net::HTTPRequest request("GET", uri, Poco::Net::HTTPMessage::HTTP_1_1);
    return exchange(session, request);
  }

  data::testing::TempFolder folder_;
  std::string certificate_;
  std::string private_key_;
  Router router_ = testing::makeTestRouter();
  std::unique_ptr<HttpServer> server_;
};

TEST_F(HttpsServerTest, ServesJsonOverTls) {
  Reply reply = get("/api/things/42");
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.json()->getValue<std::string>("id"), "42");
  EXPECT_EQ(reply.header("Strict-Transport-Security"), "max-age=63072000; includeSubDomains");
}

TEST_F(HttpsServerTest, ProblemsOverTls) {
  Reply reply = get("/nowhere");
  EXPECT_EQ(reply.status, 404);
  EXPECT_FALSE(reply.header("X-Request-Id").empty());
}

TEST_F(HttpsServerTest, ContextRequiresTls12) {
  auto context = makeServerTlsContext(certificate_, private_key_);
  EXPECT_EQ(SSL_CTX_get_min_proto_version(context->sslContext()), TLS1_2_VERSION);
}

TEST_F(HttpsServerTest, MissingCertificateFailsStart) {
  ServerSettings settings;
  settings.port = 0;
  settings.tls = true;
  settings.tls_certificate_file = folder_.file("absent.crt");
  settings.tls_private_key_file = private_key_;
  HttpServer server(settings, router_, std::make_shared<testing::TokenTable>(),
                    std::make_shared<metrics::Registry>());
  EXPECT_THROW(server.start(), Poco::Exception);
}

}  // namespace
}  // namespace agora::http
