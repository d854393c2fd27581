// The client credentials other roles use to obtain service tokens.
#include "modules/auth/ServiceClients.h"

#include "platform/config/Config.h"
#include "platform/security/Digest.h"

namespace agora::auth {
namespace {

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

}  // namespace

ServiceClients ServiceClients::parse(const std::string& list) {
  ServiceClients clients;
  std::size_t position = 0;
  std::size_t start = 0;
  while (start <= list.size()) {
    auto end = list.find(',', start);
    if (end == std::string::npos) end = list.size();
    const std::string entry = trim(list.substr(start, end - start));
    start = end + 1;
    position += 1;
    if (entry.empty()) continue;

    const auto colon = entry.find(':');
    const std::string where =
        "invalid `auth.service_clients` entry " + std::to_string(position) + ": ";
    if (colon == std::string::npos) {
      throw config::ConfigError(where + "expected client_id:secret");
    }
    const std::string client_id = trim(entry.substr(0, colon));
    const std::string secret = trim(entry.substr(colon + 1));
    if (client_id.empty() || secret.empty()) {
      throw config::ConfigError(where + "client id and secret must both be non-empty");
    }
    if (!clients.secret_digests_.emplace(client_id, security::sha256(secret)).second) {
      throw config::ConfigError(where + "client id `" + client_id + "` is listed twice");
    }
  }
  return clients;
}

bool ServiceClients::check(const std::string& client_id, const std::string& client_secret) const {
  const std::string presented = security::sha256(client_secret);
  auto found = secret_digests_.find(client_id);
  // An unknown id is still compared, against a digest nothing hashes to, so timing is the same.
  static const std::string kNoMatch(32, '\0');
  const std::string& expected = found == secret_digests_.end() ? kNoMatch : found->second;
  const bool equal = security::constantTimeEquals(presented, expected);
  return equal && found != secret_digests_.end();
}

}  // namespace agora::auth
