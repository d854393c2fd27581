// Structured logging: one JSON line per event, written whole under a lock and flushed.
#include "platform/log/Log.h"

#include <Poco/JSON/Stringifier.h>

#include <map>
#include <mutex>
#include <shared_mutex>
#include <sstream>

#include "platform/log/LogLine.h"

namespace agora::log {
namespace {

struct Settings {
  std::shared_mutex mutex;
  Level level = Level::kInfo;
  std::map<std::string, Level, std::less<>> module_levels;
};

Settings& settings() {
  static Settings instance;
  return instance;
}

std::mutex& outputMutex() {
  static std::mutex mutex;
  return mutex;
}

std::FILE* output = nullptr;  // guarded by outputMutex(); nullptr means stdout

const char* levelName(Level level) {
  switch (level) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
    case Level::kOff:
      break;
  }
  return "off";
}

}  // namespace

std::optional<Level> parseLevel(std::string_view text) {
  if (text == "debug") return Level::kDebug;
  if (text == "info") return Level::kInfo;
  if (text == "warn") return Level::kWarn;
  if (text == "error") return Level::kError;
  if (text == "off") return Level::kOff;
  return std::nullopt;
}

void setLevel(Level level) {
  std::unique_lock lock(settings().mutex);
  settings().level = level;
}

void setModuleLevel(const std::string& module, Level level) {
  std::unique_lock lock(settings().mutex);
  settings().module_levels[module] = level;
}

void setModuleLevels(const std::map<std::string, Level>& levels) {
  std::unique_lock lock(settings().mutex);
  settings().module_levels =
      std::map<std::string, Level, std::less<>>(levels.begin(), levels.end());
}

bool enabled(const std::string& module, Level level) {
  if (level == Level::kOff) return false;
  std::shared_lock lock(settings().mutex);
  auto found = settings().module_levels.find(module);
  Level threshold = found == settings().module_levels.end() ? settings().level : found->second;
  return threshold != Level::kOff && level >= threshold;
}

void setOutput(std::FILE* stream) {
  std::lock_guard lock(outputMutex());
  output = stream;
}

void write(Level level, const std::string& module, const std::string& event,
           const Poco::JSON::Object& fields) {
  if (!enabled(module, level)) return;

  std::ostringstream line;
  line << "{\"ts\":\"" << timestampNow() << "\",\"level\":\"" << levelName(level)
       << "\",\"module\":";
  Poco::JSON::Stringifier::formatString(module, line);
  line << ",\"event\":";
  Poco::JSON::Stringifier::formatString(event, line);
  appendRequestIds(line, fields);
  closeLine(line, fields);

  std::string text = line.str();
  std::lock_guard lock(outputMutex());
  std::FILE* stream = output == nullptr ? stdout : output;
  std::fwrite(text.data(), 1, text.size(), stream);
  std::fflush(stream);
}

}  // namespace agora::log
