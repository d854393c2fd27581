// The client credentials other roles use to obtain service tokens.
#pragma once

#include <map>
#include <string>

namespace agora::auth {

/**
 * Client ids and the SHA-256 digests of their secrets, parsed from a list such as
 * "orders:secret1,users:secret2". Secrets are never kept in clear text. Immutable, so
 * thread-safe.
 */
class ServiceClients {
 public:
  ServiceClients() = default;
  /**
   * Parses the comma-separated `client_id:secret` list; empty entries are skipped. Throws
   * config::ConfigError naming the entry's position (never its secret) when an entry has no
   * `:`, an empty id or secret, or repeats an id.
   */
  static ServiceClients parse(const std::string& list);

  /**
   * Whether `client_secret` is the secret of `client_id`. Compares digests in constant time and
   * does the same work for an unknown client id.
   */
  bool check(const std::string& client_id, const std::string& client_secret) const;

  bool empty() const { return secret_digests_.empty(); }
  std::size_t size() const { return secret_digests_.size(); }

 private:
  std::map<std::string, std::string> secret_digests_;
};

}  // namespace agora::auth
