// Tests of how long nginx may keep a positive answer of the edge check.
#include <gtest/gtest.h>

#include "modules/auth/EdgeVerdictCache.h"

namespace agora::auth {
namespace {

constexpr int64_t kFarExpiry = 4'000'000'000;

// Test that an answer lives until the end of the second of its session check.
TEST(EdgeVerdictCache, KeptUntilEndOfCheckSecond) {
  EXPECT_EQ(edgeCacheExpiry(10'500, kFarExpiry, 10'600), "@10");
  EXPECT_EQ(edgeCacheExpiry(10'999, kFarExpiry, 10'999), "@10");
}

// Test that a check within the margin after a second began, or from an earlier second, gives
// nothing to keep.
TEST(EdgeVerdictCache, EarlyOrOldCheckIsNotKept) {
  EXPECT_EQ(edgeCacheExpiry(10'020, kFarExpiry, 10'030), "0");
  EXPECT_EQ(edgeCacheExpiry(9'800, kFarExpiry, 10'100), "0");
  EXPECT_EQ(edgeCacheExpiry(0, kFarExpiry, 10'100), "0");
}

// Test that an answer never outlives the token.
TEST(EdgeVerdictCache, BoundedByTokenExpiry) {
  EXPECT_EQ(edgeCacheExpiry(10'500, 11, 10'600), "@10");
  EXPECT_EQ(edgeCacheExpiry(10'500, 10, 10'600), "0");
}

// Test that no kept answer reaches past one second after its check, whenever the check was.
TEST(EdgeVerdictCache, NeverPastOneSecondAfterCheck) {
  for (int64_t checked = 20'000; checked < 23'000; checked += 7) {
    for (int64_t now = checked; now < checked + 1'200; now += 97) {
      const std::string expiry = edgeCacheExpiry(checked, kFarExpiry, now);
      if (expiry == "0") continue;
      const int64_t last_second = std::stoll(expiry.substr(1));
      // nginx keeps it while its clock shows last_second, i.e. until (last_second + 1) s.
      EXPECT_LE((last_second + 1) * 1000, checked + 1000 - kEdgeClockMarginMilliseconds)
          << "checked " << checked << " now " << now;
      EXPECT_GE(last_second, now / 1000) << "checked " << checked << " now " << now;
    }
  }
}

// Test the oldest check the edge check asks for.
TEST(EdgeVerdictCache, CheckedSinceStartsAfterMargin) {
  EXPECT_EQ(edgeCacheCheckedSince(10'600), 10'000 + kEdgeClockMarginMilliseconds);
  EXPECT_EQ(edgeCacheCheckedSince(10'030), 0);
}

}  // namespace
}  // namespace agora::auth
