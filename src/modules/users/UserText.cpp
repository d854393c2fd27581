// The text rules of an account: email addresses (entered form and matching key) and display names.
#include "modules/users/UserText.h"

#include <utf8proc.h>

#include <algorithm>
#include <functional>

#include "platform/security/UnicodeText.h"

namespace agora::users {
namespace {

bool isAsciiWhitespace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

/** Returns whether some code point of `valid_utf8` satisfies `predicate`. */
bool anyCodePoint(std::string_view valid_utf8,
                  const std::function<bool(utf8proc_int32_t)>& predicate) {
  auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(valid_utf8.data());
  std::size_t offset = 0;
  while (offset < valid_utf8.size()) {
    utf8proc_int32_t code_point = 0;
    utf8proc_ssize_t consumed = utf8proc_iterate(
        bytes + offset, static_cast<utf8proc_ssize_t>(valid_utf8.size() - offset), &code_point);
    if (consumed <= 0) return true;
    if (predicate(code_point)) return true;
    offset += static_cast<std::size_t>(consumed);
  }
  return false;
}

bool isCategory(utf8proc_int32_t code_point, std::initializer_list<utf8proc_category_t> among) {
  utf8proc_category_t category = utf8proc_category(code_point);
  return std::find(among.begin(), among.end(), category) != among.end();
}

/** Characters that reorder the text around them: embeddings, overrides and isolates. */
bool isDirectionControl(utf8proc_int32_t code_point) {
  return (code_point >= 0x202A && code_point <= 0x202E) ||
         (code_point >= 0x2066 && code_point <= 0x2069);
}

}  // namespace

std::string_view trimAsciiWhitespace(std::string_view text) {
  while (!text.empty() && isAsciiWhitespace(text.front())) text.remove_prefix(1);
  while (!text.empty() && isAsciiWhitespace(text.back())) text.remove_suffix(1);
  return text;
}

std::optional<EmailAddress> readEmailAddress(std::string_view submitted, std::string& error) {
  std::string_view trimmed = trimAsciiWhitespace(submitted);
  if (!security::isValidUtf8(trimmed)) {
    error = "must be valid UTF-8";
    return std::nullopt;
  }

  std::size_t length = security::codePointCount(trimmed);
  if (length < kEmailMinCodePoints || length > kEmailMaxCodePoints) {
    error = "must be 3-254 characters, got " + std::to_string(length);
    return std::nullopt;
  }

  std::size_t at = trimmed.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == trimmed.size() ||
      trimmed.find('@', at + 1) != std::string_view::npos) {
    error = "must hold exactly one '@' with text on both sides, e.g. name@example.com";
    return std::nullopt;
  }

  // Invisible characters would let two addresses look identical on screen.
  bool forbidden = anyCodePoint(trimmed, [](utf8proc_int32_t code_point) {
    return isCategory(code_point, {UTF8PROC_CATEGORY_CC, UTF8PROC_CATEGORY_CF, UTF8PROC_CATEGORY_ZS,
                                   UTF8PROC_CATEGORY_ZL, UTF8PROC_CATEGORY_ZP});
  });
  if (forbidden) {
    error = "must not contain spaces, control or invisible characters";
    return std::nullopt;
  }

  std::optional<std::string> key = security::caseFoldNfc(trimmed);
  if (!key) {
    error = "must be valid UTF-8";
    return std::nullopt;
  }
  return EmailAddress{std::string(trimmed), std::move(*key)};
}

std::optional<std::string> emailKey(std::string_view submitted) {
  return security::caseFoldNfc(trimAsciiWhitespace(submitted));
}

std::optional<std::string> readDisplayName(std::string_view submitted, std::string& error) {
  std::optional<std::string> name = security::normalizeNfc(trimAsciiWhitespace(submitted));
  if (!name) {
    error = "must be valid UTF-8";
    return std::nullopt;
  }

  std::size_t length = security::codePointCount(*name);
  if (length < 1 || length > kDisplayNameMaxCodePoints) {
    error = "must be 1-100 characters after trimming, got " + std::to_string(length);
    return std::nullopt;
  }

  bool forbidden = anyCodePoint(*name, [](utf8proc_int32_t code_point) {
    return isCategory(code_point,
                      {UTF8PROC_CATEGORY_CC, UTF8PROC_CATEGORY_ZL, UTF8PROC_CATEGORY_ZP}) ||
           isDirectionControl(code_point);
  });
  if (forbidden) {
    error = "must not contain control, line-break or text-direction characters";
    return std::nullopt;
  }
  return name;
}

}  // namespace agora::users
