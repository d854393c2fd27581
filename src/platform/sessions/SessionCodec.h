// Turns a session record into an encrypted string and back, bound to its session id.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "platform/security/Aead.h"
#include "platform/sessions/SessionRecord.h"

namespace agora::sessions {

/**
 * Serializes every field of a SessionRecord as JSON and seals it with the key ring, using the
 * session id as associated data, so a record copied under another id does not open. Stores
 * keep only the sealed form. Thread-safe.
 */
class SessionCodec {
 public:
  explicit SessionCodec(std::shared_ptr<const security::KeyRing> keys);

  /** Returns the sealed record; throws std::runtime_error only if encryption itself fails. */
  std::string encode(const SessionRecord& record) const;

  /**
   * Returns the record sealed under `session_id`, or nullopt when the input was altered,
   * belongs to another id, uses a key id not in the ring, or does not hold a valid record.
   * Never throws.
   */
  std::optional<SessionRecord> decode(const std::string& session_id, std::string_view sealed) const;

 private:
  std::shared_ptr<const security::KeyRing> keys_;
};

}  // namespace agora::sessions
