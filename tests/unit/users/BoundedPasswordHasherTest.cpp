// Tests of the bounded hasher: its concurrency check and its count of argon2id computations.
#include <gtest/gtest.h>

#include <stdexcept>

#include "UsersTestSupport.h"
#include "modules/users/BoundedPasswordHasher.h"

namespace agora::users {
namespace {

BoundedPasswordHasher fastHasher() {
  return BoundedPasswordHasher(testing::fastArgon2(), 2, std::chrono::milliseconds(5000));
}

TEST(BoundedPasswordHasher, RejectsZeroConcurrency) {
  EXPECT_THROW(BoundedPasswordHasher(testing::fastArgon2(), 0, std::chrono::milliseconds(5000)),
               std::invalid_argument);
}

TEST(BoundedPasswordHasher, RejectsExcessiveConcurrency) {
  EXPECT_THROW(BoundedPasswordHasher(testing::fastArgon2(), 257, std::chrono::milliseconds(5000)),
               std::invalid_argument);
}

TEST(BoundedPasswordHasher, VerifiesItsOwnHash) {
  BoundedPasswordHasher hasher = fastHasher();
  std::string phc = hasher.hash("tulip-ocean-granite");
  EXPECT_TRUE(hasher.verify("tulip-ocean-granite", phc));
}

TEST(BoundedPasswordHasher, CountsEveryComputation) {
  BoundedPasswordHasher hasher = fastHasher();
  std::string phc = hasher.hash("tulip-ocean-granite");
  hasher.verify("tulip-ocean-granite", phc);
  hasher.burnEquivalentWork("tulip-ocean-granite");
  EXPECT_EQ(hasher.computations(), 3u);
}

TEST(BoundedPasswordHasher, RehashCheckCostsNothing) {
  BoundedPasswordHasher hasher = fastHasher();
  std::string phc = hasher.hash("tulip-ocean-granite");
  hasher.needsRehash(phc);
  EXPECT_EQ(hasher.computations(), 1u);
}

}  // namespace
}  // namespace agora::users
