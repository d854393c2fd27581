// Parses agora's command line: the command, its options and configuration overrides.
#pragma once

#include "platform/http/Route.h"

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace agora::app {

/** A command-line error; main prints it with the usage hint and exits with status 2. */
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class Command { kServe, kMigrate, kCreateUser, kListRoutes, kProbe, kSleep, kHelp, kVersion };

/** What the command line asked for. Configuration overrides are applied after env vars. */
struct CommandLine {
  Command command = Command::kServe;
  std::optional<std::string> config_file;
  bool seed_demo = false;
  std::map<std::string, std::string> overrides;  // configuration keys set by flags
  // `user create` options
  std::string email;
  std::string display_name;
  std::string user_role = "customer";
  // `probe URL`: the plain-HTTP URL to check (a container health check)
  std::string probe_url;
  // `sleep SECONDS`: how long to wait (a pre-stop hook in an image without a shell)
  int sleep_seconds = 0;
};

/** Parses argv; throws UsageError naming the bad argument. */
CommandLine parseCommandLine(const std::vector<std::string>& arguments);

/** "public", "user", "admin" or "service", as `agora routes` prints it. */
std::string accessName(http::Access access);

/** The --help text. */
std::string usageText();

/** The module names a role list selects: "all" or a comma list of auth, users, catalog, orders. */
std::vector<std::string> parseRoles(const std::string& roles);

}  // namespace agora::app
