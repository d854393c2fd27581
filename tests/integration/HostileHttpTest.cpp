// Hostile requests against the built-in edge of `--role=all`: oversized and malformed heads,
// ambiguous body framing with a smuggled second request, JSON at and past its limits, numbers
// out of range and header injection through X-Request-Id. Each must get one problem details
// response, nothing may be stored, and the process must go on serving.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <chrono>
#include <regex>
#include <string>
#include <vector>

#include "AgoraProcess.h"
#include "RawClient.h"

namespace agora::testing {
namespace {

using Clock = std::chrono::steady_clock;

Poco::JSON::Object::Ptr parseObject(const std::string& text) {
  try {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
  } catch (const std::exception&) {
    return nullptr;
  }
}

class HostileHttpTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    agora_ = new AgoraProcess();
    admin_token_ = login(*agora_, AgoraProcess::kAdminEmail, AgoraProcess::kAdminPassword)
                       ->getValue<std::string>("access_token");
    HttpResult created = agora_->post(
        "/api/catalog/products",
        R"({"sku":"HOSTILE-1","name":"Hostile probe","price_cents":100,"stock":7})", admin_token_);
    product_id_ = created.json()->getValue<std::string>("id");
  }
  static void TearDownTestSuite() {
    delete agora_;
    agora_ = nullptr;
  }

  void TearDown() override {
    // After every attack a plain request must still be served.
    HttpResult probe = agora_->get("/api/catalog/products?limit=1");
    EXPECT_EQ(probe.status, 200) << probe.body;
  }

  /** Sends raw bytes on a new TLS connection; returns every response before the close. */
  static std::vector<raw::Response> send(const std::string& bytes) {
    return raw::exchange(agora_->apiPort(), true, bytes);
  }

  /** One problem response with `status` and `type`, the security headers and a sane id. */
  static void expectProblem(const std::vector<raw::Response>& responses, int status,
                            const std::string& type) {
    ASSERT_EQ(responses.size(), 1u) << "expected exactly one response";
    const raw::Response& response = responses.front();
    EXPECT_EQ(response.status, status) << response.head << "\n" << response.body;
    EXPECT_EQ(response.header("content-type").rfind("application/problem+json", 0), 0u)
        << response.head;
    auto problem = parseObject(response.body);
    ASSERT_TRUE(problem) << "not a JSON object: " << response.body;
    EXPECT_EQ(problem->optValue<std::string>("type", ""), type) << response.body;
    EXPECT_EQ(problem->optValue<int>("status", 0), status);
    EXPECT_EQ(problem->optValue<std::string>("request_id", ""), response.header("x-request-id"));
    EXPECT_EQ(response.header("x-content-type-options"), "nosniff");
    EXPECT_FALSE(response.header("strict-transport-security").empty());
    EXPECT_EQ(response.count("server"), 0u) << response.head;
    for (const char* leak : {"Poco", "Exception", "exception", "std::", "what()"}) {
      EXPECT_EQ(response.body.find(leak), std::string::npos) << leak << " in " << response.body;
    }
  }

  static std::string head(const std::string& request_line, const std::string& headers = {}) {
    return request_line + "\r\nHost: localhost\r\n" + headers + "\r\n";
  }

  /** A POST of `body` (JSON) to `path` with the admin's token, framed by `framing` headers. */
  static std::string adminPost(const std::string& path, const std::string& framing,
                               const std::string& body) {
    return "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " +
           admin_token_ + "\r\nContent-Type: application/json\r\n" + framing + "\r\n" + body;
  }

  /** True when a live product has exactly this SKU. */
  static bool skuExists(const std::string& sku) {
    HttpResult page = agora_->get("/api/catalog/products?limit=100&q=" + sku);
    EXPECT_EQ(page.status, 200) << page.body;
    auto items = page.json()->getArray("items");
    for (std::size_t i = 0; items && i < items->size(); ++i) {
      if (items->getObject(static_cast<unsigned>(i))->optValue<std::string>("sku", "") == sku) {
        return true;
      }
    }
    return false;
  }

  static AgoraProcess* agora_;
  static std::string admin_token_;
  static std::string product_id_;
};

AgoraProcess* HostileHttpTest::agora_ = nullptr;
std::string HostileHttpTest::admin_token_;
std::string HostileHttpTest::product_id_;

