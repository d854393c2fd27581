// How a process without some roles rejects configuration it cannot work with, naming the key.
#include <Poco/Net/ServerSocket.h>
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "platform/security/Random.h"

namespace agora::testing {
namespace {

struct Outcome {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

class RoleWiringTest : public ::testing::Test {
 protected:
  RoleWiringTest()
      : data_dir_(std::filesystem::temp_directory_path() /
                  ("agora-wiring-" + security::randomToken(9))) {
    std::filesystem::create_directories(data_dir_);
  }
  ~RoleWiringTest() override {
    std::error_code ignored;
    std::filesystem::remove_all(data_dir_, ignored);
  }

  // Runs agora until it exits; every case here is expected to exit during start-up.
  Outcome run(const std::string& arguments) {
    std::string command = std::string(AGORA_BINARY) + " --port 0 --admin-port 0 --data-dir '" +
                          data_dir_.string() + "' " + arguments + " </dev/null 2>&1";
    FILE* pipe = popen(command.c_str(), "r");
    Outcome outcome;
    char buffer[4096];
    std::size_t count;
    while ((count = fread(buffer, 1, sizeof buffer, pipe)) > 0)
      outcome.output.append(buffer, count);
    int status = pclose(pipe);
    outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return outcome;
  }

  std::filesystem::path data_dir_;
};

// Test that orders without the catalog in its process requires services.catalog.url.
TEST_F(RoleWiringTest, OrdersNeedsCatalogUrl) {
  Outcome outcome = run("--role=orders");

  EXPECT_EQ(outcome.exit_code, 2) << outcome.output;
  EXPECT_NE(outcome.output.find("services.catalog.url"), std::string::npos) << outcome.output;
}

// Test that users without auth requires the secret of its service client.
TEST_F(RoleWiringTest, UsersNeedsClientSecret) {
  Outcome outcome = run("--role=users --set services.auth.url=http://127.0.0.1:9");

  EXPECT_EQ(outcome.exit_code, 2) << outcome.output;
  EXPECT_NE(outcome.output.find("services.client_secret"), std::string::npos) << outcome.output;
}

// Test that auth without users requires services.users.url.
TEST_F(RoleWiringTest, AuthNeedsUsersUrl) {
  Outcome outcome = run("--role=auth");

  EXPECT_EQ(outcome.exit_code, 2) << outcome.output;
  EXPECT_NE(outcome.output.find("services.users.url"), std::string::npos) << outcome.output;
}

// Test that a role with no source of signing keys names services.auth.url.
TEST_F(RoleWiringTest, CatalogWithoutKeysNeedsAuthUrl) {
  Outcome outcome = run("--role=catalog");

  EXPECT_EQ(outcome.exit_code, 2) << outcome.output;
  EXPECT_NE(outcome.output.find("services.auth.url"), std::string::npos) << outcome.output;
}

// Test that an unreachable auth role ends start-up after the configured wait.
TEST_F(RoleWiringTest, UnreachableAuthEndsStartup) {
  Poco::Net::ServerSocket probe(Poco::Net::SocketAddress("127.0.0.1", 0));
  const std::string closed_port = std::to_string(probe.address().port());
  probe.close();

  auto started = std::chrono::steady_clock::now();
  Outcome outcome = run("--role=catalog --set services.auth.url=http://127.0.0.1:" + closed_port +
                        " --set services.startup_wait_milliseconds=500");

  EXPECT_EQ(outcome.exit_code, 1) << outcome.output;
  EXPECT_NE(outcome.output.find("cannot load the token signing keys"), std::string::npos)
      << outcome.output;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
}

// Test that a malformed service URL is a configuration error naming the key.
TEST_F(RoleWiringTest, MalformedUrlNamesKey) {
  Outcome outcome = run("--role=orders --set services.catalog.url=catalog:8080");

  EXPECT_EQ(outcome.exit_code, 2) << outcome.output;
  EXPECT_NE(outcome.output.find("invalid services.catalog.url"), std::string::npos)
      << outcome.output;
}

}  // namespace
}  // namespace agora::testing
