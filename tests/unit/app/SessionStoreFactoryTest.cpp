// Choosing the session store and login throttle by configuration, and their settings.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "app/SessionStoreFactory.h"
#include "modules/auth/MemoryLoginThrottle.h"
#include "platform/sessions/MemorySessionStore.h"

namespace agora::app {
namespace {

config::Config withDefaults() {
  config::Config config;
  config.setDefault("session.store", "memory");
  config.setDefault("session.encryption_key_id", "k1");
  config.setDefault("session.idle_timeout", "1800");
  config.setDefault("session.absolute_lifetime", "604800");
  config.setDefault("redis.host", "127.0.0.1");
  config.setDefault("redis.port", "6379");
  config.setDefault("redis.database", "0");
  config.setDefault("redis.key_prefix", "agora:");
  config.setDefault("redis.pool_size", "16");
  config.setDefault("redis.connect_timeout_milliseconds", "1000");
  config.setDefault("redis.read_timeout_milliseconds", "1000");
  return config;
}

std::string configErrorOf(const config::Config& config) {
  try {
    makeSessionStore(config, systemClock());
  } catch (const config::ConfigError& error) {
    return error.what();
  }
  return "";
}

TEST(SessionStoreFactory, MemoryByDefault) {
  const config::Config config = withDefaults();

  EXPECT_NE(std::dynamic_pointer_cast<sessions::MemorySessionStore>(
                makeSessionStore(config, systemClock())),
            nullptr);
  EXPECT_NE(std::dynamic_pointer_cast<auth::MemoryLoginThrottle>(
                makeLoginThrottle(config, systemClock())),
            nullptr);
}

TEST(SessionStoreFactory, UnknownStoreNamesChoices) {
  config::Config config = withDefaults();
  config.set("session.store", "memcached");

  EXPECT_NE(configErrorOf(config).find("use memory or redis"), std::string::npos);
}

TEST(SessionStoreFactory, RedisRequiresSessionKeys) {
  config::Config config = withDefaults();
  config.set("session.store", "redis");

  const std::string error = configErrorOf(config);

  EXPECT_NE(error.find("session.keys"), std::string::npos);
  EXPECT_NE(error.find("id:base64-of-32-bytes[,id:...]"), std::string::npos);
}

TEST(SessionStoreFactory, InvalidKeysNameTheSetting) {
  config::Config config = withDefaults();
  config.set("session.store", "redis");
  config.set("session.keys", "k1:c2hvcnQ=");

  const std::string error = configErrorOf(config);

  EXPECT_NE(error.find("invalid session.keys"), std::string::npos);
  EXPECT_EQ(error.find("c2hvcnQ"), std::string::npos);
}

TEST(SessionStoreFactory, RedisSettingsFromConfig) {
  const std::filesystem::path secret =
      std::filesystem::temp_directory_path() / ("agora-redis-password-" + std::to_string(getpid()));
  std::ofstream(secret) << "s3cret-from-file\n";
  config::Config config = withDefaults();
  config.set("redis.host", "redis.internal");
  config.set("redis.port", "6380");
  config.set("redis.database", "2");
  config.set("redis.password_file", secret.string());
  config.set("redis.read_timeout_milliseconds", "250");

  const redis::RedisSettings settings = redisSettings(config);
  std::filesystem::remove(secret);

  EXPECT_EQ(settings.address(), "redis.internal:6380");
  EXPECT_EQ(settings.database, 2);
  EXPECT_EQ(settings.password, "s3cret-from-file");
  EXPECT_EQ(settings.read_timeout_milliseconds, 250);
  EXPECT_EQ(settings.pool_size, 16);
}

TEST(SessionStoreFactory, InvalidRedisPortIsConfigError) {
  config::Config config = withDefaults();
  config.set("redis.port", "70000");

  EXPECT_THROW(redisSettings(config), config::ConfigError);
}

}  // namespace
}  // namespace agora::app
