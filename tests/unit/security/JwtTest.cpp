// Tests for RS256 token issuing and verification, including the usual JWT attacks.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <atomic>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "platform/security/Digest.h"
#include "platform/security/Jwt.h"

namespace agora::security {
namespace {

constexpr int64_t kNow = 1'800'000'000;
const std::string kIssuer = "https://agora.test/auth";
const std::string kAudience = "agora";

std::string toJson(const Poco::JSON::Object& object) {
  std::ostringstream out;
  object.stringify(out);
  return out.str();
}

Poco::JSON::Object::Ptr parseObject(const std::string& json) {
  Poco::JSON::Parser parser;
  return parser.parse(json).extract<Poco::JSON::Object::Ptr>();
}

/** Signs `header.payload` with RS256 using OpenSSL directly, independent of TokenIssuer. */
std::string signRs256(const SigningKey& key, const std::string& signing_input) {
  std::string pem = key.privatePem();
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), pem.size()), &BIO_free);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> private_key(
      PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr), &EVP_PKEY_free);
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                  &EVP_MD_CTX_free);
  std::size_t length = 0;
  if (!private_key ||
      EVP_DigestSignInit(context.get(), nullptr, EVP_sha256(), nullptr, private_key.get()) != 1 ||
      EVP_DigestSign(context.get(), nullptr, &length,
                     reinterpret_cast<const unsigned char*>(signing_input.data()),
                     signing_input.size()) != 1) {
    throw std::runtime_error("test signing failed");
  }
  std::string signature(length, '\0');
  if (EVP_DigestSign(context.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                     reinterpret_cast<const unsigned char*>(signing_input.data()),
                     signing_input.size()) != 1) {
    throw std::runtime_error("test signing failed");
  }
  signature.resize(length);
  return signature;
}

std::string unsignedPart(const std::string& header_json, const std::string& payload_json) {
  return base64UrlEncode(header_json) + "." + base64UrlEncode(payload_json);
}

class Jwt : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    signing_key_ = std::make_shared<const SigningKey>(SigningKey::generate());
    attacker_key_ = std::make_shared<const SigningKey>(SigningKey::generate());
  }
  static void TearDownTestSuite() {
    signing_key_.reset();
    attacker_key_.reset();
  }

  static TokenClaims userClaims() {
    TokenClaims claims;
    claims.subject = "user-1";
    claims.session_id = "session-1";
    claims.roles = {"customer", "admin"};
    claims.token_id = "token-1";
    claims.issued_at = kNow;
    claims.not_before = kNow;
    claims.expires_at = kNow + 600;
    return claims;
  }

  static Poco::JSON::Object::Ptr header(const std::string& kid) {
    Poco::JSON::Object::Ptr object = new Poco::JSON::Object;
    object->set("alg", "RS256");
    object->set("typ", "JWT");
    object->set("kid", kid);
    return object;
  }

  /** Returns a payload that verifies, for tests that change one thing. */
  static Poco::JSON::Object::Ptr payload() {
    Poco::JSON::Object::Ptr object = new Poco::JSON::Object;
    object->set("iss", kIssuer);
    object->set("aud", kAudience);
    object->set("sub", "user-1");
    object->set("sid", "session-1");
    Poco::JSON::Array::Ptr roles = new Poco::JSON::Array;
    roles->add(std::string("customer"));
    object->set("roles", roles);
    object->set("iat", Poco::Int64(kNow));
    object->set("nbf", Poco::Int64(kNow));
    object->set("exp", Poco::Int64(kNow + 600));
    object->set("jti", "token-1");
    return object;
  }

  static std::string tokenSignedBy(const SigningKey& key, const Poco::JSON::Object& header_object,
                                   const Poco::JSON::Object& payload_object) {
    std::string signing_input = unsignedPart(toJson(header_object), toJson(payload_object));
    return signing_input + "." + base64UrlEncode(signRs256(key, signing_input));
  }

  static std::string token(const Poco::JSON::Object& payload_object) {
    return tokenSignedBy(*signing_key_, *header(signing_key_->keyId()), payload_object);
  }

  static std::shared_ptr<PublicKeySet> trustedKeys() {
    auto keys = std::make_shared<PublicKeySet>();
    keys->add(signing_key_->keyId(), signing_key_->publicPem());
    return keys;
  }

  static TokenVerifier verifier() { return TokenVerifier(trustedKeys(), kIssuer, kAudience); }

  static std::string issue(const TokenClaims& claims) {
    return TokenIssuer(signing_key_, kIssuer, kAudience).issue(claims);
  }

  static inline std::shared_ptr<const SigningKey> signing_key_;
  static inline std::shared_ptr<const SigningKey> attacker_key_;
};

