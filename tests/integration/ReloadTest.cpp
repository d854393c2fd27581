// Sends SIGHUP to a running agora whose configuration file changed: requests keep succeeding,
// and new log levels and login limits take effect.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "AgoraProcess.h"
#include "platform/security/Random.h"

namespace agora::testing {
namespace {

using std::chrono::milliseconds;

/** A configuration file in a folder of its own, removed with the test. */
class ConfigFile {
 public:
  ConfigFile()
      : folder_(std::filesystem::temp_directory_path() /
                ("agora-reload-" + security::randomToken(9))) {
    std::filesystem::create_directories(folder_);
  }
  ~ConfigFile() {
    std::error_code ignored;
    std::filesystem::remove_all(folder_, ignored);
  }
  void write(const std::string& text) const {
    // Written beside and renamed, so a reload never reads half a file.
    std::ofstream(folder_ / "next.properties") << text;
    std::filesystem::rename(folder_ / "next.properties", path());
  }
  std::string path() const { return (folder_ / "agora.properties").string(); }

 private:
  std::filesystem::path folder_;
};

/** Counts the log lines of `agora` that contain `text`. */
std::size_t countLines(const AgoraProcess& agora, const std::string& text) {
  std::size_t count = 0;
  for (const auto& line : agora.logLines()) {
    if (line.find(text) != std::string::npos) ++count;
  }
  return count;
}

/** Waits up to 10 s until `agora` wrote `count` lines containing `text`. */
bool waitForLines(const AgoraProcess& agora, const std::string& text, std::size_t count) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    if (countLines(agora, text) >= count) return true;
    std::this_thread::sleep_for(milliseconds(100));
  }
  return false;
}

/** GETs the product list with `request_id` and returns the status (0 when the call failed). */
int getProducts(const AgoraProcess& agora, const std::string& request_id) {
  HttpCall call;
  call.path = "/api/catalog/products?limit=2";
  call.headers["X-Request-Id"] = request_id;
  try {
    return agora.call(call).status;
  } catch (const std::exception&) {
    return 0;
  }
}

int loginStatus(const AgoraProcess& agora, const std::string& email) {
  return agora
      .post("/api/auth/login",
            R"({"email":")" + email + R"(","password":"not the password at all"})")
      .status;
}

// Test that SIGHUP under load fails no request and applies new log levels and login limits.
TEST(Reload, SighupUnderLoadAppliesNewSettings) {
  ConfigFile config;
  config.write("log.level = info\nauth.login.max_failures = 5\n");
  AgoraProcess agora({"--config", config.path()});

  std::atomic<bool> running{true};
  std::atomic<int> succeeded{0};
  std::atomic<int> failed{0};
  std::vector<std::thread> clients;
  for (int client = 0; client < 3; ++client) {
    clients.emplace_back([&, client] {
      for (int call = 0; running; ++call) {
        const std::string id = "load-" + std::to_string(client) + "-" + std::to_string(call);
        (getProducts(agora, id) == 200 ? succeeded : failed)++;
      }
    });
  }
  std::this_thread::sleep_for(milliseconds(300));
  ASSERT_EQ(getProducts(agora, "before-reload"), 200);
  ASSERT_TRUE(waitForLines(agora, "\"request_id\":\"before-reload\"", 1));

  config.write("log.level = info\nlog.level.http = warn\nauth.login.max_failures = 2\n");
  for (int signal_count = 1; signal_count <= 5; ++signal_count) {
    agora.sendSignal(SIGHUP);
    ASSERT_TRUE(waitForLines(agora, "\"event\":\"configuration_reloaded\"",
                             static_cast<std::size_t>(signal_count)));
    std::this_thread::sleep_for(milliseconds(100));
  }
  running = false;
  for (auto& client : clients) client.join();

  EXPECT_EQ(failed.load(), 0);
  EXPECT_GT(succeeded.load(), 10);
  ASSERT_EQ(getProducts(agora, "after-reload"), 200);
  std::this_thread::sleep_for(milliseconds(300));
  EXPECT_EQ(countLines(agora, "\"request_id\":\"after-reload\""), 0u);

  const std::string email = "reload-" + security::randomToken(6) + "@example.test";
  EXPECT_EQ(loginStatus(agora, email), 401);
  EXPECT_EQ(loginStatus(agora, email), 401);
  EXPECT_EQ(loginStatus(agora, email), 429);
}

// Test that an invalid file on SIGHUP is refused whole and the process keeps its settings.
TEST(Reload, InvalidFileChangesNothing) {
  ConfigFile config;
  config.write("log.level = info\n");
  AgoraProcess agora({"--config", config.path()});

  config.write("log.level.http = warn\nlog.level = loud\n");
  agora.sendSignal(SIGHUP);
  ASSERT_TRUE(waitForLines(agora, "\"event\":\"configuration_reload_failed\"", 1));

  EXPECT_EQ(countLines(agora, "invalid log.level 'loud'"), 1u);
  ASSERT_EQ(getProducts(agora, "after-bad-reload"), 200);
  EXPECT_TRUE(waitForLines(agora, "\"request_id\":\"after-bad-reload\"", 1));
}

}  // namespace
}  // namespace agora::testing