// Test that a header line over 8 KiB, too many fields and a long header name get 431.
TEST_F(HostileHttpTest, OversizedHeadersGet431) {
  const std::string request_line = "GET /api/catalog/products HTTP/1.1";
  expectProblem(send(head(request_line, "X-Big: " + std::string(9000, 'a') + "\r\n")), 431,
                "/problems/header-too-large");
  std::string many;
  for (int i = 0; i < 101; ++i) many += "X-Field-" + std::to_string(i) + ": x\r\n";
  expectProblem(send(head(request_line, many)), 431, "/problems/header-too-large");
  expectProblem(send(head(request_line, std::string(300, 'N') + ": x\r\n")), 431,
                "/problems/header-too-large");
}

// Test that a request target over 16 KiB and a malformed request line get a problem.
TEST_F(HostileHttpTest, OversizedUrlGets414) {
  expectProblem(send(head("GET /api/catalog/products?q=" + std::string(17000, 'a') + " HTTP/1.1")),
                414, "/problems/uri-too-long");
  const auto garbage = send("HELLO\r\n\r\n");
  ASSERT_EQ(garbage.size(), 1u);
  EXPECT_GE(garbage.front().status, 400);
  EXPECT_LT(garbage.front().status, 500);
}

// Test that bodies over 1 MiB get 413, announced or chunked, and nothing is created.
TEST_F(HostileHttpTest, OversizedBodiesGet413) {
  const std::string product = R"({"sku":"TOO-BIG","name":"Too big","price_cents":1,"stock":1,)"
                              R"("description":")" +
                              std::string(1024 * 1024, 'd') + R"("})";
  expectProblem(send(adminPost("/api/catalog/products",
                               "Content-Length: " + std::to_string(product.size()) +
                                   "\r\nConnection: close\r\n",
                               product)),
                413, "/problems/payload-too-large");

  std::string chunked;
  for (std::size_t offset = 0; offset < product.size(); offset += 64 * 1024) {
    const std::string piece = product.substr(offset, 64 * 1024);
    char size[16];
    std::snprintf(size, sizeof size, "%zx", piece.size());
    chunked += std::string(size) + "\r\n" + piece + "\r\n";
  }
  chunked += "0\r\n\r\n";
  expectProblem(send(adminPost("/api/catalog/products",
                               "Transfer-Encoding: chunked\r\nConnection: close\r\n", chunked)),
                413, "/problems/payload-too-large");

  // Announced but never sent: refused from the head alone.
  expectProblem(send(adminPost("/api/catalog/products", "Content-Length: 1099511627776\r\n", "")),
                413, "/problems/payload-too-large");
  EXPECT_FALSE(skuExists("TOO-BIG"));
}

// Test that JSON deeper than 32 levels, even absurdly deep, is refused without harm.
TEST_F(HostileHttpTest, DeepJsonGets400) {
  for (std::size_t depth : {33u, 100000u}) {
    const std::string body = R"({"sku":"DEEP","name":"x","price_cents":1,"stock":1,"n":)" +
                             std::string(depth, '[') + std::string(depth, ']') + "}";
    HttpResult result = agora_->post("/api/catalog/products", body, admin_token_);
    EXPECT_EQ(result.status, 400) << depth;
    EXPECT_EQ(result.json()->optValue<std::string>("type", ""), "/problems/bad-request");
    EXPECT_NE(result.body.find("nested deeper than 32"), std::string::npos) << result.body;
  }
  EXPECT_FALSE(skuExists("DEEP"));
}

// Test that strings with invalid UTF-8 are refused in every text field and nothing is stored.
TEST_F(HostileHttpTest, InvalidUtf8Gets400) {
  const std::vector<std::string> invalid = {
      "\xff",              // never valid
      "\xc0\xaf",          // overlong '/'
      "\xed\xa0\x80",      // a surrogate, encoded
      "\xf4\x90\x80\x80",  // above U+10FFFF
      "abc\xe2\x82",       // cut short
      "\\ud800",           // a lone surrogate, escaped
  };
  for (const auto& bad : invalid) {
    SCOPED_TRACE(bad);
    HttpResult product = agora_->post(
        "/api/catalog/products",
        R"({"sku":"UTF-BAD","name":"a)" + bad + R"(","price_cents":1,"stock":1})", admin_token_);
    EXPECT_EQ(product.status, 400) << product.body;
    HttpResult described = agora_->post(
        "/api/catalog/products",
        R"({"sku":"UTF-BAD","name":"ok","description":")" + bad + R"(","price_cents":1,"stock":1})",
        admin_token_);
    EXPECT_EQ(described.status, 400) << described.body;
    HttpResult user = agora_->post(
        "/api/users", R"({"email":"utf-bad@example.test","password":"long enough passphrase 1",)"
                      R"("display_name":"x)" +
                          bad + R"("})");
    EXPECT_EQ(user.status, 400) << user.body;
    HttpResult email = agora_->post("/api/users", R"({"email":"utf)" + bad +
                                                      R"(@example.test","password":"long enough )"
                                                      R"(passphrase 1","display_name":"x"})");
    EXPECT_EQ(email.status, 400) << email.body;
  }
  EXPECT_FALSE(skuExists("UTF-BAD"));
  // No account was created by any of them.
  EXPECT_EQ(agora_
                ->post("/api/auth/login",
                       R"({"email":"utf-bad@example.test","password":"long enough passphrase 1"})")
                .status,
            401);
}

