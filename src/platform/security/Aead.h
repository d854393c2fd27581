// AES-256-GCM authenticated encryption and a key ring that rotates encryption keys.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace agora::security {

/**
 * AES-256-GCM under one key (OpenSSL EVP). A sealed message is a 12-byte random nonce, the
 * ciphertext and the 16-byte tag. Thread-safe: the key never changes after construction.
 * Random nonces keep the collision risk acceptable for up to about 2^32 messages per key.
 */
class Aead {
 public:
  static constexpr std::size_t kKeyBytes = 32;
  static constexpr std::size_t kNonceBytes = 12;
  static constexpr std::size_t kTagBytes = 16;

  /** Throws std::invalid_argument unless `key32` is exactly 32 bytes. */
  explicit Aead(std::string key32);
  ~Aead();
  Aead(const Aead&) = default;
  Aead& operator=(const Aead&) = default;
  Aead(Aead&&) = default;
  Aead& operator=(Aead&&) = default;

  /**
   * Encrypts `plaintext` and authenticates it together with `associated_data`, which is not
   * stored and must be passed to open() again. Throws std::runtime_error if OpenSSL fails and
   * std::invalid_argument for inputs over 2 GiB.
   */
  std::string seal(std::string_view plaintext, std::string_view associated_data) const;

  /**
   * Returns the plaintext of a message made by seal() with the same key and associated data,
   * or nullopt when the input is too short, altered, or sealed under another key or associated
   * data. Never throws: any failure, allocation included, returns nullopt.
   */
  std::optional<std::string> open(std::string_view sealed, std::string_view associated_data) const;

 private:
  std::optional<std::string> openUnchecked(std::string_view sealed,
                                           std::string_view associated_data) const;

  std::string key_;
};

/**
 * A set of AES-256-GCM keys by id, one of which encrypts. Records carry the id of their key,
 * so data sealed under an older key still opens after the encryption key changes.
 * Thread-safe: immutable after construction.
 */
class KeyRing {
 public:
  /**
   * Throws std::invalid_argument when a key id is not 1–16 characters of [A-Za-z0-9_-], a key
   * is not 32 bytes, or `encryption_key_id` is not in `keys_by_id`. Messages name the key id,
   * never key material.
   */
  KeyRing(std::string encryption_key_id, std::map<std::string, std::string> keys_by_id);

  /**
   * Seals `plaintext` under the encryption key and returns the record
   * `v1.<key id>.<base64url(nonce || ciphertext || tag)>`.
   */
  std::string seal(std::string_view plaintext, std::string_view associated_data) const;

  /**
   * Opens a record made by seal() with any key of this ring. Returns nullopt for a malformed
   * record, an unknown key id or a failed authentication. Never throws: any failure returns
   * nullopt.
   */
  std::optional<std::string> open(std::string_view record, std::string_view associated_data) const;

  const std::string& encryptionKeyId() const { return encryption_key_id_; }

  /**
   * Builds a ring from `id1:key1,id2:key2`, each key 32 bytes in standard base64 (padded or
   * not) or base64url. Spaces around entries are ignored. Throws std::invalid_argument on an
   * entry without a colon or with an invalid id (naming the entry by position, because the
   * text may be key material), and on a duplicate id, a key that does not decode to 32 bytes
   * or an `encryption_key_id` missing from the list (naming the key id).
   */
  static KeyRing fromSpec(std::string_view spec, std::string_view encryption_key_id);

  /** Returns whether `key_id` is 1–16 characters of [A-Za-z0-9_-]. */
  static bool isValidKeyId(std::string_view key_id);

 private:
  std::string encryption_key_id_;
  std::map<std::string, Aead, std::less<>> ciphers_by_id_;
};

}  // namespace agora::security
