// Ended sessions stay ended. Logout, revocation, password changes, disabling, expiry and refresh
// reuse take effect within a second at the built-in edge and at every role alone. Slow requests
// do not undo them, and concurrent refreshes do not log a user out.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <future>
#include <set>
#include <thread>
#include <utility>

#include "attacks/AttackSupport.h"

namespace agora::testing::attacks {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr auto kRevocationBound = milliseconds(1000);

HttpResult refresh(const Side& side, const std::string& refresh_token) {
  return side.auth->post("/api/auth/refresh", R"({"refresh_token":")" + refresh_token + R"("})");
}

/** Sends `token` to every target once and expects each to accept it. */
void expectAcceptedEverywhere(const std::vector<Target>& targets, const std::string& token,
                              const std::string& what) {
  for (const auto& target : targets) {
    HttpResult result = tryToken(target, token);
    EXPECT_EQ(result.status, target.accepted_status)
        << what << " at " << target.name << ": " << result.body;
  }
}

/**
 * Polls every target with `token` until 1.5 s after `ended_at`, at least once. Each must return
 * 401 to every request sent a second or more after `ended_at`, and never accept the token again
 * once it has rejected it.
 */
void expectRejectedWithinOneSecond(const std::vector<Target>& targets, const std::string& token,
                                   Clock::time_point ended_at, const std::string& what) {
  std::map<std::string, bool> rejected;
  bool first_round = true;
  while (std::exchange(first_round, false) || Clock::now() - ended_at < milliseconds(1500)) {
    for (const auto& target : targets) {
      const auto sent_at = Clock::now();
      HttpResult result = tryToken(target, token);
      if (result.status == 401) {
        rejected[target.name] = true;
        continue;
      }
      EXPECT_EQ(result.status, target.accepted_status) << what << " at " << target.name;
      EXPECT_FALSE(rejected[target.name]) << what << ": accepted again at " << target.name;
      EXPECT_LT(sent_at - ended_at, kRevocationBound)
          << what << ": still accepted at " << target.name << " after "
          << std::chrono::duration_cast<milliseconds>(sent_at - ended_at).count() << " ms";
    }
    std::this_thread::sleep_for(milliseconds(50));
  }
  for (const auto& target : targets) {
    EXPECT_TRUE(rejected[target.name]) << what << ": never rejected at " << target.name;
  }
}

/** Returns whether `session_id` is among the active sessions that `viewer_token` lists. */
bool listsSession(const Side& side, const std::string& viewer_token,
                  const std::string& session_id) {
  HttpResult list = side.auth->get("/api/auth/sessions", viewer_token);
  EXPECT_EQ(list.status, 200) << list.body;
  return list.body.find(session_id) != std::string::npos;
}

// Test that logout and the revocation of one session end them everywhere within a second.
TEST(SessionAttacks, LogoutAndRevocationWithinOneSecond) {
  Deployment deployment;
  for (const Side& side : deployment.sides()) {
    LoggedIn first = side.newCustomer("revoked");
    LoggedIn second = side.logIn(first.email, first.password);
    LoggedIn third = side.logIn(first.email, first.password);
    const auto targets = side.targetsFor(false);
    expectAcceptedEverywhere(targets, first.access_token, side.name + " before logout");
    expectAcceptedEverywhere(targets, second.access_token, side.name + " before revocation");

    ASSERT_EQ(side.auth->post("/api/auth/logout", "", first.access_token).status, 204);
    expectRejectedWithinOneSecond(targets, first.access_token, Clock::now(),
                                  side.name + " logged out");
    EXPECT_EQ(refresh(side, first.refresh_token).status, 401);

    HttpCall revoke;
    revoke.method = "DELETE";
    revoke.path = "/api/auth/sessions/" + second.session_id;
    revoke.bearer = third.access_token;
    ASSERT_EQ(side.auth->call(revoke).status, 204);
    expectRejectedWithinOneSecond(targets, second.access_token, Clock::now(),
                                  side.name + " revoked");
    EXPECT_EQ(refresh(side, second.refresh_token).status, 401);
    expectAcceptedEverywhere(targets, third.access_token, side.name + " untouched session");
  }
  expectStillServing(deployment.processes());
}

// Test that a refresh held up by a paused users role, finishing after logout, revives nothing.
TEST(SessionAttacks, SlowRefreshAfterLogoutRevivesNothing) {
  Deployment deployment;
  const Side side = deployment.rolesSide();
  LoggedIn victim = side.newCustomer("slow-refresh");
  LoggedIn watcher = side.logIn(victim.email, victim.password);

  deployment.users->sendSignal(SIGSTOP);
  auto slow = std::async(std::launch::async, [&] { return refresh(side, victim.refresh_token); });
  std::this_thread::sleep_for(milliseconds(300));
  const int logout = side.auth->post("/api/auth/logout", "", victim.access_token).status;
  std::this_thread::sleep_for(milliseconds(700));
  deployment.users->sendSignal(SIGCONT);
  HttpResult late = slow.get();

  EXPECT_EQ(logout, 204);
  EXPECT_NE(late.status, 200) << late.body;
  std::this_thread::sleep_for(kRevocationBound);
  expectRejectedEverywhere(side.targetsFor(false), victim.access_token, "logged out");
  EXPECT_EQ(refresh(side, victim.refresh_token).status, 401);
  EXPECT_FALSE(listsSession(side, watcher.access_token, victim.session_id));
  expectStillServing(deployment.processes());
}

// Test that orders held up by a paused catalog, or large ones, finishing after logout, revive
// nothing.
TEST(SessionAttacks, SlowOrderAfterLogoutRevivesNothing) {
  Deployment deployment;
  for (const Side& side : deployment.sides()) {
    const bool edge = side.name == "edge";
    const AgoraProcess& orders = edge ? *deployment.edge : *deployment.orders;
    const AgoraProcess& catalog = edge ? *deployment.edge : *deployment.catalog;
    LoggedIn victim = side.newCustomer("slow-order");
    LoggedIn watcher = side.logIn(victim.email, victim.password);

    // Fifty lines, the most an order may have, each a product of the seeded catalog.
    HttpResult products = catalog.get("/api/catalog/products?limit=50");
    ASSERT_EQ(products.status, 200);
    auto items = products.json()->getArray("items");
    std::string lines;
    for (std::size_t i = 0; i < items->size(); ++i) {
      lines += std::string(lines.empty() ? "" : ",") + R"({"product_id":")" +
               items->getObject(static_cast<unsigned>(i))->getValue<std::string>("id") +
               R"(","quantity":1})";
    }
    HttpCall order;
    order.method = "POST";
    order.path = "/api/orders";
    order.body = R"({"items":[)" + lines + "]}";
    order.bearer = victim.access_token;

    if (!edge) deployment.catalog->sendSignal(SIGSTOP);
    auto slow = std::async(std::launch::async, [&] { return orders.call(order); });
    std::this_thread::sleep_for(milliseconds(edge ? 5 : 300));
    EXPECT_EQ(side.auth->post("/api/auth/logout", "", victim.access_token).status, 204);
    if (!edge) {
      std::this_thread::sleep_for(milliseconds(700));
      deployment.catalog->sendSignal(SIGCONT);
    }
    HttpResult late = slow.get();
    EXPECT_TRUE(late.status == 201 || late.status == 401 || late.status == 409 ||
                late.status == 503)
        << side.name << ": " << late.status << " " << late.body;

    std::this_thread::sleep_for(kRevocationBound);
    expectRejectedEverywhere(side.targetsFor(false), victim.access_token, side.name + " order");
    EXPECT_EQ(refresh(side, victim.refresh_token).status, 401);
    EXPECT_FALSE(listsSession(side, watcher.access_token, victim.session_id)) << side.name;
  }
  expectStillServing(deployment.processes());
}

