// Layered configuration: defaults, then a properties file, then AGORA_* variables, then flags.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace agora::config {

/** A configuration error the process reports and exits on with status 2. */
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/**
 * Dotted keys such as `http.port`. Environment variable `AGORA_HTTP_PORT` sets `http.port`
 * (underscores become dots, lower-cased; a double underscore keeps one underscore, so
 * `AGORA_SESSION_IDLE__TIMEOUT` sets `session.idle_timeout`). Later layers win.
 */
class Config {
 public:
  /** Sets a built-in default. */
  void setDefault(const std::string& key, const std::string& value);
  /**
   * Loads a properties file (`key = value`, `#` comments, blank lines). Throws ConfigError
   * naming the file and line when it is unreadable or a line has no `=`.
   */
  void loadFile(const std::string& path);
  /** Applies AGORA_* variables from an environment block such as `environ`. */
  void loadEnvironment(char** environment);
  /** Sets a value from a command-line flag (highest precedence). */
  void set(const std::string& key, const std::string& value);

  bool has(const std::string& key) const;
  /** Throws ConfigError naming the key when it is missing. */
  std::string getString(const std::string& key) const;
  std::string getString(const std::string& key, const std::string& fallback) const;
  /** Throws ConfigError naming the key and value when it is not an integer in range. */
  int64_t getInt(const std::string& key, int64_t min, int64_t max) const;
  /** true/false/yes/no/on/off/1/0; throws ConfigError otherwise. */
  bool getBool(const std::string& key) const;
  /**
   * A secret: the value of `key`, or the trimmed content of the file named by `key_file`
   * (e.g. `redis.password_file`). Never logged.
   */
  std::optional<std::string> getSecret(const std::string& key) const;
  /** Keys starting with `prefix`, e.g. "log.level." */
  std::vector<std::string> keysWithPrefix(const std::string& prefix) const;

 private:
  /** One map per layer, lowest first, so the order of the load calls does not matter. */
  enum Layer { kDefaults, kFile, kEnvironment, kFlags, kLayerCount };
  std::map<std::string, std::string> layers_[kLayerCount];
  const std::string* find(const std::string& key) const;
};

}  // namespace agora::config
