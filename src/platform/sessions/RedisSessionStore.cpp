// Session records in Redis: Lua scripts for multi-key changes, compare-and-set for updates.
#include "platform/sessions/RedisSessionStore.h"

#include <algorithm>
#include <functional>
#include <random>
#include <stdexcept>
#include <thread>

#include "platform/log/Log.h"

namespace agora::sessions {

namespace {

// KEYS: record, index, previous index (differs when the id belonged to another user).
// ARGV: sealed record, ttl ms, session id, expiry (index score), index lifetime ms,
// score up to which index members are stale.
const redis::RedisScript& createScript() {
  static const redis::RedisScript script(R"lua(
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
if KEYS[3] ~= KEYS[2] then redis.call('ZREM', KEYS[3], ARGV[3]) end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[6])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[3])
if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[5]) then redis.call('PEXPIRE', KEYS[2], ARGV[5]) end
return 1
)lua");
  return script;
}

// KEYS: record, index, previous index. ARGV: the sealed record read, 'write' or 'delete',
// session id, and for 'write': new sealed record, ttl ms, expiry, index lifetime ms.
// Returns 0 without writing when the record is no longer the one read.
const redis::RedisScript& compareAndSetScript() {
  static const redis::RedisScript script(R"lua(
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == 'delete' then
  redis.call('DEL', KEYS[1])
  redis.call('ZREM', KEYS[3], ARGV[3])
  return 1
end
redis.call('SET', KEYS[1], ARGV[4], 'PX', ARGV[5])
if KEYS[3] ~= KEYS[2] then redis.call('ZREM', KEYS[3], ARGV[3]) end
redis.call('ZADD', KEYS[2], ARGV[6], ARGV[3])
if redis.call('PTTL', KEYS[2]) < tonumber(ARGV[7]) then redis.call('PEXPIRE', KEYS[2], ARGV[7]) end
return 1
)lua");
  return script;
}

// KEYS: record, index. ARGV: session id. Returns how many records were deleted (0 or 1).
const redis::RedisScript& removeScript() {
  static const redis::RedisScript script(R"lua(
local removed = redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return removed
)lua");
  return script;
}

// KEYS: index. ARGV: record key prefix, session id to keep (may be empty), now.
// Deletes every indexed record but the kept one; counts those that had not expired.
const redis::RedisScript& removeAllScript() {
  static const redis::RedisScript script(R"lua(
local members = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
local removed = 0
for i = 1, #members, 2 do
  local id = members[i]
  if id ~= ARGV[2] then
    local deleted = redis.call('DEL', ARGV[1] .. id)
    redis.call('ZREM', KEYS[1], id)
    if deleted == 1 and tonumber(members[i + 1]) > tonumber(ARGV[3]) then removed = removed + 1 end
  end
end
return removed
)lua");
  return script;
}

/** Sleeps a random, growing while, so racing replicas stop colliding in lockstep. */
void backOff(int attempt) {
  thread_local std::minstd_rand random(std::random_device{}());
  const int ceiling = 100 << std::min(attempt, 6);
  std::uniform_int_distribution<int> microseconds(0, ceiling);
  std::this_thread::sleep_for(std::chrono::microseconds(microseconds(random)));
}

}  // namespace

RedisSessionStore::RedisSessionStore(std::shared_ptr<redis::RedisClientPool> pool,
                                     std::string key_prefix,
                                     std::shared_ptr<const SessionCodec> codec,
                                     SessionLimits limits, Clock clock)
    : pool_(std::move(pool)),
      key_prefix_(std::move(key_prefix)),
      codec_(std::move(codec)),
      limits_(limits),
      clock_(std::move(clock)) {
  if (!pool_) throw std::invalid_argument("RedisSessionStore needs a Redis pool, got none");
  if (!codec_) throw std::invalid_argument("RedisSessionStore needs a session codec, got none");
  if (!clock_) throw std::invalid_argument("RedisSessionStore needs a clock, got none");
  if (limits_.idle_timeout <= 0 || limits_.absolute_lifetime <= 0) {
    throw std::invalid_argument(
        "invalid session limits idle " + std::to_string(limits_.idle_timeout) + " s, absolute " +
        std::to_string(limits_.absolute_lifetime) + " s: both must be positive");
  }

  // Saves the first call of each script a round trip; EVAL covers a server that lacks them.
  try {
    for (const auto* script :
         {&createScript(), &compareAndSetScript(), &removeScript(), &removeAllScript()}) {
      pool_->load(*script);
    }
  } catch (const std::exception& error) {
    Poco::JSON::Object fields;
    fields.set("error", error.what());
    log::warn("sessions", "redis_scripts_not_loaded", fields);
  }
}

