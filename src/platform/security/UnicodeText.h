// Unicode normalization, case folding and UTF-8 checks (utf8proc) for passwords and email keys.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace agora::security {

/**
 * Returns whether `text` is well-formed UTF-8: no overlong forms, no surrogates and no code
 * points above U+10FFFF.
 */
bool isValidUtf8(std::string_view text);

/** Returns `utf8` in Unicode Normalization Form C, or nullopt when it is not valid UTF-8. */
std::optional<std::string> normalizeNfc(std::string_view utf8);

/**
 * Returns `utf8` case-folded and composed to NFC, the key on which email addresses compare
 * case-insensitively ("ÉMAIL@X" and "émail@x" give the same key). Returns nullopt when it is
 * not valid UTF-8.
 */
std::optional<std::string> caseFoldNfc(std::string_view utf8);

/**
 * Counts the code points in `valid_utf8`, which the caller has already checked with
 * isValidUtf8 or produced by normalizeNfc. On invalid input the count is meaningless.
 */
std::size_t codePointCount(std::string_view valid_utf8);

}  // namespace agora::security