// Test that a refresh token replayed after its grace window ends the session everywhere.
TEST(SessionAttacks, RefreshReplayAfterGraceEndsSessionEverywhere) {
  const std::vector<std::string> short_grace = {"--set", "auth.refresh_grace_seconds=1"};
  Deployment deployment({.edge = short_grace, .roles = short_grace});
  for (const Side& side : deployment.sides()) {
    LoggedIn victim = side.newCustomer("replayed");
    HttpResult rotated = refresh(side, victim.refresh_token);
    ASSERT_EQ(rotated.status, 200) << rotated.body;
    const std::string successor = rotated.json()->getValue<std::string>("refresh_token");
    const std::string access = rotated.json()->getValue<std::string>("access_token");
    expectAcceptedEverywhere(side.targetsFor(false), access, side.name + " rotated");

    std::this_thread::sleep_for(milliseconds(2100));
    EXPECT_EQ(refresh(side, victim.refresh_token).status, 401) << side.name;
    const auto replayed_at = Clock::now();
    expectRejectedWithinOneSecond(side.targetsFor(false), access, replayed_at,
                                  side.name + " after replay");
    expectRejectedWithinOneSecond(side.targetsFor(false), victim.access_token, replayed_at,
                                  side.name + " first access token after replay");
    EXPECT_EQ(refresh(side, successor).status, 401) << side.name;
  }
  expectStillServing(deployment.processes());
}

// Test that rounds of eight simultaneous refreshes with one token all succeed with one pair and
// leave the user logged in everywhere.
TEST(SessionAttacks, ConcurrentRefreshesKeepUserLoggedIn) {
  Deployment deployment;
  for (const Side& side : deployment.sides()) {
    LoggedIn user = side.newCustomer("concurrent");
    std::string refresh_token = user.refresh_token;
    for (int round = 0; round < 3; ++round) {
      std::vector<std::future<HttpResult>> calls;
      for (int thread = 0; thread < 8; ++thread) {
        calls.push_back(
            std::async(std::launch::async, [&] { return refresh(side, refresh_token); }));
      }
      std::set<std::string> pairs;
      for (auto& call : calls) {
        HttpResult result = call.get();
        ASSERT_EQ(result.status, 200) << side.name << " round " << round << ": " << result.body;
        pairs.insert(result.json()->getValue<std::string>("refresh_token") + " " +
                     result.json()->getValue<std::string>("access_token"));
      }
      ASSERT_EQ(pairs.size(), 1u) << side.name << " round " << round;
      refresh_token = pairs.begin()->substr(0, pairs.begin()->find(' '));
      expectAcceptedEverywhere(side.targetsFor(false),
                               pairs.begin()->substr(pairs.begin()->find(' ') + 1),
                               side.name + " round " + std::to_string(round));
    }
    std::this_thread::sleep_for(kRevocationBound);
    expectAcceptedEverywhere(side.targetsFor(false), user.access_token, side.name + " first token");
  }
  expectStillServing(deployment.processes());
}

