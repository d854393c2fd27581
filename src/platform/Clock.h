// Wall-clock time in whole seconds, replaceable in tests.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace agora {

/** Seconds since the Unix epoch. Services take a Clock so tests can move time. */
using Clock = std::function<int64_t()>;

inline int64_t systemNowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

inline Clock systemClock() { return systemNowSeconds; }

/** Formats seconds since the epoch as RFC 3339 UTC with a `Z`, e.g. 2026-12-04T16:19:32Z. */
std::string formatRfc3339(int64_t seconds);

}  // namespace agora