// Test that a key given twice, at any depth, is refused.
TEST_F(HostileHttpTest, DuplicateKeysGet400) {
  for (const std::string& body :
       {std::string(R"({"sku":"DUP-A","sku":"DUP-B","name":"x","price_cents":1,"stock":1})"),
        std::string(R"({"sku":"DUP-C","name":"x","price_cents":1,"price_cents":0,"stock":1})")}) {
    HttpResult result = agora_->post("/api/catalog/products", body, admin_token_);
    EXPECT_EQ(result.status, 400) << result.body;
    EXPECT_NE(result.body.find("duplicate key"), std::string::npos) << result.body;
  }
  auto [email, token] = registerAndLogin(*agora_, "duplicate-keys");
  HttpResult order = agora_->post(
      "/api/orders",
      R"({"items":[{"product_id":")" + product_id_ + R"(","quantity":1,"quantity":900}]})", token);
  EXPECT_EQ(order.status, 400) << order.body;
  for (const char* sku : {"DUP-A", "DUP-B", "DUP-C"}) EXPECT_FALSE(skuExists(sku)) << sku;
  EXPECT_EQ(agora_->get("/api/orders", token).json()->getArray("items")->size(), 0u);
}

// Test that quantities out of range or of the wrong type are refused and reserve nothing.
TEST_F(HostileHttpTest, QuantityOutOfRangeGets400) {
  auto [email, token] = registerAndLogin(*agora_, "quantity");
  const auto stock_before =
      agora_->get("/api/catalog/products/" + product_id_).json()->getValue<int64_t>("stock");
  for (const char* quantity :
       {"1e30", "-1", "1.5", "0", "\"2\"", "9223372036854775808", "18446744073709551616",
        "-9223372036854775809", "1001", "1e2", "null", "true", "[]", "{}", "0x10", "NaN"}) {
    HttpResult result = agora_->post(
        "/api/orders",
        R"({"items":[{"product_id":")" + product_id_ + R"(","quantity":)" + quantity + "}]}",
        token);
    EXPECT_EQ(result.status, 400) << quantity << ": " << result.body;
    EXPECT_EQ(result.header("content-type").rfind("application/problem+json", 0), 0u);
  }
  EXPECT_EQ(agora_->get("/api/orders", token).json()->getArray("items")->size(), 0u);
  EXPECT_EQ(agora_->get("/api/catalog/products/" + product_id_).json()->getValue<int64_t>("stock"),
            stock_before);
}

// Test that an unusable X-Request-Id is replaced, never echoed, and cannot add a header.
TEST_F(HostileHttpTest, RequestIdCannotInjectHeaders) {
  const std::regex sane("[A-Za-z0-9._-]{1,128}");
  const std::string request_line = "GET /api/catalog/products?limit=1 HTTP/1.1";
  const std::vector<std::string> attempts = {
      "X-Request-Id: " + std::string(129, 'a') + "\r\n",
      "X-Request-Id: id\xc3\xa9-utf8\r\n",
      "X-Request-Id: id\xff\xfe\r\n",
      "X-Request-Id: id%0d%0aX-Injected:%20yes\r\n",
      "X-Request-Id: id\r\n X-Injected: folded\r\n",  // an obsolete line folding
      "X-Request-Id: first\r\nX-Request-Id: second\r\n",
      "X-Request-Id: id\rX-Injected: bare-cr\r\n",
  };
  for (const auto& attempt : attempts) {
    SCOPED_TRACE(attempt);
    const auto responses = send(head(request_line, attempt + "Connection: close\r\n"));
    ASSERT_EQ(responses.size(), 1u);
    const raw::Response& response = responses.front();
    EXPECT_LT(response.status, 500);
    EXPECT_EQ(response.count("x-injected"), 0u) << response.head;
    EXPECT_EQ(response.count("x-request-id"), 1u);
    const std::string id = response.header("x-request-id");
    // Only a sane id comes back: a fresh one, or the sane part a proxy kept of a folded line.
    EXPECT_TRUE(std::regex_match(id, sane)) << id;
    EXPECT_EQ(id.find("njected"), std::string::npos) << id;
    for (char c : response.head) {
      const auto byte = static_cast<unsigned char>(c);
      EXPECT_TRUE(byte == '\r' || byte == '\n' || (byte >= 0x20 && byte < 0x7F))
          << "raw byte " << static_cast<int>(byte) << " in the response head";
    }
  }
  bool logged_raw = false;
  for (const auto& line : agora_->logLines()) {
    if (line.find("X-Injected") != std::string::npos) logged_raw = true;
  }
  EXPECT_FALSE(logged_raw);
}

