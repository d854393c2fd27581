// Builds what configuration selects for every process: log levels, token keys, the listener.
#pragma once

#include "platform/Clock.h"
#include "platform/config/Config.h"
#include "platform/http/HttpServer.h"
#include "platform/security/Jwt.h"

#include <memory>
#include <string>

namespace agora::app {

/**
 * Applies `log.level` and every `log.level.<module>` key; a module without a key falls back
 * to `log.level`. Throws config::ConfigError and changes nothing when a level is invalid.
 */
void applyLogLevels(const config::Config& config);

/**
 * Loads or generates the signing key when this process signs tokens, and fills
 * `public_keys` with every key that verifies them.
 */
void loadTokenKeys(const config::Config& config, bool signs_tokens,
                   std::shared_ptr<security::SigningKey>& signing_key,
                   security::PublicKeySet& public_keys);

/** A file under `data.dir`, unless the configuration key `key` names another path. */
std::string dataPath(const config::Config& config, const std::string& key,
                     const std::string& relative);

/** The API listener settings from `http.*`. */
http::ServerSettings apiServerSettings(const config::Config& config, const std::string& role);

}  // namespace agora::app
