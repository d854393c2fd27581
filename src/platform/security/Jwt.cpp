// RS256 JSON Web Tokens: signing keys, issuing (Poco::JWT) and strict verification (OpenSSL).
#include "platform/security/Jwt.h"

#include <Poco/Crypto/EVPPKey.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <algorithm>
#include <limits>
#include <mutex>
#include <optional>
#include <stdexcept>

#include "platform/security/Digest.h"

namespace agora::security {
namespace {

constexpr int kMinRsaBits = 2048;
constexpr std::string_view kAlgorithm = "RS256";
constexpr std::string_view kServiceRole = "service";

using BioPtr = std::unique_ptr<BIO, decltype(&BIO_free)>;
using BignumPtr = std::unique_ptr<BIGNUM, decltype(&BN_free)>;

EvpKeyPtr adoptKey(EVP_PKEY* key) {
  return EvpKeyPtr(key, &EVP_PKEY_free);
}

BioPtr memoryBioFrom(const std::string& text) {
  BioPtr bio(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())), &BIO_free);
  if (!bio) throw std::runtime_error("OpenSSL could not allocate a memory BIO");
  return bio;
}

std::string bioContents(BIO* bio) {
  char* data = nullptr;
  long length = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(length));
}

/** Refuses PEM passphrase prompts, so an encrypted key fails to load instead of blocking. */
int refusePassphrase(char*, int, int, void*) {
  return 0;
}

bool isRsaOfAtLeast(const EVP_PKEY* key, int bits) {
  return EVP_PKEY_is_a(key, "RSA") == 1 && EVP_PKEY_get_bits(key) >= bits;
}

std::string publicKeyDer(EVP_PKEY* key) {
  int length = i2d_PUBKEY(key, nullptr);
  if (length <= 0) throw std::runtime_error("OpenSSL could not DER-encode the public key");
  std::string der(static_cast<std::size_t>(length), '\0');
  auto* out = reinterpret_cast<unsigned char*>(der.data());
  if (i2d_PUBKEY(key, &out) != length) {
    throw std::runtime_error("OpenSSL could not DER-encode the public key");
  }
  return der;
}

std::string derivedKeyId(EVP_PKEY* key) {
  return base64UrlEncode(sha256(publicKeyDer(key)).substr(0, 16));
}

/** Returns an RSA parameter such as n or e as unsigned big-endian bytes without leading zeros. */
std::string rsaParameterBytes(const EVP_PKEY* key, const char* name) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &raw) != 1) {
    throw std::runtime_error(std::string("OpenSSL could not read RSA parameter ") + name);
  }
  BignumPtr value(raw, &BN_free);
  std::string bytes(static_cast<std::size_t>(BN_num_bytes(value.get())), '\0');
  BN_bn2bin(value.get(), reinterpret_cast<unsigned char*>(bytes.data()));
  return bytes;
}

/** Builds an RSA public key from big-endian n and e, or returns null when they are invalid. */
EvpKeyPtr rsaPublicKeyFrom(const std::string& modulus, const std::string& exponent) {
  BignumPtr n(BN_bin2bn(reinterpret_cast<const unsigned char*>(modulus.data()),
                        static_cast<int>(modulus.size()), nullptr),
              &BN_free);
  BignumPtr e(BN_bin2bn(reinterpret_cast<const unsigned char*>(exponent.data()),
                        static_cast<int>(exponent.size()), nullptr),
              &BN_free);
  if (!n || !e || BN_num_bits(n.get()) < kMinRsaBits || !BN_is_odd(e.get()) || BN_is_one(e.get()) ||
      BN_num_bits(e.get()) > 64) {
    return nullptr;
  }

  std::unique_ptr<OSSL_PARAM_BLD, decltype(&OSSL_PARAM_BLD_free)> builder(OSSL_PARAM_BLD_new(),
                                                                          &OSSL_PARAM_BLD_free);
  if (!builder || OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, e.get()) != 1) {
    return nullptr;
  }
  std::unique_ptr<OSSL_PARAM, decltype(&OSSL_PARAM_free)> params(
      OSSL_PARAM_BLD_to_param(builder.get()), &OSSL_PARAM_free);
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> context(
      EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr), &EVP_PKEY_CTX_free);
  EVP_PKEY* key = nullptr;
  if (!params || !context || EVP_PKEY_fromdata_init(context.get()) != 1 ||
      EVP_PKEY_fromdata(context.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return nullptr;
  }
  return adoptKey(key);
}

