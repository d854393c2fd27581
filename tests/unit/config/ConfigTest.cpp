// Tests configuration layering, file parsing, typed getters and secrets from files.
#include <gtest/gtest.h>

#include <fstream>

#include "../data/TempFolder.h"
#include "platform/config/Config.h"

namespace agora::config {
namespace {

using data::testing::TempFolder;

void writeFile(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
}

/** Holds strings for an environ-style block that the test owns. */
struct Environment {
  explicit Environment(std::vector<std::string> entries) : strings(std::move(entries)) {
    for (auto& entry : strings) pointers.push_back(entry.data());
    pointers.push_back(nullptr);
  }
  std::vector<std::string> strings;
  std::vector<char*> pointers;
};

TEST(Config, LaterLayersWin) {
  TempFolder folder;
  writeFile(folder.file("agora.properties"), "a = file\nb = file\nc = file\n");
  Environment environment({"AGORA_B=env", "AGORA_C=env"});

  Config config;
  config.setDefault("a", "default");
  config.setDefault("d", "default");
  config.loadFile(folder.file("agora.properties"));
  config.loadEnvironment(environment.pointers.data());
  config.set("c", "flag");

  EXPECT_EQ(config.getString("a"), "file");
  EXPECT_EQ(config.getString("b"), "env");
  EXPECT_EQ(config.getString("c"), "flag");
  EXPECT_EQ(config.getString("d"), "default");
}

TEST(Config, LayersIgnoreCallOrder) {
  Config config;
  config.set("http.port", "9000");
  config.setDefault("http.port", "8443");
  EXPECT_EQ(config.getString("http.port"), "9000");
}

TEST(Config, EnvironmentNamesMapToKeys) {
  Environment environment(
      {"AGORA_HTTP_PORT=1", "AGORA_SESSION_IDLE__TIMEOUT=2", "OTHER_X=3", "AGORA_=4"});
  Config config;
  config.loadEnvironment(environment.pointers.data());
  EXPECT_EQ(config.getString("http.port"), "1");
  EXPECT_EQ(config.getString("session.idle_timeout"), "2");
  EXPECT_FALSE(config.has("other.x"));
  EXPECT_EQ(config.keysWithPrefix("").size(), 2u);
}

TEST(Config, FileSkipsCommentsAndBlanks) {
  TempFolder folder;
  writeFile(folder.file("c.properties"), "# comment\n\n  key.one =  spaced value  \nurl=a=b\n");
  Config config;
  config.loadFile(folder.file("c.properties"));
  EXPECT_EQ(config.getString("key.one"), "spaced value");
  EXPECT_EQ(config.getString("url"), "a=b");
}

TEST(Config, UnreadableFileThrows) {
  Config config;
  EXPECT_THROW(config.loadFile("/nonexistent/agora.properties"), ConfigError);
}

TEST(Config, LineWithoutEqualsNamesLine) {
  TempFolder folder;
  std::string path = folder.file("bad.properties");
  writeFile(path, "a = 1\njust words\n");
  Config config;
  try {
    config.loadFile(path);
    FAIL() << "loadFile accepted a line without '='";
  } catch (const ConfigError& error) {
    std::string message = error.what();
    EXPECT_NE(message.find(path), std::string::npos) << message;
    EXPECT_NE(message.find("line 2"), std::string::npos) << message;
  }
}

TEST(Config, MissingKeyThrowsNamingKey) {
  Config config;
  try {
    config.getString("database.url");
    FAIL() << "getString returned for a missing key";
  } catch (const ConfigError& error) {
    EXPECT_NE(std::string(error.what()).find("database.url"), std::string::npos);
  }
  EXPECT_EQ(config.getString("database.url", "fallback"), "fallback");
}

TEST(Config, GetIntInRange) {
  Config config;
  config.set("http.port", "8443");
  EXPECT_EQ(config.getInt("http.port", 0, 65535), 8443);
}

TEST(Config, GetIntOutOfRangeThrows) {
  Config config;
  config.set("http.port", "70000");
  try {
    config.getInt("http.port", 0, 65535);
    FAIL() << "getInt accepted 70000";
  } catch (const ConfigError& error) {
    std::string message = error.what();
    EXPECT_NE(message.find("http.port"), std::string::npos) << message;
    EXPECT_NE(message.find("70000"), std::string::npos) << message;
  }
}

TEST(Config, GetIntRejectsNonIntegers) {
  Config config;
  for (std::string text : {"12abc", "1.5", "", "0x10", "99999999999999999999"}) {
    config.set("n", text);
    EXPECT_THROW(config.getInt("n", 0, 100), ConfigError) << text;
  }
}

TEST(Config, GetBoolWords) {
  Config config;
  config.set("a", "Yes");
  config.set("b", "off");
  config.set("c", "maybe");
  EXPECT_TRUE(config.getBool("a"));
  EXPECT_FALSE(config.getBool("b"));
  EXPECT_THROW(config.getBool("c"), ConfigError);
}

TEST(Config, SecretFromValue) {
  Config config;
  config.set("redis.password", "s3cret");
  EXPECT_EQ(config.getSecret("redis.password"), "s3cret");
}

TEST(Config, SecretFromFileIsTrimmed) {
  TempFolder folder;
  writeFile(folder.file("redis-password"), "  from-file\n");
  Config config;
  config.set("redis.password_file", folder.file("redis-password"));
  EXPECT_EQ(config.getSecret("redis.password"), "from-file");
}

TEST(Config, SecretMissingIsNullopt) {
  Config config;
  EXPECT_FALSE(config.getSecret("redis.password").has_value());
}

TEST(Config, SecretFileUnreadableThrows) {
  Config config;
  config.set("redis.password_file", "/nonexistent/secret");
  EXPECT_THROW(config.getSecret("redis.password"), ConfigError);
}

TEST(Config, KeysWithPrefixAcrossLayers) {
  Config config;
  config.setDefault("log.level.http", "info");
  config.set("log.level.auth", "debug");
  config.set("log.format", "json");
  EXPECT_EQ(config.keysWithPrefix("log.level."),
            (std::vector<std::string>{"log.level.auth", "log.level.http"}));
}

}  // namespace
}  // namespace agora::config
