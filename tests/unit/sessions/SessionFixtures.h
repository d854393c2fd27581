// Key rings, codecs and sample records shared by the session tests.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "platform/security/Aead.h"
#include "platform/security/Random.h"
#include "platform/sessions/SessionCodec.h"

namespace agora::sessions::testing {

/** Returns a ring with one fresh random key under `key_id`. */
inline std::shared_ptr<const security::KeyRing> freshKeyRing(const std::string& key_id = "k1") {
  return std::make_shared<const security::KeyRing>(
      key_id, std::map<std::string, std::string>{{key_id, security::randomBytes(32)}});
}

inline std::shared_ptr<const SessionCodec> freshCodec() {
  return std::make_shared<const SessionCodec>(freshKeyRing());
}

/** Returns a session of `user_id` created and last seen at `now`, living at most a day. */
inline SessionRecord sampleSession(const std::string& id, const std::string& user_id, int64_t now) {
  SessionRecord record;
  record.id = id;
  record.user_id = user_id;
  record.roles = {"customer"};
  record.created_at = now;
  record.last_seen_at = now;
  record.absolute_expires_at = now + 24 * 3600;
  record.ip = "192.0.2.17";
  record.user_agent = "Mozilla/5.0 (X11; Linux x86_64)";
  record.refresh_hash = "step-0";
  return record;
}

}  // namespace agora::sessions::testing
