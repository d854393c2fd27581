// Tests of what only the in-process store promises: sweeping and index upkeep.
#include <gtest/gtest.h>

#include "SessionFixtures.h"
#include "platform/sessions/MemorySessionStore.h"

namespace agora::sessions {
namespace {

using testing::freshCodec;
using testing::sampleSession;

class MemorySessionStoreTest : public ::testing::Test {
 protected:
  int64_t now_ = 1'700'000'000;
  MemorySessionStore store_{freshCodec(), SessionLimits{60, 3600}, [this] { return now_; }};
};

TEST_F(MemorySessionStoreTest, WriteSweepsExpiredRecords) {
  store_.create(sampleSession("old", "u1", now_));
  now_ += 60;

  store_.create(sampleSession("new", "u2", now_));

  EXPECT_FALSE(store_.rawRecord("old").has_value());
  EXPECT_TRUE(store_.rawRecord("new").has_value());
}

TEST_F(MemorySessionStoreTest, ExpiredCreateStoresNothing) {
  SessionRecord record = sampleSession("s1", "u1", now_ - 120);

  store_.create(record);

  EXPECT_FALSE(store_.rawRecord("s1").has_value());
}

TEST_F(MemorySessionStoreTest, CreateReplacesSameId) {
  store_.create(sampleSession("s1", "u1", now_));

  store_.create(sampleSession("s1", "u2", now_));

  EXPECT_TRUE(store_.listForUser("u1").empty());
  EXPECT_EQ(store_.listForUser("u2").size(), 1u);
}

TEST_F(MemorySessionStoreTest, UpdateMayNotChangeId) {
  store_.create(sampleSession("s1", "u1", now_));

  EXPECT_THROW(store_.update("s1",
                             [](SessionRecord& record) {
                               record.id = "s2";
                               return UpdateDecision::kWrite;
                             }),
               std::logic_error);
  EXPECT_TRUE(store_.find("s1").has_value());
}

TEST_F(MemorySessionStoreTest, ThrowingDecideChangesNothing) {
  store_.create(sampleSession("s1", "u1", now_));

  EXPECT_THROW(store_.update("s1",
                             [](SessionRecord& record) -> UpdateDecision {
                               record.refresh_hash = "changed";
                               throw std::runtime_error("decide failed");
                             }),
               std::runtime_error);
  EXPECT_EQ(store_.find("s1")->refresh_hash, "step-0");
}

TEST_F(MemorySessionStoreTest, RejectsRecordWithoutUser) {
  EXPECT_THROW(store_.create(sampleSession("s1", "", now_)), std::invalid_argument);
}

}  // namespace
}  // namespace agora::sessions
