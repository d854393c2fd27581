// Fuzzes the session record decoder and key ring specs. decode() must never throw, and a record
// it returns must belong to the requested id and survive encode and decode unchanged.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "FuzzCheck.h"
#include "platform/security/Aead.h"
#include "platform/sessions/SessionCodec.h"

namespace agora::fuzz {
namespace {

constexpr const char* kSessionId = "s-fuzz";

/** Returns the stores' key ring, in which "k1" encrypts and "k0" still opens older records. */
const std::shared_ptr<const security::KeyRing>& ring() {
  static const auto* shared =
      new std::shared_ptr<const security::KeyRing>(std::make_shared<const security::KeyRing>(
          "k1", std::map<std::string, std::string>{{"k1", std::string(32, 'k')},
                                                   {"k0", std::string(32, 'o')}}));
  return *shared;
}

const sessions::SessionCodec& codec() {
  static const auto* shared = new sessions::SessionCodec(ring());
  return *shared;
}

bool sameRecord(const sessions::SessionRecord& a, const sessions::SessionRecord& b) {
  return a.id == b.id && a.user_id == b.user_id && a.roles == b.roles &&
         a.created_at == b.created_at && a.last_seen_at == b.last_seen_at &&
         a.absolute_expires_at == b.absolute_expires_at && a.ip == b.ip &&
         a.user_agent == b.user_agent && a.refresh_hash == b.refresh_hash &&
         a.previous_refresh_hash == b.previous_refresh_hash && a.rotated_at == b.rotated_at &&
         a.successor_access_token == b.successor_access_token &&
         a.successor_refresh_token == b.successor_refresh_token &&
         a.successor_access_expires_at == b.successor_access_expires_at;
}

std::optional<sessions::SessionRecord> decodeChecked(const std::string& session_id,
                                                     std::string_view sealed) {
  try {
    return codec().decode(session_id, sealed);
  } catch (const std::exception& error) {
    fail("SessionCodec::decode must never throw", error.what());
  }
}

void checkDecoded(const std::string& session_id, std::string_view sealed) {
  const auto record = decodeChecked(session_id, sealed);
  if (!record) return;
  require(record->id == session_id, "a decoded record must belong to the asked id", record->id);

  const std::string sealed_again = codec().encode(*record);
  const auto again = decodeChecked(session_id, sealed_again);
  require(again.has_value(), "a re-encoded record must decode");
  require(sameRecord(*record, *again), "a record must survive encode and decode unchanged");
  require(!decodeChecked(session_id + "x", sealed_again).has_value(),
          "a record must not open under another session id");
}

/** Parses a `session.keys` spec, which may fail only with std::invalid_argument. */
void readKeySpec(std::string_view text) {
  const std::size_t newline = text.find('\n');
  const std::string_view spec = text.substr(0, newline);
  const std::string_view encryption_id =
      newline == std::string_view::npos ? std::string_view("k1") : text.substr(newline + 1);
  try {
    const security::KeyRing ring = security::KeyRing::fromSpec(spec, encryption_id);
    require(ring.encryptionKeyId() == encryption_id, "the ring must encrypt with the named key");
    const std::string sealed = ring.seal("probe", "ad");
    require(ring.open(sealed, "ad") == std::optional<std::string>("probe"),
            "a parsed ring must open what it sealed");
  } catch (const std::invalid_argument&) {
    // The documented failure.
  }
}

}  // namespace
}  // namespace agora::fuzz

// Input: a mode byte, then a sealed record as stored (0), the plaintext JSON of a record that
// the harness seals under the right key and id (1), or a `session.keys` spec (2).
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using namespace agora;
  if (size == 0) return 0;
  const std::string rest = fuzz::textOf(data + 1, size - 1);
  switch (data[0] % 3) {
    case 0:
      fuzz::checkDecoded(fuzz::kSessionId, rest);
      break;
    case 1:
      fuzz::checkDecoded(fuzz::kSessionId, fuzz::ring()->seal(rest, fuzz::kSessionId));
      break;
    default:
      fuzz::readKeySpec(rest);
      break;
  }
  return 0;
}
