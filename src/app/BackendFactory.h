// Builds the backends configuration selects: databases, the session store, keys, servers.
#pragma once

#include "platform/Clock.h"
#include "platform/config/Config.h"
#include "platform/data/Database.h"
#include "platform/http/HttpServer.h"
#include "platform/security/Jwt.h"
#include "platform/sessions/SessionStore.h"

#include <memory>
#include <string>

namespace agora::app {

/** Applies `log.level` and every `log.level.<module>` key. */
void applyLogLevels(const config::Config& config);

/**
 * Loads or generates the signing key when this process signs tokens, and fills
 * `public_keys` with every key that verifies them.
 */
void loadTokenKeys(const config::Config& config, bool signs_tokens,
                   std::shared_ptr<security::SigningKey>& signing_key,
                   security::PublicKeySet& public_keys);

/** The session store of `session.store` (memory), with keys from `session.keys`. */
std::shared_ptr<sessions::SessionStore> makeSessionStore(const config::Config& config, Clock clock);

/** The database of a module from `<module>.database.*`. */
std::shared_ptr<data::Database> makeDatabase(const config::Config& config,
                                             const std::string& module);

/** The API listener settings from `http.*`. */
http::ServerSettings apiServerSettings(const config::Config& config, const std::string& role);

}  // namespace agora::app
