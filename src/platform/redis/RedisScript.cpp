// Computes the digest EVALSHA and SCRIPT LOAD use for a script.
#include "platform/redis/RedisScript.h"

#include <Poco/DigestEngine.h>
#include <Poco/SHA1Engine.h>

namespace agora::redis {

RedisScript::RedisScript(std::string source) : source_(std::move(source)) {
  Poco::SHA1Engine engine;
  engine.update(source_);
  sha1_ = Poco::DigestEngine::digestToHex(engine.digest());
}

}  // namespace agora::redis
