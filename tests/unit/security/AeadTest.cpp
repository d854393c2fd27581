// Tests for AES-256-GCM sealing and the rotating key ring.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "platform/security/Aead.h"
#include "platform/security/Digest.h"
#include "platform/security/Random.h"

namespace agora::security {
namespace {

std::string fromHex(std::string_view hex) {
  std::string bytes;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    bytes += static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16));
  }
  return bytes;
}

TEST(Aead, RoundTrip) {
  Aead aead(randomBytes(32));
  std::string sealed = aead.seal("session payload", "session:42");
  auto opened = aead.open(sealed, "session:42");
  ASSERT_TRUE(opened.has_value());
  EXPECT_EQ(*opened, "session payload");
}

TEST(Aead, EmptyPlaintextRoundTrip) {
  Aead aead(randomBytes(32));
  std::string sealed = aead.seal("", "");
  EXPECT_EQ(sealed.size(), Aead::kNonceBytes + Aead::kTagBytes);
  EXPECT_EQ(aead.open(sealed, ""), "");
}

TEST(Aead, SealedIsNonceCiphertextTag) {
  Aead aead(randomBytes(32));
  EXPECT_EQ(aead.seal("12345", "ad").size(), 12u + 5u + 16u);
}

TEST(Aead, NonceIsFreshPerSeal) {
  Aead aead(randomBytes(32));
  std::string first = aead.seal("same", "ad");
  std::string second = aead.seal("same", "ad");
  EXPECT_NE(first.substr(0, 12), second.substr(0, 12));
}

