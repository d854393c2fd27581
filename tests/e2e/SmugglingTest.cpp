// Request smuggling through the nginx edge: bodies whose end is ambiguous (Content-Length
// against Transfer-Encoding, two lengths, disguised codings) carry a second request, sent as raw
// bytes over TLS. nginx must refuse each with one problem response, and the smuggled request
// must never reach a role: it would create a product, and it carries a request id that no
// role's log may show.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "../integration/RawClient.h"
#include "Topology.h"

namespace agora::testing {
namespace {

const std::vector<std::string> kRoleLogs = {"AUTH_1_LOG",    "USERS_1_LOG",  "CATALOG_1_LOG",
                                            "CATALOG_2_LOG", "ORDERS_1_LOG", "ORDERS_2_LOG"};

bool anyRoleLogged(const std::string& needle) {
  for (const auto& key : kRoleLogs) {
    std::ifstream log(Topology::get().value(key));
    std::string line;
    while (std::getline(log, line)) {
      if (line.find(needle) != std::string::npos) return true;
    }
  }
  return false;
}

bool skuExists(const std::string& sku) {
  Reply page = Topology::get().edgeGet("/api/catalog/products?limit=100&q=" + sku);
  EXPECT_EQ(page.status, 200) << page.body;
  return page.body.find("\"sku\":\"" + sku + "\"") != std::string::npos;
}

class SmugglingTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const Topology& topology = Topology::get();
    admin_token_ = logIn(topology.adminEmail(), topology.adminPassword()).access_token;
  }

  /** Sends `bytes` on one TLS connection to the edge; every response before the close. */
  static std::vector<raw::Response> send(const std::string& bytes) {
    return raw::exchange(Topology::get().port("EDGE_PORT"), true, bytes, std::chrono::seconds(12));
  }

  /** Builds a request that would create product `sku`, marked with request id `id`. */
  static std::string smuggled(const std::string& sku, const std::string& id) {
    const std::string body =
        R"({"sku":")" + sku + R"(","name":"Smuggled","price_cents":1,"stock":1})";
    return "POST /api/catalog/products HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " +
           admin_token_ + "\r\nX-Request-Id: " + id +
           "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\n\r\n" + body;
  }

  static std::string admin_token_;
};

std::string SmugglingTest::admin_token_;

// Test that the check counts a second response when two requests are pipelined in the open.
TEST_F(SmugglingTest, PipelinedRequestsAreEachAnswered) {
  const std::string get = "GET /api/catalog/products?limit=1 HTTP/1.1\r\nHost: localhost\r\n\r\n";
  const auto responses = send(get +
                              "GET /api/catalog/products?limit=1 HTTP/1.1\r\nHost: localhost\r\n"
                              "Connection: close\r\n\r\n");
  ASSERT_EQ(responses.size(), 2u);
  EXPECT_EQ(responses[0].status, 200);
  EXPECT_EQ(responses[1].status, 200);
}

// Test that every ambiguous framing is refused with one 400 problem and smuggles nothing.
TEST_F(SmugglingTest, AmbiguousBodiesAreRefused) {
  struct Shape {
    std::string name;
    std::string framing;  // the headers that frame the first request's body
    std::string body;     // the first request's body, before the smuggled request
  };
  const std::vector<Shape> shapes = {
      {"CL.TE", "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n"},
      {"TE.CL", "Transfer-Encoding: chunked\r\nContent-Length: 4\r\n", "1\r\n{\r\n0\r\n\r\n"},
      {"two lengths", "Content-Length: 0\r\nContent-Length: 2\r\n", "{}"},
      {"same length twice", "Content-Length: 2\r\nContent-Length: 2\r\n", "{}"},
      {"length cases", "Content-Length: 2\r\ncontent-length: 0\r\n", "{}"},
      {"xchunked", "Transfer-Encoding: xchunked\r\n", "0\r\n\r\n"},
      {"xchunked and length", "Transfer-Encoding: xchunked\r\nContent-Length: 5\r\n", "0\r\n\r\n"},
      {"spaced chunked and length", "Transfer-Encoding:  chunked\r\nContent-Length: 5\r\n",
       "0\r\n\r\n"},
      {"tab chunked and length", "Transfer-Encoding:\tchunked\r\nContent-Length: 5\r\n",
       "0\r\n\r\n"},
      {"chunked, identity", "Transfer-Encoding: chunked, identity\r\n", "0\r\n\r\n"},
      {"space before colon", "Transfer-Encoding : chunked\r\nContent-Length: 5\r\n", "0\r\n\r\n"},
      {"folded coding", "Transfer-Encoding:\r\n chunked\r\nContent-Length: 5\r\n", "0\r\n\r\n"},
      {"negative length", "Content-Length: -1\r\n", "0\r\n\r\n"},
      {"length list", "Content-Length: 5, 5\r\n", "0\r\n\r\n"},
  };
  const std::string run = std::to_string(getpid());
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < shapes.size(); ++i) {
    const Shape& shape = shapes[i];
    SCOPED_TRACE(shape.name);
    const std::string sku = "SMUGGLED-" + run + "-" + std::to_string(i);
    const std::string id = "smuggled-" + run + "-" + std::to_string(i);
    ids.push_back(id);
    const std::string first =
        "POST /api/users HTTP/1.1\r\nHost: localhost\r\n"
        "Content-Type: application/json\r\n" +
        shape.framing + "\r\n" + shape.body;
    const auto started = std::chrono::steady_clock::now();
    const auto responses = send(first + smuggled(sku, id));

    ASSERT_EQ(responses.size(), 1u) << "one answer for one request";
    const raw::Response& response = responses.front();
    EXPECT_EQ(response.status, 400) << response.head << "\n" << response.body;
    EXPECT_EQ(response.header("content-type").rfind("application/problem+json", 0), 0u);
    EXPECT_NE(response.body.find("\"type\":\"/problems/bad-request\""), std::string::npos)
        << response.body;
    EXPECT_EQ(response.count("x-request-id"), 1u);
    // The edge closed the connection rather than read on.
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(8));
    EXPECT_FALSE(skuExists(sku));
  }
  // The roles write their log line when a request ends; give them a moment, then look.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  for (const auto& id : ids) EXPECT_FALSE(anyRoleLogged(id)) << id << " reached a role";
}

}  // namespace
}  // namespace agora::testing
