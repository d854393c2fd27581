// Seeds demo products and the demo admin account.
#include "app/DemoData.h"

#include "modules/catalog/CatalogModule.h"
#include "modules/users/UsersModule.h"
#include "platform/log/Log.h"
#include "platform/security/Random.h"

#include <iostream>

namespace agora::app {

void seedDemoData(const config::Config& config, users::UsersModule* users,
                  catalog::CatalogModule* catalog) {
  if (catalog) {
    Poco::JSON::Object fields;
    fields.set("created", catalog->seedDemoProducts());
    log::info("catalog", "demo_products_seeded", fields);
  }
  if (!users || users->service().hasAnyAdmin()) return;

  std::string email = config.getString("demo.admin_email");
  std::string password;
  bool generated = false;
  if (auto configured = config.getSecret("demo.admin_password")) {
    password = *configured;
  } else {
    password = security::randomToken(18);
    generated = true;
  }
  users->service().createUser(email, password, "Demo admin", {"customer", "admin"});

  Poco::JSON::Object fields;
  fields.set("email", email);
  log::info("users", "demo_admin_created", fields);
  if (generated) {
    // Printed once so the person who started the demo can log in; never written to the log.
    std::cerr << "\nDemo admin account: " << email << "\nPassword (shown once): " << password
              << "\n\n";
  }
}

}  // namespace agora::app
