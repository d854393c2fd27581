// A login session as the session store keeps it (encrypted at rest).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace agora::sessions {

/**
 * One session. Times are seconds since the epoch. Refresh tokens are stored only as
 * SHA-256 hex digests; the successor pair of the last rotation is kept (inside the
 * encrypted record) for the grace window so retried refreshes receive the same pair.
 */
struct SessionRecord {
  std::string id;
  std::string user_id;
  std::vector<std::string> roles;
  int64_t created_at = 0;
  int64_t last_seen_at = 0;
  int64_t absolute_expires_at = 0;  // created_at + absolute lifetime
  std::string ip;
  std::string user_agent;

  std::string refresh_hash;           // digest of the current refresh token
  std::string previous_refresh_hash;  // digest of the token rotated away last
  int64_t rotated_at = 0;             // when previous_refresh_hash was rotated
  std::string successor_access_token;  // the pair handed out at that rotation
  std::string successor_refresh_token;
  int64_t successor_access_expires_at = 0;
};

}  // namespace agora::sessions
