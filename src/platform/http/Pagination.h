// Cursor pagination: `limit` checking and opaque cursors that encode the last key seen.
#pragma once

#include "platform/http/Request.h"

#include <optional>
#include <string>
#include <vector>

namespace agora::http {

/** The page a client asked for: how many items and after which position. */
struct PageRequest {
  int limit = 20;
  /** The decoded keys of the last item of the previous page; empty on the first page. */
  std::vector<std::string> after;
};

/** Reads `?limit=` (1–100, default 20) and `?cursor=`; throws Problem 400 on bad values. */
PageRequest readPageRequest(const Request& request, std::size_t cursor_key_count);

/** Encodes the sort keys of a page's last item as an opaque base64url cursor. */
std::string encodeCursor(const std::vector<std::string>& keys);
/** Decodes a cursor; nullopt when it is not one this server made with that many keys. */
std::optional<std::vector<std::string>> decodeCursor(const std::string& cursor,
                                                     std::size_t key_count);

}  // namespace agora::http
