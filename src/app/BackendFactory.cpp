// Builds the backends and server settings that configuration selects.
#include "app/BackendFactory.h"

#include "platform/log/Log.h"
#include "platform/security/Aead.h"
#include "platform/security/Digest.h"
#include "platform/security/KeyFiles.h"
#include "platform/security/Random.h"
#include "platform/sessions/MemorySessionStore.h"
#include "platform/sessions/SessionCodec.h"

#include <Poco/Base64Encoder.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace agora::app {
namespace {

// A file under the data folder unless the configured path is set.
std::string dataPath(const config::Config& config, const std::string& key,
                     const std::string& relative) {
  std::string configured = config.getString(key, "");
  if (!configured.empty()) return configured;
  return (std::filesystem::path(config.getString("data.dir")) / relative).string();
}

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
  log::setLevel(*level);

  const std::string prefix = "log.level.";
  for (const auto& key : config.keysWithPrefix(prefix)) {
    std::string module_text = config.getString(key);
    auto module_level = log::parseLevel(module_text);
    if (!module_level) {
      throw config::ConfigError("invalid " + key + " '" + module_text +
                                "': use debug, info, warn, error or off");
    }
    log::setModuleLevel(key.substr(prefix.size()), *module_level);
  }
}

void loadTokenKeys(const config::Config& config, bool signs_tokens,
                   std::shared_ptr<security::SigningKey>& signing_key,
                   security::PublicKeySet& public_keys) {
  std::string signing_key_file = dataPath(config, "auth.signing_key_file", "keys/signing-key.pem");
  if (signs_tokens) {
    signing_key = security::loadOrCreateSigningKey(signing_key_file);
    public_keys.add(signing_key->keyId(), signing_key->publicPem());
  }

  // TODO: roles in other processes should load the auth role's JWKS instead of the key file.
  if (!signs_tokens && std::filesystem::exists(signing_key_file)) {
    // A process without the auth role on the same data folder verifies with that key.
    auto key = security::SigningKey::fromPem(readFile(signing_key_file));
    public_keys.add(key.keyId(), key.publicPem());
  }
}

std::shared_ptr<sessions::SessionStore> makeSessionStore(const config::Config& config,
                                                         Clock clock) {
  std::string store = config.getString("session.store");
  if (store != "memory") {
    throw config::ConfigError("invalid session.store '" + store + "': use memory");
  }

  std::shared_ptr<security::KeyRing> key_ring;
  if (auto spec = config.getSecret("session.keys")) {
    key_ring = std::make_shared<security::KeyRing>(security::KeyRing::fromSpec(
        *spec, config.getString("session.encryption_key_id")));
  } else {
    // The in-process store lives and dies with the process, so a per-start key is enough.
    key_ring = std::make_shared<security::KeyRing>(
        "local", std::map<std::string, std::string>{{"local", security::randomBytes(32)}});
  }

  sessions::SessionLimits limits;
  limits.idle_timeout = config.getInt("session.idle_timeout", 60, 30 * 24 * 3600);
  limits.absolute_lifetime = config.getInt("session.absolute_lifetime", 60, 365 * 24 * 3600);
  auto codec = std::make_shared<sessions::SessionCodec>(key_ring);
  return std::make_shared<sessions::MemorySessionStore>(codec, limits, clock);
}

std::shared_ptr<data::Database> makeDatabase(const config::Config& config,
                                             const std::string& module) {
  const std::string prefix = module + ".database.";
  data::DatabaseSettings settings;
  std::string driver = config.getString(prefix + "driver", "sqlite");
  if (driver != "sqlite") {
    throw config::ConfigError("invalid " + prefix + "driver '" + driver + "': use sqlite");
  }
  settings.dialect = data::Dialect::kSqlite;
  settings.sqlite_path = dataPath(config, prefix + "path", module + ".db");
  settings.pool_min = static_cast<int>(config.getInt(prefix + "pool_min", 1, 256));
  settings.pool_max = static_cast<int>(config.getInt(prefix + "pool_max", 1, 256));
  std::filesystem::create_directories(std::filesystem::path(settings.sqlite_path).parent_path());
  return std::make_shared<data::Database>(settings);
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
  settings.trust_forwarded_for = config.getBool("http.trust_forwarded_for");
  return settings;
}

}  // namespace agora::app
