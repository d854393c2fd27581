// Builds the backends and server settings that configuration selects.
#include "app/BackendFactory.h"

#include "platform/log/Log.h"
#include "platform/security/KeyFiles.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace agora::app {

std::string dataPath(const config::Config& config, const std::string& key,
                     const std::string& relative) {
  std::string configured = config.getString(key, "");
  if (!configured.empty()) return configured;
  return (std::filesystem::path(config.getString("data.dir")) / relative).string();
}

namespace {

std::string readFile(const std::string& path) {
  std::ifstream file(path);
  if (!file) throw config::ConfigError("cannot read " + path);
  std::stringstream content;
  content << file.rdbuf();
  return content.str();
}

}  // namespace

void applyLogLevels(const config::Config& config) {
  std::string level_text = config.getString("log.level");
  auto level = log::parseLevel(level_text);
  if (!level) {
    throw config::ConfigError("invalid log.level '" + level_text +
                              "': use debug, info, warn, error or off");
  }

  // Every level is checked before any applies, so a bad reload changes nothing.
  const std::string prefix = "log.level.";
  std::map<std::string, log::Level> module_levels;
  for (const auto& key : config.keysWithPrefix(prefix)) {
    std::string module_text = config.getString(key);
    auto module_level = log::parseLevel(module_text);
    if (!module_level) {
      throw config::ConfigError("invalid " + key + " '" + module_text +
                                "': use debug, info, warn, error or off");
    }
    module_levels[key.substr(prefix.size())] = *module_level;
  }
  log::setLevel(*level);
  log::setModuleLevels(module_levels);
}

void loadTokenKeys(const config::Config& config, bool signs_tokens,
                   std::shared_ptr<security::SigningKey>& signing_key,
                   security::PublicKeySet& public_keys) {
  std::string signing_key_file = dataPath(config, "auth.signing_key_file", "keys/signing-key.pem");
  if (signs_tokens) {
    signing_key = security::loadOrCreateSigningKey(signing_key_file);
    public_keys.add(signing_key->keyId(), signing_key->publicPem());
  }

  if (!signs_tokens && std::filesystem::exists(signing_key_file)) {
    // A process without the auth role on the same data folder verifies with that key; others
    // load the auth role's JWK Set (services.auth.url, see RemoteServices).
    auto key = security::SigningKey::fromPem(readFile(signing_key_file));
    public_keys.add(key.keyId(), key.publicPem());
  }
}

http::ServerSettings apiServerSettings(const config::Config& config, const std::string& role) {
  http::ServerSettings settings;
  settings.role = role;
  settings.bind_address = config.getString("http.bind");
  settings.port = static_cast<int>(config.getInt("http.port", 0, 65535));

  std::string tls = config.getString("http.tls");
  if (tls == "auto") {
    settings.tls = role == "all";
  } else {
    settings.tls = config.getBool("http.tls");
  }
  settings.tls_certificate_file = dataPath(config, "http.tls.certificate_file", "tls/certificate.pem");
  settings.tls_private_key_file = dataPath(config, "http.tls.private_key_file", "tls/private-key.pem");
  settings.max_threads = static_cast<int>(config.getInt("http.max_threads", 2, 4096));
  settings.max_queued = static_cast<int>(config.getInt("http.max_queued", 1, 65536));
  settings.max_body_bytes =
      static_cast<std::size_t>(config.getInt("http.max_body_bytes", 1024, 64 * 1024 * 1024));
  settings.keep_alive_timeout_seconds =
      static_cast<int>(config.getInt("http.keep_alive_timeout_seconds", 1, 3600));
  settings.head_timeout_seconds =
      static_cast<int>(config.getInt("http.head_timeout_seconds", 1, 3600));
  settings.request_timeout_seconds =
      static_cast<int>(config.getInt("http.request_timeout_seconds", 1, 3600));
  settings.trust_forwarded_for = config.getBool("http.trust_forwarded_for");
  return settings;
}

}  // namespace agora::app
