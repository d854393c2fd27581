// Argon2id password hashing in PHC string format (libargon2).
#include "platform/security/PasswordHasher.h"

#include <argon2.h>

#include <algorithm>
#include <charconv>
#include <optional>
#include <stdexcept>
#include <vector>

#include "platform/security/Random.h"

namespace agora::security {
namespace {

constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kHashBytes = 32;
constexpr std::string_view kPhcPrefix = "$argon2id$v=19$";

// Upper bounds on the cost of a stored hash that verify() will compute, unless the configured
// parameters are higher still.
constexpr uint32_t kMaxVerifyMemoryKib = 1024 * 1024;
constexpr uint32_t kMaxVerifyIterations = 64;
constexpr uint32_t kMaxVerifyParallelism = 64;

/** The fields of an argon2id version 19 PHC string. */
struct PhcFields {
  uint32_t memory_kib = 0;
  uint32_t iterations = 0;
  uint32_t parallelism = 0;
  std::size_t salt_bytes = 0;
  std::size_t hash_bytes = 0;
};

/** Consumes `name=<decimal>` from the front of `text`. */
std::optional<uint32_t> takeParameter(std::string_view& text, std::string_view name) {
  if (text.substr(0, name.size()) != name || text.size() <= name.size() ||
      text[name.size()] != '=') {
    return std::nullopt;
  }
  text.remove_prefix(name.size() + 1);
  uint32_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end == text.data()) return std::nullopt;
  text.remove_prefix(static_cast<std::size_t>(end - text.data()));
  return value;
}

/** Returns the decoded length of unpadded standard base64, or nullopt if it is not base64. */
std::optional<std::size_t> decodedBase64Length(std::string_view text) {
  if (text.empty() || text.size() % 4 == 1) return std::nullopt;
  for (char c : text) {
    bool valid = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                 c == '+' || c == '/';
    if (!valid) return std::nullopt;
  }
  return text.size() * 3 / 4;
}

/** Parses `$argon2id$v=19$m=M,t=T,p=P$salt$hash`. Returns nullopt for anything else. */
std::optional<PhcFields> parsePhc(std::string_view phc) {
  if (phc.substr(0, kPhcPrefix.size()) != kPhcPrefix) return std::nullopt;
  std::string_view rest = phc.substr(kPhcPrefix.size());

  PhcFields fields;
  auto memory = takeParameter(rest, "m");
  if (!memory || rest.empty() || rest.front() != ',') return std::nullopt;
  rest.remove_prefix(1);
  auto iterations = takeParameter(rest, "t");
  if (!iterations || rest.empty() || rest.front() != ',') return std::nullopt;
  rest.remove_prefix(1);
  auto parallelism = takeParameter(rest, "p");
  if (!parallelism || rest.empty() || rest.front() != '$') return std::nullopt;
  rest.remove_prefix(1);

  std::size_t separator = rest.find('$');
  if (separator == std::string_view::npos) return std::nullopt;
  auto salt_bytes = decodedBase64Length(rest.substr(0, separator));
  auto hash_bytes = decodedBase64Length(rest.substr(separator + 1));
  if (!salt_bytes || !hash_bytes) return std::nullopt;

  fields.memory_kib = *memory;
  fields.iterations = *iterations;
  fields.parallelism = *parallelism;
  fields.salt_bytes = *salt_bytes;
  fields.hash_bytes = *hash_bytes;
  return fields;
}

}  // namespace

PasswordHasher::PasswordHasher() : PasswordHasher(Parameters{}) {}

PasswordHasher::PasswordHasher(Parameters parameters) : parameters_(parameters) {
  if (parameters_.iterations < ARGON2_MIN_TIME) {
    throw std::invalid_argument("argon2id iterations must be at least 1");
  }
  if (parameters_.parallelism < ARGON2_MIN_LANES || parameters_.parallelism > ARGON2_MAX_LANES) {
    throw std::invalid_argument("argon2id parallelism must be between 1 and 16777215");
  }
  if (parameters_.memory_kib < 8 * parameters_.parallelism) {
    throw std::invalid_argument("argon2id memory must be at least 8 KiB per lane, got " +
                                std::to_string(parameters_.memory_kib) + " KiB for " +
                                std::to_string(parameters_.parallelism) + " lanes");
  }
}

void PasswordHasher::prepareDummyHash() const {
  std::call_once(dummy_hash_->made, [this] { dummy_hash_->phc = hash(randomToken(16)); });
}

std::string PasswordHasher::hash(std::string_view password) const {
  if (password.size() > ARGON2_MAX_PWD_LENGTH) {
    throw std::invalid_argument("password is longer than argon2 accepts");
  }
  std::string salt = randomBytes(kSaltBytes);
  std::size_t encoded_length =
      argon2_encodedlen(parameters_.iterations, parameters_.memory_kib, parameters_.parallelism,
                        kSaltBytes, kHashBytes, Argon2_id);
  std::vector<char> encoded(encoded_length + 1, '\0');
  int result = argon2id_hash_encoded(
      parameters_.iterations, parameters_.memory_kib, parameters_.parallelism, password.data(),
      password.size(), salt.data(), salt.size(), kHashBytes, encoded.data(), encoded.size());
  if (result != ARGON2_OK) {
    throw std::runtime_error(std::string("argon2id hashing failed: ") +
                             argon2_error_message(result));
  }
  return std::string(encoded.data());
}

bool PasswordHasher::verify(std::string_view password, const std::string& phc) const {
  // libargon2 reads `phc` as a C string, so an embedded NUL would hide the rest of it.
  if (phc.find('\0') != std::string::npos || password.size() > ARGON2_MAX_PWD_LENGTH) {
    return false;
  }
  auto fields = parsePhc(phc);
  if (!fields) return false;
  if (fields->memory_kib > std::max(parameters_.memory_kib, kMaxVerifyMemoryKib) ||
      fields->iterations > std::max(parameters_.iterations, kMaxVerifyIterations) ||
      fields->parallelism > std::max(parameters_.parallelism, kMaxVerifyParallelism)) {
    return false;
  }
  return argon2id_verify(phc.c_str(), password.data(), password.size()) == ARGON2_OK;
}

bool PasswordHasher::needsRehash(const std::string& phc) const {
  auto fields = parsePhc(phc);
  if (!fields) return true;
  return fields->memory_kib < parameters_.memory_kib ||
         fields->iterations < parameters_.iterations ||
         fields->parallelism < parameters_.parallelism || fields->salt_bytes < kSaltBytes ||
         fields->hash_bytes < kHashBytes;
}

void PasswordHasher::burnEquivalentWork(std::string_view password) const {
  if (password.size() > ARGON2_MAX_PWD_LENGTH) return;
  prepareDummyHash();
  // The result is discarded: the dummy hash matches no password a caller can know.
  (void)argon2id_verify(dummy_hash_->phc.c_str(), password.data(), password.size());
}

}  // namespace agora::security
