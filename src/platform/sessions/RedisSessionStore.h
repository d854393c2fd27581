// The production session store: sealed records in Redis, shared by every replica.
#pragma once

#include <array>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "platform/Clock.h"
#include "platform/redis/RedisClientPool.h"
#include "platform/sessions/SessionCodec.h"
#include "platform/sessions/SessionStore.h"

namespace agora::sessions {

/**
 * A session store that keeps each sealed record under `<prefix>session:<id>` with a Redis expiry
 * at min(last_seen_at + idle timeout, absolute_expires_at), and checks that expiry again on every
 * read against its own clock. A sorted set `<prefix>user:<user id>:sessions`, scored by each
 * session's expiry and living at least the absolute lifetime, indexes a user's sessions. Each of
 * create, remove and removeAllForUser is one Lua script. update() reads, lets `decide` run, and
 * writes only if the record is still the one it read (compare-and-set). It retries up to
 * kMaxUpdateAttempts times and then throws Unavailable. Within one process, updates of a session
 * also take a local lock first (waiting at most one read timeout, else Unavailable), so
 * compare-and-set retries only happen between replicas. Built for one Redis server, not Redis
 * Cluster: scripts touch keys of several slots. Redis failures throw Unavailable (see
 * RedisClientPool). Thread-safe.
 */
class RedisSessionStore : public SessionStore {
 public:
  static constexpr int kMaxUpdateAttempts = 16;
  /**
   * How long after its expiry an index member may be dropped without looking at its record.
   * NOTE: a replica whose clock runs ahead by more could unlink a live session from its index.
   */
  static constexpr int64_t kIndexTrimMarginSeconds = 300;

  /**
   * `key_prefix` (e.g. "agora:") starts every key this store writes. Caches its Lua scripts in
   * Redis when it can, and works without that (EVAL), so it starts even while Redis is down.
   */
  RedisSessionStore(std::shared_ptr<redis::RedisClientPool> pool, std::string key_prefix,
                    std::shared_ptr<const SessionCodec> codec, SessionLimits limits, Clock clock);

  /** Stores the record, replacing one with the same id. An already expired record is dropped. */
  void create(const SessionRecord& record) override;
  std::optional<SessionRecord> find(const std::string& session_id) override;
  std::optional<SessionRecord> update(
      const std::string& session_id,
      const std::function<UpdateDecision(SessionRecord&)>& decide) override;
  bool remove(const std::string& session_id) override;
  /** Returns the user's live sessions, oldest first, and unlinks members whose record is gone. */
  std::vector<SessionRecord> listForUser(const std::string& user_id) override;
  int removeAllForUser(const std::string& user_id, const std::string& keep_session_id) override;
  /** Returns an empty string when Redis responds to PING, else the reason. */
  std::string ping() override;

  /** Returns the Redis key that contains the sealed record of `session_id`. */
  std::string sessionKey(const std::string& session_id) const;
  /** Returns the Redis key of the sorted set that indexes the sessions of `user_id`. */
  std::string indexKey(const std::string& user_id) const;

 private:
  struct StoredRecord {
    std::string sealed;
    SessionRecord record;
  };

  int64_t expiryOf(const SessionRecord& record) const;
  /** Reads and opens a record; nullopt when missing or sealed under a key this ring lacks. */
  std::optional<StoredRecord> read(const std::string& session_id);
  /** Runs the compare-and-set script; true when the record was still `expected`. */
  bool replaceIf(const std::string& session_id, const std::string& expected,
                 const std::string& old_user_id, const SessionRecord* replacement, int64_t now);
  int64_t indexLifetimeMilliseconds(int64_t record_ttl_milliseconds) const;
  std::timed_mutex& localLock(const std::string& session_id);

  std::shared_ptr<redis::RedisClientPool> pool_;
  std::string key_prefix_;
  std::shared_ptr<const SessionCodec> codec_;
  SessionLimits limits_;
  Clock clock_;
  std::array<std::timed_mutex, 64> update_locks_;
};

}  // namespace agora::sessions
