// Token checks for roles without the auth module: an unknown key id triggers a JWK Set refetch.
#include "platform/client/KeyRefreshingAuthenticator.h"

#include <Poco/Base64Decoder.h>
#include <Poco/Base64Encoder.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Parser.h>

#include <sstream>

namespace agora::client {
namespace {

constexpr std::size_t kMaxHeaderLength = 2048;

}  // namespace

std::string tokenKeyId(const std::string& token) {
  std::size_t dot = token.find('.');
  if (dot == std::string::npos || dot == 0 || dot > kMaxHeaderLength) return {};
  try {
    std::istringstream encoded(token.substr(0, dot));
    Poco::Base64Decoder decoder(encoded, Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING);
    std::string header((std::istreambuf_iterator<char>(decoder)), std::istreambuf_iterator<char>());
    Poco::Dynamic::Var parsed = Poco::JSON::Parser().parse(header);
    if (parsed.type() != typeid(Poco::JSON::Object::Ptr)) return {};
    auto object = parsed.extract<Poco::JSON::Object::Ptr>();
    Poco::Dynamic::Var kid = object->get("kid");
    return kid.isString() ? kid.toString() : std::string();
  } catch (const Poco::Exception&) {
    return {};
  } catch (const std::exception&) {
    return {};
  }
}

KeyRefreshingAuthenticator::KeyRefreshingAuthenticator(
    std::shared_ptr<http::Authenticator> inner, std::shared_ptr<const security::PublicKeySet> keys,
    Refresh refresh)
    : inner_(std::move(inner)), keys_(std::move(keys)), refresh_(std::move(refresh)) {}

http::AuthenticationResult KeyRefreshingAuthenticator::authenticate(const std::string& token) {
  http::AuthenticationResult result = inner_->authenticate(token);
  if (result.principal) return result;

  const std::string kid = tokenKeyId(token);
  if (kid.empty() || keys_->has(kid)) return result;
  if (!refresh_(kid)) return result;
  return inner_->authenticate(token);
}

}  // namespace agora::client
