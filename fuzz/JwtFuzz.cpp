// Fuzzes RS256 token verification and JWK Set reading. verify() never throws and gives only
// its documented reasons; accepted claims are within its checks and survive re-issuing.
#include <Poco/JSON/Parser.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "FuzzCheck.h"
#include "platform/security/Digest.h"
#include "platform/security/Jwt.h"

namespace agora::fuzz {
namespace {

constexpr int64_t kNow = 1'800'000'000;
constexpr int64_t kLeeway = 30;
constexpr const char* kIssuer = "agora";
constexpr const char* kAudience = "agora-api";

/** One key for the whole run: generating RSA keys per input would be far too slow. */
struct Keys {
  std::shared_ptr<const security::SigningKey> signing;
  std::shared_ptr<security::PublicKeySet> public_keys;
  std::unique_ptr<security::TokenVerifier> verifier;
  std::unique_ptr<security::TokenIssuer> issuer;
  security::EvpKeyPtr private_key;
};

Keys& keys() {
  static Keys* keys = [] {
    auto* fixture = new Keys;
    fixture->signing =
        std::make_shared<const security::SigningKey>(security::SigningKey::generate());
    fixture->public_keys = std::make_shared<security::PublicKeySet>();
    // The seed corpus names "fuzz-key", so seeds reach the signature check; the issuer signs
    // under the derived kid.
    fixture->public_keys->add("fuzz-key", fixture->signing->publicPem());
    fixture->public_keys->add(fixture->signing->keyId(), fixture->signing->publicPem());
    fixture->verifier = std::make_unique<security::TokenVerifier>(fixture->public_keys, kIssuer,
                                                                  kAudience, kLeeway);
    fixture->issuer = std::make_unique<security::TokenIssuer>(fixture->signing, kIssuer, kAudience);
    const std::string pem = fixture->signing->privatePem();
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(
        BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
    fixture->private_key = security::EvpKeyPtr(
        PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr), &EVP_PKEY_free);
    require(fixture->private_key != nullptr, "cannot load the fuzz signing key");
    return fixture;
  }();
  return *keys;
}

/** Signs `signing_input` with RS256 under the fuzz key, as an attacker holding it would. */
std::string rs256(std::string_view signing_input) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                  &EVP_MD_CTX_free);
  std::size_t length = 0;
  const auto* input = reinterpret_cast<const unsigned char*>(signing_input.data());
  if (!context ||
      EVP_DigestSignInit(context.get(), nullptr, EVP_sha256(), nullptr, keys().private_key.get()) !=
          1 ||
      EVP_DigestSign(context.get(), nullptr, &length, input, signing_input.size()) != 1) {
    fail("OpenSSL could not start an RS256 signature");
  }
  std::string signature(length, '\0');
  if (EVP_DigestSign(context.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                     input, signing_input.size()) != 1) {
    fail("OpenSSL could not sign");
  }
  signature.resize(length);
  return signature;
}

bool isDocumentedReason(const std::string& reason) {
  static const std::array<std::string_view, 12> kFixed = {"token too long",
                                                          "malformed",
                                                          "algorithm not allowed",
                                                          "unsupported critical header",
                                                          "missing kid",
                                                          "unknown kid",
                                                          "missing signature",
                                                          "bad signature",
                                                          "wrong issuer",
                                                          "wrong audience",
                                                          "expired",
                                                          "not yet valid"};
  if (reason == "issued in the future") return true;
  if (std::find(kFixed.begin(), kFixed.end(), reason) != kFixed.end()) return true;
  for (std::string_view prefix : {"missing claim ", "invalid claim "}) {
    if (reason.size() > prefix.size() && reason.compare(0, prefix.size(), prefix) == 0) return true;
  }
  return false;
}

