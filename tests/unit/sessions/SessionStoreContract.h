// The behaviour every SessionStore implementation must show. A test file instantiates it for
// one implementation with INSTANTIATE_TYPED_TEST_SUITE_P(Name, SessionStoreContract, Factory).
#pragma once

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "SessionFixtures.h"
#include "platform/sessions/SessionStore.h"

namespace agora::sessions::testing {

/*
 * How the contract reaches one implementation, a Factory type with two static functions:
 * make(SessionLimits, Clock) builds an empty store on the given test clock, and
 * rawRecord(SessionStore&, id) returns the bytes the store keeps for a session.
 */

inline constexpr int64_t kStart = 1'700'000'000;
inline constexpr int64_t kIdle = 60;
inline constexpr int64_t kAbsolute = 3600;

template <typename Factory>
class SessionStoreContract : public ::testing::Test {
 protected:
  SessionStoreContract()
      : store_(Factory::make(SessionLimits{kIdle, kAbsolute}, [this] { return now_.load(); })) {}

  void advance(int64_t seconds) { now_ += seconds; }
  int64_t now() const { return now_.load(); }
  SessionRecord session(const std::string& id, const std::string& user_id) {
    return sampleSession(id, user_id, now());
  }

  std::atomic<int64_t> now_{kStart};
  std::shared_ptr<SessionStore> store_;
};

TYPED_TEST_SUITE_P(SessionStoreContract);

TYPED_TEST_P(SessionStoreContract, FindReturnsCreatedRecord) {
  this->store_->create(this->session("s1", "u1"));

  const auto found = this->store_->find("s1");

  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->user_id, "u1");
  EXPECT_EQ(found->refresh_hash, "step-0");
  EXPECT_EQ(found->ip, "192.0.2.17");
}

TYPED_TEST_P(SessionStoreContract, FindUnknownReturnsNothing) {
  EXPECT_FALSE(this->store_->find("nobody").has_value());
}

TYPED_TEST_P(SessionStoreContract, IdleSessionExpires) {
  this->store_->create(this->session("s1", "u1"));

  this->advance(kIdle - 1);
  EXPECT_TRUE(this->store_->find("s1").has_value());
  this->advance(1);
  EXPECT_FALSE(this->store_->find("s1").has_value());
}

TYPED_TEST_P(SessionStoreContract, WrittenActivityExtendsIdleWindow) {
  this->store_->create(this->session("s1", "u1"));
  this->advance(kIdle - 10);
  const int64_t seen = this->now();
  this->store_->update("s1", [seen](SessionRecord& record) {
    record.last_seen_at = seen;
    return UpdateDecision::kWrite;
  });

  this->advance(kIdle - 1);
  EXPECT_TRUE(this->store_->find("s1").has_value());
  this->advance(1);
  EXPECT_FALSE(this->store_->find("s1").has_value());
}

TYPED_TEST_P(SessionStoreContract, AbsoluteLimitEndsActiveSession) {
  SessionRecord record = this->session("s1", "u1");
  record.absolute_expires_at = this->now() + 100;
  this->store_->create(record);

  // Activity every 50 s keeps the idle window open, but not past the absolute limit.
  for (int i = 0; i < 2; ++i) {
    this->advance(50);
    const int64_t seen = this->now();
    this->store_->update("s1", [seen](SessionRecord& r) {
      r.last_seen_at = seen;
      return UpdateDecision::kWrite;
    });
  }
  EXPECT_FALSE(this->store_->find("s1").has_value());
}

TYPED_TEST_P(SessionStoreContract, UpdateKeepStoresNothing) {
  this->store_->create(this->session("s1", "u1"));

  const auto returned = this->store_->update("s1", [](SessionRecord& record) {
    record.ip = "198.51.100.1";
    return UpdateDecision::kKeep;
  });

  ASSERT_TRUE(returned.has_value());
  EXPECT_EQ(returned->ip, "198.51.100.1");
  EXPECT_EQ(this->store_->find("s1")->ip, "192.0.2.17");
}

TYPED_TEST_P(SessionStoreContract, UpdateWriteStoresChange) {
  this->store_->create(this->session("s1", "u1"));

  this->store_->update("s1", [](SessionRecord& record) {
    record.refresh_hash = "step-1";
    return UpdateDecision::kWrite;
  });

  EXPECT_EQ(this->store_->find("s1")->refresh_hash, "step-1");
}

TYPED_TEST_P(SessionStoreContract, UpdateDeleteRemovesRecord) {
  this->store_->create(this->session("s1", "u1"));

  const auto returned =
      this->store_->update("s1", [](SessionRecord&) { return UpdateDecision::kDelete; });

  ASSERT_TRUE(returned.has_value());
  EXPECT_EQ(returned->id, "s1");
  EXPECT_FALSE(this->store_->find("s1").has_value());
}

TYPED_TEST_P(SessionStoreContract, UpdateOfMissingSkipsDecide) {
  bool called = false;

  const auto returned = this->store_->update("s1", [&called](SessionRecord&) {
    called = true;
    return UpdateDecision::kWrite;
  });

  EXPECT_FALSE(returned.has_value());
  EXPECT_FALSE(called);
  EXPECT_FALSE(this->store_->find("s1").has_value());
}

TYPED_TEST_P(SessionStoreContract, UpdateOfExpiredSkipsDecide) {
  this->store_->create(this->session("s1", "u1"));
  this->advance(kIdle);
  bool called = false;

  const auto returned = this->store_->update("s1", [&called](SessionRecord&) {
    called = true;
    return UpdateDecision::kWrite;
  });

  EXPECT_FALSE(returned.has_value());
  EXPECT_FALSE(called);
}