/** Returns the string member `name` of a JWK, or nullopt when it is absent or not a string. */
std::optional<std::string> jwkString(const Poco::JSON::Object& jwk, const std::string& name) {
  if (!jwk.has(name)) return std::nullopt;
  Poco::Dynamic::Var value = jwk.get(name);
  if (!value.isString()) return std::nullopt;
  return value.extract<std::string>();
}

// ---- Verification helpers -------------------------------------------------------------

VerifyResult rejected(std::string reason) {
  VerifyResult result;
  result.ok = false;
  result.error = std::move(reason);
  return result;
}

/** Decodes one base64url segment and parses it as a JSON object, or returns null. */
Poco::JSON::Object::Ptr parseJsonSegment(std::string_view segment) {
  auto json = base64UrlDecode(segment);
  if (!json) return nullptr;
  Poco::JSON::Parser parser;
  Poco::Dynamic::Var parsed = parser.parse(*json);
  if (parsed.type() != typeid(Poco::JSON::Object::Ptr)) return nullptr;
  return parsed.extract<Poco::JSON::Object::Ptr>();
}

enum class ClaimStatus { kOk, kMissing, kInvalid };

/** Reads a string claim. An empty string counts as missing. */
ClaimStatus readString(const Poco::JSON::Object& payload, const std::string& name,
                       std::string& out) {
  if (!payload.has(name)) return ClaimStatus::kMissing;
  Poco::Dynamic::Var value = payload.get(name);
  if (value.type() != typeid(std::string)) return ClaimStatus::kInvalid;
  out = value.extract<std::string>();
  return out.empty() ? ClaimStatus::kMissing : ClaimStatus::kOk;
}

/** Reads a NumericDate claim. Only whole JSON numbers are accepted. */
ClaimStatus readSeconds(const Poco::JSON::Object& payload, const std::string& name, int64_t& out) {
  if (!payload.has(name)) return ClaimStatus::kMissing;
  Poco::Dynamic::Var value = payload.get(name);
  // Poco's parser yields Int64 for integers that fit and UInt64 above that. Bool also reports
  // isInteger(), so the type is compared exactly.
  if (value.type() == typeid(Poco::Int64)) {
    out = value.extract<Poco::Int64>();
    return ClaimStatus::kOk;
  }
  return ClaimStatus::kInvalid;
}

/** Turns a failed claim read into a rejection reason. */
std::string claimError(ClaimStatus status, const std::string& name) {
  return (status == ClaimStatus::kMissing ? "missing claim " : "invalid claim ") + name;
}

bool audienceMatches(const Poco::Dynamic::Var& audience, const std::string& expected, bool& valid) {
  valid = true;
  if (audience.type() == typeid(std::string)) return audience.extract<std::string>() == expected;
  if (audience.type() != typeid(Poco::JSON::Array::Ptr)) {
    valid = false;
    return false;
  }
  auto entries = audience.extract<Poco::JSON::Array::Ptr>();
  bool found = false;
  for (std::size_t i = 0; i < entries->size(); ++i) {
    Poco::Dynamic::Var entry = entries->get(static_cast<unsigned int>(i));
    if (entry.type() != typeid(std::string)) {
      valid = false;
      return false;
    }
    if (entry.extract<std::string>() == expected) found = true;
  }
  return found;
}

