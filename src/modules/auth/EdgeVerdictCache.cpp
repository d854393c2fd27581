// How long nginx may reuse a response of GET /internal/auth/verify.
#include "modules/auth/EdgeVerdictCache.h"

#include <algorithm>

namespace agora::auth {
namespace {

/** Floor division, so times before a second boundary round down for negative offsets too. */
int64_t floorSeconds(int64_t milliseconds) {
  return milliseconds >= 0 ? milliseconds / 1000 : -((-milliseconds + 999) / 1000);
}

}  // namespace

std::string edgeCacheExpiry(int64_t session_checked_at_ms, int64_t token_expires_at,
                            int64_t now_ms) {
  if (session_checked_at_ms <= 0) return "0";
  const int64_t last_second = std::min(
      floorSeconds(session_checked_at_ms - kEdgeClockMarginMilliseconds), token_expires_at - 1);
  if (last_second < floorSeconds(now_ms)) return "0";
  return "@" + std::to_string(last_second);
}

int64_t edgeCacheCheckedSince(int64_t now_ms) {
  const int64_t since = floorSeconds(now_ms) * 1000 + kEdgeClockMarginMilliseconds;
  return since <= now_ms ? since : 0;
}

}  // namespace agora::auth