void RedisSessionStore::create(const SessionRecord& record) {
  if (record.id.empty() || record.user_id.empty()) {
    throw std::invalid_argument("invalid session: the id and the user id are required");
  }
  const std::string sealed = codec_->encode(record);

  // A record replaced under another user must leave that user's index.
  std::string previous_index = indexKey(record.user_id);
  if (const auto previous = read(record.id);
      previous && previous->record.user_id != record.user_id) {
    previous_index = indexKey(previous->record.user_id);
  }

  const int64_t now = clock_();
  const int64_t expires_at = expiryOf(record);
  if (expires_at <= now) {
    pool_->run(removeScript(), {sessionKey(record.id), previous_index}, {record.id});
    return;
  }
  const int64_t ttl = (expires_at - now) * 1000;
  pool_->run(createScript(), {sessionKey(record.id), indexKey(record.user_id), previous_index},
             {sealed, std::to_string(ttl), record.id, std::to_string(expires_at),
              std::to_string(indexLifetimeMilliseconds(ttl)),
              std::to_string(now - kIndexTrimMarginSeconds)});
}

std::optional<SessionRecord> RedisSessionStore::find(const std::string& session_id) {
  std::optional<StoredRecord> stored = read(session_id);
  if (!stored || expiryOf(stored->record) <= clock_()) return std::nullopt;
  return std::move(stored->record);
}

std::optional<SessionRecord> RedisSessionStore::update(
    const std::string& session_id, const std::function<UpdateDecision(SessionRecord&)>& decide) {
  // Compare-and-set alone keeps updates correct; the local lock spares same-process callers
  // from retrying against each other. A holder slower than a read timeout means Redis is.
  std::unique_lock local(localLock(session_id), std::defer_lock);
  const std::chrono::milliseconds wait(pool_->settings().read_timeout_milliseconds);
  if (!local.try_lock_for(wait)) {
    throw Unavailable("a session update waited " + std::to_string(wait.count()) +
                      " ms for an earlier update of the same session to finish");
  }

  for (int attempt = 0; attempt < kMaxUpdateAttempts; ++attempt) {
    if (attempt > 0) backOff(attempt);
    const std::optional<StoredRecord> stored = read(session_id);
    if (!stored) return std::nullopt;
    const int64_t now = clock_();
    if (expiryOf(stored->record) <= now) return std::nullopt;

    SessionRecord record = stored->record;
    const UpdateDecision decision = decide(record);
    if (record.id != session_id) {
      throw std::logic_error("invalid session update: it changed the session id, which is fixed");
    }
    if (decision == UpdateDecision::kKeep) return record;

    const bool write = decision == UpdateDecision::kWrite && expiryOf(record) > now;
    if (replaceIf(session_id, stored->sealed, stored->record.user_id, write ? &record : nullptr,
                  now)) {
      return record;
    }
  }
  throw Unavailable("session update gave up after " + std::to_string(kMaxUpdateAttempts) +
                    " attempts: other replicas kept changing the same session (contention)");
}

bool RedisSessionStore::remove(const std::string& session_id) {
  const std::optional<StoredRecord> stored = read(session_id);
  if (!stored) return false;
  const bool live = expiryOf(stored->record) > clock_();
  const int64_t removed =
      pool_
          ->run(removeScript(), {sessionKey(session_id), indexKey(stored->record.user_id)},
                {session_id})
          .asInteger();
  return live && removed == 1;
}