bool verifyRs256Signature(EVP_PKEY* key, std::string_view signing_input,
                          const std::string& signature) {
  // A PKCS#1 v1.5 signature is exactly as long as the modulus.
  if (signature.size() != static_cast<std::size_t>(EVP_PKEY_get_size(key))) return false;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                  &EVP_MD_CTX_free);
  EVP_PKEY_CTX* key_context = nullptr;
  bool valid =
      context &&
      EVP_DigestVerifyInit(context.get(), &key_context, EVP_sha256(), nullptr, key) == 1 &&
      EVP_PKEY_CTX_set_rsa_padding(key_context, RSA_PKCS1_PADDING) == 1 &&
      EVP_DigestVerify(
          context.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
          reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size()) == 1;
  ERR_clear_error();
  return valid;
}

}  // namespace

// ---- SigningKey -------------------------------------------------------------------------

SigningKey::SigningKey(EvpKeyPtr key, std::string key_id)
    : key_(std::move(key)), key_id_(std::move(key_id)) {
  if (key_id_.empty()) key_id_ = derivedKeyId(key_.get());
  // EVPPKey copies the key, so Poco's signer and this object never share mutable state.
  Poco::Crypto::EVPPKey poco_evp_key(key_.get());
  poco_key_ = new Poco::Crypto::RSAKey(poco_evp_key);
}

SigningKey SigningKey::generate(int bits) {
  if (bits < kMinRsaBits) {
    throw std::invalid_argument("RSA signing keys must have at least 2048 bits, got " +
                                std::to_string(bits));
  }
  EVP_PKEY* key = EVP_RSA_gen(static_cast<unsigned int>(bits));
  if (key == nullptr) {
    ERR_clear_error();
    throw std::runtime_error("OpenSSL failed to generate an RSA key");
  }
  return SigningKey(adoptKey(key), "");
}

SigningKey SigningKey::fromPem(const std::string& private_pem, std::string key_id) {
  BioPtr bio = memoryBioFrom(private_pem);
  EVP_PKEY* raw = PEM_read_bio_PrivateKey(bio.get(), nullptr, &refusePassphrase, nullptr);
  ERR_clear_error();
  if (raw == nullptr) {
    throw std::invalid_argument("signing key is not an unencrypted PEM private key");
  }
  EvpKeyPtr key = adoptKey(raw);
  if (!isRsaOfAtLeast(key.get(), kMinRsaBits)) {
    throw std::invalid_argument("signing key must be an RSA key of at least 2048 bits");
  }
  return SigningKey(std::move(key), std::move(key_id));
}

std::string SigningKey::privatePem() const {
  BioPtr bio(BIO_new(BIO_s_mem()), &BIO_free);
  if (!bio ||
      PEM_write_bio_PrivateKey(bio.get(), key_.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    throw std::runtime_error("OpenSSL could not write the private key as PEM");
  }
  return bioContents(bio.get());
}

std::string SigningKey::publicPem() const {
  BioPtr bio(BIO_new(BIO_s_mem()), &BIO_free);
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key_.get()) != 1) {
    throw std::runtime_error("OpenSSL could not write the public key as PEM");
  }
  return bioContents(bio.get());
}

Poco::JSON::Object::Ptr SigningKey::publicJwk() const {
  Poco::JSON::Object::Ptr jwk = new Poco::JSON::Object;
  jwk->set("kty", "RSA");
  jwk->set("use", "sig");
  jwk->set("alg", std::string(kAlgorithm));
  jwk->set("kid", key_id_);
  jwk->set("n", base64UrlEncode(rsaParameterBytes(key_.get(), OSSL_PKEY_PARAM_RSA_N)));
  jwk->set("e", base64UrlEncode(rsaParameterBytes(key_.get(), OSSL_PKEY_PARAM_RSA_E)));
  return jwk;
}

// ---- TokenIssuer ------------------------------------------------------------------------

