// Forged and bent access tokens against the real binary: at the built-in edge (--role=all) and
// at each role in its own process. Every one gets 401 (403 for a service token on a user route)
// and the processes keep serving.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/ServerSocket.h>
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "attacks/AttackSupport.h"
#include "platform/security/Random.h"

namespace agora::testing::attacks {
namespace {

/** A side, a forge with its signing key, and the logins that forged tokens copy. */
struct Probe {
  Side side;
  TokenForge forge;
  LoggedIn admin;
  LoggedIn customer;
};

class TokenAttackTest : public ::testing::Test {
 protected:
  // Per test rather than per suite, so that a failed start fails the test instead of skipping
  // it. ctest runs each test in a process of its own anyway.
  void SetUp() override {
    deployment_ = std::make_unique<Deployment>();
    for (const Side& side : deployment_->sides()) {
      probes_.push_back({side, TokenForge::fromFile(side.signing_key_file), side.admin(),
                         side.newCustomer("token-victim")});
    }
  }
  void TearDown() override { expectStillServing(deployment_->processes()); }

  static Poco::JSON::Object::Ptr adminClaims(const Probe& probe) {
    return claimsOf(probe.admin, {"customer", "admin"});
  }
  static std::vector<Target> targets(const Probe& probe) { return probe.side.targetsFor(true); }

  /** Expects `token` to be accepted everywhere: forging works, so a rejection means something. */
  static void expectAccepted(const Probe& probe, const std::string& token,
                             const std::string& what) {
    for (const auto& target : targets(probe)) {
      EXPECT_EQ(tryToken(target, token).status, target.accepted_status)
          << what << " at " << target.name;
    }
  }

