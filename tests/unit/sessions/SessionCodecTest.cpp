// Tests of sealing session records: round trip, binding to the id, tampering, key rotation.
#include <gtest/gtest.h>

#include "SessionFixtures.h"
#include "platform/sessions/SessionCodec.h"

namespace agora::sessions {
namespace {

using testing::freshKeyRing;
using testing::sampleSession;

SessionRecord fullRecord() {
  SessionRecord record = sampleSession("sess-1", "user-7", 1'700'000'000);
  record.roles = {"customer", "admin"};
  record.last_seen_at = 1'700'000'100;
  record.previous_refresh_hash = "previous-digest";
  record.rotated_at = 1'700'000'050;
  record.successor_access_token = "access.jwt.value";
  record.successor_refresh_token = "refresh-token-value";
  record.successor_access_expires_at = 1'700'000'950;
  record.user_agent = "agent with \"quotes\" and ünïcode";
  return record;
}

TEST(SessionCodec, RoundTripKeepsEveryField) {
  const SessionCodec codec(freshKeyRing());
  const SessionRecord original = fullRecord();

  const auto decoded = codec.decode(original.id, codec.encode(original));

  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->id, original.id);
  EXPECT_EQ(decoded->user_id, original.user_id);
  EXPECT_EQ(decoded->roles, original.roles);
  EXPECT_EQ(decoded->created_at, original.created_at);
  EXPECT_EQ(decoded->last_seen_at, original.last_seen_at);
  EXPECT_EQ(decoded->absolute_expires_at, original.absolute_expires_at);
  EXPECT_EQ(decoded->ip, original.ip);
  EXPECT_EQ(decoded->user_agent, original.user_agent);
  EXPECT_EQ(decoded->refresh_hash, original.refresh_hash);
  EXPECT_EQ(decoded->previous_refresh_hash, original.previous_refresh_hash);
  EXPECT_EQ(decoded->rotated_at, original.rotated_at);
  EXPECT_EQ(decoded->successor_access_token, original.successor_access_token);
  EXPECT_EQ(decoded->successor_refresh_token, original.successor_refresh_token);
  EXPECT_EQ(decoded->successor_access_expires_at, original.successor_access_expires_at);
}

TEST(SessionCodec, SealedFormHidesContent) {
  const SessionCodec codec(freshKeyRing());
  const SessionRecord record = fullRecord();

  const std::string sealed = codec.encode(record);

  EXPECT_EQ(sealed.find(record.user_id), std::string::npos);
  EXPECT_EQ(sealed.find(record.successor_refresh_token), std::string::npos);
}

TEST(SessionCodec, OtherSessionIdFails) {
  const SessionCodec codec(freshKeyRing());
  const std::string sealed = codec.encode(fullRecord());

  EXPECT_FALSE(codec.decode("sess-2", sealed).has_value());
}

TEST(SessionCodec, TamperedRecordFails) {
  const SessionCodec codec(freshKeyRing());
  std::string sealed = codec.encode(fullRecord());
  char& middle = sealed[sealed.size() / 2 + 4];
  middle = middle == 'A' ? 'B' : 'A';

  EXPECT_FALSE(codec.decode("sess-1", sealed).has_value());
}

TEST(SessionCodec, GarbageFails) {
  const SessionCodec codec(freshKeyRing());

  EXPECT_FALSE(codec.decode("sess-1", "").has_value());
  EXPECT_FALSE(codec.decode("sess-1", "v1.k1.not-base64!").has_value());
}

TEST(SessionCodec, SealedNonRecordFails) {
  const auto keys = freshKeyRing();
  const SessionCodec codec(keys);

  EXPECT_FALSE(codec.decode("sess-1", keys->seal("not json", "sess-1")).has_value());
  EXPECT_FALSE(
      codec.decode("sess-1", keys->seal("{\"v\":1,\"id\":\"sess-1\"}", "sess-1")).has_value());
  EXPECT_FALSE(codec.decode("sess-1", keys->seal("[1,2]", "sess-1")).has_value());
}

TEST(SessionCodec, RotatedRingOpensOldRecords) {
  const std::string old_key = security::randomBytes(32);
  const std::string new_key = security::randomBytes(32);
  const SessionCodec before(std::make_shared<const security::KeyRing>(
      "old", std::map<std::string, std::string>{{"old", old_key}}));
  const SessionCodec after(std::make_shared<const security::KeyRing>(
      "new", std::map<std::string, std::string>{{"old", old_key}, {"new", new_key}}));
  const std::string sealed_before = before.encode(fullRecord());

  EXPECT_TRUE(after.decode("sess-1", sealed_before).has_value());
  EXPECT_EQ(after.encode(fullRecord()).rfind("v1.new.", 0), 0u);
}

TEST(SessionCodec, RetiredKeyFails) {
  const std::string old_key = security::randomBytes(32);
  const SessionCodec before(std::make_shared<const security::KeyRing>(
      "old", std::map<std::string, std::string>{{"old", old_key}}));
  const SessionCodec retired(freshKeyRing("new"));

  EXPECT_FALSE(retired.decode("sess-1", before.encode(fullRecord())).has_value());
}

}  // namespace
}  // namespace agora::sessions