TokenIssuer::TokenIssuer(std::shared_ptr<const SigningKey> key, std::string issuer,
                         std::string audience)
    : key_(std::move(key)), issuer_(std::move(issuer)), audience_(std::move(audience)) {
  if (!key_) throw std::invalid_argument("TokenIssuer needs a signing key");
}

std::string TokenIssuer::issue(const TokenClaims& claims) const {
  if (claims.subject.empty()) throw std::invalid_argument("token subject (sub) is empty");
  if (claims.token_id.empty()) throw std::invalid_argument("token id (jti) is empty");
  if (claims.expires_at <= claims.issued_at) {
    throw std::invalid_argument("token expiry (exp) must be after its issue time (iat)");
  }

  Poco::JWT::Token token;
  token.setType("JWT");
  token.header().set("kid", key_->keyId());

  // Numeric claims are set as Int64 because Token::setExpiration and friends write
  // fractional seconds.
  Poco::JSON::Object& payload = token.payload();
  payload.set("iss", issuer_);
  payload.set("aud", audience_);
  payload.set("sub", claims.subject);
  if (!claims.session_id.empty()) payload.set("sid", claims.session_id);
  Poco::JSON::Array::Ptr roles = new Poco::JSON::Array;
  for (const auto& role : claims.roles) roles->add(role);
  payload.set("roles", roles);
  payload.set("iat", Poco::Int64(claims.issued_at));
  payload.set("nbf", Poco::Int64(claims.not_before));
  payload.set("exp", Poco::Int64(claims.expires_at));
  payload.set("jti", claims.token_id);

  // Signer accepts only HS256 until setAlgorithms is called.
  Poco::JWT::Signer signer(key_->pocoKey());
  signer.setAlgorithms({std::string(kAlgorithm)});
  return signer.sign(token, std::string(kAlgorithm));
}

// ---- PublicKeySet -----------------------------------------------------------------------

void PublicKeySet::add(const std::string& kid, const std::string& public_pem) {
  if (kid.empty()) throw std::invalid_argument("public key id (kid) is empty");
  BioPtr bio = memoryBioFrom(public_pem);
  EVP_PKEY* raw = PEM_read_bio_PUBKEY(bio.get(), nullptr, &refusePassphrase, nullptr);
  ERR_clear_error();
  if (raw == nullptr) {
    throw std::invalid_argument("public key '" + kid + "' is not a PEM public key");
  }
  EvpKeyPtr key = adoptKey(raw);
  if (!isRsaOfAtLeast(key.get(), kMinRsaBits)) {
    throw std::invalid_argument("public key '" + kid + "' is not an RSA key of at least 2048 bits");
  }
  std::unique_lock lock(mutex_);
  store(kid, std::move(key));
}

void PublicKeySet::store(const std::string& kid, EvpKeyPtr key) {
  EvpKeyPtr& slot = keys_by_id_[kid];
  if (slot && EVP_PKEY_eq(slot.get(), key.get()) != 1) ++generation_;
  slot = std::move(key);
}

