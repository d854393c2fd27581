// The common-password list compiled into the binary, so no data file has to ship with it.
#pragma once

#include <span>
#include <string_view>

namespace agora::users {

/**
 * Returns frequent passwords of public breach corpora and their usual variants. The list keeps
 * only entries of at least 12 characters, because the length rule rejects shorter ones anyway.
 */
std::span<const std::string_view> builtInCommonPasswords();

}  // namespace agora::users
