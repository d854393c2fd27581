// One Redis reply as plain values, independent of the client library's reply types.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace Poco::Redis {
class RedisType;
}

namespace agora::redis {

/** An error reply from Redis that retrying will not fix (e.g. WRONGTYPE). */
class RedisError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/**
 * A reply: nil, a status ("+OK"), a bulk string, an integer, an array of replies or an error.
 * A nil bulk string and a nil array are both kNull. Accessors throw RedisError when the reply
 * has another kind, naming both kinds.
 */
class RedisReply {
 public:
  enum class Kind { kNull, kStatus, kText, kInteger, kArray, kError };

  /** Copies a reply parsed into Poco::Redis types. */
  static RedisReply fromPoco(const Poco::Redis::RedisType& reply);
  static RedisReply null() { return RedisReply(Kind::kNull); }
  static RedisReply status(std::string text);
  static RedisReply text(std::string text);
  static RedisReply integer(int64_t value);
  static RedisReply array(std::vector<RedisReply> elements);
  static RedisReply error(std::string message);

  Kind kind() const { return kind_; }
  bool isNull() const { return kind_ == Kind::kNull; }
  bool isError() const { return kind_ == Kind::kError; }

  /** Returns the integer of a kInteger reply. */
  int64_t asInteger() const;
  /** Returns the text of a bulk string or status, or nullopt for nil. */
  std::optional<std::string> asOptionalText() const;
  /** Returns the elements of an array, and none for nil. */
  const std::vector<RedisReply>& asArray() const;
  /** Returns the message of an error reply, e.g. "NOSCRIPT No matching script". */
  const std::string& errorMessage() const;

  /** Returns the kind as messages name it, e.g. "a bulk string". */
  static const char* kindName(Kind kind);

 private:
  explicit RedisReply(Kind kind) : kind_(kind) {}
  [[noreturn]] void wrongKind(const char* expected) const;

  Kind kind_ = Kind::kNull;
  int64_t integer_ = 0;
  std::string text_;  // status, bulk string or error message
  std::vector<RedisReply> elements_;
};

}  // namespace agora::redis