TEST_F(Jwt, IssueThenVerifyReturnsEveryClaim) {
  VerifyResult result = verifier().verify(issue(userClaims()), kNow);
  ASSERT_TRUE(result.ok) << result.error;
  EXPECT_EQ(result.error, "");
  EXPECT_EQ(result.claims.subject, "user-1");
  EXPECT_EQ(result.claims.session_id, "session-1");
  EXPECT_EQ(result.claims.roles, (std::vector<std::string>{"customer", "admin"}));
  EXPECT_EQ(result.claims.token_id, "token-1");
  EXPECT_EQ(result.claims.issued_at, kNow);
  EXPECT_EQ(result.claims.not_before, kNow);
  EXPECT_EQ(result.claims.expires_at, kNow + 600);
  EXPECT_EQ(result.claims.issuer, kIssuer);
  EXPECT_EQ(result.claims.audience, kAudience);
}

TEST_F(Jwt, IssuedHeaderAndNumbers) {
  std::string jwt = issue(userClaims());
  std::size_t first_dot = jwt.find('.');
  std::size_t second_dot = jwt.find('.', first_dot + 1);
  auto header_json = base64UrlDecode(jwt.substr(0, first_dot));
  auto payload_json = base64UrlDecode(jwt.substr(first_dot + 1, second_dot - first_dot - 1));
  ASSERT_TRUE(header_json.has_value());
  ASSERT_TRUE(payload_json.has_value());

  auto issued_header = parseObject(*header_json);
  EXPECT_EQ(issued_header->getValue<std::string>("alg"), "RS256");
  EXPECT_EQ(issued_header->getValue<std::string>("typ"), "JWT");
  EXPECT_EQ(issued_header->getValue<std::string>("kid"), signing_key_->keyId());
  // Whole seconds, not Poco's fractional timestamps.
  EXPECT_NE(payload_json->find("\"exp\":1800000600"), std::string::npos) << *payload_json;
  EXPECT_NE(payload_json->find("\"iat\":1800000000"), std::string::npos) << *payload_json;
  EXPECT_NE(payload_json->find("\"nbf\":1800000000"), std::string::npos) << *payload_json;
}

TEST_F(Jwt, IssueOmitsEmptySid) {
  TokenClaims claims = userClaims();
  claims.session_id.clear();
  claims.roles = {"service"};
  std::string jwt = issue(claims);
  std::size_t first_dot = jwt.find('.');
  std::size_t second_dot = jwt.find('.', first_dot + 1);
  auto payload_json = base64UrlDecode(jwt.substr(first_dot + 1, second_dot - first_dot - 1));
  ASSERT_TRUE(payload_json.has_value());
  EXPECT_EQ(payload_json->find("\"sid\""), std::string::npos) << *payload_json;
}

TEST_F(Jwt, IssueRejectsIncompleteClaims) {
  TokenIssuer issuer(signing_key_, kIssuer, kAudience);
  TokenClaims no_subject = userClaims();
  no_subject.subject.clear();
  TokenClaims no_id = userClaims();
  no_id.token_id.clear();
  TokenClaims expired_at_issue = userClaims();
  expired_at_issue.expires_at = expired_at_issue.issued_at;
  EXPECT_THROW(issuer.issue(no_subject), std::invalid_argument);
  EXPECT_THROW(issuer.issue(no_id), std::invalid_argument);
  EXPECT_THROW(issuer.issue(expired_at_issue), std::invalid_argument);
}

