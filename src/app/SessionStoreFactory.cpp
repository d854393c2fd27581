// Builds the session store that `session.store` selects, with its encryption keys.
#include "app/SessionStoreFactory.h"

#include "platform/security/Aead.h"
#include "platform/security/Random.h"
#include "platform/sessions/MemorySessionStore.h"
#include "platform/sessions/SessionCodec.h"

namespace agora::app {

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

}  // namespace agora::app
