// Builds the session store from configuration.
#pragma once

#include "platform/Clock.h"
#include "platform/config/Config.h"
#include "platform/sessions/SessionStore.h"

#include <memory>

namespace agora::app {

/** The session store of `session.store` (memory), with keys from `session.keys`. */
std::shared_ptr<sessions::SessionStore> makeSessionStore(const config::Config& config, Clock clock);

}  // namespace agora::app
