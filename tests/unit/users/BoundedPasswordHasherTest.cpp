// Tests of the bounded hasher: its concurrency check, its count of argon2id computations, its
// refusal when saturated and the priority of its threads.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "UsersTestSupport.h"
#include "modules/users/BoundedPasswordHasher.h"
#include "platform/http/Problem.h"

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

// Test that a call whose computation no hashing thread starts in time gets 503, and that the
// computation it gave up on never runs.
TEST(BoundedPasswordHasher, SaturatedPoolGives503) {
  // Slow enough that the second call waits for the first: 64 MiB and 4 passes.
  BoundedPasswordHasher hasher({65536, 4, 1}, 1, std::chrono::milliseconds(10));
  const uint64_t before = hasher.computations();
  // The pool makes its dummy hash first, so the first call may be refused until that is done.
  std::thread first([&] {
    for (;;) {
      try {
        hasher.hash("tulip-ocean-granite");
        return;
      } catch (const http::Problem&) {
      }
    }
  });
  while (hasher.computations() == before) std::this_thread::yield();

  try {
    hasher.hash("another-tulip-ocean");
    ADD_FAILURE() << "the second call was not refused";
  } catch (const http::Problem& problem) {
    EXPECT_EQ(problem.status(), 503);
  }
  first.join();
  EXPECT_EQ(hasher.computations(), before + 1);
}

/** How many threads of this process run at nice `nice`. */
int threadsAtNice(int nice) {
  int count = 0;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream stat(task.path() / "stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    // Field 19 is the nice value; the command name (field 2) ends with the last ')'.
    std::istringstream fields(text.substr(text.rfind(')') + 2));
    std::string field;
    for (int index = 3; index <= 19 && fields >> field; ++index) {
    }
    if (!field.empty() && std::stoi(field) == nice) ++count;
  }
  return count;
}

// Test that the hashing threads run at a lower priority than the thread that made the hasher.
TEST(BoundedPasswordHasher, ThreadsRunNicer) {
  const int own_nice = getpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)));
  const int before = threadsAtNice(own_nice + BoundedPasswordHasher::kHashingNice);
  BoundedPasswordHasher hasher(testing::fastArgon2(), 2, std::chrono::milliseconds(5000));
  EXPECT_TRUE(hasher.verify("tulip-ocean-granite", hasher.hash("tulip-ocean-granite")));

  // Each thread lowers its priority as it starts; give both a moment.
  int nicer = 0;
  for (int attempt = 0; attempt < 200 && nicer < 2; ++attempt) {
    nicer = threadsAtNice(own_nice + BoundedPasswordHasher::kHashingNice) - before;
    if (nicer < 2) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(nicer, 2);
}

}  // namespace
}  // namespace agora::users