std::size_t PublicKeySet::addJwks(const Poco::JSON::Object& jwks) {
  Poco::JSON::Array::Ptr entries = jwks.getArray("keys");
  if (!entries) throw std::invalid_argument("JWK Set has no \"keys\" array");

  std::map<std::string, EvpKeyPtr> parsed;
  for (std::size_t i = 0; i < entries->size(); ++i) {
    Poco::JSON::Object::Ptr jwk = entries->getObject(static_cast<unsigned int>(i));
    if (!jwk)
      throw std::invalid_argument("JWK Set entry " + std::to_string(i) + " is not an object");
    if (jwkString(*jwk, "kty") != "RSA") continue;
    if (jwk->has("use") && jwkString(*jwk, "use") != "sig") continue;
    if (jwk->has("alg") && jwkString(*jwk, "alg") != kAlgorithm) continue;

    auto kid = jwkString(*jwk, "kid");
    if (!kid || kid->empty()) {
      throw std::invalid_argument("JWK Set entry " + std::to_string(i) + " has no kid");
    }
    auto n_text = jwkString(*jwk, "n");
    auto e_text = jwkString(*jwk, "e");
    std::optional<std::string> modulus = n_text ? base64UrlDecode(*n_text) : std::nullopt;
    std::optional<std::string> exponent = e_text ? base64UrlDecode(*e_text) : std::nullopt;
    EvpKeyPtr key = modulus && exponent ? rsaPublicKeyFrom(*modulus, *exponent) : nullptr;
    ERR_clear_error();
    if (!key) {
      throw std::invalid_argument(
          "JWK '" + *kid + "' has an invalid n or e (need an RSA key of at least 2048 bits)");
    }
    parsed[*kid] = std::move(key);
  }

  std::unique_lock lock(mutex_);
  for (auto& [kid, key] : parsed) store(kid, std::move(key));
  return parsed.size();
}

bool PublicKeySet::has(const std::string& kid) const {
  std::shared_lock lock(mutex_);
  return keys_by_id_.count(kid) != 0;
}

std::size_t PublicKeySet::size() const {
  std::shared_lock lock(mutex_);
  return keys_by_id_.size();
}

EvpKeyPtr PublicKeySet::find(const std::string& kid) const {
  std::shared_lock lock(mutex_);
  auto found = keys_by_id_.find(kid);
  return found == keys_by_id_.end() ? nullptr : found->second;
}

// ---- TokenVerifier ----------------------------------------------------------------------

TokenVerifier::TokenVerifier(std::shared_ptr<const PublicKeySet> keys, std::string issuer,
                             std::string audience, int64_t leeway_seconds)
    : keys_(std::move(keys)),
      issuer_(std::move(issuer)),
      audience_(std::move(audience)),
      leeway_seconds_(leeway_seconds) {
  if (!keys_) throw std::invalid_argument("TokenVerifier needs a public key set");
  if (leeway_seconds_ < 0) throw std::invalid_argument("token leeway must not be negative");
}

VerifyResult TokenVerifier::verify(std::string_view token, int64_t now_seconds) const {
  try {
    return verifyUnchecked(token, now_seconds);
  } catch (...) {
    // Poco's JSON parser throws on syntax errors, and allocation can fail. No input may
    // escape as an exception.
    ERR_clear_error();
    return rejected("malformed");
  }
}

