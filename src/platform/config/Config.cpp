// Layered configuration: built-in defaults, a properties file, AGORA_* variables, then flags.
#include "platform/config/Config.h"

#include <Poco/String.h>

#include <charconv>
#include <fstream>
#include <sstream>

namespace agora::config {
namespace {

constexpr std::string_view kEnvironmentPrefix = "AGORA_";

/** AGORA_SESSION_IDLE__TIMEOUT → session.idle_timeout. */
std::string keyFromVariable(std::string_view name) {
  std::string key;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (name[i] == '_' && i + 1 < name.size() && name[i + 1] == '_') {
      key += '_';
      ++i;
    } else if (name[i] == '_') {
      key += '.';
    } else {
      key += static_cast<char>(std::tolower(static_cast<unsigned char>(name[i])));
    }
  }
  return key;
}

}  // namespace

const std::string* Config::find(const std::string& key) const {
  for (int layer = kLayerCount - 1; layer >= 0; --layer) {
    auto found = layers_[layer].find(key);
    if (found != layers_[layer].end()) return &found->second;
  }
  return nullptr;
}

void Config::setDefault(const std::string& key, const std::string& value) {
  layers_[kDefaults][key] = value;
}

void Config::loadFile(const std::string& path) {
  std::ifstream file(path);
  if (!file) {
    throw ConfigError("cannot read configuration file " + path + ": check the --config path");
  }

  std::string line;
  int number = 0;
  while (std::getline(file, line)) {
    ++number;
    std::string trimmed = Poco::trim(line);
    if (trimmed.empty() || trimmed.front() == '#') continue;

    std::size_t equals = trimmed.find('=');
    std::string key = equals == std::string::npos ? "" : Poco::trim(trimmed.substr(0, equals));
    if (key.empty()) {
      throw ConfigError("configuration file " + path + " line " + std::to_string(number) +
                        ": expected `key = value`");
    }
    layers_[kFile][key] = Poco::trim(trimmed.substr(equals + 1));
  }
  if (file.bad()) throw ConfigError("error while reading configuration file " + path);
}

void Config::loadEnvironment(char** environment) {
  if (environment == nullptr) return;
  for (char** entry = environment; *entry != nullptr; ++entry) {
    std::string_view variable(*entry);
    if (variable.substr(0, kEnvironmentPrefix.size()) != kEnvironmentPrefix) continue;
    std::size_t equals = variable.find('=');
    if (equals == std::string_view::npos || equals == kEnvironmentPrefix.size()) continue;

    std::string key = keyFromVariable(
        variable.substr(kEnvironmentPrefix.size(), equals - kEnvironmentPrefix.size()));
    layers_[kEnvironment][key] = std::string(variable.substr(equals + 1));
  }
}

void Config::set(const std::string& key, const std::string& value) {
  layers_[kFlags][key] = value;
}

bool Config::has(const std::string& key) const {
  return find(key) != nullptr;
}

std::string Config::getString(const std::string& key) const {
  const std::string* value = find(key);
  if (value == nullptr) {
    throw ConfigError("missing configuration `" + key + "`: set it in the file, as AGORA_" +
                      Poco::toUpper(Poco::replace(Poco::replace(key, "_", "__"), ".", "_")) +
                      " or as a flag");
  }
  return *value;
}

std::string Config::getString(const std::string& key, const std::string& fallback) const {
  const std::string* value = find(key);
  return value == nullptr ? fallback : *value;
}

int64_t Config::getInt(const std::string& key, int64_t min, int64_t max) const {
  std::string text = Poco::trim(getString(key));
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size() || value < min ||
      value > max) {
    throw ConfigError("invalid `" + key + "` \"" + text + "\": must be an integer from " +
                      std::to_string(min) + " to " + std::to_string(max));
  }
  return value;
}

bool Config::getBool(const std::string& key) const {
  std::string text = Poco::toLower(Poco::trim(getString(key)));
  if (text == "true" || text == "yes" || text == "on" || text == "1") return true;
  if (text == "false" || text == "no" || text == "off" || text == "0") return false;
  throw ConfigError("invalid `" + key + "` \"" + text + "\": must be true or false");
}

std::optional<std::string> Config::getSecret(const std::string& key) const {
  if (const std::string* value = find(key); value != nullptr && !value->empty()) return *value;

  const std::string* path = find(key + "_file");
  if (path == nullptr || path->empty()) return std::nullopt;
  std::ifstream file(*path, std::ios::binary);
  if (!file) {
    throw ConfigError("cannot read the file " + *path + " named by `" + key +
                      "_file`: check the path and its permissions");
  }
  std::ostringstream content;
  content << file.rdbuf();
  std::string secret = Poco::trim(content.str());
  if (secret.empty()) {
    throw ConfigError("the file " + *path + " named by `" + key + "_file` is empty");
  }
  return secret;
}

std::vector<std::string> Config::keysWithPrefix(const std::string& prefix) const {
  std::map<std::string, bool> keys;
  for (const auto& layer : layers_) {
    for (auto it = layer.lower_bound(prefix); it != layer.end(); ++it) {
      if (it->first.compare(0, prefix.size(), prefix) != 0) break;
      keys[it->first] = true;
    }
  }
  std::vector<std::string> result;
  for (const auto& [key, unused] : keys) result.push_back(key);
  return result;
}

}  // namespace agora::config
