// Tests `limit` checking and cursor encoding.
#include <gtest/gtest.h>

#include "platform/http/Pagination.h"
#include "platform/http/Problem.h"
#include "platform/security/Digest.h"

namespace agora::http {
namespace {

Request withQuery(std::initializer_list<std::pair<const std::string, std::string>> query) {
  Request request;
  request.query = std::multimap<std::string, std::string>(query);
  return request;
}

/** Returns the field names of the validation problem that readPageRequest throws. */
std::vector<std::string> rejectedFields(const Request& request) {
  try {
    readPageRequest(request, 2);
  } catch (const Problem& problem) {
    std::vector<std::string> fields;
    for (const auto& error : problem.errors()) fields.push_back(error.field);
    return fields;
  }
  return {};
}

TEST(Pagination, DefaultLimitIsTwenty) {
  auto page = readPageRequest(withQuery({}), 2);
  EXPECT_EQ(page.limit, 20);
  EXPECT_TRUE(page.after.empty());
}

TEST(Pagination, LimitBoundsAccepted) {
  EXPECT_EQ(readPageRequest(withQuery({{"limit", "1"}}), 2).limit, 1);
  EXPECT_EQ(readPageRequest(withQuery({{"limit", "100"}}), 2).limit, 100);
}

TEST(Pagination, LimitOutsideRangeRejected) {
  for (std::string limit : {"0", "101", "-1", "1.5", "abc", "", "1000000000000"}) {
    EXPECT_EQ(rejectedFields(withQuery({{"limit", limit}})), std::vector<std::string>{"limit"})
        << limit;
  }
}

TEST(Pagination, CursorRoundTrips) {
  std::vector<std::string> keys = {"2026-12-04T16:19:32Z", "id \"with\" quotes/\xC3\xA9"};
  std::string cursor = encodeCursor(keys);
  EXPECT_EQ(
      cursor.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
      std::string::npos);
  auto page = readPageRequest(withQuery({{"cursor", cursor}}), 2);
  EXPECT_EQ(page.after, keys);
}

TEST(Pagination, GarbageCursorRejected) {
  EXPECT_EQ(rejectedFields(withQuery({{"cursor", "not a cursor!"}})),
            std::vector<std::string>{"cursor"});
}

TEST(Pagination, WrongKeyCountRejected) {
  EXPECT_FALSE(decodeCursor(encodeCursor({"a"}), 2).has_value());
}

TEST(Pagination, NonStringKeysRejected) {
  EXPECT_FALSE(decodeCursor(security::base64UrlEncode("[1,2]"), 2).has_value());
  EXPECT_FALSE(decodeCursor(security::base64UrlEncode("{\"a\":1}"), 1).has_value());
}

TEST(Pagination, BothErrorsReported) {
  EXPECT_EQ(rejectedFields(withQuery({{"limit", "0"}, {"cursor", "%%%"}})),
            (std::vector<std::string>{"limit", "cursor"}));
}

}  // namespace
}  // namespace agora::http
