// The command line of the real binary: exit codes, the admin bootstrap, the route list.
#include <Poco/JSON/Parser.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "AgoraProcess.h"

namespace agora::testing {
namespace {

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Runs agora with arguments and standard input; a shell is used only to plumb the pipes.
CommandResult runAgora(const std::string& arguments, const std::string& input = {}) {
  std::string input_file =
      std::filesystem::temp_directory_path() / ("agora-cli-input-" + std::to_string(getpid()));
  std::ofstream(input_file) << input;
  std::string command = std::string(AGORA_BINARY) + " " + arguments + " <" + input_file + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  CommandResult result;
  char buffer[4096];
  std::size_t count;
  while ((count = fread(buffer, 1, sizeof buffer, pipe)) > 0) result.output.append(buffer, count);
  int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::filesystem::remove(input_file);
  return result;
}

class CommandLineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_dir_ = std::filesystem::temp_directory_path() /
                ("agora-cli-" + std::to_string(getpid()) + "-" +
                 ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(data_dir_);
  }
  void TearDown() override { std::filesystem::remove_all(data_dir_); }
  std::string dataArgument() const { return " --data-dir " + data_dir_.string(); }
  std::filesystem::path data_dir_;
};

TEST_F(CommandLineTest, HelpAndVersionExitZero) {
  CommandResult help = runAgora("--help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.output.find("--role"), std::string::npos);
  CommandResult version = runAgora("--version");
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.output.rfind("agora ", 0), 0u);
}

TEST_F(CommandLineTest, UnknownRoleExitsTwo) {
  CommandResult result = runAgora("--role=auth,billing" + dataArgument());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.output.find("billing"), std::string::npos);
}

TEST_F(CommandLineTest, UnknownOptionExitsTwo) {
  CommandResult result = runAgora("--colour=blue");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.output.find("--colour"), std::string::npos);
}

TEST_F(CommandLineTest, UnreadableConfigExitsTwo) {
  CommandResult result = runAgora("--config /nonexistent/agora.properties" + dataArgument());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.output.find("/nonexistent/agora.properties"), std::string::npos);
}

TEST_F(CommandLineTest, InvalidConfigValueExitsTwo) {
  CommandResult result = runAgora("--set http.port=99999" + dataArgument());
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.output.find("http.port"), std::string::npos);
}

TEST_F(CommandLineTest, PortInUseExitsNamingThePort) {
  // Another program listens on a loopback port, so agora must report the port it cannot bind.
  Poco::Net::ServerSocket holder(Poco::Net::SocketAddress("127.0.0.1", 0), 1);
  const std::string port = std::to_string(holder.address().port());

  CommandResult admin = runAgora("--port 0 --admin-port " + port + dataArgument());
  EXPECT_EQ(admin.exit_code, 1);
  EXPECT_NE(admin.output.find("cannot listen on 127.0.0.1:" + port), std::string::npos)
      << admin.output;
  EXPECT_NE(admin.output.find("in use"), std::string::npos) << admin.output;

  CommandResult api = runAgora("--admin-port 0 --port " + port + dataArgument());
  EXPECT_EQ(api.exit_code, 1);
  EXPECT_NE(api.output.find(":" + port + ": "), std::string::npos) << api.output;
}

TEST_F(CommandLineTest, CreatedAdminCanLogIn) {
  CommandResult created =
      runAgora("user create --email root@example.test --user-role admin" + dataArgument(),
               "an admin passphrase of length\n");
  ASSERT_EQ(created.exit_code, 0) << created.output;
  EXPECT_EQ(created.output.find("an admin passphrase"), std::string::npos);

  // A later --data-dir wins, so the server uses the folder the account was created in.
  AgoraProcess agora({"--data-dir", data_dir_.string()});
  auto session = login(agora, "root@example.test", "an admin passphrase of length");
  std::string token = session->optValue<std::string>("access_token", "");
  EXPECT_EQ(agora.get("/api/users", token).status, 200);
}

TEST_F(CommandLineTest, WeakPasswordRejectedByUserCreate) {
  CommandResult created =
      runAgora("user create --email weak@example.test" + dataArgument(), "short\n");
  EXPECT_NE(created.exit_code, 0);
}

// Every served route is documented in api/openapi.json and every documented one is served.
TEST_F(CommandLineTest, RoutesMatchOpenApi) {
  CommandResult routes = runAgora("routes" + dataArgument());
  ASSERT_EQ(routes.exit_code, 0) << routes.output;

  std::set<std::string> served;
  std::istringstream lines(routes.output);
  std::string method, path, access;
  while (lines >> method >> path >> access) {
    for (auto& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    served.insert(method + " " + path);
  }
  ASSERT_FALSE(served.empty());

  std::ifstream file(std::string(AGORA_SOURCE_DIR) + "/api/openapi.json");
  auto document = Poco::JSON::Parser().parse(file).extract<Poco::JSON::Object::Ptr>();
  std::set<std::string> documented;
  auto paths = document->getObject("paths");
  for (const auto& [template_path, operations] : *paths) {
    for (const auto& [operation, body] : *operations.extract<Poco::JSON::Object::Ptr>()) {
      if (operation == "parameters") continue;
      documented.insert(operation + " " + template_path);
    }
  }
  for (const auto& route : served)
    EXPECT_TRUE(documented.count(route)) << "undocumented: " << route;
  for (const auto& route : documented) EXPECT_TRUE(served.count(route)) << "not served: " << route;
}

}  // namespace
}  // namespace agora::testing
