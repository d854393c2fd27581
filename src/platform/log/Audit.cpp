// The audit stream: security events as JSON lines marked "stream":"audit".
#include "platform/log/Audit.h"

#include <Poco/JSON/Stringifier.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <sstream>
#include <stdexcept>

#include "platform/http/RequestContext.h"
#include "platform/log/LogLine.h"
#include "platform/security/Digest.h"
#include "platform/security/UnicodeText.h"

namespace agora::log {
namespace {

constexpr std::size_t kMaxUserAgentBytes = 256;

struct AuditOutput {
  std::mutex mutex;
  std::FILE* file = nullptr;      // the configured audit file; nullptr means stdout
  std::FILE* override = nullptr;  // set by tests
};

AuditOutput& auditOutput() {
  static AuditOutput instance;
  return instance;
}

}  // namespace

void setAuditFile(const std::string& path) {
  std::FILE* opened = nullptr;
  if (!path.empty()) {
    int descriptor = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    if (descriptor < 0) {
      throw std::runtime_error("cannot open log.audit_file " + path + ": " + std::strerror(errno) +
                               "; create its folder or fix its rights");
    }
    opened = ::fdopen(descriptor, "a");
    if (opened == nullptr) {
      ::close(descriptor);
      throw std::runtime_error("cannot open log.audit_file " + path + ": " + std::strerror(errno));
    }
  }

  AuditOutput& output = auditOutput();
  std::lock_guard lock(output.mutex);
  if (output.file != nullptr) std::fclose(output.file);
  output.file = opened;
}

void setAuditOutput(std::FILE* stream) {
  AuditOutput& output = auditOutput();
  std::lock_guard lock(output.mutex);
  output.override = stream;
}

void audit(const std::string& module, const std::string& event, const Poco::JSON::Object& fields) {
  std::ostringstream line;
  line << "{\"ts\":\"" << timestampNow() << "\",\"stream\":\"audit\",\"module\":";
  Poco::JSON::Stringifier::formatString(module, line);
  line << ",\"event\":";
  Poco::JSON::Stringifier::formatString(event, line);
  appendRequestIds(line, fields);
  if (const http::RequestContext* context = http::currentRequestContext()) {
    if (!fields.has("client_ip")) appendMember(line, "client_ip", context->client_ip);
    if (!fields.has("user_agent")) {
      appendMember(line, "user_agent", printable(context->user_agent, kMaxUserAgentBytes));
    }
  }
  closeLine(line, fields);

  const std::string text = line.str();
  AuditOutput& output = auditOutput();
  std::lock_guard lock(output.mutex);
  std::FILE* stream = stdout;
  if (output.override != nullptr) {
    stream = output.override;
  } else if (output.file != nullptr) {
    stream = output.file;
  }
  std::fwrite(text.data(), 1, text.size(), stream);
  std::fflush(stream);
}

std::string emailDigest(const std::string& email) {
  std::string trimmed;
  const auto first = email.find_first_not_of(" \t\r\n");
  if (first != std::string::npos) {
    trimmed = email.substr(first, email.find_last_not_of(" \t\r\n") - first + 1);
  }
  return security::sha256Hex(security::caseFoldNfc(trimmed).value_or(trimmed));
}

}  // namespace agora::log
