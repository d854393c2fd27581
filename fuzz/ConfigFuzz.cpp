// Fuzzes the configuration readers: properties files and AGORA_* variables. Only ConfigError
// fails them, and what they read round trips through its documented written form.
#include <Poco/String.h>

#include <cstdint>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "FuzzCheck.h"
#include "platform/config/Config.h"

namespace agora::fuzz {
namespace {

void writeFile(const std::string& path, const std::string& content) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << content;
  require(static_cast<bool>(file), "cannot write the fuzz properties file", path);
}

std::map<std::string, std::string> valuesOf(const config::Config& config) {
  std::map<std::string, std::string> values;
  for (const auto& key : config.keysWithPrefix("")) values[key] = config.getString(key);
  return values;
}

/** Calls the typed getters on every key: a bad value must throw ConfigError and nothing else. */
void readTyped(const config::Config& config) {
  for (const auto& key : config.keysWithPrefix("")) {
    try {
      config.getInt(key, -1000, 1000);
    } catch (const config::ConfigError&) {
    }
    try {
      config.getBool(key);
    } catch (const config::ConfigError&) {
    }
  }
}

void readProperties(const std::string& content) {
  const std::string path = runFolder("config").file("fuzz.properties");
  writeFile(path, content);
  config::Config config;
  try {
    config.loadFile(path);
  } catch (const config::ConfigError&) {
    return;
  }

  const auto values = valuesOf(config);
  std::string written;
  for (const auto& [key, value] : values) {
    require(!key.empty() && key == Poco::trim(key), "a key must be non-empty and trimmed", key);
    require(value == Poco::trim(value), "a value must be trimmed", value);
    written += key + " = " + value + "\n";
  }
  readTyped(config);

  writeFile(path, written);
  config::Config again;
  try {
    again.loadFile(path);
  } catch (const config::ConfigError& error) {
    fail("a written-back properties file must load", error.what());
  }
  require(valuesOf(again) == values, "properties must round trip through key = value lines");
}

/** Returns the variable that sets `key`, as the documentation and getString's message spell it. */
std::string variableFor(const std::string& key) {
  return "AGORA_" + Poco::toUpper(Poco::replace(Poco::replace(key, "_", "__"), ".", "_"));
}

void readEnvironment(const std::string& content) {
  std::vector<std::string> entries;
  std::size_t start = 0;
  while (start <= content.size() && entries.size() < 64) {
    const std::size_t end = content.find('\n', start);
    entries.push_back(content.substr(start, end == std::string::npos ? end : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  std::vector<char*> block;
  for (auto& entry : entries) block.push_back(entry.data());
  block.push_back(nullptr);

  config::Config config;
  config.loadEnvironment(block.data());
  const auto values = valuesOf(config);
  readTyped(config);

  // A '.' followed by '.' or '_' has no unambiguous variable name ("a._b" would be A___B, read
  // back as "a_.b"). No setting has such a key, so those keys are left out of the round trip.
  std::map<std::string, std::string> expressible;
  std::vector<std::string> rewritten;
  for (const auto& [key, value] : values) {
    if (key.find("..") != std::string::npos || key.find("._") != std::string::npos) continue;
    expressible[key] = value;
    rewritten.push_back(variableFor(key) + "=" + value);
  }
  std::vector<char*> again_block;
  for (auto& entry : rewritten) again_block.push_back(entry.data());
  again_block.push_back(nullptr);
  config::Config again;
  again.loadEnvironment(again_block.data());
  require(valuesOf(again) == expressible, "each key must come back from the variable named for it");
}

}  // namespace
}  // namespace agora::fuzz

// Input: a mode byte, then a properties file (even) or newline-separated environment entries
// such as AGORA_HTTP_PORT=8080 (odd).
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using namespace agora;
  if (size == 0) return 0;
  const std::string rest = fuzz::textOf(data + 1, size - 1);
  if (data[0] % 2 == 0) {
    fuzz::readProperties(rest);
  } else {
    fuzz::readEnvironment(rest);
  }
  return 0;
}
