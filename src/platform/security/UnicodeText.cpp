// Unicode normalization, case folding and UTF-8 checks (utf8proc) for passwords and email keys.
#include "platform/security/UnicodeText.h"

#include <utf8proc.h>

#include <cstdlib>
#include <memory>

namespace agora::security {
namespace {

/** Runs utf8proc_map with `options`, returning nullopt when utf8proc reports an error. */
std::optional<std::string> mapWithUtf8proc(std::string_view utf8, int options) {
  if (utf8.empty()) return std::string();
  utf8proc_uint8_t* mapped = nullptr;
  utf8proc_ssize_t length = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(utf8.data()),
                                         static_cast<utf8proc_ssize_t>(utf8.size()), &mapped,
                                         static_cast<utf8proc_option_t>(options));
  // On success utf8proc returns a buffer allocated with malloc.
  std::unique_ptr<utf8proc_uint8_t, decltype(&std::free)> owner(mapped, &std::free);
  if (length < 0 || mapped == nullptr) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(mapped), static_cast<std::size_t>(length));
}

}  // namespace

bool isValidUtf8(std::string_view text) {
  auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  std::size_t offset = 0;
  while (offset < text.size()) {
    utf8proc_int32_t code_point = 0;
    utf8proc_ssize_t consumed = utf8proc_iterate(
        bytes + offset, static_cast<utf8proc_ssize_t>(text.size() - offset), &code_point);
    if (consumed <= 0 || code_point < 0) return false;
    offset += static_cast<std::size_t>(consumed);
  }
  return true;
}

std::optional<std::string> normalizeNfc(std::string_view utf8) {
  return mapWithUtf8proc(utf8, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
}

std::optional<std::string> caseFoldNfc(std::string_view utf8) {
  return mapWithUtf8proc(utf8, UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD);
}

std::size_t codePointCount(std::string_view valid_utf8) {
  std::size_t count = 0;
  for (char c : valid_utf8) {
    // Every code point has exactly one byte that is not a continuation byte (10xxxxxx).
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  }
  return count;
}

}  // namespace agora::security
