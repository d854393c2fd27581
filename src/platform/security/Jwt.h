// RS256 JSON Web Tokens: signing keys, issuing (Poco::JWT) and strict verification (OpenSSL).
#pragma once

#include <Poco/Crypto/RSAKey.h>
#include <Poco/JSON/Object.h>
#include <Poco/SharedPtr.h>
#include <openssl/types.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

namespace agora::security {

/** The claims of an access or service token. Times are seconds since the Unix epoch. */
struct TokenClaims {
  std::string subject;     // `sub`: user id, or client id for service tokens
  std::string session_id;  // `sid`: empty for service tokens
  std::vector<std::string> roles;
  std::string token_id;  // `jti`
  int64_t issued_at = 0;
  int64_t not_before = 0;
  int64_t expires_at = 0;
  std::string issuer;
  std::string audience;
};

/** Shared ownership of an OpenSSL key, freed with EVP_PKEY_free. */
using EvpKeyPtr = std::shared_ptr<EVP_PKEY>;

/**
 * An RSA private key for signing tokens and its key id (`kid`). Immutable, so one instance
 * may sign from many threads.
 */
class SigningKey {
 public:
  /**
   * Generates a fresh RSA key of `bits` bits. Throws std::invalid_argument below 2048 bits and
   * std::runtime_error if OpenSSL fails.
   */
  static SigningKey generate(int bits = 2048);

  /**
   * Loads an unencrypted RSA private key in PEM (PKCS#1 or PKCS#8) of at least 2048 bits.
   * `key_id` defaults to the derived kid. Throws std::invalid_argument on anything else.
   */
  static SigningKey fromPem(const std::string& private_pem, std::string key_id = "");

  /** Returns the private key as unencrypted PKCS#8 PEM. */
  std::string privatePem() const;
  /** Returns the public key as SubjectPublicKeyInfo PEM (`BEGIN PUBLIC KEY`). */
  std::string publicPem() const;
  /**
   * Returns the key id: unless one was given to fromPem, the unpadded base64url of the first
   * 16 bytes of the SHA-256 of the DER-encoded public key.
   */
  const std::string& keyId() const { return key_id_; }
  /** Returns the public key as a JWK: kty RSA, use sig, alg RS256, kid, n and e. */
  Poco::JSON::Object::Ptr publicJwk() const;

  /** The key in the form Poco::JWT::Signer takes. */
  const Poco::SharedPtr<Poco::Crypto::RSAKey>& pocoKey() const { return poco_key_; }

 private:
  SigningKey(EvpKeyPtr key, std::string key_id);

  EvpKeyPtr key_;
  Poco::SharedPtr<Poco::Crypto::RSAKey> poco_key_;
  std::string key_id_;
};

/** Signs RS256 access and service tokens for one issuer and audience. Thread-safe. */
class TokenIssuer {
 public:
  TokenIssuer(std::shared_ptr<const SigningKey> key, std::string issuer, std::string audience);

  /**
   * Returns a compact JWT with header `{"alg":"RS256","typ":"JWT","kid":...}` and the claims
   * iss and aud of this issuer, then sub, sid (left out when empty), roles, iat, nbf, exp and
   * jti from `claims` as whole numbers. `claims.issuer` and `claims.audience` are ignored.
   * Throws std::invalid_argument when sub or jti is empty or exp is not after iat.
   */
  std::string issue(const TokenClaims& claims) const;

 private:
  std::shared_ptr<const SigningKey> key_;
  std::string issuer_;
  std::string audience_;
};

class TokenVerifier;

/** The RSA public keys that verifiers trust, by kid. Thread-safe for concurrent use. */
class PublicKeySet {
 public:
  /**
   * Adds or replaces the key `kid`. `public_pem` is a SubjectPublicKeyInfo PEM of an RSA key
   * of at least 2048 bits. Throws std::invalid_argument otherwise.
   */
  void add(const std::string& kid, const std::string& public_pem);

  /**
   * Adds every RSA signing key of a JWK Set (`{"keys":[...]}`) and returns how many it added.
   * Keys whose kty is not RSA, whose use is not sig or whose alg is not RS256 are skipped.
   * Throws std::invalid_argument, adding nothing, when `keys` is missing or an RSA key lacks
   * a kid or has an invalid n or e.
   */
  std::size_t addJwks(const Poco::JSON::Object& jwks);

  bool has(const std::string& kid) const;
  std::size_t size() const;
  /**
   * Counts the times a kid got a different key than it had. A verification remembered under an
   * older generation may rest on a key that is gone.
   */
  uint64_t generation() const { return generation_.load(); }

 private:
  friend class TokenVerifier;
  EvpKeyPtr find(const std::string& kid) const;
  /** Stores `key` as `kid`; the caller holds the unique lock. */
  void store(const std::string& kid, EvpKeyPtr key);

  mutable std::shared_mutex mutex_;
  std::map<std::string, EvpKeyPtr> keys_by_id_;
  std::atomic<uint64_t> generation_{0};
};

/** The outcome of TokenVerifier::verify. */
struct VerifyResult {
  bool ok = false;
  std::string error;  // short reason such as "expired" when !ok, for logs only
  TokenClaims claims;
};

/**
 * Verifies RS256 tokens against a PublicKeySet. Accepts only alg "RS256" with a known kid,
 * ignores jku, x5u and jwk headers, and checks iss, aud, exp, nbf and the required claims.
 * Thread-safe.
 */
class TokenVerifier {
 public:
  static constexpr std::size_t kMaxTokenBytes = 8192;

  TokenVerifier(std::shared_ptr<const PublicKeySet> keys, std::string issuer, std::string audience,
                int64_t leeway_seconds = 30);

  /**
   * Checks `token` at time `now_seconds`. Returns ok with the claims, or !ok with one of:
   * "token too long", "malformed", "algorithm not allowed", "unsupported critical header",
   * "missing kid", "unknown kid", "missing signature", "bad signature",
   * "missing claim <name>", "invalid claim <name>", "wrong issuer", "wrong audience",
   * "expired", "not yet valid", "issued in the future". Requires sub, exp, iat and jti, and sid
   * unless roles contains "service". Never throws.
   */
  VerifyResult verify(std::string_view token, int64_t now_seconds) const;

  /** The generation of the key set this verifier trusts (PublicKeySet::generation). */
  uint64_t keyGeneration() const { return keys_->generation(); }

 private:
  VerifyResult verifyUnchecked(std::string_view token, int64_t now_seconds) const;

  std::shared_ptr<const PublicKeySet> keys_;
  std::string issuer_;
  std::string audience_;
  int64_t leeway_seconds_;
};

}  // namespace agora::security
