// W3C Trace Context: parsing and writing the `traceparent` header that links calls to a trace.
#include "platform/http/TraceParent.h"

#include "platform/security/Random.h"

namespace agora::http {
namespace {

constexpr std::size_t kVersion00Length = 55;
constexpr std::size_t kTraceIdDigits = 32;
constexpr std::size_t kSpanIdDigits = 16;

bool isLowerHex(std::string_view text) {
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return !text.empty();
}

bool isAllZero(std::string_view text) {
  return text.find_first_not_of('0') == std::string::npos;
}

int hexValue(char c) {
  return c <= '9' ? c - '0' : c - 'a' + 10;
}

std::string randomHex(std::size_t digits) {
  static constexpr char kDigits[] = "0123456789abcdef";
  while (true) {
    std::string bytes = security::randomBytes(digits / 2);
    std::string hex;
    hex.reserve(digits);
    for (unsigned char byte : bytes) {
      hex += kDigits[byte >> 4];
      hex += kDigits[byte & 0x0f];
    }
    if (!isAllZero(hex)) return hex;
  }
}

}  // namespace

std::optional<TraceParent> parseTraceParent(std::string_view header) {
  if (header.size() < kVersion00Length) return std::nullopt;
  std::string_view version = header.substr(0, 2);
  if (!isLowerHex(version) || version == "ff") return std::nullopt;
  // Version 00 has exactly four fields; a later version may append more after a dash.
  if (version == "00" && header.size() != kVersion00Length) return std::nullopt;
  if (header.size() > kVersion00Length && header[kVersion00Length] != '-') return std::nullopt;
  if (header[2] != '-' || header[35] != '-' || header[52] != '-') return std::nullopt;

  std::string_view trace_id = header.substr(3, kTraceIdDigits);
  std::string_view parent_id = header.substr(36, kSpanIdDigits);
  std::string_view flags = header.substr(53, 2);
  if (!isLowerHex(trace_id) || !isLowerHex(parent_id) || !isLowerHex(flags)) return std::nullopt;
  if (isAllZero(trace_id) || isAllZero(parent_id)) return std::nullopt;

  TraceParent parsed;
  parsed.trace_id = std::string(trace_id);
  parsed.parent_id = std::string(parent_id);
  parsed.flags = static_cast<uint8_t>(hexValue(flags[0]) * 16 + hexValue(flags[1]));
  return parsed;
}

std::string newTraceId() {
  return randomHex(kTraceIdDigits);
}

std::string newSpanId() {
  return randomHex(kSpanIdDigits);
}

std::string formatTraceParent(const std::string& trace_id, const std::string& span_id,
                              uint8_t flags) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string header = "00-" + trace_id + "-" + span_id + "-";
  header += kDigits[flags >> 4];
  header += kDigits[flags & 0x0f];
  return header;
}

}  // namespace agora::http
