// Hostile text on MariaDB (utf8mb4) through the nginx edge: SQL metacharacters, quotes,
// backslashes, NUL, LIKE wildcards and 4-byte UTF-8 in every text field, stored and returned
// unchanged or refused (the SQLite run of the same checks is tests/integration).
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>

#include "../integration/HostileText.h"
#include "Topology.h"

namespace agora::testing {
namespace {

hostile::Reply viaEdge(const std::string& method, const std::string& path, const std::string& body,
                       const std::string& bearer, const std::string& source = {}) {
  Call call;
  call.method = method;
  call.path = path;
  call.body = body;
  call.bearer = bearer;
  Reply reply = Topology::get().edge(call, source);
  return {reply.status, reply.body};
}

hostile::Reply send(const std::string& method, const std::string& path, const std::string& body,
                    const std::string& bearer) {
  return viaEdge(method, path, body, bearer);
}

/** Registrations come from changing loopback addresses, below the edge's per-address limit. */
hostile::Reply registerFromAnywhere(const std::string& method, const std::string& path,
                                    const std::string& body, const std::string& bearer) {
  static std::atomic<int> next{0};
  const std::string source = "127.0.3." + std::to_string(1 + (getpid() + next++) % 250);
  return viaEdge(method, path, body, bearer, source);
}

std::string adminToken() {
  const Topology& topology = Topology::get();
  return logIn(topology.adminEmail(), topology.adminPassword()).access_token;
}

std::string run() {
  return "maria" + std::to_string(getpid());
}

// Test that product names and descriptions come back byte for byte, order lines included.
TEST(DataRoundTrip, ProductTextsRoundTrip) {
  Account customer = registerCustomer("texts");
  hostile::productTextsRoundTrip(send, adminToken(), customer.access_token, run());
}

// Test that control characters (NUL among them) in product text are refused and not stored.
TEST(DataRoundTrip, ControlCharactersRefused) {
  const std::string token = adminToken();
  hostile::productControlCharactersRefused(send, token, run());
  hostile::skuMetacharactersRefused(send, token);
}

// Test that %, _ and ! in a search match only themselves.
TEST(DataRoundTrip, SearchIsLiteral) {
  hostile::searchIsLiteral(send, adminToken(), run());
}

// Test that display names and emails with metacharacters and emoji round-trip.
TEST(DataRoundTrip, AccountTextsRoundTrip) {
  hostile::accountTextsRoundTrip(send, registerFromAnywhere, adminToken(), run());
}

}  // namespace
}  // namespace agora::testing
