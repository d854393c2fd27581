// Copies Poco's reply types into RedisReply and checks the kind a caller expects.
#include "platform/redis/RedisReply.h"

#include <Poco/Redis/Array.h>
#include <Poco/Redis/Error.h>
#include <Poco/Redis/Type.h>

namespace agora::redis {

namespace {

template <typename T>
const T& valueOf(const Poco::Redis::RedisType& reply) {
  return dynamic_cast<const Poco::Redis::Type<T>&>(reply).value();
}

}  // namespace

RedisReply RedisReply::fromPoco(const Poco::Redis::RedisType& reply) {
  using Poco::Redis::RedisType;
  switch (reply.type()) {
    case RedisType::REDIS_INTEGER:
      return integer(valueOf<Poco::Int64>(reply));
    case RedisType::REDIS_SIMPLE_STRING:
      return status(valueOf<std::string>(reply));
    case RedisType::REDIS_BULK_STRING: {
      const Poco::Redis::BulkString& bulk = valueOf<Poco::Redis::BulkString>(reply);
      return bulk.isNull() ? null() : text(bulk.value());
    }
    case RedisType::REDIS_ARRAY: {
      const Poco::Redis::Array& items = valueOf<Poco::Redis::Array>(reply);
      // Poco leaves an empty array in its null state, so null here may also mean empty.
      if (items.isNull()) return array({});
      std::vector<RedisReply> elements;
      elements.reserve(items.size());
      for (const auto& item : items) elements.push_back(fromPoco(*item));
      return array(std::move(elements));
    }
    case RedisType::REDIS_ERROR:
      return error(valueOf<Poco::Redis::Error>(reply).getMessage());
    default:
      throw RedisError("unexpected Redis reply type " + std::to_string(reply.type()));
  }
}

RedisReply RedisReply::status(std::string text) {
  RedisReply reply(Kind::kStatus);
  reply.text_ = std::move(text);
  return reply;
}

RedisReply RedisReply::text(std::string text) {
  RedisReply reply(Kind::kText);
  reply.text_ = std::move(text);
  return reply;
}

RedisReply RedisReply::integer(int64_t value) {
  RedisReply reply(Kind::kInteger);
  reply.integer_ = value;
  return reply;
}

RedisReply RedisReply::array(std::vector<RedisReply> elements) {
  RedisReply reply(Kind::kArray);
  reply.elements_ = std::move(elements);
  return reply;
}

RedisReply RedisReply::error(std::string message) {
  RedisReply reply(Kind::kError);
  reply.text_ = std::move(message);
  return reply;
}

int64_t RedisReply::asInteger() const {
  if (kind_ != Kind::kInteger) wrongKind("an integer");
  return integer_;
}

std::optional<std::string> RedisReply::asOptionalText() const {
  if (kind_ == Kind::kNull) return std::nullopt;
  if (kind_ != Kind::kText && kind_ != Kind::kStatus) wrongKind("a string");
  return text_;
}

const std::vector<RedisReply>& RedisReply::asArray() const {
  static const std::vector<RedisReply> kEmpty;
  if (kind_ == Kind::kNull) return kEmpty;
  if (kind_ != Kind::kArray) wrongKind("an array");
  return elements_;
}

const std::string& RedisReply::errorMessage() const {
  if (kind_ != Kind::kError) wrongKind("an error");
  return text_;
}

const char* RedisReply::kindName(Kind kind) {
  switch (kind) {
    case Kind::kNull:
      return "nil";
    case Kind::kStatus:
      return "a status";
    case Kind::kText:
      return "a bulk string";
    case Kind::kInteger:
      return "an integer";
    case Kind::kArray:
      return "an array";
    case Kind::kError:
      return "an error";
  }
  return "an unknown reply";
}

void RedisReply::wrongKind(const char* expected) const {
  std::string message =
      std::string("unexpected Redis reply: expected ") + expected + ", got " + kindName(kind_);
  if (kind_ == Kind::kError) message += " (" + text_ + ")";
  throw RedisError(message);
}

}  // namespace agora::redis
