// The embedded session store: encrypted records in process memory, for a single instance.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <unordered_map>
#include <utility>

#include "platform/Clock.h"
#include "platform/sessions/SessionCodec.h"
#include "platform/sessions/SessionStore.h"

namespace agora::sessions {

/**
 * Keeps only sealed records (never plaintext), a per-user index and each record's expiry,
 * min(last_seen_at + idle timeout, absolute_expires_at, created_at + absolute lifetime).
 * Expired records are never returned: they are dropped when read and swept on every write.
 * One mutex guards everything, so update() is atomic. Sessions die with the process.
 */
class MemorySessionStore : public SessionStore {
 public:
  MemorySessionStore(std::shared_ptr<const SessionCodec> codec, SessionLimits limits, Clock clock);

  /** Stores the record, replacing one with the same id. An already expired record is dropped. */
  void create(const SessionRecord& record) override;
  std::optional<SessionRecord> find(const std::string& session_id) override;
  std::optional<SessionRecord> update(
      const std::string& session_id,
      const std::function<UpdateDecision(SessionRecord&)>& decide) override;
  bool remove(const std::string& session_id) override;
  /** Returns the user's live sessions, oldest first. */
  std::vector<SessionRecord> listForUser(const std::string& user_id) override;
  int removeAllForUser(const std::string& user_id, const std::string& keep_session_id) override;
  std::string ping() override { return ""; }

  /** Returns the sealed bytes stored for `session_id`, expired or not, for encryption tests. */
  std::optional<std::string> rawRecord(const std::string& session_id) const;

 private:
  struct Entry {
    std::string sealed;
    std::string user_id;  // also a key of by_user_, kept to unlink without decrypting
    int64_t expires_at = 0;
  };

  int64_t expiryOf(const SessionRecord& record) const;
  /** Writes a sealed record that has not expired, keeping both indexes in step. */
  void storeLocked(const std::string& session_id, const std::string& user_id, std::string sealed,
                   int64_t expires_at);
  void eraseLocked(const std::string& session_id);
  /** Returns the live entry, or nullptr after erasing an expired one. */
  const Entry* liveLocked(const std::string& session_id, int64_t now);
  void sweepLocked(int64_t now);

  std::shared_ptr<const SessionCodec> codec_;
  SessionLimits limits_;
  Clock clock_;

  mutable std::mutex mutex_;
  std::unordered_map<std::string, Entry> entries_;
  std::unordered_map<std::string, std::set<std::string>> by_user_;
  std::set<std::pair<int64_t, std::string>> by_expiry_;
};

}  // namespace agora::sessions
