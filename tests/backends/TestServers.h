// The private database and Redis servers of the backend tests, as the test fixture started them.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>

namespace agora::testing {

/**
 * Reads `servers.env` (KEY=VALUE lines) written by tests/servers/test-servers.sh start. The
 * file is AGORA_TEST_SERVERS_ENV from the environment if set, else the one the build names.
 * A missing file or key throws, so a test without its servers fails instead of passing idly.
 */
class TestServers {
 public:
  /** Returns the servers of this test run, read once. */
  static const TestServers& get() {
    static const TestServers servers(envFilePath());
    return servers;
  }

  /** Returns the value of `name`. Throws naming the file when the key is missing. */
  std::string value(const std::string& name) const {
    const auto found = values_.find(name);
    if (found == values_.end()) {
      throw std::runtime_error(path_ + " has no " + name +
                               ": start the servers with test-servers.sh start");
    }
    return found->second;
  }

  int port(const std::string& name) const { return std::stoi(value(name)); }

  /** Returns the folder that contains servers.env and the servers' data. */
  std::string stateDir() const { return std::filesystem::path(path_).parent_path().string(); }

  /** Runs `test-servers.sh <command> <state dir>` and throws when it fails. */
  void runScript(const std::string& command) const {
    const std::string line = std::string("'") + AGORA_TEST_SERVERS_SCRIPT + "' " + command + " '" +
                             stateDir() + "' >/dev/null";
    if (std::system(line.c_str()) != 0) throw std::runtime_error("failed: " + line);
  }

 private:
  static std::string envFilePath() {
    const char* from_environment = std::getenv("AGORA_TEST_SERVERS_ENV");
    return from_environment && *from_environment ? from_environment : AGORA_TEST_SERVERS_ENV;
  }

  explicit TestServers(std::string path) : path_(std::move(path)) {
    std::ifstream file(path_);
    if (!file) {
      throw std::runtime_error("cannot read " + path_ +
                               ": run these tests with `ctest -L backends`, or start the servers "
                               "with tests/servers/test-servers.sh start DIR and set "
                               "AGORA_TEST_SERVERS_ENV=DIR/servers.env");
    }
    std::string line;
    while (std::getline(file, line)) {
      const auto equals = line.find('=');
      if (equals != std::string::npos) values_[line.substr(0, equals)] = line.substr(equals + 1);
    }
  }

  std::string path_;
  std::map<std::string, std::string> values_;
};

}  // namespace agora::testing
