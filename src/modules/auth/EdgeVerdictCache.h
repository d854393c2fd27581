// How long nginx may reuse a response of GET /internal/auth/verify (its X-Accel-Expires header).
#pragma once

#include <cstdint>
#include <string>

namespace agora::auth {

/** Margin for the edge's clock, which runs on cached event-loop time and on another host. */
constexpr int64_t kEdgeClockMarginMilliseconds = 50;

/**
 * Computes the X-Accel-Expires value of a positive verify response. nginx keeps a response with
 * `@E` while its clock shows second E or earlier, that is until E + 1. So E is the last whole
 * second that ends no later than one second after the session check (less the margin) and no
 * later than the token's `exp`. The value is "0" (keep nothing) when that second has already
 * begun or there was no session check. Times are wall-clock milliseconds and seconds since the
 * epoch.
 */
std::string edgeCacheExpiry(int64_t session_checked_at_ms, int64_t token_expires_at,
                            int64_t now_ms);

/**
 * Returns the earliest session check, in wall-clock milliseconds, whose response nginx could
 * still reuse within the current second. Returns 0 when no check could be reused (the second has
 * only just begun), so any remembered check will do.
 */
int64_t edgeCacheCheckedSince(int64_t now_ms);

}  // namespace agora::auth
