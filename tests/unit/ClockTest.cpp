// Tests RFC 3339 formatting of epoch seconds.
#include <gtest/gtest.h>

#include "platform/Clock.h"

namespace agora {
namespace {

TEST(Clock, FormatsEpoch) {
  EXPECT_EQ(formatRfc3339(0), "1970-01-01T00:00:00Z");
}

TEST(Clock, FormatsKnownInstant) {
  EXPECT_EQ(formatRfc3339(1796401172), "2026-12-04T16:19:32Z");
}

TEST(Clock, SystemClockIsNow) {
  EXPECT_LE(std::abs(systemClock()() - systemNowSeconds()), 1);
}

}  // namespace
}  // namespace agora
