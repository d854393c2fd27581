// Hostile text on SQLite: SQL metacharacters, quotes, backslashes, NUL, LIKE wildcards and
// 4-byte UTF-8 in every text field of `--role=all`, stored and returned unchanged or refused
// (the MariaDB run of the same checks is tests/e2e/DataRoundTripTest.cpp).
#include <gtest/gtest.h>
#include <unistd.h>

#include "AgoraProcess.h"
#include "HostileText.h"

namespace agora::testing {
namespace {

class DataRoundTripTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    agora_ = new AgoraProcess();
    admin_token_ = login(*agora_, AgoraProcess::kAdminEmail, AgoraProcess::kAdminPassword)
                       ->getValue<std::string>("access_token");
  }
  static void TearDownTestSuite() {
    delete agora_;
    agora_ = nullptr;
  }

  static hostile::Reply send(const std::string& method, const std::string& path,
                             const std::string& body, const std::string& bearer) {
    HttpCall call;
    call.method = method;
    call.path = path;
    call.body = body;
    call.bearer = bearer;
    HttpResult result = agora_->call(call);
    return {result.status, result.body};
  }

  static AgoraProcess* agora_;
  static std::string admin_token_;
};

AgoraProcess* DataRoundTripTest::agora_ = nullptr;
std::string DataRoundTripTest::admin_token_;

// Test that product names and descriptions come back byte for byte, order lines included.
TEST_F(DataRoundTripTest, ProductTextsRoundTrip) {
  auto [email, customer] = registerAndLogin(*agora_, "texts");
  hostile::productTextsRoundTrip(send, admin_token_, customer, "sqlite");
  EXPECT_EQ(send("GET", "/api/catalog/products?limit=1", "", "").status, 200);
}

// Test that control characters (NUL among them) in product text are refused and not stored.
TEST_F(DataRoundTripTest, ControlCharactersRefused) {
  hostile::productControlCharactersRefused(send, admin_token_, "sqlite");
  hostile::skuMetacharactersRefused(send, admin_token_);
}

// Test that %, _ and ! in a search match only themselves.
TEST_F(DataRoundTripTest, SearchIsLiteral) {
  hostile::searchIsLiteral(send, admin_token_, std::to_string(getpid()));
}

// Test that display names and emails with metacharacters and emoji round-trip.
TEST_F(DataRoundTripTest, AccountTextsRoundTrip) {
  hostile::accountTextsRoundTrip(send, send, admin_token_, std::to_string(getpid()));
}

}  // namespace
}  // namespace agora::testing
