// SQL for idempotency keys: one row per (user, key) holding the request fingerprint and,
// once the order is placed, the response to replay.
#pragma once

#include <Poco/Data/Session.h>

#include <cstdint>
#include <optional>
#include <string>

namespace agora::orders {

/** A claimed idempotency key. `completed` rows carry the first response. */
struct IdempotencyRecord {
  std::string fingerprint;
  bool completed = false;
  std::string order_id;
  int response_status = 0;
  std::string response_body;
  int64_t created_at = 0;
};

/**
 * Reads and writes idempotency keys through a session the caller owns. Stateless.
 * TODO: completed keys are kept forever. Purge those older than a retention period.
 */
class IdempotencyRepository {
 public:
  /**
   * Claims a key for an order in progress. Throws a Poco::Data::DataException when the user
   * already has this key (the primary key decides between concurrent claims).
   */
  void insertInProgress(Poco::Data::Session& session, const std::string& user_id,
                        const std::string& key, const std::string& fingerprint,
                        const std::string& order_id, int64_t now);
  std::optional<IdempotencyRecord> find(Poco::Data::Session& session, const std::string& user_id,
                                        const std::string& key);
  /**
   * Stores the response of the order that claimed the key. Returns false if the key no longer
   * belongs to that order in progress.
   */
  bool complete(Poco::Data::Session& session, const std::string& user_id, const std::string& key,
                const std::string& order_id, int response_status, const std::string& response_body,
                int64_t now);
  /** Frees a key still in progress for `order_id`. Returns false if it is not (any more). */
  bool removeInProgress(Poco::Data::Session& session, const std::string& user_id,
                        const std::string& key, const std::string& order_id);
};

}  // namespace agora::orders
