// Attacks on credentials against the real binary: account enumeration by status, body and timing,
// lockouts per account and per address (bounded, with Retry-After), Unicode normalization of
// passwords, overlong passwords and the common-password list.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>

#include "attacks/AttackSupport.h"
#include "platform/security/Random.h"

namespace agora::testing::attacks {
namespace {

using std::chrono::milliseconds;

constexpr int kTimingRounds = 15;
// Outside these bounds the two kinds of attempt can be distinguished. Medians of interleaved
// rounds keep the noise of a busy machine out.
constexpr double kMinTimingRatio = 0.67;
constexpr double kMaxTimingRatio = 1.5;
// Long enough that the checks made during a lockout finish inside it on a busy machine.
constexpr int kLockoutSeconds = 8;

std::string credentials(const std::string& email, const std::string& password) {
  Poco::JSON::Object body;
  body.set("email", email);
  body.set("password", password);
  return jsonText(body);
}

std::string registration(const std::string& email, const std::string& password) {
  Poco::JSON::Object body;
  body.set("email", email);
  body.set("password", password);
  body.set("display_name", "Probe");
  return jsonText(body);
}

HttpResult loginFrom(const AgoraProcess& agora, const std::string& body,
                     const std::string& address = {}) {
  HttpCall call;
  call.method = "POST";
  call.path = "/api/auth/login";
  call.body = body;
  if (!address.empty()) call.headers["X-Forwarded-For"] = address;
  return agora.call(call);
}

std::string freshEmail(const std::string& name) {
  return name + "-" + security::randomToken(6) + "@example.test";
}

/** Returns the body without its request id, which differs on every response. */
std::string withoutRequestId(const HttpResult& result) {
  auto body = result.json();
  body->remove("request_id");
  return jsonText(*body);
}

// Test that an unknown email, a wrong password and a disabled account get the same response.
TEST(CredentialAttacks, LoginFailuresLookAlike) {
  Deployment deployment({.split = false});
  const Side side = deployment.edgeSide();
  const AgoraProcess& agora = *deployment.edge;
  LoggedIn known = side.newCustomer("known");
  LoggedIn disabled = side.newCustomer("disabled");
  HttpCall disable;
  disable.method = "PATCH";
  disable.path = "/api/users/" + disabled.user_id;
  disable.body = R"({"disabled":true})";
  disable.bearer = side.admin().access_token;
  ASSERT_EQ(agora.call(disable).status, 200);

  std::string upper = known.email;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  const std::vector<std::pair<std::string, HttpResult>> failures = {
      {"unknown email", loginFrom(agora, credentials(freshEmail("nobody"), "some password 123"))},
      {"wrong password", loginFrom(agora, credentials(known.email, "some password 123"))},
      {"wrong password, other case", loginFrom(agora, credentials(upper, "some password 123"))},
      {"disabled, right password",
       loginFrom(agora, credentials(disabled.email, disabled.password))},
      {"overlong password", loginFrom(agora, credentials(known.email, std::string(200, 'x')))}};
  const HttpResult& reference = failures.front().second;
  for (const auto& [name, result] : failures) {
    EXPECT_EQ(result.status, 401) << name << ": " << result.body;
    EXPECT_EQ(withoutRequestId(result), withoutRequestId(reference)) << name;
    for (const char* header : {"content-type", "www-authenticate", "cache-control"}) {
      EXPECT_EQ(result.header(header), reference.header(header)) << name << " " << header;
    }
    EXPECT_TRUE(result.set_cookies.empty()) << name;
  }
}

// Test that a wrong password for a real account costs as long as a login for no account.
TEST(CredentialAttacks, LoginTimingHidesAccounts) {
  Deployment deployment({.split = false,
                         .edge = {"--set", "auth.login.max_failures=1000", "--set",
                                  "auth.login.max_failures_per_ip=100000"}});
  const AgoraProcess& agora = *deployment.edge;
  LoggedIn known = deployment.edgeSide().newCustomer("timed");
  auto wrongPassword = [&] {
    return loginFrom(agora, credentials(known.email, "not the password 12345")).status;
  };
  auto unknownEmail = [&] {
    return loginFrom(agora, credentials(freshEmail("ghost"), "not the password 12345")).status;
  };
  for (int warm = 0; warm < 3; ++warm) {
    wrongPassword();
    unknownEmail();
  }

  std::vector<double> known_ms, unknown_ms;
  for (int round = 0; round < kTimingRounds; ++round) {
    known_ms.push_back(millisecondsOf([&] { EXPECT_EQ(wrongPassword(), 401); }));
    unknown_ms.push_back(millisecondsOf([&] { EXPECT_EQ(unknownEmail(), 401); }));
  }
  const double ratio = median(known_ms) / median(unknown_ms);
  std::cout << "login medians: known " << median(known_ms) << " ms, unknown " << median(unknown_ms)
            << " ms, ratio " << ratio << "\n";
  EXPECT_GT(ratio, kMinTimingRatio);
  EXPECT_LT(ratio, kMaxTimingRatio);
}

// Test that registering a taken email costs as long as registering a fresh one.
TEST(CredentialAttacks, RegistrationTimingHidesAccounts) {
  Deployment deployment({.split = false});
  const AgoraProcess& agora = *deployment.edge;
  const std::string taken = deployment.edgeSide().newCustomer("taken").email;
  auto registerTaken = [&] {
    return agora.post("/api/users", registration(taken, "a long enough passphrase 1")).status;
  };
  auto registerFresh = [&] {
    return agora.post("/api/users", registration(freshEmail("fresh"), "a long enough passphrase 1"))
        .status;
  };
  for (int warm = 0; warm < 3; ++warm) {
    registerTaken();
    registerFresh();
  }

  std::vector<double> taken_ms, fresh_ms;
  for (int round = 0; round < kTimingRounds; ++round) {
    taken_ms.push_back(millisecondsOf([&] { EXPECT_EQ(registerTaken(), 409); }));
    fresh_ms.push_back(millisecondsOf([&] { EXPECT_EQ(registerFresh(), 201); }));
  }
  const double ratio = median(taken_ms) / median(fresh_ms);
  std::cout << "registration medians: taken " << median(taken_ms) << " ms, fresh "
            << median(fresh_ms) << " ms, ratio " << ratio << "\n";
  EXPECT_GT(ratio, kMinTimingRatio);
  EXPECT_LT(ratio, kMaxTimingRatio);
}

/** Expects a 429 problem with a Retry-After of 1 to `at_most` seconds, and returns it. */
int expectLocked(const HttpResult& result, int at_most, const std::string& what) {
  EXPECT_EQ(result.status, 429) << what << ": " << result.body;
  EXPECT_EQ(result.json()->optValue<std::string>("type", ""), "/problems/too-many-requests");
  const std::string header = result.header("retry-after");
  const int seconds = header.empty() ? 0 : std::stoi(header);
  EXPECT_GE(seconds, 1) << what;
  EXPECT_LE(seconds, at_most) << what;
  return seconds;
}

// Test that an account locks after repeated failures, that hammering it does not extend the
// lockout, that the right password is rejected meanwhile, and that the owner gets in afterwards.
TEST(CredentialAttacks, AccountLockoutIsBounded) {
  Deployment deployment(
      {.split = false,
       .edge = {"--set", "auth.login.max_failures=3", "--set",
                "auth.login.lockout_seconds=" + std::to_string(kLockoutSeconds)}});
  const AgoraProcess& agora = *deployment.edge;
  const Side side = deployment.edgeSide();
  LoggedIn victim = side.newCustomer("locked");
  LoggedIn bystander = side.newCustomer("bystander");
  const std::string wrong = credentials(victim.email, "an attacker's guess 123");

  for (int attempt = 0; attempt < 3; ++attempt) EXPECT_EQ(loginFrom(agora, wrong).status, 401);
  const auto locked_at = std::chrono::steady_clock::now();
  int retry_after = expectLocked(loginFrom(agora, wrong), kLockoutSeconds, "after three failures");

  // The attacker keeps going for two seconds; the wait only shrinks.
  while (std::chrono::steady_clock::now() - locked_at < milliseconds(2000)) {
    const int now = expectLocked(loginFrom(agora, wrong), kLockoutSeconds, "while hammering");
    EXPECT_LE(now, retry_after);
    retry_after = now;
    std::this_thread::sleep_for(milliseconds(200));
  }
  expectLocked(loginFrom(agora, credentials(victim.email, victim.password)), kLockoutSeconds,
               "the right password during the lockout");
  EXPECT_EQ(loginFrom(agora, credentials(bystander.email, bystander.password)).status, 200);

  // The lockout is over when its time is up, however many attempts came meanwhile.
  std::this_thread::sleep_until(locked_at + std::chrono::seconds(kLockoutSeconds) +
                                milliseconds(1100));
  EXPECT_EQ(loginFrom(agora, credentials(victim.email, victim.password)).status, 200);
}

// Test that guesses sent all at once get no more password checks than the lockout allows, with
// the in-process throttle at the edge and the Redis one at the auth role.
TEST(CredentialAttacks, ConcurrentGuessesCannotOutrunLockout) {
  const std::vector<std::string> limits = {"--set", "auth.login.max_failures=3", "--set",
                                           "auth.login.lockout_seconds=60"};
  Deployment deployment({.edge = limits, .roles = limits});
  for (const Side& side : deployment.sides()) {
    LoggedIn victim = side.newCustomer("rushed");
    std::vector<std::future<HttpResult>> guesses;
    for (int guess = 0; guess < 16; ++guess) {
      const std::string password = "guess number " + std::to_string(guess) + " abc";
      guesses.push_back(std::async(std::launch::async, [&side, &victim, password] {
        return loginFrom(*side.auth, credentials(victim.email, password));
      }));
    }
    int checked = 0;
    for (auto& guess : guesses) {
      HttpResult result = guess.get();
      EXPECT_TRUE(result.status == 401 || result.status == 429)
          << side.name << ": " << result.status << " " << result.body;
      if (result.status == 401) ++checked;
    }
    EXPECT_LE(checked, 3) << side.name << ": passwords checked despite the lockout";
    // The owner's own password is rejected too until the lockout ends.
    expectLocked(loginFrom(*side.auth, credentials(victim.email, victim.password)), 60,
                 side.name + " after the rush");
  }
  expectStillServing(deployment.processes());
}

// Test that one address failing on many accounts is locked out for a bounded time while other
// addresses are not. Rotating X-Forwarded-For does not evade it unless a proxy is trusted.
TEST(CredentialAttacks, AddressLockoutIsBounded) {
  const std::vector<std::string> limits = {
      "--set", "auth.login.max_failures_per_ip=4", "--set",
      "auth.login.lockout_seconds=" + std::to_string(kLockoutSeconds)};
  std::vector<std::string> behind_proxy = limits;
  behind_proxy.insert(behind_proxy.end(), {"--set", "http.trust_forwarded_for=true"});
  Deployment deployment({.split = false, .edge = behind_proxy});
  const AgoraProcess& agora = *deployment.edge;
  LoggedIn attacker = deployment.edgeSide().newCustomer("sprayer");
  LoggedIn victim = deployment.edgeSide().newCustomer("sprayed");
  const std::string attacker_address = "127.0.0.77";

  for (int account = 0; account < 4; ++account) {
    HttpResult result =
        loginFrom(agora, credentials(freshEmail("spray"), "password spray 2026"), attacker_address);
    EXPECT_EQ(result.status, 401) << result.body;
  }
  const auto locked_at = std::chrono::steady_clock::now();
  expectLocked(
      loginFrom(agora, credentials(freshEmail("spray"), "password spray 2026"), attacker_address),
      kLockoutSeconds, "a fifth account from the same address");
  expectLocked(loginFrom(agora, credentials(attacker.email, attacker.password), attacker_address),
               kLockoutSeconds, "a right password from the locked address");
  EXPECT_EQ(loginFrom(agora, credentials(victim.email, victim.password), "127.0.0.88").status, 200);

  std::this_thread::sleep_until(locked_at + std::chrono::seconds(kLockoutSeconds) +
                                milliseconds(1100));
  EXPECT_EQ(
      loginFrom(agora, credentials(attacker.email, attacker.password), attacker_address).status,
      200);

  // Without a trusted proxy the header is the client's word and changes nothing.
  Deployment direct({.split = false, .edge = limits});
  for (int account = 0; account < 4; ++account) {
    EXPECT_EQ(loginFrom(*direct.edge, credentials(freshEmail("spray"), "password spray 2026"),
                        "127.0.1." + std::to_string(account))
                  .status,
              401);
  }
  expectLocked(loginFrom(*direct.edge, credentials(freshEmail("spray"), "password spray 2026"),
                         "127.0.1.99"),
               kLockoutSeconds, "a rotated X-Forwarded-For");
}

// Test that passwords typed with composed or decomposed accents work interchangeably.
TEST(CredentialAttacks, ComposedAndDecomposedPasswordsMatch) {
  Deployment deployment({.split = false});
  const Side side = deployment.edgeSide();
  const AgoraProcess& agora = *deployment.edge;
  // "Crème brûlée für Zoë" with precomposed letters (NFC) and with combining marks (NFD).
  const std::string composed =
      "Cr\xC3\xA8me br\xC3\xBBl\xC3\xA9"
      "e f\xC3\xBCr Zo\xC3\xAB";
  const std::string decomposed =
      "Cre\xCC\x80me bru\xCC\x82le\xCC\x81"
      "e fu\xCC\x88r Zoe\xCC\x88";
  ASSERT_NE(composed, decomposed);

  for (const auto& [registered, typed] :
       {std::pair{composed, decomposed}, std::pair{decomposed, composed}}) {
    const std::string email = freshEmail("accents");
    ASSERT_EQ(agora.post("/api/users", registration(email, registered)).status, 201);
    EXPECT_EQ(loginFrom(agora, credentials(email, typed)).status, 200);
    EXPECT_EQ(loginFrom(agora, credentials(email, registered)).status, 200);
    EXPECT_EQ(loginFrom(agora, credentials(email, typed + " ")).status, 401);
  }

  // The same for a changed password, and for an email address with an accent.
  const std::string email_nfc = "zo\xC3\xAB-" + security::randomToken(4) + "@example.test";
  const std::string email_nfd = "zoe\xCC\x88" + email_nfc.substr(4);
  ASSERT_EQ(agora.post("/api/users", registration(email_nfc, "a long enough passphrase 1")).status,
            201);
  LoggedIn user = side.logIn(email_nfd, "a long enough passphrase 1");
  HttpResult changed = agora.post(
      "/api/users/me/password",
      R"({"current_password":"a long enough passphrase 1","new_password":")" + decomposed + R"("})",
      user.access_token);
  EXPECT_EQ(changed.status, 204) << changed.body;
  EXPECT_EQ(loginFrom(agora, credentials(email_nfc, composed)).status, 200);
}

// Test that a password over the limit is rejected without hashing: far faster than a real check.
TEST(CredentialAttacks, OverlongPasswordRejectedBeforeHashing) {
  Deployment deployment({.split = false,
                         .edge = {"--set", "auth.login.max_failures=1000", "--set",
                                  "auth.login.max_failures_per_ip=100000"}});
  const AgoraProcess& agora = *deployment.edge;
  LoggedIn known = deployment.edgeSide().newCustomer("overlong");
  const std::string limit_plus_one(129, 'p');
  const std::string far_over(1000, 'p');
  const std::string huge(200000, 'p');

  EXPECT_EQ(agora.post("/api/users", registration(freshEmail("long"), limit_plus_one)).status, 400);
  EXPECT_EQ(agora.post("/api/users", registration(freshEmail("long"), huge)).status, 400);
  const std::string at_limit(128, 'p');
  EXPECT_EQ(agora.post("/api/users", registration(freshEmail("long"), at_limit)).status, 201);

  std::vector<double> overlong_ms, hashed_ms;
  for (int round = 0; round < 9; ++round) {
    for (const std::string* password : {&limit_plus_one, &far_over, &huge}) {
      overlong_ms.push_back(millisecondsOf([&] {
        const int status = loginFrom(agora, credentials(known.email, *password)).status;
        EXPECT_TRUE(status == 401 || status == 400) << status;
      }));
    }
    hashed_ms.push_back(millisecondsOf(
        [&] { EXPECT_EQ(loginFrom(agora, credentials(known.email, at_limit)).status, 401); }));
  }
  std::cout << "login medians: overlong " << median(overlong_ms) << " ms, hashed "
            << median(hashed_ms) << " ms\n";
  EXPECT_LT(median(overlong_ms), median(hashed_ms) / 2);
}

// Test that common passwords, in any letter case, and the email as password are rejected.
TEST(CredentialAttacks, CommonPasswordsRejected) {
  Deployment deployment({.split = false});
  const AgoraProcess& agora = *deployment.edge;
  for (const char* common : {"qwerty123456", "QWERTY123456", "1q2w3e4r5t6y", "123456789012",
                             "qwertyuiop123", "Qwertyuiop123"}) {
    HttpResult result = agora.post("/api/users", registration(freshEmail("common"), common));
    EXPECT_EQ(result.status, 400) << common;
    EXPECT_NE(result.body.find("\"field\":\"password\""), std::string::npos) << result.body;
  }
  const std::string email = freshEmail("self");
  EXPECT_EQ(agora.post("/api/users", registration(email, email)).status, 400);

  LoggedIn user = deployment.edgeSide().newCustomer("changer");
  HttpResult changed =
      agora.post("/api/users/me/password",
                 R"({"current_password":")" + user.password + R"(","new_password":"qwerty123456"})",
                 user.access_token);
  EXPECT_EQ(changed.status, 400) << changed.body;
  EXPECT_EQ(loginFrom(agora, credentials(user.email, user.password)).status, 200);
}

}  // namespace
}  // namespace agora::testing::attacks