TEST_F(Jwt, ServiceTokenWithoutSidVerifies) {
  TokenClaims claims = userClaims();
  claims.subject = "orders";
  claims.session_id.clear();
  claims.roles = {"service"};
  VerifyResult result = verifier().verify(issue(claims), kNow);
  ASSERT_TRUE(result.ok) << result.error;
  EXPECT_EQ(result.claims.session_id, "");
  EXPECT_EQ(result.claims.roles, std::vector<std::string>{"service"});
}

TEST_F(Jwt, HandBuiltTokenVerifies) {
  // Guards the helpers below: without this, every rejection test could pass for the wrong
  // reason.
  VerifyResult result = verifier().verify(token(*payload()), kNow);
  EXPECT_TRUE(result.ok) << result.error;
}

TEST_F(Jwt, RejectsAlgNoneInAnySpelling) {
  std::string valid = token(*payload());
  std::string signature = valid.substr(valid.rfind('.') + 1);
  for (const char* algorithm : {"none", "None", "NONE", "nOnE"}) {
    Poco::JSON::Object::Ptr none_header = header(signing_key_->keyId());
    none_header->set("alg", algorithm);
    std::string unsigned_token = unsignedPart(toJson(*none_header), toJson(*payload()));
    VerifyResult empty_signature = verifier().verify(unsigned_token + ".", kNow);
    VerifyResult kept_signature = verifier().verify(unsigned_token + "." + signature, kNow);
    EXPECT_FALSE(empty_signature.ok) << algorithm;
    EXPECT_EQ(empty_signature.error, "algorithm not allowed") << algorithm;
    EXPECT_FALSE(kept_signature.ok) << algorithm;
    EXPECT_EQ(kept_signature.error, "algorithm not allowed") << algorithm;
  }
}

TEST_F(Jwt, RejectsHs256KeyedWithPublicKey) {
  // The classic confusion attack: HMAC with the public key PEM as the secret.
  Poco::JWT::Token forged;
  forged.setType("JWT");
  forged.header().set("kid", signing_key_->keyId());
  Poco::JSON::Object::Ptr claims = payload();
  for (const auto& name : claims->getNames()) forged.payload().set(name, claims->get(name));
  Poco::JWT::Signer hmac_signer(signing_key_->publicPem());
  std::string jwt = hmac_signer.sign(forged, Poco::JWT::Signer::ALGO_HS256);

  VerifyResult result = verifier().verify(jwt, kNow);
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.error, "algorithm not allowed");
}

TEST_F(Jwt, RejectsOtherAlgorithms) {
  for (const char* algorithm :
       {"HS256", "HS512", "RS384", "RS512", "PS256", "ES256", "rs256", "RS256 ", ""}) {
    Poco::JSON::Object::Ptr other_header = header(signing_key_->keyId());
    other_header->set("alg", algorithm);
    VerifyResult result =
        verifier().verify(tokenSignedBy(*signing_key_, *other_header, *payload()), kNow);
    EXPECT_FALSE(result.ok) << algorithm;
    EXPECT_EQ(result.error, "algorithm not allowed") << algorithm;
  }
  Poco::JSON::Object::Ptr no_alg = header(signing_key_->keyId());
  no_alg->remove("alg");
  EXPECT_EQ(verifier().verify(tokenSignedBy(*signing_key_, *no_alg, *payload()), kNow).error,
            "algorithm not allowed");
  Poco::JSON::Object::Ptr numeric_alg = header(signing_key_->keyId());
  numeric_alg->set("alg", 256);
  EXPECT_EQ(verifier().verify(tokenSignedBy(*signing_key_, *numeric_alg, *payload()), kNow).error,
            "algorithm not allowed");
}

TEST_F(Jwt, RejectsStrippedSignature) {
  std::string jwt = token(*payload());
  VerifyResult result = verifier().verify(jwt.substr(0, jwt.rfind('.')), kNow);
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.error, "malformed");
}

TEST_F(Jwt, RejectsEmptySignature) {
  std::string jwt = token(*payload());
  VerifyResult result = verifier().verify(jwt.substr(0, jwt.rfind('.') + 1), kNow);
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.error, "missing signature");
}

