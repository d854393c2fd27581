// In-process session store: sealed records, a user index and an expiry-ordered sweep list.
#include "platform/sessions/MemorySessionStore.h"

#include <algorithm>
#include <stdexcept>

namespace agora::sessions {

MemorySessionStore::MemorySessionStore(std::shared_ptr<const SessionCodec> codec,
                                       SessionLimits limits, Clock clock)
    : codec_(std::move(codec)), limits_(limits), clock_(std::move(clock)) {
  if (!codec_) throw std::invalid_argument("MemorySessionStore needs a session codec, got none");
  if (!clock_) throw std::invalid_argument("MemorySessionStore needs a clock, got none");
  if (limits_.idle_timeout <= 0 || limits_.absolute_lifetime <= 0) {
    throw std::invalid_argument(
        "invalid session limits idle " + std::to_string(limits_.idle_timeout) + " s, absolute " +
        std::to_string(limits_.absolute_lifetime) + " s: both must be positive");
  }
}

void MemorySessionStore::create(const SessionRecord& record) {
  if (record.id.empty() || record.user_id.empty()) {
    throw std::invalid_argument("invalid session: the id and the user id are required");
  }
  const std::string sealed = codec_->encode(record);
  const int64_t expires_at = expiryOf(record);

  std::lock_guard lock(mutex_);
  const int64_t now = clock_();
  sweepLocked(now);
  if (expires_at <= now) {
    eraseLocked(record.id);
    return;
  }
  storeLocked(record.id, record.user_id, sealed, expires_at);
}

std::optional<SessionRecord> MemorySessionStore::find(const std::string& session_id) {
  std::lock_guard lock(mutex_);
  const Entry* entry = liveLocked(session_id, clock_());
  if (!entry) return std::nullopt;
  return codec_->decode(session_id, entry->sealed);
}

std::optional<SessionRecord> MemorySessionStore::update(
    const std::string& session_id, const std::function<UpdateDecision(SessionRecord&)>& decide) {
  std::lock_guard lock(mutex_);
  const int64_t now = clock_();
  sweepLocked(now);
  const Entry* entry = liveLocked(session_id, now);
  if (!entry) return std::nullopt;
  std::optional<SessionRecord> record = codec_->decode(session_id, entry->sealed);
  if (!record) return std::nullopt;

  const UpdateDecision decision = decide(*record);
  if (record->id != session_id) {
    throw std::logic_error("invalid session update: it changed the session id, which is fixed");
  }
  switch (decision) {
    case UpdateDecision::kKeep:
      break;
    case UpdateDecision::kDelete:
      eraseLocked(session_id);
      break;
    case UpdateDecision::kWrite: {
      const int64_t expires_at = expiryOf(*record);
      if (expires_at <= now) {
        eraseLocked(session_id);
      } else {
        storeLocked(session_id, record->user_id, codec_->encode(*record), expires_at);
      }
      break;
    }
  }
  return record;
}

bool MemorySessionStore::remove(const std::string& session_id) {
  std::lock_guard lock(mutex_);
  const int64_t now = clock_();
  sweepLocked(now);
  if (!liveLocked(session_id, now)) return false;
  eraseLocked(session_id);
  return true;
}

std::vector<SessionRecord> MemorySessionStore::listForUser(const std::string& user_id) {
  std::vector<SessionRecord> records;
  std::lock_guard lock(mutex_);
  const auto user = by_user_.find(user_id);
  if (user == by_user_.end()) return records;

  const int64_t now = clock_();
  // liveLocked may unlink expired ids from the set being walked, so walk a copy.
  const std::set<std::string> ids = user->second;
  for (const std::string& id : ids) {
    const Entry* entry = liveLocked(id, now);
    if (!entry) continue;
    if (auto record = codec_->decode(id, entry->sealed)) records.push_back(std::move(*record));
  }
  std::sort(records.begin(), records.end(), [](const SessionRecord& a, const SessionRecord& b) {
    return a.created_at != b.created_at ? a.created_at < b.created_at : a.id < b.id;
  });
  return records;
}

int MemorySessionStore::removeAllForUser(const std::string& user_id,
                                         const std::string& keep_session_id) {
  std::lock_guard lock(mutex_);
  sweepLocked(clock_());
  const auto user = by_user_.find(user_id);
  if (user == by_user_.end()) return 0;

  const std::set<std::string> ids = user->second;
  int removed = 0;
  for (const std::string& id : ids) {
    if (id == keep_session_id) continue;
    eraseLocked(id);
    ++removed;
  }
  return removed;
}

std::optional<std::string> MemorySessionStore::rawRecord(const std::string& session_id) const {
  std::lock_guard lock(mutex_);
  const auto entry = entries_.find(session_id);
  if (entry == entries_.end()) return std::nullopt;
  return entry->second.sealed;
}

int64_t MemorySessionStore::expiryOf(const SessionRecord& record) const {
  int64_t expires_at = std::min(record.last_seen_at + limits_.idle_timeout,
                                record.created_at + limits_.absolute_lifetime);
  if (record.absolute_expires_at > 0) expires_at = std::min(expires_at, record.absolute_expires_at);
  return expires_at;
}

void MemorySessionStore::storeLocked(const std::string& session_id, const std::string& user_id,
                                     std::string sealed, int64_t expires_at) {
  auto existing = entries_.find(session_id);
  if (existing != entries_.end()) {
    by_expiry_.erase({existing->second.expires_at, session_id});
    if (existing->second.user_id != user_id) {
      const std::string old_user = existing->second.user_id;
      auto old_ids = by_user_.find(old_user);
      if (old_ids != by_user_.end()) {
        old_ids->second.erase(session_id);
        if (old_ids->second.empty()) by_user_.erase(old_ids);
      }
    }
  }

  entries_[session_id] = Entry{std::move(sealed), user_id, expires_at};
  by_user_[user_id].insert(session_id);
  by_expiry_.insert({expires_at, session_id});
}

void MemorySessionStore::eraseLocked(const std::string& session_id) {
  const auto entry = entries_.find(session_id);
  if (entry == entries_.end()) return;

  by_expiry_.erase({entry->second.expires_at, session_id});
  auto ids = by_user_.find(entry->second.user_id);
  if (ids != by_user_.end()) {
    ids->second.erase(session_id);
    if (ids->second.empty()) by_user_.erase(ids);
  }
  entries_.erase(entry);
}

const MemorySessionStore::Entry* MemorySessionStore::liveLocked(const std::string& session_id,
                                                                int64_t now) {
  const auto entry = entries_.find(session_id);
  if (entry == entries_.end()) return nullptr;
  if (entry->second.expires_at <= now) {
    eraseLocked(session_id);
    return nullptr;
  }
  return &entry->second;
}

void MemorySessionStore::sweepLocked(int64_t now) {
  while (!by_expiry_.empty() && by_expiry_.begin()->first <= now) {
    const std::string session_id = by_expiry_.begin()->second;
    eraseLocked(session_id);
  }
}

}  // namespace agora::sessions
