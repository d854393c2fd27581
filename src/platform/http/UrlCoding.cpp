// Percent-decoding of request paths and query strings.
#include "platform/http/UrlCoding.h"

#include "platform/security/UnicodeText.h"

namespace agora::http {
namespace {

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<std::string> percentDecode(std::string_view text, bool plus_as_space) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return std::nullopt;
      int high = hexValue(text[i + 1]);
      int low = hexValue(text[i + 2]);
      if (high < 0 || low < 0) return std::nullopt;
      out += static_cast<char>(high * 16 + low);
      i += 2;
    } else if (c == '+' && plus_as_space) {
      out += ' ';
    } else {
      out += c;
    }
  }

  for (char c : out) {
    auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F) return std::nullopt;
  }
  if (!security::isValidUtf8(out)) return std::nullopt;
  return out;
}

std::optional<std::multimap<std::string, std::string>> parseQuery(std::string_view query) {
  std::multimap<std::string, std::string> pairs;
  std::size_t position = 0;
  while (position < query.size()) {
    std::size_t end = query.find('&', position);
    if (end == std::string_view::npos) end = query.size();
    std::string_view pair = query.substr(position, end - position);
    position = end + 1;
    if (pair.empty()) continue;

    std::size_t equals = pair.find('=');
    auto name = percentDecode(pair.substr(0, equals), true);
    auto value = equals == std::string_view::npos ? std::optional<std::string>(std::string())
                                                  : percentDecode(pair.substr(equals + 1), true);
    if (!name || !value) return std::nullopt;
    pairs.emplace(std::move(*name), std::move(*value));
  }
  return pairs;
}

}  // namespace agora::http