TYPED_TEST_P(SessionStoreContract, RemoveReportsWhetherItExisted) {
  this->store_->create(this->session("s1", "u1"));

  EXPECT_TRUE(this->store_->remove("s1"));
  EXPECT_FALSE(this->store_->remove("s1"));
  EXPECT_FALSE(this->store_->find("s1").has_value());
}

TYPED_TEST_P(SessionStoreContract, ListForUserReturnsOwnLiveSessions) {
  this->store_->create(this->session("s1", "u1"));
  this->advance(30);
  this->store_->create(this->session("s2", "u1"));
  this->store_->create(this->session("s3", "u2"));
  this->advance(kIdle - 30);  // s1 is now idle too long

  const auto sessions = this->store_->listForUser("u1");

  ASSERT_EQ(sessions.size(), 1u);
  EXPECT_EQ(sessions[0].id, "s2");
}

TYPED_TEST_P(SessionStoreContract, ListForUnknownUserIsEmpty) {
  EXPECT_TRUE(this->store_->listForUser("nobody").empty());
}

TYPED_TEST_P(SessionStoreContract, RemoveAllForUserKeepsOne) {
  this->store_->create(this->session("s1", "u1"));
  this->store_->create(this->session("s2", "u1"));
  this->store_->create(this->session("s3", "u1"));
  this->store_->create(this->session("s4", "u2"));

  EXPECT_EQ(this->store_->removeAllForUser("u1", "s2"), 2);
  EXPECT_FALSE(this->store_->find("s1").has_value());
  EXPECT_TRUE(this->store_->find("s2").has_value());
  EXPECT_FALSE(this->store_->find("s3").has_value());
  EXPECT_TRUE(this->store_->find("s4").has_value());
}

TYPED_TEST_P(SessionStoreContract, RemoveAllForUserWithoutKeep) {
  this->store_->create(this->session("s1", "u1"));
  this->store_->create(this->session("s2", "u1"));

  EXPECT_EQ(this->store_->removeAllForUser("u1", ""), 2);
  EXPECT_TRUE(this->store_->listForUser("u1").empty());
}

TYPED_TEST_P(SessionStoreContract, ConcurrentRotationHasOneWinnerPerStep) {
  constexpr int kSteps = 200;
  this->store_->create(this->session("s1", "u1"));
  std::array<std::atomic<int>, kSteps> winners{};

  // Like refreshes racing with the same token: each thread tries to rotate the step it saw.
  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&] {
      for (;;) {
        const auto seen = this->store_->find("s1");
        if (!seen || seen->refresh_hash == "step-" + std::to_string(kSteps)) return;
        const int step = std::stoi(seen->refresh_hash.substr(5));
        // Set on every call, so a store that retries `decide` counts only its last decision.
        bool won = false;
        this->store_->update("s1", [&](SessionRecord& record) {
          won = record.refresh_hash == seen->refresh_hash;
          if (!won) return UpdateDecision::kKeep;
          record.refresh_hash = "step-" + std::to_string(step + 1);
          return UpdateDecision::kWrite;
        });
        if (won) ++winners[step];
      }
    });
  }
  for (auto& thread : threads) thread.join();

  int steps_with_one_winner = 0;
  for (const auto& count : winners) steps_with_one_winner += count.load() == 1 ? 1 : 0;
  EXPECT_EQ(steps_with_one_winner, kSteps);
  EXPECT_EQ(this->store_->find("s1")->refresh_hash, "step-" + std::to_string(kSteps));
}

TYPED_TEST_P(SessionStoreContract, ConcurrentIncrementsAllLand) {
  this->store_->create(this->session("s1", "u1"));

  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        this->store_->update("s1", [](SessionRecord& record) {
          ++record.rotated_at;
          return UpdateDecision::kWrite;
        });
      }
    });
  }
  for (auto& thread : threads) thread.join();

  EXPECT_EQ(this->store_->find("s1")->rotated_at, 16 * 50);
}

TYPED_TEST_P(SessionStoreContract, StoredBytesHideUserId) {
  SessionRecord record = this->session("s1", "user-0b7c3e51");
  record.refresh_hash = "digest-4f1d9a";
  this->store_->create(record);

  const auto raw = TypeParam::rawRecord(*this->store_, "s1");

  ASSERT_TRUE(raw.has_value());
  EXPECT_EQ(raw->find("user-0b7c3e51"), std::string::npos);
  EXPECT_EQ(raw->find("digest-4f1d9a"), std::string::npos);
  EXPECT_EQ(raw->find("Mozilla"), std::string::npos);
  EXPECT_EQ(raw->find("192.0.2.17"), std::string::npos);
}

TYPED_TEST_P(SessionStoreContract, PingAnswersEmpty) {
  EXPECT_EQ(this->store_->ping(), "");
}

REGISTER_TYPED_TEST_SUITE_P(SessionStoreContract, FindReturnsCreatedRecord,
                            FindUnknownReturnsNothing, IdleSessionExpires,
                            WrittenActivityExtendsIdleWindow, AbsoluteLimitEndsActiveSession,
                            UpdateKeepStoresNothing, UpdateWriteStoresChange,
                            UpdateDeleteRemovesRecord, UpdateOfMissingSkipsDecide,
                            UpdateOfExpiredSkipsDecide, RemoveReportsWhetherItExisted,
                            ListForUserReturnsOwnLiveSessions, ListForUnknownUserIsEmpty,
                            RemoveAllForUserKeepsOne, RemoveAllForUserWithoutKeep,
                            ConcurrentRotationHasOneWinnerPerStep, ConcurrentIncrementsAllLand,
                            StoredBytesHideUserId, PingAnswersEmpty);

}  // namespace agora::sessions::testing
