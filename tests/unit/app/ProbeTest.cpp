// Tests the `probe` and `sleep` commands: their parsing and the probe's exit status against a
// real admin port.
#include <gtest/gtest.h>

#include <atomic>
#include <sstream>

#include "app/CommandLine.h"
#include "app/Probe.h"
#include "platform/http/HttpServer.h"

namespace agora::app {
namespace {

TEST(ProbeCommandTest, ParsesProbeUrl) {
  CommandLine line = parseCommandLine({"probe", "http://127.0.0.1:9090/readyz"});
  EXPECT_EQ(line.command, Command::kProbe);
  EXPECT_EQ(line.probe_url, "http://127.0.0.1:9090/readyz");
}

TEST(ProbeCommandTest, ProbeNeedsHttpUrl) {
  EXPECT_THROW(parseCommandLine({"probe", "https://127.0.0.1/readyz"}), UsageError);
  EXPECT_THROW(parseCommandLine({"probe"}), UsageError);
}

TEST(ProbeCommandTest, ParsesSleepSeconds) {
  CommandLine line = parseCommandLine({"sleep", "5"});
  EXPECT_EQ(line.command, Command::kSleep);
  EXPECT_EQ(line.sleep_seconds, 5);
}

TEST(ProbeCommandTest, SleepRejectsBadSeconds) {
  EXPECT_THROW(parseCommandLine({"sleep", "-1"}), UsageError);
  EXPECT_THROW(parseCommandLine({"sleep", "3601"}), UsageError);
  EXPECT_THROW(parseCommandLine({"sleep", "soon"}), UsageError);
}

class ProbeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    admin_ = std::make_unique<http::AdminServer>(
        "127.0.0.1", 0, [this] { return std::string(ready_ ? "" : "database: down"); },
        std::make_shared<metrics::Registry>());
    admin_->start();
  }
  void TearDown() override { admin_->stop(); }

  int probeReadyz(std::string& output) {
    std::ostringstream out;
    int status = probe("http://127.0.0.1:" + std::to_string(admin_->port()) + "/readyz",
                       std::chrono::seconds(3), out);
    output = out.str();
    return status;
  }

  std::atomic<bool> ready_{true};
  std::unique_ptr<http::AdminServer> admin_;
};

TEST_F(ProbeTest, ReadyIsZero) {
  std::string output;
  EXPECT_EQ(probeReadyz(output), 0);
  EXPECT_NE(output.find("200"), std::string::npos);
}

TEST_F(ProbeTest, NotReadyIsOne) {
  ready_ = false;
  std::string output;
  EXPECT_EQ(probeReadyz(output), 1);
  EXPECT_NE(output.find("503"), std::string::npos);
}

TEST_F(ProbeTest, RefusedConnectionIsOne) {
  const int port = admin_->port();
  admin_->stop();
  std::ostringstream out;
  EXPECT_EQ(
      probe("http://127.0.0.1:" + std::to_string(port) + "/readyz", std::chrono::seconds(3), out),
      1);
  EXPECT_NE(out.str().find("failed"), std::string::npos);
}

}  // namespace
}  // namespace agora::app