TEST_F(Jwt, RejectsTamperedPayload) {
  std::string jwt = token(*payload());
  std::string signature = jwt.substr(jwt.rfind('.') + 1);
  Poco::JSON::Object::Ptr elevated = payload();
  Poco::JSON::Array::Ptr roles = new Poco::JSON::Array;
  roles->add(std::string("admin"));
  elevated->set("roles", roles);
  std::string tampered =
      unsignedPart(toJson(*header(signing_key_->keyId())), toJson(*elevated)) + "." + signature;

  VerifyResult result = verifier().verify(tampered, kNow);
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.error, "bad signature");
}

TEST_F(Jwt, RejectsTamperedSignature) {
  std::string jwt = token(*payload());
  std::size_t last = jwt.size() - 5;
  jwt[last] = jwt[last] == 'A' ? 'B' : 'A';
  VerifyResult result = verifier().verify(jwt, kNow);
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.error, "bad signature");
}

TEST_F(Jwt, RejectsSignatureByOtherKeyUnderOurKid) {
  VerifyResult result = verifier().verify(
      tokenSignedBy(*attacker_key_, *header(signing_key_->keyId()), *payload()), kNow);
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.error, "bad signature");
}

TEST_F(Jwt, RejectsUnknownKid) {
  VerifyResult result = verifier().verify(
      tokenSignedBy(*attacker_key_, *header(attacker_key_->keyId()), *payload()), kNow);
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.error, "unknown kid");
}

TEST_F(Jwt, RejectsHostileKid) {
  for (const char* kid :
       {"../../../../dev/null", "/etc/passwd", "' OR '1'='1", "x\"; DROP TABLE", "\\u0000", "*"}) {
    VerifyResult result =
        verifier().verify(tokenSignedBy(*signing_key_, *header(kid), *payload()), kNow);
    EXPECT_FALSE(result.ok) << kid;
    EXPECT_EQ(result.error, "unknown kid") << kid;
  }
}

TEST_F(Jwt, RejectsMissingKid) {
  Poco::JSON::Object::Ptr no_kid = header("");
  no_kid->remove("kid");
  EXPECT_EQ(verifier().verify(tokenSignedBy(*signing_key_, *no_kid, *payload()), kNow).error,
            "missing kid");
  EXPECT_EQ(verifier().verify(tokenSignedBy(*signing_key_, *header(""), *payload()), kNow).error,
            "missing kid");
}

TEST_F(Jwt, IgnoresKeyUrlHeaders) {
  // jku, x5u and jwk point at keys the verifier must never fetch or trust.
  Poco::JSON::Object::Ptr hostile_header = header(signing_key_->keyId());
  hostile_header->set("jku", "https://attacker.invalid/jwks.json");
  hostile_header->set("x5u", "https://attacker.invalid/cert.pem");
  hostile_header->set("jwk", attacker_key_->publicJwk());

  VerifyResult ours =
      verifier().verify(tokenSignedBy(*signing_key_, *hostile_header, *payload()), kNow);
  EXPECT_TRUE(ours.ok) << ours.error;
  VerifyResult theirs =
      verifier().verify(tokenSignedBy(*attacker_key_, *hostile_header, *payload()), kNow);
  EXPECT_FALSE(theirs.ok);
  EXPECT_EQ(theirs.error, "bad signature");
}

TEST_F(Jwt, RejectsCriticalHeader) {
  Poco::JSON::Object::Ptr critical = header(signing_key_->keyId());
  Poco::JSON::Array::Ptr names = new Poco::JSON::Array;
  names->add(std::string("exp"));
  critical->set("crit", names);
  VerifyResult result =
      verifier().verify(tokenSignedBy(*signing_key_, *critical, *payload()), kNow);
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.error, "unsupported critical header");
}

TEST_F(Jwt, ExpiryHonoursLeeway) {
  std::string jwt = issue(userClaims());
  int64_t expiry = kNow + 600;
  EXPECT_TRUE(verifier().verify(jwt, expiry + 29).ok);
  VerifyResult expired = verifier().verify(jwt, expiry + 30);
  EXPECT_FALSE(expired.ok);
  EXPECT_EQ(expired.error, "expired");
}