security::VerifyResult verifyChecked(std::string_view token) {
  security::VerifyResult result;
  try {
    result = keys().verifier->verify(token, kNow);
  } catch (const std::exception& error) {
    fail("verify() must never throw", error.what());
  }
  if (!result.ok) {
    require(isDocumentedReason(result.error), "verify() gave an undocumented reason", result.error);
  }
  return result;
}

/** Accepted claims pass every documented check, and the same claims issued again verify. */
void checkAccepted(const security::TokenClaims& claims) {
  require(claims.issuer == kIssuer, "accepted token with another issuer", claims.issuer);
  require(claims.audience == kAudience, "accepted token with another audience");
  require(!claims.subject.empty() && !claims.token_id.empty(), "accepted token without sub/jti");
  require(claims.expires_at > kNow - kLeeway, "accepted an expired token");
  require(claims.not_before <= kNow + kLeeway, "accepted a token not valid yet");
  require(claims.issued_at <= kNow + kLeeway, "accepted a token issued in the future");
  const bool service =
      std::find(claims.roles.begin(), claims.roles.end(), "service") != claims.roles.end();
  require(service || !claims.session_id.empty(), "accepted a user token without sid");

  if (claims.expires_at <= claims.issued_at) return;  // issue() rejects these by contract
  const std::string token = keys().issuer->issue(claims);
  const security::VerifyResult again = verifyChecked(token);
  require(again.ok, "re-issued claims must verify", again.error);
  const security::TokenClaims& copy = again.claims;
  require(copy.subject == claims.subject && copy.session_id == claims.session_id &&
              copy.roles == claims.roles && copy.token_id == claims.token_id &&
              copy.issued_at == claims.issued_at && copy.not_before == claims.not_before &&
              copy.expires_at == claims.expires_at,
          "re-issued claims must read back unchanged", token);
}

/** Signs the input's header and payload JSON with the trusted key and verifies the token. */
void verifySigned(std::string_view header, std::string_view payload) {
  const std::string signing_input =
      security::base64UrlEncode(header) + "." + security::base64UrlEncode(payload);
  const std::string token = signing_input + "." + security::base64UrlEncode(rs256(signing_input));
  const security::VerifyResult result = verifyChecked(token);
  if (result.ok) checkAccepted(result.claims);
}

/** addJwks throws only std::invalid_argument and then adds nothing. */
void readJwks(std::string_view text) {
  Poco::JSON::Object::Ptr jwks;
  try {
    Poco::Dynamic::Var parsed = Poco::JSON::Parser().parse(std::string(text));
    if (parsed.type() != typeid(Poco::JSON::Object::Ptr)) return;
    jwks = parsed.extract<Poco::JSON::Object::Ptr>();
  } catch (const Poco::Exception&) {
    return;  // the key source rejects unparsable JSON before addJwks
  }
  security::PublicKeySet set;
  try {
    const std::size_t added = set.addJwks(*jwks);
    require(set.size() == added, "addJwks must add exactly what it counts");
  } catch (const std::invalid_argument&) {
    require(set.size() == 0, "a rejected JWK Set must add nothing");
  }
  ERR_clear_error();
}

}  // namespace
}  // namespace agora::fuzz

// Input: a mode byte, then a raw token (0), header JSON + '\n' + payload JSON signed with the
// trusted key (1), or a JWK Set (2).
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using namespace agora;
  if (size == 0) return 0;
  const std::string rest = fuzz::textOf(data + 1, size - 1);
  switch (data[0] % 3) {
    case 0: {
      const security::VerifyResult result = fuzz::verifyChecked(rest);
      fuzz::require(!result.ok, "an unsigned input verified", rest);
      break;
    }
    case 1: {
      const std::size_t newline = rest.find('\n');
      if (newline == std::string::npos) return 0;
      fuzz::verifySigned(std::string_view(rest).substr(0, newline),
                         std::string_view(rest).substr(newline + 1));
      break;
    }
    default:
      fuzz::readJwks(rest);
      break;
  }
  return 0;
}