TEST(Aead, OpensGcmSpecTestCase16) {
  // Test case 16 of McGrew and Viega, "The Galois/Counter Mode of Operation" (AES-256, 60-byte
  // plaintext, 20 bytes of associated data).
  Aead aead(fromHex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308"));
  std::string sealed = fromHex(
      "cafebabefacedbaddecaf888"
      "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b10"
      "56828838c5f61e6393ba7a0abcc9f662"
      "76fc6ece0f4e1768cddf8853bb2d551b");
  std::string plaintext = fromHex(
      "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e24"
      "49a6b525b16aedf5aa0de657ba637b39");
  auto opened = aead.open(sealed, fromHex("feedfacedeadbeeffeedfacedeadbeefabaddad2"));
  ASSERT_TRUE(opened.has_value());
  EXPECT_EQ(*opened, plaintext);
}

TEST(Aead, TamperedInputFails) {
  Aead aead(randomBytes(32));
  std::string sealed = aead.seal("transfer 100 to alice", "ad");
  // One flipped bit in the nonce, the ciphertext and the tag.
  for (std::size_t position : {std::size_t{0}, std::size_t{12}, sealed.size() - 1}) {
    std::string tampered = sealed;
    tampered[position] = static_cast<char>(tampered[position] ^ 0x01);
    EXPECT_FALSE(aead.open(tampered, "ad").has_value()) << "byte " << position;
  }
  EXPECT_FALSE(aead.open(sealed + "x", "ad").has_value());
}

TEST(Aead, WrongAssociatedDataFails) {
  Aead aead(randomBytes(32));
  std::string sealed = aead.seal("payload", "session:1");
  EXPECT_FALSE(aead.open(sealed, "session:2").has_value());
  EXPECT_FALSE(aead.open(sealed, "").has_value());
}

TEST(Aead, WrongKeyFails) {
  Aead alice(randomBytes(32));
  Aead mallory(randomBytes(32));
  EXPECT_FALSE(mallory.open(alice.seal("payload", "ad"), "ad").has_value());
}

TEST(Aead, ShortInputFails) {
  Aead aead(randomBytes(32));
  EXPECT_FALSE(aead.open("", "").has_value());
  EXPECT_FALSE(aead.open(std::string(27, 'x'), "").has_value());
  EXPECT_FALSE(aead.open(std::string(28, 'x'), "").has_value());
}

TEST(Aead, KeyMustBe32Bytes) {
  EXPECT_THROW(Aead(std::string(31, 'k')), std::invalid_argument);
  EXPECT_THROW(Aead(std::string(33, 'k')), std::invalid_argument);
  EXPECT_THROW(Aead(""), std::invalid_argument);
  EXPECT_NO_THROW(Aead(std::string(32, 'k')));
}

TEST(AeadKeyRing, RecordNamesVersionAndKey) {
  KeyRing ring("k1", {{"k1", randomBytes(32)}});
  std::string record = ring.seal("payload", "ad");
  EXPECT_EQ(record.rfind("v1.k1.", 0), 0u) << record;
  EXPECT_EQ(ring.open(record, "ad"), "payload");
}

TEST(AeadKeyRing, RotationKeepsOldRecordsReadable) {
  std::string old_key = randomBytes(32);
  std::string new_key = randomBytes(32);
  KeyRing before("old", {{"old", old_key}});
  KeyRing after("new", {{"old", old_key}, {"new", new_key}});

  std::string old_record = before.seal("written before rotation", "ad");
  std::string new_record = after.seal("written after rotation", "ad");

  EXPECT_EQ(after.open(old_record, "ad"), "written before rotation");
  EXPECT_EQ(new_record.rfind("v1.new.", 0), 0u) << new_record;
  EXPECT_EQ(after.open(new_record, "ad"), "written after rotation");
  EXPECT_FALSE(before.open(new_record, "ad").has_value());
}

TEST(AeadKeyRing, UnknownKeyIdFails) {
  KeyRing ring("k1", {{"k1", randomBytes(32)}});
  KeyRing other("k2", {{"k2", randomBytes(32)}});
  EXPECT_FALSE(ring.open(other.seal("payload", "ad"), "ad").has_value());
}

TEST(AeadKeyRing, MalformedRecordFails) {
  KeyRing ring("k1", {{"k1", randomBytes(32)}});
  std::string record = ring.seal("payload", "ad");
  std::string body = record.substr(6);
  const std::string kMalformed[] = {
      "",           "v1",         "v1.k1",           "v2.k1." + body, "v1..x",
      "v1.k1.",     "v1.k1.!!!!", record + ".extra", record + "=",    "V1.k1." + body,
      " " + record,
  };
  for (const auto& text : kMalformed) {
    EXPECT_FALSE(ring.open(text, "ad").has_value()) << text;
  }
  EXPECT_FALSE(ring.open(record, "other ad").has_value());
}

TEST(AeadKeyRing, ConstructorValidates) {
  std::string key = randomBytes(32);
  EXPECT_THROW(KeyRing("k1", {}), std::invalid_argument);
  EXPECT_THROW(KeyRing("k2", {{"k1", key}}), std::invalid_argument);
  EXPECT_THROW(KeyRing("k1", {{"k1", key.substr(0, 16)}}), std::invalid_argument);
  EXPECT_THROW(KeyRing("bad.id", {{"bad.id", key}}), std::invalid_argument);
  EXPECT_THROW(KeyRing("", {{"", key}}), std::invalid_argument);
  EXPECT_THROW(KeyRing("seventeen-chars-x", {{"seventeen-chars-x", key}}), std::invalid_argument);
  EXPECT_NO_THROW(KeyRing("sixteen-chars_ok", {{"sixteen-chars_ok", key}}));
}

TEST(AeadKeyRing, FromSpecAcceptsBase64AndBase64Url) {
  // 0xfb 0xff bytes force '+' and '/' in standard base64 and '-' and '_' in base64url.
  std::string first_key = std::string(30, '\xfb') + "\xff\xff";
  std::string second_key = randomBytes(32);
  std::string spec = "k1:" + base64Encode(first_key) + ", k2 : " + base64UrlEncode(second_key);
  KeyRing ring = KeyRing::fromSpec(spec, "k2");
  KeyRing only_first("k1", {{"k1", first_key}});
  KeyRing only_second("k2", {{"k2", second_key}});

  EXPECT_EQ(ring.encryptionKeyId(), "k2");
  EXPECT_EQ(ring.open(only_first.seal("one", "ad"), "ad"), "one");
  EXPECT_EQ(ring.open(only_second.seal("two", "ad"), "ad"), "two");
  EXPECT_EQ(only_second.open(ring.seal("three", "ad"), "ad"), "three");
  std::string unpadded = base64Encode(first_key);
  unpadded.pop_back();
  EXPECT_NO_THROW(KeyRing::fromSpec("k1:" + unpadded, "k1"));
}

TEST(AeadKeyRing, FromSpecErrorsNameKeyIdNotKey) {
  std::string good = base64Encode(randomBytes(32));
  std::string short_key = base64Encode(randomBytes(16));
  struct Case {
    std::string spec;
    std::string encryption_key_id;
    std::string expected_fragment;
  };
  const Case kCases[] = {
      {"", "k1", "entry 1"},
      {"k1:" + good + ",", "k1", "entry 2"},
      {"k1" + good, "k1", "entry 1"},
      {"k1:" + short_key, "k1", "'k1' must decode to 32 bytes, got 16"},
      {"k1:" + good + ",k2:not*base64", "k1", "'k2' is not valid base64"},
      {"k1:" + good + ",k1:" + good, "k1", "'k1' appears twice"},
      {"k1:" + good, "k9", "'k9' is not among"},
      {"bad id:" + good, "k1", "key id of entry 1"},
  };
  for (const auto& test_case : kCases) {
    try {
      KeyRing::fromSpec(test_case.spec, test_case.encryption_key_id);
      ADD_FAILURE() << "accepted " << test_case.spec;
    } catch (const std::invalid_argument& error) {
      std::string message = error.what();
      EXPECT_NE(message.find(test_case.expected_fragment), std::string::npos) << message;
      EXPECT_EQ(message.find(good), std::string::npos) << message;
      EXPECT_EQ(message.find(short_key), std::string::npos) << message;
    }
  }
}

}  // namespace
}  // namespace agora::security
