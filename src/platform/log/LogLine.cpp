// Shared parts of JSON log lines, for the operational log and the audit stream: the timestamp
// and the ids of the request being served.
#include "platform/log/LogLine.h"

#include <Poco/JSON/Stringifier.h>

#include <chrono>
#include <ctime>
#include <sstream>

#include "platform/http/RequestContext.h"
#include "platform/security/UnicodeText.h"

namespace agora::log {

void appendMember(std::ostream& line, const char* name, const std::string& value) {
  line << ",\"" << name << "\":";
  Poco::JSON::Stringifier::formatString(value, line);
}

std::string timestampNow() {
  auto now = std::chrono::system_clock::now();
  auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  std::time_t seconds = static_cast<std::time_t>(millis / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[40];
  std::size_t length = std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%S", &utc);
  std::snprintf(text + length, sizeof(text) - length, ".%03dZ", static_cast<int>(millis % 1000));
  return text;
}

void appendRequestIds(std::ostream& line, const Poco::JSON::Object& fields) {
  const http::RequestContext* context = http::currentRequestContext();
  if (context == nullptr) return;
  if (!fields.has("request_id")) appendMember(line, "request_id", context->request_id);
  if (!fields.has("trace_id")) appendMember(line, "trace_id", context->trace_id);
  if (!fields.has("span_id")) appendMember(line, "span_id", context->span_id);
}

void closeLine(std::ostream& line, const Poco::JSON::Object& fields) {
  if (fields.size() > 0) {
    // The fields object renders as {...}; its members continue this line's object.
    std::ostringstream members;
    fields.stringify(members);
    std::string text = members.str();
    line << ',' << std::string_view(text).substr(1);
  } else {
    line << '}';
  }
  line << '\n';
}

std::string printable(const std::string& text, std::size_t limit) {
  const bool utf8 = security::isValidUtf8(text);
  std::string clean;
  clean.reserve(std::min(text.size(), limit));
  for (unsigned char byte : text) {
    if (byte < 0x20 || byte == 0x7f) {
      clean += ' ';
    } else if (byte >= 0x80 && !utf8) {
      clean += '?';
    } else {
      clean += static_cast<char>(byte);
    }
  }
  if (clean.size() <= limit) return clean;
  std::size_t cut = limit;
  while (cut > 0 && (static_cast<unsigned char>(clean[cut]) & 0xC0) == 0x80) --cut;
  return clean.substr(0, cut);
}

}  // namespace agora::log
