// The request id every response and log line carries.
#include "platform/http/RequestId.h"

#include "platform/security/Random.h"

namespace agora::http {

bool isSaneRequestId(const std::string& id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    bool allowed = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                   c == '.' || c == '_' || c == '-';
    if (!allowed) return false;
  }
  return true;
}

std::string acceptOrGenerateRequestId(const std::optional<std::string>& incoming) {
  if (incoming && isSaneRequestId(*incoming)) return *incoming;
  return security::newUuid();
}

}  // namespace agora::http