TEST_F(Jwt, NotBeforeHonoursLeeway) {
  std::string jwt = issue(userClaims());
  EXPECT_TRUE(verifier().verify(jwt, kNow - 30).ok);
  VerifyResult early = verifier().verify(jwt, kNow - 31);
  EXPECT_FALSE(early.ok);
  EXPECT_EQ(early.error, "not yet valid");
}

TEST_F(Jwt, RejectsIssuedInFuture) {
  Poco::JSON::Object::Ptr future = payload();
  future->set("iat", Poco::Int64(kNow + 3600));
  future->set("exp", Poco::Int64(kNow + 7200));
  future->remove("nbf");
  VerifyResult result = verifier().verify(token(*future), kNow);
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.error, "issued in the future");
}

TEST_F(Jwt, RejectsMissingClaims) {
  for (const char* claim : {"iss", "aud", "sub", "sid", "jti", "exp", "iat"}) {
    Poco::JSON::Object::Ptr incomplete = payload();
    incomplete->remove(claim);
    VerifyResult result = verifier().verify(token(*incomplete), kNow);
    EXPECT_FALSE(result.ok) << claim;
    EXPECT_EQ(result.error, std::string("missing claim ") + claim);
  }
}

TEST_F(Jwt, RejectsEmptyStringClaims) {
  for (const char* claim : {"sub", "sid", "jti"}) {
    Poco::JSON::Object::Ptr blank = payload();
    blank->set(claim, "");
    VerifyResult result = verifier().verify(token(*blank), kNow);
    EXPECT_FALSE(result.ok) << claim;
    EXPECT_EQ(result.error, std::string("missing claim ") + claim);
  }
}

TEST_F(Jwt, RejectsMistypedClaims) {
  struct Case {
    const char* claim;
    Poco::Dynamic::Var value;
  };
  Poco::JSON::Array::Ptr numeric_roles = new Poco::JSON::Array;
  numeric_roles->add(1);
  const Case kCases[] = {
      {"exp", 1.8e9 + 0.5}, {"exp", "1800000600"},    {"iat", true},   {"sub", 42}, {"sid", 7},
      {"roles", "admin"},   {"roles", numeric_roles}, {"nbf", "soon"},
  };
  for (const auto& test_case : kCases) {
    Poco::JSON::Object::Ptr mistyped = payload();
    mistyped->set(test_case.claim, test_case.value);
    VerifyResult result = verifier().verify(token(*mistyped), kNow);
    EXPECT_FALSE(result.ok) << test_case.claim;
    EXPECT_EQ(result.error, std::string("invalid claim ") + test_case.claim);
  }
}

TEST_F(Jwt, RejectsWrongIssuer) {
  Poco::JSON::Object::Ptr other = payload();
  other->set("iss", "https://evil.test/auth");
  VerifyResult result = verifier().verify(token(*other), kNow);
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.error, "wrong issuer");
}

TEST_F(Jwt, RejectsWrongAudience) {
  Poco::JSON::Object::Ptr other = payload();
  other->set("aud", "someone-else");
  VerifyResult result = verifier().verify(token(*other), kNow);
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.error, "wrong audience");

  Poco::JSON::Array::Ptr audiences = new Poco::JSON::Array;
  audiences->add(std::string("someone-else"));
  other->set("aud", audiences);
  EXPECT_EQ(verifier().verify(token(*other), kNow).error, "wrong audience");
}

TEST_F(Jwt, AcceptsAudienceArrayContainingOurs) {
  Poco::JSON::Object::Ptr multi = payload();
  Poco::JSON::Array::Ptr audiences = new Poco::JSON::Array;
  audiences->add(std::string("someone-else"));
  audiences->add(kAudience);
  multi->set("aud", audiences);
  VerifyResult result = verifier().verify(token(*multi), kNow);
  EXPECT_TRUE(result.ok) << result.error;
}

