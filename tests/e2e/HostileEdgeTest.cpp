// Hostile requests through the nginx edge: oversized and malformed heads, oversized bodies,
// JSON past its limits, header injection through X-Request-Id, and a thousand slow or idle
// connections. Each gets one problem details response and the edge keeps serving.
#include <gtest/gtest.h>

#include <chrono>
#include <regex>
#include <string>
#include <vector>

#include "../integration/RawClient.h"
#include "../integration/SlowClients.h"
#include "Topology.h"

namespace agora::testing {
namespace {

constexpr int kSlowClients = 1000;
constexpr auto kSiege = std::chrono::seconds(10);

int edgePort() {
  return Topology::get().port("EDGE_PORT");
}

std::vector<raw::Response> send(const std::string& bytes) {
  return raw::exchange(edgePort(), true, bytes, std::chrono::seconds(12));
}

bool served() {
  try {
    return Topology::get().edgeGet("/api/catalog/products?limit=1").status == 200;
  } catch (const std::exception&) {
    return false;
  }
}

/** One problem response of `status` and `type` with the edge's headers, once each. */
void expectProblem(const std::vector<raw::Response>& responses, int status,
                   const std::string& type) {
  ASSERT_EQ(responses.size(), 1u) << "expected exactly one response";
  const raw::Response& response = responses.front();
  EXPECT_EQ(response.status, status) << response.head << "\n" << response.body;
  EXPECT_EQ(response.header("content-type").rfind("application/problem+json", 0), 0u)
      << response.head;
  EXPECT_NE(response.body.find("\"type\":\"" + type + "\""), std::string::npos) << response.body;
  EXPECT_NE(response.body.find("\"status\":" + std::to_string(status)), std::string::npos);
  EXPECT_EQ(response.header("server"), "nginx") << "a version or another banner";
  for (const char* name : {"x-request-id", "strict-transport-security", "x-content-type-options",
                           "content-security-policy"}) {
    EXPECT_EQ(response.count(name), 1u) << name;
  }
  for (const char* leak : {"nginx/", "Poco", "Exception", "<html"}) {
    EXPECT_EQ(response.body.find(leak), std::string::npos) << leak << " in " << response.body;
  }
}

std::string get(const std::string& target, const std::string& headers = {}) {
  return "GET " + target + " HTTP/1.1\r\nHost: localhost\r\n" + headers +
         "Connection: close\r\n\r\n";
}

class HostileEdgeTest : public ::testing::Test {
 protected:
  void TearDown() override { EXPECT_TRUE(served()) << "the edge stopped serving"; }
};

// Test that heads over nginx's limits, and over the roles' behind it, get 431 problems.
TEST_F(HostileEdgeTest, OversizedHeadersGet431) {
  const std::string target = "/api/catalog/products?limit=1";
  // Over nginx's 16 KiB buffer for one line, and over 64 KiB in all.
  expectProblem(send(get(target, "X-Big: " + std::string(17000, 'a') + "\r\n")), 431,
                "/problems/header-too-large");
  std::string large;
  for (int i = 0; i < 6; ++i)
    large += "X-Big-" + std::to_string(i) + ": " + std::string(15000, 'b') + "\r\n";
  expectProblem(send(get(target, large)), 431, "/problems/header-too-large");
  // Within nginx's limits but over a role's (8 KiB a line, 100 fields): the role's 431.
  expectProblem(send(get(target, "X-Big: " + std::string(9000, 'c') + "\r\n")), 431,
                "/problems/header-too-large");
  std::string many;
  for (int i = 0; i < 150; ++i) many += "X-Field-" + std::to_string(i) + ": x\r\n";
  expectProblem(send(get(target, many)), 431, "/problems/header-too-large");
}

// Test that a long request line, a malformed one and an unknown version get problems.
TEST_F(HostileEdgeTest, MalformedRequestLinesGetProblems) {
  expectProblem(send(get("/api/catalog/products?q=" + std::string(17000, 'q'))), 414,
                "/problems/uri-too-long");
  expectProblem(send("HELLO\r\n\r\n"), 400, "/problems/bad-request");
  expectProblem(send("GET / HTTP/9.9\r\nHost: localhost\r\n\r\n"), 505,
                "/problems/http-version-not-supported");
}

// Test that bodies over 1 MiB get 413 however they are framed.
TEST_F(HostileEdgeTest, OversizedBodiesGet413) {
  std::string chunked;
  for (int i = 0; i < 17; ++i) chunked += "10000\r\n" + std::string(0x10000, 'x') + "\r\n";
  chunked += "0\r\n\r\n";
  expectProblem(send("POST /api/users HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
                     "application/json\r\nTransfer-Encoding: chunked\r\n\r\n" +
                     chunked),
                413, "/problems/payload-too-large");
  expectProblem(send("POST /api/users HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
                     "application/json\r\nContent-Length: 1099511627776\r\n\r\n"),
                413, "/problems/payload-too-large");
}

// Test that JSON past its limits is refused by the role behind the edge, and nothing stored.
TEST_F(HostileEdgeTest, HostileJsonGets400) {
  const Topology& topology = Topology::get();
  const std::string admin = logIn(topology.adminEmail(), topology.adminPassword()).access_token;
  const std::string sku = "EDGE-JSON-" + std::to_string(getpid());
  for (const std::string& body : std::vector<std::string>{
           R"({"sku":")" + sku + R"(","name":"x","price_cents":1,"stock":1,"n":)" +
               std::string(100000, '[') + std::string(100000, ']') + "}",
           R"({"sku":")" + sku + R"(","name":"bad )" + "\xff\xfe" +
               R"(","price_cents":1,"stock":1})",
           R"({"sku":")" + sku + R"(","name":"lone \ud800","price_cents":1,"stock":1})",
           R"({"sku":")" + sku + R"(","sku":"other","name":"x","price_cents":1,"stock":1})",
           R"({"sku":")" + sku + R"(","name":"x","price_cents":1e30,"stock":1})",
           R"({"sku":")" + sku + R"(","name":"x","price_cents":1,"stock":9223372036854775808})"}) {
    Reply reply = topology.edgePost("/api/catalog/products", body, admin);
    EXPECT_EQ(reply.status, 400) << reply.body.substr(0, 300);
    EXPECT_TRUE(reply.isProblem()) << reply.body.substr(0, 300);
  }
  Reply found = topology.edgeGet("/api/catalog/products?q=" + sku);
  EXPECT_EQ(found.body.find(sku), std::string::npos) << found.body;

  Account customer = registerCustomer("edge-quantity");
  const std::string product = createProduct(admin, "EDGE-QTY", 100, 5);
  for (const char* quantity : {"1e30", "-1", "1.5", "0", "\"2\"", "9223372036854775808", "1001"}) {
    Reply order = topology.edgePost(
        "/api/orders",
        R"({"items":[{"product_id":")" + product + R"(","quantity":)" + quantity + "}]}",
        customer.access_token);
    EXPECT_EQ(order.status, 400) << quantity << ": " << order.body;
  }
  EXPECT_EQ(stockOf(product), 5);
  EXPECT_EQ(
      topology.edgeGet("/api/orders", customer.access_token).json()->getArray("items")->size(), 0u);
}

