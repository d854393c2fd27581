// JSON layout of a sealed session record and its strict reading.
#include "platform/sessions/SessionCodec.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <sstream>
#include <stdexcept>

namespace agora::sessions {

namespace {

constexpr int kFormatVersion = 1;

/** Reads fields of a decoded record; any wrong type or missing required field fails. */
class FieldReader {
 public:
  explicit FieldReader(const Poco::JSON::Object& object) : object_(object) {}

  bool text(const char* name, std::string& out) const {
    if (!object_.has(name)) return false;
    const Poco::Dynamic::Var value = object_.get(name);
    if (!value.isString()) return false;
    out = value.extract<std::string>();
    return true;
  }

  bool integer(const char* name, int64_t& out) const {
    if (!object_.has(name)) return false;
    const Poco::Dynamic::Var value = object_.get(name);
    if (!value.isInteger()) return false;
    out = value.convert<Poco::Int64>();
    return true;
  }

  bool texts(const char* name, std::vector<std::string>& out) const {
    const Poco::JSON::Array::Ptr array = object_.getArray(name);
    if (!array) return false;
    for (std::size_t i = 0; i < array->size(); ++i) {
      const Poco::Dynamic::Var value = array->get(i);
      if (!value.isString()) return false;
      out.push_back(value.extract<std::string>());
    }
    return true;
  }

 private:
  const Poco::JSON::Object& object_;
};

}  // namespace

SessionCodec::SessionCodec(std::shared_ptr<const security::KeyRing> keys) : keys_(std::move(keys)) {
  if (!keys_) throw std::invalid_argument("SessionCodec needs a key ring, got none");
}

std::string SessionCodec::encode(const SessionRecord& record) const {
  Poco::JSON::Object object;
  object.set("v", kFormatVersion);
  object.set("id", record.id);
  object.set("user_id", record.user_id);
  Poco::JSON::Array roles;
  for (const std::string& role : record.roles) roles.add(role);
  object.set("roles", roles);
  object.set("created_at", record.created_at);
  object.set("last_seen_at", record.last_seen_at);
  object.set("absolute_expires_at", record.absolute_expires_at);
  object.set("ip", record.ip);
  object.set("user_agent", record.user_agent);
  object.set("refresh_hash", record.refresh_hash);
  object.set("previous_refresh_hash", record.previous_refresh_hash);
  object.set("rotated_at", record.rotated_at);
  object.set("successor_access_token", record.successor_access_token);
  object.set("successor_refresh_token", record.successor_refresh_token);
  object.set("successor_access_expires_at", record.successor_access_expires_at);

  std::ostringstream json;
  object.stringify(json);
  return keys_->seal(json.str(), record.id);
}

std::optional<SessionRecord> SessionCodec::decode(const std::string& session_id,
                                                  std::string_view sealed) const {
  try {
    const std::optional<std::string> json = keys_->open(sealed, session_id);
    if (!json) return std::nullopt;

    Poco::JSON::Parser parser;
    const Poco::Dynamic::Var parsed = parser.parse(*json);
    const Poco::JSON::Object::Ptr object = parsed.extract<Poco::JSON::Object::Ptr>();
    if (!object) return std::nullopt;

    const FieldReader fields(*object);
    int64_t format = 0;
    SessionRecord record;
    const bool valid =
        fields.integer("v", format) && format == kFormatVersion && fields.text("id", record.id) &&
        record.id == session_id && fields.text("user_id", record.user_id) &&
        fields.texts("roles", record.roles) && fields.integer("created_at", record.created_at) &&
        fields.integer("last_seen_at", record.last_seen_at) &&
        fields.integer("absolute_expires_at", record.absolute_expires_at) &&
        fields.text("ip", record.ip) && fields.text("user_agent", record.user_agent) &&
        fields.text("refresh_hash", record.refresh_hash) &&
        fields.text("previous_refresh_hash", record.previous_refresh_hash) &&
        fields.integer("rotated_at", record.rotated_at) &&
        fields.text("successor_access_token", record.successor_access_token) &&
        fields.text("successor_refresh_token", record.successor_refresh_token) &&
        fields.integer("successor_access_expires_at", record.successor_access_expires_at);
    if (!valid) return std::nullopt;
    return record;
  } catch (...) {
    // Anything that does not parse as our own layout is treated like a tampered record.
    return std::nullopt;
  }
}

}  // namespace agora::sessions
