// Fuzzes pagination: `?limit=` and `?cursor=` reading and cursor decoding. Only 400 problems
// reject, accepted pages are in range, and cursors round trip through encodeCursor.
#include <cstdint>
#include <string>
#include <vector>

#include "FuzzCheck.h"
#include "platform/http/Pagination.h"
#include "platform/http/Problem.h"
#include "platform/http/Request.h"
#include "platform/security/UnicodeText.h"

namespace agora::fuzz {
namespace {

/** Returns 1, 2 or 3: listings use two keys (created_at and id), and 1 and 3 test the check. */
std::size_t keyCountOf(uint8_t byte) {
  return 1 + byte % 3;
}

void checkDecoded(const std::string& cursor, std::size_t key_count) {
  const auto keys = http::decodeCursor(cursor, key_count);
  if (!keys) return;
  require(keys->size() == key_count, "a decoded cursor must have the asked key count", cursor);

  const std::string encoded = http::encodeCursor(*keys);
  const auto again = http::decodeCursor(encoded, key_count);
  require(again.has_value(), "a re-encoded cursor must decode", encoded);
  require(*again == *keys, "a cursor must round trip through encodeCursor", encoded);
}

/** Keys the server puts in a cursor (valid UTF-8) come back unchanged. */
void checkEncoded(const std::string& text) {
  std::vector<std::string> keys;
  std::size_t start = 0;
  for (std::size_t end = text.find('\n'); keys.size() < 4; end = text.find('\n', start)) {
    keys.push_back(text.substr(start, end == std::string::npos ? end : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  for (const auto& key : keys) {
    if (!security::isValidUtf8(key)) return;
  }
  const std::string cursor = http::encodeCursor(keys);
  if (cursor.size() > 2048) return;  // longer than any cursor this server makes
  const auto decoded = http::decodeCursor(cursor, keys.size());
  require(decoded.has_value(), "an encoded cursor must decode", cursor);
  require(*decoded == keys, "encoded keys must come back unchanged", cursor);
}

void checkPageRequest(const std::string& limit, const std::string& cursor, std::size_t key_count) {
  http::Request request;
  request.query.emplace("limit", limit);
  request.query.emplace("cursor", cursor);
  http::PageRequest page;
  try {
    page = http::readPageRequest(request, key_count);
  } catch (const http::Problem& problem) {
    require(problem.status() == 400, "a bad page request must be a 400 problem");
    require(!problem.errors().empty(), "a bad page request must name the field");
    return;
  }
  require(page.limit >= 1 && page.limit <= 100, "an accepted limit must be 1-100", limit);
  require(page.after.empty() || page.after.size() == key_count,
          "an accepted cursor must have the asked key count", cursor);
}

}  // namespace
}  // namespace agora::fuzz

// Input: one byte picking the key count, then `limit`, a newline and the cursor.
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using namespace agora;
  if (size == 0) return 0;
  const std::size_t key_count = fuzz::keyCountOf(data[0]);
  const std::string rest = fuzz::textOf(data + 1, size - 1);
  const std::size_t newline = rest.find('\n');
  const std::string limit = newline == std::string::npos ? rest : rest.substr(0, newline);
  const std::string cursor = newline == std::string::npos ? "" : rest.substr(newline + 1);

  fuzz::checkDecoded(cursor, key_count);
  fuzz::checkDecoded(rest, key_count);
  fuzz::checkEncoded(rest);
  fuzz::checkPageRequest(limit, cursor, key_count);
  return 0;
}
