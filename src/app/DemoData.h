// Demo data for the run command: products and an admin account, created when missing.
#pragma once

#include "platform/config/Config.h"

namespace agora::users {
class UsersModule;
}
namespace agora::catalog {
class CatalogModule;
}

namespace agora::app {

/**
 * Seeds the modules this process holds (either may be null). The admin password comes from
 * `demo.admin_password` or is generated and printed once on standard error, never logged.
 */
void seedDemoData(const config::Config& config, users::UsersModule* users,
                  catalog::CatalogModule* catalog);

}  // namespace agora::app
