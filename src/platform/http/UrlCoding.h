// Percent-decoding of request paths and query strings.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace agora::http {

/**
 * Decodes %XX escapes (and `+` as a space when `plus_as_space`, as in query strings).
 * nullopt on a malformed escape, on a decoded NUL or other ASCII control character, or on
 * invalid UTF-8, so handlers only ever see clean text.
 */
std::optional<std::string> percentDecode(std::string_view text, bool plus_as_space);

/**
 * Parses `a=1&b=x%20y` into decoded pairs (a name without `=` gets an empty value). nullopt
 * when any name or value fails percentDecode.
 */
std::optional<std::multimap<std::string, std::string>> parseQuery(std::string_view query);

}  // namespace agora::http
