// Parses agora's command line into a CommandLine.
#include "app/CommandLine.h"

#include <algorithm>
#include <set>

namespace agora::app {
namespace {

const std::vector<std::string> kModules = {"auth", "users", "catalog", "orders"};

// Flags that take a value and the configuration key each one sets.
const std::map<std::string, std::string> kConfigFlags = {
    {"--role", "roles"},           {"--data-dir", "data.dir"},
    {"--port", "http.port"},       {"--bind", "http.bind"},
    {"--admin-port", "admin.port"}, {"--log-level", "log.level"},
};

// Splits "--name=value" or takes the value from the next argument.
std::string takeValue(const std::vector<std::string>& arguments, std::size_t& index,
                      const std::string& name, const std::optional<std::string>& inline_value) {
  if (inline_value) return *inline_value;
  if (index + 1 >= arguments.size()) throw UsageError("option " + name + " needs a value");
  return arguments[++index];
}

}  // namespace

std::vector<std::string> parseRoles(const std::string& roles) {
  if (roles == "all") return kModules;

  std::vector<std::string> selected;
  std::size_t start = 0;
  while (start <= roles.size()) {
    std::size_t comma = roles.find(',', start);
    if (comma == std::string::npos) comma = roles.size();
    std::string role = roles.substr(start, comma - start);
    if (std::find(kModules.begin(), kModules.end(), role) == kModules.end()) {
      throw UsageError("unknown role '" + role +
                       "': use all or a comma list of auth, users, catalog, orders");
    }
    if (std::find(selected.begin(), selected.end(), role) == selected.end()) {
      selected.push_back(role);
    }
    start = comma + 1;
  }
  return selected;
}

CommandLine parseCommandLine(const std::vector<std::string>& arguments) {
  CommandLine result;
  std::size_t index = 0;

  if (!arguments.empty() && arguments[0] == "probe") {
    if (arguments.size() != 2 || arguments[1].rfind("http://", 0) != 0) {
      throw UsageError("probe needs one http:// URL: agora probe http://127.0.0.1:9090/readyz");
    }
    result.command = Command::kProbe;
    result.probe_url = arguments[1];
    return result;
  }
  if (!arguments.empty() && arguments[0] == "sleep") {
    const std::string value = arguments.size() == 2 ? arguments[1] : std::string();
    bool digits =
        !value.empty() && value.size() <= 4 &&
        std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!digits || std::stoi(value) > 3600) {
      throw UsageError("invalid sleep '" + value + "': give whole seconds, 0-3600");
    }
    result.command = Command::kSleep;
    result.sleep_seconds = std::stoi(value);
    return result;
  }

  if (!arguments.empty() && arguments[0] == "migrate") {
    result.command = Command::kMigrate;
    index = 1;
  } else if (!arguments.empty() && arguments[0] == "routes") {
    result.command = Command::kListRoutes;
    index = 1;
  } else if (arguments.size() >= 2 && arguments[0] == "user" && arguments[1] == "create") {
    result.command = Command::kCreateUser;
    index = 2;
  } else if (!arguments.empty() && arguments[0] == "user") {
    throw UsageError("unknown user command: use 'agora user create --email EMAIL'");
  }

  for (; index < arguments.size(); ++index) {
    const std::string& argument = arguments[index];
    std::string name = argument;
    std::optional<std::string> inline_value;
    if (auto equals = argument.find('='); argument.rfind("--", 0) == 0 && equals != std::string::npos) {
      name = argument.substr(0, equals);
      inline_value = argument.substr(equals + 1);
    }

    if (name == "--help" || name == "-h") {
      result.command = Command::kHelp;
      return result;
    }
    if (name == "--version") {
      result.command = Command::kVersion;
      return result;
    }
    if (name == "--config") {
      result.config_file = takeValue(arguments, index, name, inline_value);
    } else if (name == "--seed-demo" && !inline_value && result.command == Command::kServe) {
      result.seed_demo = true;
    } else if (name == "--set") {
      std::string assignment = takeValue(arguments, index, name, inline_value);
      auto equals = assignment.find('=');
      if (equals == std::string::npos || equals == 0) {
        throw UsageError("invalid --set '" + assignment + "': expected key=value");
      }
      result.overrides[assignment.substr(0, equals)] = assignment.substr(equals + 1);
    } else if (auto flag = kConfigFlags.find(name); flag != kConfigFlags.end()) {
      result.overrides[flag->second] = takeValue(arguments, index, name, inline_value);
    } else if (result.command == Command::kCreateUser && name == "--email") {
      result.email = takeValue(arguments, index, name, inline_value);
    } else if (result.command == Command::kCreateUser && name == "--display-name") {
      result.display_name = takeValue(arguments, index, name, inline_value);
    } else if (result.command == Command::kCreateUser && name == "--user-role") {
      result.user_role = takeValue(arguments, index, name, inline_value);
    } else {
      throw UsageError("unknown option '" + argument + "'");
    }
  }

  if (auto roles = result.overrides.find("roles"); roles != result.overrides.end()) {
    parseRoles(roles->second);
  }
  if (result.command == Command::kCreateUser) {
    if (result.email.empty()) throw UsageError("user create needs --email");
    if (result.user_role != "customer" && result.user_role != "admin") {
      throw UsageError("invalid --user-role '" + result.user_role + "': use customer or admin");
    }
  }
  return result;
}

std::string accessName(http::Access access) {
  switch (access) {
    case http::Access::kPublic:
      return "public";
    case http::Access::kUser:
      return "user";
    case http::Access::kAdmin:
      return "admin";
    case http::Access::kService:
      return "service";
  }
  return "unknown";
}

std::string usageText() {
  return R"(Usage:
  agora [options]                      serve the selected roles
  agora migrate [options]              apply pending schema migrations of the selected roles, then exit
  agora routes [options]               print the routes the selected roles serve (METHOD TEMPLATE ACCESS)
  agora user create --email EMAIL [--display-name NAME] [--user-role customer|admin] [options]
                                       create an account; the password is read from standard input
  agora probe URL                      GET a plain-HTTP URL (e.g. http://127.0.0.1:9090/readyz);
                                       exit 0 on a 2xx answer within 3 seconds, else 1
  agora sleep SECONDS                  wait, then exit 0 (a pre-stop hook in a shell-less image)

Options:
  --role ROLES         all (default) or a comma list of auth, users, catalog, orders
  --config FILE        a properties file (key = value) layered over the built-in defaults
  --data-dir DIR       folder for SQLite files, generated keys and certificates (default ./.agora-data)
  --bind ADDRESS       API listen address (default 127.0.0.1)
  --port PORT          API port (default 8443; 0 picks a free one)
  --admin-port PORT    operations port for /healthz, /readyz, /metrics (default 9090; 0 picks a free one)
  --log-level LEVEL    debug, info, warn, error or off (default info)
  --set KEY=VALUE      set any configuration key (highest precedence)
  --seed-demo          create demo products and an admin account when they are missing
  --help               show this text
  --version            print the version

Configuration layers, later wins: built-in defaults, --config FILE, AGORA_* environment
variables (AGORA_HTTP_PORT sets http.port), then flags.
)";
}

}  // namespace agora::app
