// agora: parses the command line, layers the configuration and runs the selected roles.
#include "app/Application.h"
#include "app/CommandLine.h"
#include "app/Probe.h"
#include "platform/config/Config.h"
#include "platform/log/Log.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>

#include <malloc.h>
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace {

using agora::app::CommandLine;

// Builds the configuration from its four layers; called again on SIGHUP.
agora::config::Config loadConfiguration(const CommandLine& command_line) {
  agora::config::Config config;
  agora::app::addDefaults(config);
  if (command_line.config_file) config.loadFile(*command_line.config_file);
  config.loadEnvironment(environ);
  for (const auto& [key, value] : command_line.overrides) config.set(key, value);
  return config;
}

// Reads the new account's password from the first line of standard input.
std::string readPassword() {
  if (isatty(0)) std::cerr << "Password: " << std::flush;
  std::string password;
  std::getline(std::cin, password);
  if (!password.empty() && password.back() == '\r') password.pop_back();
  return password;
}

int run(const CommandLine& command_line) {
  agora::config::Config config = loadConfiguration(command_line);
  std::vector<std::string> roles = agora::app::parseRoles(config.getString("roles"));

  // Signals are blocked before any thread starts so only sigwait() receives them.
  agora::app::blockTerminationSignals();
  agora::app::Application application(config, roles);

  if (command_line.command == agora::app::Command::kListRoutes) {
    for (const auto& route : application.router().routes()) {
      std::cout << route.method << " " << route.path_template << " "
                << agora::app::accessName(route.access) << "\n";
    }
    return 0;
  }
  if (command_line.command == agora::app::Command::kMigrate) {
    application.migrate();
    return 0;
  }
  if (config.getBool("database.migrate_on_start")) {
    application.migrate();
  } else if (config.getBool("database.require_current_schema")) {
    application.requireCurrentSchemas();
  }

  if (command_line.command == agora::app::Command::kCreateUser) {
    std::string id = application.createUser(command_line.email, readPassword(),
                                            command_line.display_name.empty()
                                                ? command_line.email
                                                : command_line.display_name,
                                            command_line.user_role);
    std::cout << id << "\n";
    return 0;
  }

  if (command_line.seed_demo) application.seedDemo();
  application.start();
  application.waitForTermination([&] { return loadConfiguration(command_line); });
  application.shutdown();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // Blocks of 1 MiB and more (argon2id takes 19 MiB per password check) are mapped and
  // unmapped each time. Left to itself, glibc raises this threshold after the first such free
  // and keeps the blocks in per-thread arenas: hundreds of MiB after a login flood.
  mallopt(M_MMAP_THRESHOLD, 1024 * 1024);

  CommandLine command_line;
  try {
    command_line = agora::app::parseCommandLine(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const agora::app::UsageError& error) {
    std::cerr << "agora: " << error.what() << "\nRun 'agora --help' for usage.\n";
    return 2;
  }

  if (command_line.command == agora::app::Command::kHelp) {
    std::cout << agora::app::usageText();
    return 0;
  }
  if (command_line.command == agora::app::Command::kVersion) {
    std::cout << "agora " << AGORA_VERSION << "\n";
    return 0;
  }
  if (command_line.command == agora::app::Command::kProbe) {
    return agora::app::probe(command_line.probe_url, std::chrono::seconds(3), std::cout);
  }
  if (command_line.command == agora::app::Command::kSleep) {
    std::this_thread::sleep_for(std::chrono::seconds(command_line.sleep_seconds));
    return 0;
  }

  try {
    return run(command_line);
  } catch (const agora::config::ConfigError& error) {
    std::cerr << "agora: configuration error: " << error.what() << "\n";
    return 2;
  } catch (const agora::app::UsageError& error) {
    std::cerr << "agora: " << error.what() << "\nRun 'agora --help' for usage.\n";
    return 2;
  } catch (const std::exception& error) {
    // A Poco exception's what() is only its class name, such as "Net Exception", so the
    // message uses displayText(), which adds the cause.
    const auto* poco_error = dynamic_cast<const Poco::Exception*>(&error);
    const std::string text = poco_error ? poco_error->displayText() : error.what();
    Poco::JSON::Object fields;
    fields.set("error", text);
    agora::log::error("app", "fatal", fields);
    std::cerr << "agora: " << text << "\n";
    return 1;
  }
}