/** Builds the request smuggled behind an ambiguous body: it would create product `sku`. */
std::string smuggledCreate(const std::string& token, const std::string& sku) {
  const std::string body =
      R"({"sku":")" + sku + R"(","name":"Smuggled","price_cents":1,"stock":1})";
  return "POST /api/catalog/products HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " +
         token +
         "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body;
}

// Test that every ambiguous body framing gets 400, closes the connection and smuggles nothing.
TEST_F(HostileHttpTest, AmbiguousFramingGets400) {
  struct Shape {
    std::string name;
    std::string framing;  // headers
    std::string body;     // before the smuggled request
  };
  int number = 0;
  for (const Shape& shape : std::vector<Shape>{
           {"CL.TE", "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n"},
           {"TE.CL", "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n", "2\r\n{}\r\n0\r\n\r\n"},
           {"two lengths", "Content-Length: 0\r\nContent-Length: 2\r\n", "{}"},
           {"same length twice", "Content-Length: 2\r\nContent-Length: 2\r\n", "{}"},
           {"xchunked", "Transfer-Encoding: xchunked\r\n", "0\r\n\r\n"},
           {"chunked, identity", "Transfer-Encoding: chunked, identity\r\n", "0\r\n\r\n"},
           {"two codings", "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
            "0\r\n\r\n"},
           {"space before colon", "Transfer-Encoding : chunked\r\nContent-Length: 5\r\n",
            "0\r\n\r\n"},
           {"spaced chunked and length", "Transfer-Encoding:  chunked\r\nContent-Length: 5\r\n",
            "0\r\n\r\n"},
           {"tab chunked and length", "Transfer-Encoding:\tchunked\r\nContent-Length: 5\r\n",
            "0\r\n\r\n"},
           {"signed length", "Content-Length: +2\r\n", "{}"},
           {"hex length", "Content-Length: 0x2\r\n", "{}"},
           {"length list", "Content-Length: 2, 2\r\n", "{}"},
       }) {
    SCOPED_TRACE(shape.name);
    const std::string sku = "SMUGGLED-" + std::to_string(number++);
    const auto started = Clock::now();
    const auto responses = send(adminPost("/api/users", shape.framing, shape.body) +
                                smuggledCreate(admin_token_, sku));
    expectProblem(responses, 400, "/problems/bad-request");
    // The server closed the connection itself rather than wait for more.
    EXPECT_LT(Clock::now() - started, std::chrono::seconds(4));
    EXPECT_FALSE(skuExists(sku));
  }
}

// Test that a chunked body with whitespace before `chunked` is one request, read as chunked.
TEST_F(HostileHttpTest, SpacedChunkedIsOneRequest) {
  const std::string product = R"({"sku":"SPACED-CHUNKED","name":"x","price_cents":1,"stock":1})";
  char size[16];
  std::snprintf(size, sizeof size, "%zx", product.size());
  const auto responses = send(adminPost("/api/catalog/products",
                                        "Transfer-Encoding: \t chunked\r\nConnection: close\r\n",
                                        std::string(size) + "\r\n" + product + "\r\n0\r\n\r\n"));
  ASSERT_EQ(responses.size(), 1u);
  EXPECT_EQ(responses.front().status, 201) << responses.front().body;
  EXPECT_TRUE(skuExists("SPACED-CHUNKED"));
}

}  // namespace
}  // namespace agora::testing