TEST_F(Jwt, RejectsTooLongToken) {
  Poco::JSON::Object::Ptr padded = payload();
  padded->set("padding", std::string(TokenVerifier::kMaxTokenBytes, 'x'));
  VerifyResult result = verifier().verify(token(*padded), kNow);
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.error, "token too long");
}

TEST_F(Jwt, RejectsGarbage) {
  std::string valid = token(*payload());
  const std::string kGarbage[] = {
      "",
      ".",
      "..",
      "...",
      "a.b.c",
      "not a token",
      std::string("\xff\xfe\x00", 3),
      valid + ".extra",
      "Bearer " + valid,
      valid.substr(1),
      base64UrlEncode("[1,2]") + "." + base64UrlEncode("{}") + ".sig",
      base64UrlEncode("{\"alg\":\"RS256\"") + "." + base64UrlEncode("{}") + ".sig",
      std::string(TokenVerifier::kMaxTokenBytes + 1, 'a'),
  };
  for (const auto& text : kGarbage) {
    VerifyResult result;
    EXPECT_NO_THROW(result = verifier().verify(text, kNow)) << testing::PrintToString(text);
    EXPECT_FALSE(result.ok) << testing::PrintToString(text);
  }
}

TEST_F(Jwt, RejectsPayloadThatIsNotObject) {
  std::string signing_input =
      base64UrlEncode(toJson(*header(signing_key_->keyId()))) + "." + base64UrlEncode("[1]");
  std::string jwt = signing_input + "." + base64UrlEncode(signRs256(*signing_key_, signing_input));
  VerifyResult result = verifier().verify(jwt, kNow);
  EXPECT_FALSE(result.ok);
  EXPECT_EQ(result.error, "malformed");
}

TEST_F(Jwt, JwkRoundTripVerifies) {
  Poco::JSON::Object::Ptr jwk = signing_key_->publicJwk();
  EXPECT_EQ(jwk->getValue<std::string>("kty"), "RSA");
  EXPECT_EQ(jwk->getValue<std::string>("use"), "sig");
  EXPECT_EQ(jwk->getValue<std::string>("alg"), "RS256");
  EXPECT_EQ(jwk->getValue<std::string>("kid"), signing_key_->keyId());
  EXPECT_EQ(jwk->getValue<std::string>("e"), "AQAB");
  auto modulus = base64UrlDecode(jwk->getValue<std::string>("n"));
  ASSERT_TRUE(modulus.has_value());
  EXPECT_EQ(modulus->size(), 256u);
  EXPECT_NE(static_cast<unsigned char>((*modulus)[0]), 0u);

  // Through JSON text, as a verifier in another process receives it.
  Poco::JSON::Object jwks;
  Poco::JSON::Array::Ptr keys = new Poco::JSON::Array;
  keys->add(jwk);
  jwks.set("keys", keys);
  auto keys_from_json = std::make_shared<PublicKeySet>();
  EXPECT_EQ(keys_from_json->addJwks(*parseObject(toJson(jwks))), 1u);
  EXPECT_TRUE(keys_from_json->has(signing_key_->keyId()));

  TokenVerifier jwk_verifier(keys_from_json, kIssuer, kAudience);
  VerifyResult result = jwk_verifier.verify(issue(userClaims()), kNow);
  EXPECT_TRUE(result.ok) << result.error;
}

TEST_F(Jwt, JwksSkipsOtherKeysAndRejectsBrokenOnes) {
  Poco::JSON::Object::Ptr ec_key = new Poco::JSON::Object;
  ec_key->set("kty", "EC");
  ec_key->set("kid", "ec-1");
  Poco::JSON::Object::Ptr encryption_key = signing_key_->publicJwk();
  encryption_key->set("use", "enc");
  encryption_key->set("kid", "enc-1");
  Poco::JSON::Array::Ptr keys = new Poco::JSON::Array;
  keys->add(ec_key);
  keys->add(encryption_key);
  Poco::JSON::Object jwks;
  jwks.set("keys", keys);
  PublicKeySet set;
  EXPECT_EQ(set.addJwks(jwks), 0u);
  EXPECT_FALSE(set.has("ec-1"));
  EXPECT_FALSE(set.has("enc-1"));

  Poco::JSON::Object::Ptr broken = signing_key_->publicJwk();
  broken->set("n", "AQAB");  // a 17-bit modulus
  keys->add(broken);
  EXPECT_THROW(set.addJwks(jwks), std::invalid_argument);
  EXPECT_EQ(set.size(), 0u);
  EXPECT_THROW(set.addJwks(Poco::JSON::Object()), std::invalid_argument);
}

