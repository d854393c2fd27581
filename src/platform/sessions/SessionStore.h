// The session store interface: the in-process store by default, Redis in production.
#pragma once

#include "platform/sessions/SessionRecord.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace agora::sessions {

/** The decision of an update function about the record it was given. */
enum class UpdateDecision { kKeep, kWrite, kDelete };

/**
 * Stores encrypted session records with a per-user index. Implementations expire a record
 * at min(last_seen_at + idle timeout, absolute_expires_at) and also check that on read, so
 * an expired session is never returned. Every method is thread-safe and, across replicas
 * sharing one backend, atomic per session. Backend failures throw sessions::Unavailable.
 */
class SessionStore {
 public:
  virtual ~SessionStore() = default;

  virtual void create(const SessionRecord& record) = 0;
  virtual std::optional<SessionRecord> find(const std::string& session_id) = 0;
  /**
   * Reads the record, lets `decide` change it, and writes or deletes it atomically. A missing
   * or expired record is never created: `decide` is not called and nullopt is returned.
   * Returns the record as `decide` left it (also for kDelete, so callers can inspect it).
   */
  virtual std::optional<SessionRecord> update(
      const std::string& session_id,
      const std::function<UpdateDecision(SessionRecord&)>& decide) = 0;
  /** Deletes one session; false when it did not exist. */
  virtual bool remove(const std::string& session_id) = 0;
  virtual std::vector<SessionRecord> listForUser(const std::string& user_id) = 0;
  /** Deletes every session of a user except `keep_session_id` (may be empty); returns count. */
  virtual int removeAllForUser(const std::string& user_id, const std::string& keep_session_id) = 0;
  /** Empty when the backend responds, else the reason. */
  virtual std::string ping() = 0;
};

/** Thrown when the session backend cannot be reached; the HTTP layer returns 503. */
class Unavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/** Idle and absolute limits, in seconds. */
struct SessionLimits {
  int64_t idle_timeout = 30 * 60;
  int64_t absolute_lifetime = 7 * 24 * 3600;
};

}  // namespace agora::sessions