// Test that a password change ends every other session everywhere and keeps the current one.
TEST(SessionAttacks, PasswordChangeEndsOtherSessionsEverywhere) {
  Deployment deployment;
  for (const Side& side : deployment.sides()) {
    LoggedIn current = side.newCustomer("changer");
    LoggedIn other = side.logIn(current.email, current.password);
    const auto targets = side.targetsFor(false);
    expectAcceptedEverywhere(targets, other.access_token, side.name + " before the change");

    HttpResult changed =
        side.users->post("/api/users/me/password",
                         R"({"current_password":")" + current.password +
                             R"(","new_password":"an entirely new passphrase 77"})",
                         current.access_token);
    ASSERT_EQ(changed.status, 204) << changed.body;
    expectRejectedWithinOneSecond(targets, other.access_token, Clock::now(),
                                  side.name + " other session");
    EXPECT_EQ(refresh(side, other.refresh_token).status, 401);
    expectAcceptedEverywhere(targets, current.access_token, side.name + " current session");
    EXPECT_EQ(refresh(side, current.refresh_token).status, 200);
  }
  expectStillServing(deployment.processes());
}

// Test that disabling a user ends their sessions everywhere and rejects their login like a wrong
// password; enabling them again lets them back in.
TEST(SessionAttacks, DisabledUserIsLockedOutEverywhere) {
  Deployment deployment;
  for (const Side& side : deployment.sides()) {
    LoggedIn admin = side.admin();
    LoggedIn victim = side.newCustomer("disabled");
    LoggedIn second = side.logIn(victim.email, victim.password);
    const auto targets = side.targetsFor(false);
    expectAcceptedEverywhere(targets, victim.access_token, side.name + " before disabling");

    HttpCall disable;
    disable.method = "PATCH";
    disable.path = "/api/users/" + victim.user_id;
    disable.body = R"({"disabled":true})";
    disable.bearer = admin.access_token;
    ASSERT_EQ(side.users->call(disable).status, 200);
    const auto disabled_at = Clock::now();
    expectRejectedWithinOneSecond(targets, victim.access_token, disabled_at, side.name + " first");
    expectRejectedWithinOneSecond(targets, second.access_token, disabled_at, side.name + " second");
    EXPECT_EQ(refresh(side, victim.refresh_token).status, 401);

    const std::string right =
        R"({"email":")" + victim.email + R"(","password":")" + victim.password + R"("})";
    const std::string wrong =
        R"({"email":")" + victim.email + R"(","password":"wrong guess 12345"})";
    HttpResult rejected_login = side.auth->post("/api/auth/login", right);
    HttpResult mistaken = side.auth->post("/api/auth/login", wrong);
    EXPECT_EQ(rejected_login.status, 401);
    auto rejected_body = rejected_login.json();
    auto mistaken_body = mistaken.json();
    rejected_body->remove("request_id");
    mistaken_body->remove("request_id");
    EXPECT_EQ(jsonText(*rejected_body), jsonText(*mistaken_body));

    disable.body = R"({"disabled":false})";
    ASSERT_EQ(side.users->call(disable).status, 200);
    EXPECT_EQ(side.auth->post("/api/auth/login", right).status, 200);
  }
  expectStillServing(deployment.processes());
}

// Test that a session that expired in the store rejects its still unexpired access token.
TEST(SessionAttacks, ExpiredSessionIsRejectedEverywhere) {
  Deployment deployment({.edge_on_redis = true});
  for (const Side& side : deployment.sides()) {
    const std::string prefix =
        side.name == "edge" ? deployment.edge_key_prefix : deployment.roles_key_prefix;
    LoggedIn victim = side.newCustomer("expired");
    expectAcceptedEverywhere(side.targetsFor(false), victim.access_token, side.name + " fresh");

    // What the idle timeout does, without waiting out its minimum of a minute.
    EXPECT_EQ(
        deployment.redis->command("PEXPIRE " + prefix + "session:" + victim.session_id + " 1"),
        "1\n");
    expectRejectedWithinOneSecond(side.targetsFor(false), victim.access_token, Clock::now(),
                                  side.name + " expired session");
    EXPECT_EQ(refresh(side, victim.refresh_token).status, 401);
  }
  expectStillServing(deployment.processes());
}

}  // namespace
}  // namespace agora::testing::attacks