// Test that an unusable X-Request-Id is replaced by the edge and cannot add a header.
TEST_F(HostileEdgeTest, RequestIdCannotInjectHeaders) {
  const std::regex sane("[A-Za-z0-9._-]{1,128}");
  for (const std::string& attempt : std::vector<std::string>{
           "X-Request-Id: " + std::string(129, 'a') + "\r\n",
           "X-Request-Id: id\xc3\xa9-utf8\r\n",
           "X-Request-Id: id\xff\xfe\r\n",
           "X-Request-Id: id%0d%0aX-Injected:%20yes\r\n",
           "X-Request-Id: id\r\n X-Injected: folded\r\n",
           "X-Request-Id: id\rX-Injected: bare-cr\r\n",
       }) {
    SCOPED_TRACE(attempt);
    const auto responses = send(get("/api/catalog/products?limit=1", attempt));
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
}

void expectBystanderServed(const raw::SiegeReport& report) {
  ::testing::Test::RecordProperty("bystander_requests", report.requests);
  ::testing::Test::RecordProperty("bystander_slowest_ms", static_cast<int>(report.slowest.count()));
  EXPECT_GE(report.requests, 10);
  EXPECT_EQ(report.failures, 0) << "of " << report.requests << " requests";
  EXPECT_LT(report.slowest, raw::bystanderBound()) << "slowest of " << report.requests;
}

// Test that a thousand clients trickling their TLS hello or request head do not starve another
// client, and that the edge closes them after its header timeout.
TEST_F(HostileEdgeTest, TricklingHeadsDoNotStarveOthers) {
  raw::raiseOpenFileLimit(4096);
  raw::Trickle trickle;
  const int heads = trickle.openTls(
      edgePort(), kSlowClients / 2,
      "GET /api/catalog/products HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + std::string(5000, 's'));
  const int hellos = trickle.openPlain(edgePort(), kSlowClients / 2, raw::clientHello());
  ASSERT_GE(heads + hellos, kSlowClients - 10) << "the test could not open its connections";

  expectBystanderServed(raw::besiege(trickle, kSiege, served));
  // nginx's client_header_timeout (10 s) has passed for every slow connection by now.
  std::this_thread::sleep_for(std::chrono::seconds(2));
  EXPECT_EQ(trickle.step(), 0) << "slow connections the edge left open";
}

// Test that a thousand silent and idle keep-alive connections do not starve another client.
TEST_F(HostileEdgeTest, IdleConnectionsDoNotStarveOthers) {
  raw::raiseOpenFileLimit(4096);
  raw::Trickle idle;
  const int kept =
      idle.openIdle(edgePort(), kSlowClients / 2,
                    "GET /api/catalog/products?limit=1 HTTP/1.1\r\nHost: localhost\r\n\r\n");
  const int silent = idle.openPlain(edgePort(), kSlowClients / 2, "");
  ASSERT_GE(kept + silent, kSlowClients - 10);
  expectBystanderServed(raw::besiege(idle, kSiege, served));
}

}  // namespace
}  // namespace agora::testing
