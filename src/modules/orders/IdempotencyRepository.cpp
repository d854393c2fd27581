// Portable SQL for idempotency keys. Every change is conditional on the owning order id.
#include "modules/orders/IdempotencyRepository.h"

#include <Poco/Data/Statement.h>

#include <vector>

namespace agora::orders {

using namespace Poco::Data::Keywords;

namespace {

const std::string kInProgress = "in_progress";
const std::string kCompleted = "completed";

}  // namespace

void IdempotencyRepository::insertInProgress(Poco::Data::Session& session,
                                             const std::string& user_id, const std::string& key,
                                             const std::string& fingerprint,
                                             const std::string& order_id, int64_t now_seconds) {
  session << "INSERT INTO idempotency_keys (user_id, idempotency_key, fingerprint, state,"
             " order_id, response_status, response_body, created_at, updated_at)"
             " VALUES (?, ?, ?, ?, ?, 0, '', ?, ?)",
      bind(user_id), bind(key), bind(fingerprint), bind(kInProgress), bind(order_id),
      bind(now_seconds), bind(now_seconds), now;
}

std::optional<IdempotencyRecord> IdempotencyRepository::find(Poco::Data::Session& session,
                                                             const std::string& user_id,
                                                             const std::string& key) {
  std::vector<std::string> fingerprints, states, order_ids, bodies;
  std::vector<int> statuses;
  std::vector<int64_t> created;
  session << "SELECT fingerprint, state, order_id, response_status, response_body, created_at"
             " FROM idempotency_keys WHERE user_id = ? AND idempotency_key = ?",
      bind(user_id), bind(key), into(fingerprints), into(states), into(order_ids), into(statuses),
      into(bodies), into(created), now;
  if (fingerprints.empty()) return std::nullopt;

  IdempotencyRecord record;
  record.fingerprint = fingerprints.front();
  record.completed = states.front() == kCompleted;
  record.order_id = order_ids.front();
  record.response_status = statuses.front();
  record.response_body = bodies.front();
  record.created_at = created.front();
  return record;
}

bool IdempotencyRepository::complete(Poco::Data::Session& session, const std::string& user_id,
                                     const std::string& key, const std::string& order_id,
                                     int response_status, const std::string& response_body,
                                     int64_t now_seconds) {
  Poco::Data::Statement statement(session);
  statement << "UPDATE idempotency_keys SET state = ?, response_status = ?, response_body = ?,"
               " updated_at = ? WHERE user_id = ? AND idempotency_key = ? AND order_id = ?"
               " AND state = ?",
      bind(kCompleted), bind(response_status), bind(response_body), bind(now_seconds),
      bind(user_id), bind(key), bind(order_id), bind(kInProgress);
  return statement.execute() == 1;
}

bool IdempotencyRepository::removeInProgress(Poco::Data::Session& session,
                                             const std::string& user_id, const std::string& key,
                                             const std::string& order_id) {
  Poco::Data::Statement statement(session);
  statement << "DELETE FROM idempotency_keys WHERE user_id = ? AND idempotency_key = ?"
               " AND order_id = ? AND state = ?",
      bind(user_id), bind(key), bind(order_id), bind(kInProgress);
  return statement.execute() == 1;
}

}  // namespace agora::orders