std::vector<SessionRecord> RedisSessionStore::listForUser(const std::string& user_id) {
  const std::string index = indexKey(user_id);
  const redis::RedisReply members = pool_->command({"ZRANGE", index, "0", "-1"});
  std::vector<std::string> ids;
  for (const redis::RedisReply& member : members.asArray()) {
    if (auto id = member.asOptionalText()) ids.push_back(std::move(*id));
  }
  std::vector<SessionRecord> records;
  if (ids.empty()) return records;

  std::vector<std::string> keys = {"MGET"};
  for (const std::string& id : ids) keys.push_back(sessionKey(id));
  const redis::RedisReply values = pool_->command(keys);
  const std::vector<redis::RedisReply>& sealed = values.asArray();
  if (sealed.size() != ids.size()) {
    throw redis::RedisError("MGET of " + std::to_string(ids.size()) + " session keys returned " +
                            std::to_string(sealed.size()) + " values");
  }

  const int64_t now = clock_();
  std::vector<std::string> unlink = {"ZREM", index};
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const std::optional<std::string> text = sealed[i].asOptionalText();
    if (!text) {
      unlink.push_back(ids[i]);  // expired in Redis or deleted
      continue;
    }
    std::optional<SessionRecord> record = codec_->decode(ids[i], *text);
    if (!record) {
      // Left in place: another replica may hold the key it was sealed under.
      Poco::JSON::Object fields;
      fields.set("session_id", ids[i]);
      log::warn("sessions", "session_record_unreadable", fields);
      continue;
    }
    if (record->user_id != user_id) {
      unlink.push_back(ids[i]);
      continue;
    }
    if (expiryOf(*record) <= now) continue;
    records.push_back(std::move(*record));
  }
  if (unlink.size() > 2) pool_->command(unlink);

  std::sort(records.begin(), records.end(), [](const SessionRecord& a, const SessionRecord& b) {
    return a.created_at != b.created_at ? a.created_at < b.created_at : a.id < b.id;
  });
  return records;
}

int RedisSessionStore::removeAllForUser(const std::string& user_id,
                                        const std::string& keep_session_id) {
  const int64_t removed =
      pool_
          ->run(removeAllScript(), {indexKey(user_id)},
                {key_prefix_ + "session:", keep_session_id, std::to_string(clock_())})
          .asInteger();
  return static_cast<int>(removed);
}

std::string RedisSessionStore::ping() {
  return pool_->ping();
}

std::string RedisSessionStore::sessionKey(const std::string& session_id) const {
  return key_prefix_ + "session:" + session_id;
}

std::string RedisSessionStore::indexKey(const std::string& user_id) const {
  return key_prefix_ + "user:" + user_id + ":sessions";
}

int64_t RedisSessionStore::expiryOf(const SessionRecord& record) const {
  int64_t expires_at = std::min(record.last_seen_at + limits_.idle_timeout,
                                record.created_at + limits_.absolute_lifetime);
  if (record.absolute_expires_at > 0) expires_at = std::min(expires_at, record.absolute_expires_at);
  return expires_at;
}

std::optional<RedisSessionStore::StoredRecord> RedisSessionStore::read(
    const std::string& session_id) {
  std::optional<std::string> sealed =
      pool_->command({"GET", sessionKey(session_id)}).asOptionalText();
  if (!sealed) return std::nullopt;
  std::optional<SessionRecord> record = codec_->decode(session_id, *sealed);
  if (!record) {
    // Altered, or sealed under a key id this replica lacks (session.keys differ).
    Poco::JSON::Object fields;
    fields.set("session_id", session_id);
    log::warn("sessions", "session_record_unreadable", fields);
    return std::nullopt;
  }
  return StoredRecord{std::move(*sealed), std::move(*record)};
}

bool RedisSessionStore::replaceIf(const std::string& session_id, const std::string& expected,
                                  const std::string& old_user_id, const SessionRecord* replacement,
                                  int64_t now) {
  const std::string old_index = indexKey(old_user_id);
  if (replacement == nullptr) {
    return pool_
               ->run(compareAndSetScript(), {sessionKey(session_id), old_index, old_index},
                     {expected, "delete", session_id})
               .asInteger() == 1;
  }
  const int64_t expires_at = expiryOf(*replacement);
  const int64_t ttl = (expires_at - now) * 1000;
  return pool_
             ->run(
                 compareAndSetScript(),
                 {sessionKey(session_id), indexKey(replacement->user_id), old_index},
                 {expected, "write", session_id, codec_->encode(*replacement), std::to_string(ttl),
                  std::to_string(expires_at), std::to_string(indexLifetimeMilliseconds(ttl))})
             .asInteger() == 1;
}

int64_t RedisSessionStore::indexLifetimeMilliseconds(int64_t record_ttl_milliseconds) const {
  return std::max(limits_.absolute_lifetime * 1000, record_ttl_milliseconds);
}

std::timed_mutex& RedisSessionStore::localLock(const std::string& session_id) {
  return update_locks_[std::hash<std::string>{}(session_id) % update_locks_.size()];
}

}  // namespace agora::sessions
