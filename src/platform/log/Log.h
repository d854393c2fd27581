// Structured logging: one JSON line per event on stdout, with a level per module.
#pragma once

#include <Poco/JSON/Object.h>

#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace agora::log {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3, kOff = 4 };

/** Parses "debug", "info", "warn", "error", "off"; nullopt otherwise. */
std::optional<Level> parseLevel(std::string_view text);

/** Sets the default level and the levels of named modules (thread-safe, changeable at run time). */
void setLevel(Level level);
void setModuleLevel(const std::string& module, Level level);
/** Replaces every module level at once, e.g. after a configuration reload dropped some. */
void setModuleLevels(const std::map<std::string, Level>& levels);
bool enabled(const std::string& module, Level level);

/** Sends lines to `stream` instead of stdout (tests); the caller keeps the stream open. */
void setOutput(std::FILE* stream);

/**
 * Writes one line: {"ts","level","module","event", ...fields}. While this thread serves a
 * request, "request_id", "trace_id" and "span_id" follow "event" unless `fields` sets them.
 * Fields must never hold a password, token, session key or other secret; the caller decides
 * what goes in.
 */
void write(Level level, const std::string& module, const std::string& event,
           const Poco::JSON::Object& fields = Poco::JSON::Object());

inline void debug(const std::string& module, const std::string& event,
                  const Poco::JSON::Object& fields = Poco::JSON::Object()) {
  write(Level::kDebug, module, event, fields);
}
inline void info(const std::string& module, const std::string& event,
                 const Poco::JSON::Object& fields = Poco::JSON::Object()) {
  write(Level::kInfo, module, event, fields);
}
inline void warn(const std::string& module, const std::string& event,
                 const Poco::JSON::Object& fields = Poco::JSON::Object()) {
  write(Level::kWarn, module, event, fields);
}
inline void error(const std::string& module, const std::string& event,
                  const Poco::JSON::Object& fields = Poco::JSON::Object()) {
  write(Level::kError, module, event, fields);
}

}  // namespace agora::log
