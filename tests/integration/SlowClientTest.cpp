// Slow and idle clients against the built-in edge of `--role=all`. A thousand connections that
// trickle their TLS hello or request head a byte at a time, or sit silent or idle between
// keep-alive requests, must not keep another client from being served. The server must shut
// them down itself.
#include <gtest/gtest.h>

#include <chrono>
#include <regex>
#include <string>

#include "AgoraProcess.h"
#include "SlowClients.h"

namespace agora::testing {
namespace {

constexpr int kSlowClients = 1000;
constexpr auto kSiege = std::chrono::seconds(10);

bool served(const AgoraProcess& agora) {
  try {
    return agora.get("/api/catalog/products?limit=1").status == 200;
  } catch (const std::exception&) {
    return false;
  }
}

/** Reads a counter series from the admin port's metrics; 0 when absent. */
double counter(const AgoraProcess& agora, const std::string& series) {
  const std::string metrics = agora.admin("/metrics").body;
  const auto found = metrics.find(series + " ");
  return found == std::string::npos ? 0 : std::stod(metrics.substr(found + series.size() + 1));
}

void expectBystanderServed(const raw::SiegeReport& report) {
  ::testing::Test::RecordProperty("bystander_requests", report.requests);
  ::testing::Test::RecordProperty("bystander_slowest_ms", static_cast<int>(report.slowest.count()));
  EXPECT_GE(report.requests, 10);
  EXPECT_EQ(report.failures, 0) << "of " << report.requests << " requests";
  EXPECT_LT(report.slowest, raw::bystanderBound()) << "slowest of " << report.requests;
}

// Test that a thousand clients trickling their TLS hello or request head a byte at a time do not
// starve another client, and that the server cuts them all.
TEST(SlowClients, TricklingHeadsDoNotStarveOthers) {
  raw::raiseOpenFileLimit(4096);
  AgoraProcess agora;
  raw::Trickle trickle;
  // Some finish the TLS handshake and then trickle an endless request head ...
  const int heads = trickle.openTls(
      agora.apiPort(), 50,
      "GET /api/catalog/products HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + std::string(5000, 's'));
  // ... the rest trickle the TLS hello itself.
  const int hellos = trickle.openPlain(agora.apiPort(), kSlowClients - 50, raw::clientHello());
  ASSERT_EQ(heads, 50);
  ASSERT_GE(hellos, kSlowClients - 50 - 10) << "the test could not open its connections";

  const raw::SiegeReport report = raw::besiege(trickle, kSiege, [&] { return served(agora); });
  expectBystanderServed(report);

  // The head timeout (10 s) has passed for every slow connection by now.
  std::this_thread::sleep_for(std::chrono::seconds(2));
  EXPECT_EQ(trickle.step(), 0) << "slow connections the server left open";
  const std::string role = "role=\"all\"";
  EXPECT_GT(counter(agora, "http_server_connections_closed_total{" + role + ",reason=\"evicted\"}"),
            0);
  EXPECT_GT(
      counter(agora, "http_server_connections_closed_total{" + role + ",reason=\"head_timeout\"}"),
      0);
  EXPECT_TRUE(served(agora));
}

// Test that a thousand silent connections and hundreds of idle keep-alive connections do not
// starve another client. The keep-alive timeout is raised, so only the server's eviction of idle
// connections can make room.
TEST(SlowClients, IdleConnectionsDoNotStarveOthers) {
  raw::raiseOpenFileLimit(4096);
  AgoraProcess agora({"--set", "http.keep_alive_timeout_seconds=60"});
  raw::Trickle idle;
  const int kept =
      idle.openIdle(agora.apiPort(), 300,
                    "GET /api/catalog/products?limit=1 HTTP/1.1\r\nHost: localhost\r\n\r\n");
  ASSERT_GE(kept, 290) << "idle keep-alive connections opened";
  const int silent = idle.openPlain(agora.apiPort(), kSlowClients, "");
  ASSERT_GE(silent, kSlowClients - 10);

  const raw::SiegeReport report = raw::besiege(idle, kSiege, [&] { return served(agora); });
  expectBystanderServed(report);
  std::this_thread::sleep_for(std::chrono::seconds(2));
  EXPECT_EQ(idle.step(), 0) << "connections the server left open";
}

}  // namespace
}  // namespace agora::testing