TEST_F(Jwt, KidIsHashOfDerPublicKey) {
  std::string pem = signing_key_->publicPem();
  std::string body;
  std::istringstream lines(pem);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("-----", 0) != 0) body += line;
  }
  auto der = base64Decode(body);
  ASSERT_TRUE(der.has_value());
  EXPECT_EQ(signing_key_->keyId(), base64UrlEncode(sha256(*der).substr(0, 16)));
  EXPECT_EQ(signing_key_->keyId().size(), 22u);
}

TEST_F(Jwt, FromPemKeepsKidAndSigns) {
  SigningKey reloaded = SigningKey::fromPem(signing_key_->privatePem());
  EXPECT_EQ(reloaded.keyId(), signing_key_->keyId());
  EXPECT_EQ(reloaded.publicPem(), signing_key_->publicPem());
  SigningKey named = SigningKey::fromPem(signing_key_->privatePem(), "2026-01");
  EXPECT_EQ(named.keyId(), "2026-01");

  auto keys = std::make_shared<PublicKeySet>();
  keys->add("2026-01", named.publicPem());
  TokenIssuer issuer(std::make_shared<const SigningKey>(named), kIssuer, kAudience);
  VerifyResult result =
      TokenVerifier(keys, kIssuer, kAudience).verify(issuer.issue(userClaims()), kNow);
  EXPECT_TRUE(result.ok) << result.error;
}

TEST_F(Jwt, FromPemRejectsUnusableKeys) {
  EXPECT_THROW(SigningKey::fromPem("not a pem"), std::invalid_argument);
  EXPECT_THROW(SigningKey::fromPem(signing_key_->publicPem()), std::invalid_argument);

  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> small(EVP_RSA_gen(1024), &EVP_PKEY_free);
  ASSERT_TRUE(small);
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  ASSERT_EQ(PEM_write_bio_PrivateKey(bio.get(), small.get(), nullptr, nullptr, 0, nullptr, nullptr),
            1);
  char* data = nullptr;
  long length = BIO_get_mem_data(bio.get(), &data);
  EXPECT_THROW(SigningKey::fromPem(std::string(data, length)), std::invalid_argument);
  EXPECT_THROW(SigningKey::generate(1024), std::invalid_argument);
}

TEST_F(Jwt, PublicKeySetRejectsBadPem) {
  PublicKeySet set;
  EXPECT_THROW(set.add("k", "garbage"), std::invalid_argument);
  EXPECT_THROW(set.add("k", signing_key_->privatePem()), std::invalid_argument);
  EXPECT_THROW(set.add("", signing_key_->publicPem()), std::invalid_argument);
  EXPECT_FALSE(set.has("k"));
  set.add("k", signing_key_->publicPem());
  EXPECT_TRUE(set.has("k"));
}

TEST_F(Jwt, IssueAndVerifyConcurrently) {
  auto keys = trustedKeys();
  TokenIssuer issuer(signing_key_, kIssuer, kAudience);
  TokenVerifier shared_verifier(keys, kIssuer, kAudience);
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        TokenClaims claims = userClaims();
        claims.token_id = "token-" + std::to_string(t) + "-" + std::to_string(i);
        VerifyResult result = shared_verifier.verify(issuer.issue(claims), kNow);
        if (!result.ok || result.claims.token_id != claims.token_id) ++failures;
      }
    });
  }
  // A writer replacing keys at the same time must not disturb the readers.
  threads.emplace_back([&] {
    for (int i = 0; i < 50; ++i) keys->add("rotating", attacker_key_->publicPem());
  });
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace agora::security