VerifyResult TokenVerifier::verifyUnchecked(std::string_view token, int64_t now_seconds) const {
  if (token.size() > kMaxTokenBytes) return rejected("token too long");

  // Compact serialization: exactly three dot-separated segments.
  std::size_t first_dot = token.find('.');
  std::size_t second_dot =
      first_dot == std::string_view::npos ? first_dot : token.find('.', first_dot + 1);
  if (second_dot == std::string_view::npos ||
      token.find('.', second_dot + 1) != std::string_view::npos) {
    return rejected("malformed");
  }
  std::string_view header_segment = token.substr(0, first_dot);
  std::string_view payload_segment = token.substr(first_dot + 1, second_dot - first_dot - 1);
  std::string_view signature_segment = token.substr(second_dot + 1);

  // The header is read here, not by Poco, so that nothing but RS256 reaches a verifier and
  // headers such as jku, x5u and jwk are never looked at.
  Poco::JSON::Object::Ptr header = parseJsonSegment(header_segment);
  if (!header) return rejected("malformed");
  Poco::Dynamic::Var algorithm = header->get("alg");
  if (algorithm.type() != typeid(std::string) || algorithm.extract<std::string>() != kAlgorithm) {
    return rejected("algorithm not allowed");
  }
  // RFC 7515 requires rejecting a token whose critical extensions are not understood, and
  // this verifier understands none.
  if (header->has("crit")) return rejected("unsupported critical header");
  Poco::Dynamic::Var kid = header->get("kid");
  if (kid.type() != typeid(std::string) || kid.extract<std::string>().empty()) {
    return rejected("missing kid");
  }
  EvpKeyPtr key = keys_->find(kid.extract<std::string>());
  if (!key) return rejected("unknown kid");

  if (signature_segment.empty()) return rejected("missing signature");
  auto signature = base64UrlDecode(signature_segment);
  if (!signature) return rejected("bad signature");
  if (!verifyRs256Signature(key.get(), token.substr(0, second_dot), *signature)) {
    return rejected("bad signature");
  }

  Poco::JSON::Object::Ptr payload = parseJsonSegment(payload_segment);
  if (!payload) return rejected("malformed");

  VerifyResult result;
  TokenClaims& claims = result.claims;
  ClaimStatus status = readString(*payload, "iss", claims.issuer);
  if (status != ClaimStatus::kOk) return rejected(claimError(status, "iss"));
  if (claims.issuer != issuer_) return rejected("wrong issuer");

  if (!payload->has("aud")) return rejected("missing claim aud");
  bool audience_valid = true;
  bool audience_matches = audienceMatches(payload->get("aud"), audience_, audience_valid);
  if (!audience_valid) return rejected("invalid claim aud");
  if (!audience_matches) return rejected("wrong audience");
  claims.audience = audience_;

  if ((status = readString(*payload, "sub", claims.subject)) != ClaimStatus::kOk) {
    return rejected(claimError(status, "sub"));
  }
  if ((status = readString(*payload, "jti", claims.token_id)) != ClaimStatus::kOk) {
    return rejected(claimError(status, "jti"));
  }
  if ((status = readSeconds(*payload, "exp", claims.expires_at)) != ClaimStatus::kOk) {
    return rejected(claimError(status, "exp"));
  }
  if ((status = readSeconds(*payload, "iat", claims.issued_at)) != ClaimStatus::kOk) {
    return rejected(claimError(status, "iat"));
  }
  status = readSeconds(*payload, "nbf", claims.not_before);
  if (status == ClaimStatus::kInvalid) return rejected(claimError(status, "nbf"));

  if (payload->has("roles")) {
    Poco::Dynamic::Var roles = payload->get("roles");
    if (roles.type() != typeid(Poco::JSON::Array::Ptr)) return rejected("invalid claim roles");
    auto entries = roles.extract<Poco::JSON::Array::Ptr>();
    for (std::size_t i = 0; i < entries->size(); ++i) {
      Poco::Dynamic::Var role = entries->get(static_cast<unsigned int>(i));
      if (role.type() != typeid(std::string)) return rejected("invalid claim roles");
      claims.roles.push_back(role.extract<std::string>());
    }
  }
  bool is_service =
      std::find(claims.roles.begin(), claims.roles.end(), kServiceRole) != claims.roles.end();
  status = readString(*payload, "sid", claims.session_id);
  if (status == ClaimStatus::kInvalid || (status == ClaimStatus::kMissing && !is_service)) {
    return rejected(claimError(status, "sid"));
  }

  // Saturating arithmetic, so that extreme clock values cannot overflow. The leeway is never
  // negative (checked in the constructor).
  constexpr int64_t kMinSeconds = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMaxSeconds = std::numeric_limits<int64_t>::max();
  int64_t latest_past =
      now_seconds < kMinSeconds + leeway_seconds_ ? kMinSeconds : now_seconds - leeway_seconds_;
  int64_t earliest_future =
      now_seconds > kMaxSeconds - leeway_seconds_ ? kMaxSeconds : now_seconds + leeway_seconds_;
  if (claims.expires_at <= latest_past) return rejected("expired");
  if (claims.not_before > earliest_future) return rejected("not yet valid");
  if (claims.issued_at > earliest_future) return rejected("issued in the future");

  result.ok = true;
  return result;
}

}  // namespace agora::security
