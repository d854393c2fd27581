// AES-256-GCM authenticated encryption and a key ring that rotates encryption keys.
#include "platform/security/Aead.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <limits>
#include <memory>
#include <stdexcept>

#include "platform/security/Digest.h"
#include "platform/security/Random.h"

namespace agora::security {
namespace {

constexpr std::string_view kRecordVersion = "v1";
constexpr std::size_t kMaxKeyIdLength = 16;
constexpr std::size_t kMaxInputBytes = std::numeric_limits<int>::max();

using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

CipherContext newCipherContext() {
  CipherContext context(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  if (!context) throw std::runtime_error("OpenSSL could not allocate a cipher context");
  return context;
}

const unsigned char* bytesOf(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

unsigned char* bytesOf(std::string& text) {
  return reinterpret_cast<unsigned char*>(text.data());
}

std::string_view trimSpaces(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

Aead::Aead(std::string key32) : key_(std::move(key32)) {
  if (key_.size() != kKeyBytes) {
    throw std::invalid_argument("AES-256-GCM key must be 32 bytes, got " +
                                std::to_string(key_.size()));
  }
}

Aead::~Aead() {
  OPENSSL_cleanse(key_.data(), key_.size());
}

std::string Aead::seal(std::string_view plaintext, std::string_view associated_data) const {
  if (plaintext.size() > kMaxInputBytes || associated_data.size() > kMaxInputBytes) {
    throw std::invalid_argument("AES-256-GCM input is larger than 2 GiB");
  }
  std::string sealed = randomBytes(kNonceBytes);
  sealed.resize(kNonceBytes + plaintext.size() + kTagBytes);
  unsigned char* nonce = bytesOf(sealed);
  unsigned char* ciphertext = nonce + kNonceBytes;

  CipherContext context = newCipherContext();
  int length = 0;
  bool ok = EVP_EncryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
            EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceBytes, nullptr) == 1 &&
            EVP_EncryptInit_ex(context.get(), nullptr, nullptr, bytesOf(key_), nonce) == 1 &&
            EVP_EncryptUpdate(context.get(), nullptr, &length, bytesOf(associated_data),
                              static_cast<int>(associated_data.size())) == 1 &&
            EVP_EncryptUpdate(context.get(), ciphertext, &length, bytesOf(plaintext),
                              static_cast<int>(plaintext.size())) == 1 &&
            EVP_EncryptFinal_ex(context.get(), ciphertext + length, &length) == 1 &&
            EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes,
                                ciphertext + plaintext.size()) == 1;
  if (!ok) throw std::runtime_error("AES-256-GCM encryption failed in OpenSSL");
  return sealed;
}

std::optional<std::string> Aead::open(std::string_view sealed,
                                      std::string_view associated_data) const {
  if (sealed.size() < kNonceBytes + kTagBytes || sealed.size() > kMaxInputBytes ||
      associated_data.size() > kMaxInputBytes) {
    return std::nullopt;
  }
  try {
    return openUnchecked(sealed, associated_data);
  } catch (const std::exception&) {
    // Allocation failures end up here, so that open() reports every failure the same way.
    return std::nullopt;
  }
}

std::optional<std::string> Aead::openUnchecked(std::string_view sealed,
                                               std::string_view associated_data) const {
  std::string_view nonce = sealed.substr(0, kNonceBytes);
  std::string_view ciphertext = sealed.substr(kNonceBytes, sealed.size() - kNonceBytes - kTagBytes);
  // OpenSSL's tag setter takes a non-const pointer, so the tag is copied.
  std::string tag(sealed.substr(sealed.size() - kTagBytes));
  std::string plaintext(ciphertext.size(), '\0');

  CipherContext context = newCipherContext();
  int length = 0;
  bool ok =
      EVP_DecryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceBytes, nullptr) == 1 &&
      EVP_DecryptInit_ex(context.get(), nullptr, nullptr, bytesOf(key_), bytesOf(nonce)) == 1 &&
      EVP_DecryptUpdate(context.get(), nullptr, &length, bytesOf(associated_data),
                        static_cast<int>(associated_data.size())) == 1 &&
      EVP_DecryptUpdate(context.get(), bytesOf(plaintext), &length, bytesOf(ciphertext),
                        static_cast<int>(ciphertext.size())) == 1 &&
      EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, tag.data()) == 1 &&
      EVP_DecryptFinal_ex(context.get(), bytesOf(plaintext) + length, &length) == 1;
  if (!ok) {
    // Do not leave unauthenticated plaintext in memory that the allocator hands out again.
    OPENSSL_cleanse(plaintext.data(), plaintext.size());
    return std::nullopt;
  }
  return plaintext;
}

KeyRing::KeyRing(std::string encryption_key_id, std::map<std::string, std::string> keys_by_id)
    : encryption_key_id_(std::move(encryption_key_id)) {
  for (auto& [key_id, key] : keys_by_id) {
    if (!isValidKeyId(key_id)) {
      throw std::invalid_argument("invalid encryption key id '" + key_id +
                                  "': use 1 to 16 characters of A-Z, a-z, 0-9, '_' and '-'");
    }
    if (key.size() != Aead::kKeyBytes) {
      throw std::invalid_argument("encryption key '" + key_id + "' must be 32 bytes, got " +
                                  std::to_string(key.size()));
    }
    ciphers_by_id_.emplace(key_id, Aead(std::move(key)));
  }
  if (ciphers_by_id_.find(encryption_key_id_) == ciphers_by_id_.end()) {
    throw std::invalid_argument("encryption key id '" + encryption_key_id_ +
                                "' is not among the configured keys");
  }
}

std::string KeyRing::seal(std::string_view plaintext, std::string_view associated_data) const {
  const Aead& cipher = ciphers_by_id_.at(encryption_key_id_);
  std::string record(kRecordVersion);
  record += '.';
  record += encryption_key_id_;
  record += '.';
  record += base64UrlEncode(cipher.seal(plaintext, associated_data));
  return record;
}

std::optional<std::string> KeyRing::open(std::string_view record,
                                         std::string_view associated_data) const {
  std::size_t first_dot = record.find('.');
  if (first_dot == std::string_view::npos || record.substr(0, first_dot) != kRecordVersion) {
    return std::nullopt;
  }
  std::size_t second_dot = record.find('.', first_dot + 1);
  if (second_dot == std::string_view::npos) return std::nullopt;

  std::string_view key_id = record.substr(first_dot + 1, second_dot - first_dot - 1);
  auto cipher = ciphers_by_id_.find(key_id);
  if (cipher == ciphers_by_id_.end()) return std::nullopt;

  try {
    // base64url has no '.', so a third dot makes the decode fail.
    auto sealed = base64UrlDecode(record.substr(second_dot + 1));
    if (!sealed) return std::nullopt;
    return cipher->second.open(*sealed, associated_data);
  } catch (const std::exception&) {
    return std::nullopt;  // allocation failure while decoding
  }
}

KeyRing KeyRing::fromSpec(std::string_view spec, std::string_view encryption_key_id) {
  std::map<std::string, std::string> keys_by_id;
  std::string_view rest = spec;
  for (int entry_number = 1;; ++entry_number) {
    std::size_t comma = rest.find(',');
    std::string_view entry = trimSpaces(rest.substr(0, comma));
    std::size_t colon = entry.find(':');
    // Entries that fail before their id is known are named by position, because the text
    // could be key material.
    if (colon == std::string_view::npos) {
      throw std::invalid_argument("invalid encryption key list: entry " +
                                  std::to_string(entry_number) +
                                  " is not of the form '<key id>:<base64 key>'");
    }
    std::string key_id(trimSpaces(entry.substr(0, colon)));
    std::string_view encoded_key = trimSpaces(entry.substr(colon + 1));

    if (!isValidKeyId(key_id)) {
      throw std::invalid_argument("invalid encryption key list: the key id of entry " +
                                  std::to_string(entry_number) +
                                  " must be 1 to 16 characters of A-Z, a-z, 0-9, '_' and '-'");
    }
    if (keys_by_id.count(key_id) != 0) {
      throw std::invalid_argument("encryption key id '" + key_id + "' appears twice");
    }
    auto key = base64Decode(encoded_key);
    if (!key) key = base64UrlDecode(encoded_key);
    if (!key) {
      throw std::invalid_argument("encryption key '" + key_id +
                                  "' is not valid base64 or base64url");
    }
    if (key->size() != Aead::kKeyBytes) {
      throw std::invalid_argument("encryption key '" + key_id + "' must decode to 32 bytes, got " +
                                  std::to_string(key->size()));
    }
    keys_by_id.emplace(std::move(key_id), std::move(*key));

    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return KeyRing(std::string(encryption_key_id), std::move(keys_by_id));
}

bool KeyRing::isValidKeyId(std::string_view key_id) {
  if (key_id.empty() || key_id.size() > kMaxKeyIdLength) return false;
  for (char c : key_id) {
    bool valid = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                 c == '_' || c == '-';
    if (!valid) return false;
  }
  return true;
}

}  // namespace agora::security
