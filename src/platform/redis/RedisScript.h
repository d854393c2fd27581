// A Lua script for Redis, run by its SHA-1 digest once the server has it cached.
#pragma once

#include <string>

namespace agora::redis {

/**
 * The source of a Lua script and its SHA-1 digest in hex, as EVALSHA names it. Immutable, so
 * one instance can be shared by every thread.
 */
class RedisScript {
 public:
  explicit RedisScript(std::string source);

  const std::string& source() const { return source_; }
  const std::string& sha1() const { return sha1_; }

 private:
  std::string source_;
  std::string sha1_;
};

}  // namespace agora::redis