  std::unique_ptr<Deployment> deployment_;
  std::vector<Probe> probes_;
};

// Test that a token signed with the real key is accepted, also at the edges of the leeway.
TEST_F(TokenAttackTest, ForgedWithRealKeyIsAccepted) {
  for (const auto& probe : probes_) {
    auto header = rs256Header(probe.forge.keyId());
    expectAccepted(probe, probe.forge.sign(*header, *adminClaims(probe)), "well-formed token");

    auto late = adminClaims(probe);
    late->set("exp", Poco::Int64(nowSeconds() - 10));
    expectAccepted(probe, probe.forge.sign(*header, *late), "expired 10 s ago, within leeway");
    auto early = adminClaims(probe);
    early->set("nbf", Poco::Int64(nowSeconds() + 10));
    expectAccepted(probe, probe.forge.sign(*header, *early), "valid in 10 s, within leeway");
  }
}

// Test that alg none in any spelling is rejected, with or without a signature segment.
TEST_F(TokenAttackTest, AlgNoneInAnySpelling) {
  for (const auto& probe : probes_) {
    const std::string real =
        probe.forge.sign(*rs256Header(probe.forge.keyId()), *adminClaims(probe));
    const std::string real_signature = real.substr(real.rfind('.') + 1);
    for (const char* spelling : {"none", "None", "NONE", "nOnE", "none ", ""}) {
      auto header = rs256Header(probe.forge.keyId());
      header->set("alg", spelling);
      const std::string unsigned_token =
          base64Url(jsonText(*header)) + "." + base64Url(jsonText(*adminClaims(probe))) + ".";
      expectRejectedEverywhere(targets(probe), unsigned_token, std::string("alg ") + spelling);
      expectRejectedEverywhere(targets(probe), unsigned_token + real_signature,
                               std::string("alg ") + spelling + " with a signature");
      header->remove("kid");
      expectRejectedEverywhere(
          targets(probe),
          base64Url(jsonText(*header)) + "." + base64Url(jsonText(*adminClaims(probe))) + ".",
          std::string("alg ") + spelling + " without kid");
    }
  }
}

// Test that HMAC tokens keyed with the public key's bytes (PEM, DER, JWK, JWK Set) are rejected.
TEST_F(TokenAttackTest, HmacKeyedWithPublicKey) {
  for (const auto& probe : probes_) {
    const std::string jwks = probe.side.auth->get("/api/auth/jwks.json").body;
    std::string pem = probe.forge.publicPem();
    const std::vector<std::pair<std::string, std::string>> secrets = {
        {"PEM", pem},
        {"PEM without newline", pem.substr(0, pem.find_last_not_of('\n') + 1)},
        {"DER", probe.forge.publicDer()},
        {"JWK", probe.forge.publicJwk()},
        {"JWK Set as served", jwks}};
    for (const auto& [name, secret] : secrets) {
      for (const char* algorithm : {"HS256", "hs256", "RS256"}) {
        auto header = rs256Header(probe.forge.keyId());
        header->set("alg", algorithm);
        expectRejectedEverywhere(targets(probe), hmacToken(*header, *adminClaims(probe), secret),
                                 std::string(algorithm) + " keyed with the " + name);
      }
    }
  }
}

// Test that stripped, empty, truncated, foreign and reused signatures are rejected.
TEST_F(TokenAttackTest, BrokenSignatures) {
  const TokenForge attacker = TokenForge::attacker();
  for (const auto& probe : probes_) {
    auto header = rs256Header(probe.forge.keyId());
    const std::string valid = probe.forge.sign(*header, *adminClaims(probe));
    const std::string signed_part = valid.substr(0, valid.rfind('.'));
    const std::string signature = valid.substr(valid.rfind('.') + 1);

    expectRejectedEverywhere(targets(probe), signed_part, "stripped signature");
    expectRejectedEverywhere(targets(probe), signed_part + ".", "empty signature");
    expectRejectedEverywhere(targets(probe), valid.substr(0, valid.size() - 2), "truncated");
    expectRejectedEverywhere(targets(probe), valid + "AA", "lengthened signature");
    expectRejectedEverywhere(targets(probe), valid + ".", "four segments");
    expectRejectedEverywhere(targets(probe), attacker.sign(*header, *adminClaims(probe)),
                             "signed by another key under the real kid");

    // The customer's payload under the admin's signature: a changed sub, sid and expiry.
    auto tampered = claimsOf(probe.customer, {"customer", "admin"});
    tampered->set("exp", Poco::Int64(nowSeconds() + 86400));
    expectRejectedEverywhere(
        targets(probe),
        base64Url(jsonText(*header)) + "." + base64Url(jsonText(*tampered)) + "." + signature,
        "tampered payload");
  }
}

// Test that unknown and injected kids are rejected even with the real key's signature.
TEST_F(TokenAttackTest, UnknownAndInjectedKids) {
  for (const auto& probe : probes_) {
    const std::vector<std::string> kids = {security::randomToken(16),
                                           "../../etc/passwd",
                                           "../../../../../../dev/null",
                                           "' OR 1=1 --",
                                           "\" OR \"\"=\"",
                                           "kid; DROP TABLE users; --",
                                           probe.forge.keyId() + std::string(1, '\0'),
                                           probe.forge.keyId() + "/../" + probe.forge.keyId(),
                                           std::string(3000, 'k'),
                                           ""};
    for (const auto& kid : kids) {
      expectRejectedEverywhere(targets(probe),
                               probe.forge.sign(*rs256Header(kid), *adminClaims(probe)),
                               "kid '" + kid.substr(0, 40) + "'");
    }
    auto numeric = rs256Header("");
    numeric->set("kid", 1);
    expectRejectedEverywhere(targets(probe), probe.forge.sign(*numeric, *adminClaims(probe)),
                             "numeric kid");
    auto none = rs256Header("");
    none->remove("kid");
    expectRejectedEverywhere(targets(probe), probe.forge.sign(*none, *adminClaims(probe)),
                             "no kid");
  }
}

/** Counts the JWK Set requests the auth role has served so far. */
std::size_t jwksRequests(const AgoraProcess& auth) {
  std::size_t count = 0;
  for (const auto& line : auth.logLines()) {
    if (line.find("\"event\":\"request\"") != std::string::npos &&
        line.find("\"route\":\"/api/auth/jwks.json\"") != std::string::npos) {
      ++count;
    }
  }
  return count;
}

// Test that a flood of unknown kids at the roles refetches the auth role's keys at most once each.
TEST_F(TokenAttackTest, UnknownKidFloodFetchesKeysRarely) {
  ASSERT_EQ(probes_.size(), 2u);
  const Probe& roles = probes_[1];
  const std::size_t before = jwksRequests(*deployment_->auth);
  for (int attempt = 0; attempt < 20; ++attempt) {
    expectRejectedEverywhere(
        targets(roles),
        roles.forge.sign(*rs256Header(security::randomToken(16)), *adminClaims(roles)),
        "random kid");
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  // Users, catalog and orders may each refetch once; never once per forged token.
  EXPECT_LE(jwksRequests(*deployment_->auth) - before, 3u);
}

// Test that jku, x5u, x5c and jwk headers are ignored: never fetched, never trusted.
TEST_F(TokenAttackTest, KeyUrlHeadersAreNeverFetched) {
  Poco::Net::ServerSocket listener(Poco::Net::SocketAddress("127.0.0.1", 0));
  const std::string url =
      "http://127.0.0.1:" + std::to_string(listener.address().port()) + "/keys.json";
  const TokenForge attacker = TokenForge::attacker();
  Poco::JSON::Object::Ptr attacker_jwk =
      Poco::JSON::Parser().parse(attacker.publicJwk()).extract<Poco::JSON::Object::Ptr>();

  for (const auto& probe : probes_) {
    for (const std::string& kid : {attacker.keyId(), probe.forge.keyId()}) {
      for (const char* field : {"jku", "x5u", "jwk", "x5c"}) {
        auto header = rs256Header(kid);
        if (std::string(field) == "jwk") {
          header->set("jwk", attacker_jwk);
        } else if (std::string(field) == "x5c") {
          Poco::JSON::Array::Ptr chain = new Poco::JSON::Array;
          chain->add(base64Url(attacker.publicDer()));
          header->set("x5c", chain);
        } else {
          header->set(field, url);
        }
        expectRejectedEverywhere(targets(probe), attacker.sign(*header, *adminClaims(probe)),
                                 std::string(field) + " with kid " + kid);
      }
    }
    // The real key's token stays good: the header is ignored, not fetched.
    auto header = rs256Header(probe.forge.keyId());
    header->set("jku", url);
    header->set("x5u", url);
    expectAccepted(probe, probe.forge.sign(*header, *adminClaims(probe)), "real token with jku");
  }
  EXPECT_FALSE(listener.poll(Poco::Timespan(0, 500000), Poco::Net::Socket::SELECT_READ))
      << "a process connected to the URL of a token header";
}

// Test that expired, not yet valid and future-issued tokens are rejected beyond the leeway.
TEST_F(TokenAttackTest, TimeClaimsBeyondLeeway) {
  for (const auto& probe : probes_) {
    auto header = rs256Header(probe.forge.keyId());
    const int64_t now = nowSeconds();
    const std::vector<std::pair<std::string, Poco::Dynamic::Var>> cases = {
        {"exp", Poco::Int64(now - 45)},
        {"exp", Poco::Int64(now - 86400)},
        {"exp", Poco::Int64(0)},
        {"exp", Poco::Int64(-9000000000000000000)},
        {"nbf", Poco::Int64(now + 120)},
        {"nbf", Poco::Int64(now + 86400)},
        {"iat", Poco::Int64(now + 120)},
        {"exp", std::string("9999999999")},
        {"exp", 9.9e18},
        {"nbf", std::string("0")}};
    for (const auto& [claim, value] : cases) {
      auto claims = adminClaims(probe);
      claims->set(claim, value);
      expectRejectedEverywhere(targets(probe), probe.forge.sign(*header, *claims),
                               claim + " = " + value.toString());
    }
  }
}

// Test that tokens missing a required claim, or naming another user's session, are rejected.
TEST_F(TokenAttackTest, MissingClaimsAndForeignSession) {
  for (const auto& probe : probes_) {
    auto header = rs256Header(probe.forge.keyId());
    for (const char* claim : {"exp", "sub", "sid", "iss", "aud", "jti", "iat"}) {
      auto claims = adminClaims(probe);
      claims->remove(claim);
      expectRejectedEverywhere(targets(probe), probe.forge.sign(*header, *claims),
                               std::string("missing ") + claim);
      claims->set(claim, "");
      expectRejectedEverywhere(targets(probe), probe.forge.sign(*header, *claims),
                               std::string("empty ") + claim);
    }
    auto foreign = adminClaims(probe);
    foreign->set("sid", probe.customer.session_id);
    expectRejectedEverywhere(targets(probe), probe.forge.sign(*header, *foreign),
                             "the admin's sub with the customer's sid");
    auto invented = adminClaims(probe);
    invented->set("sid", security::newUuid());
    expectRejectedEverywhere(targets(probe), probe.forge.sign(*header, *invented),
                             "a sid that was never issued");
  }
}

// Test that a wrong issuer or audience is rejected, also inside an audience list.
TEST_F(TokenAttackTest, WrongIssuerOrAudience) {
  for (const auto& probe : probes_) {
    auto header = rs256Header(probe.forge.keyId());
    for (const char* issuer : {"agora-evil", "Agora", "agora ", "https://agora"}) {
      auto claims = adminClaims(probe);
      claims->set("iss", issuer);
      expectRejectedEverywhere(targets(probe), probe.forge.sign(*header, *claims),
                               std::string("iss ") + issuer);
    }
    Poco::JSON::Array::Ptr others = new Poco::JSON::Array;
    others->add("other-api");
    others->add("agora-api-2");
    for (const Poco::Dynamic::Var& audience :
         {Poco::Dynamic::Var("other-api"), Poco::Dynamic::Var("AGORA-API"),
          Poco::Dynamic::Var(others)}) {
      auto claims = adminClaims(probe);
      claims->set("aud", audience);
      expectRejectedEverywhere(targets(probe), probe.forge.sign(*header, *claims),
                               "aud " + jsonText(*claims).substr(0, 60));
    }
  }
}

}  // namespace
}  // namespace agora::testing::attacks
