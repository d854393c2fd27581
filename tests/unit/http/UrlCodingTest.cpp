// Tests percent-decoding and query parsing.
#include <gtest/gtest.h>

#include "platform/http/UrlCoding.h"

namespace agora::http {
namespace {

TEST(UrlCoding, DecodesEscapes) {
  EXPECT_EQ(percentDecode("a%20b%C3%A9", false), "a b\xC3\xA9");
}

TEST(UrlCoding, PlusIsSpaceOnlyInQuery) {
  EXPECT_EQ(percentDecode("a+b", true), "a b");
  EXPECT_EQ(percentDecode("a+b", false), "a+b");
}

TEST(UrlCoding, RejectsBrokenEscapes) {
  EXPECT_FALSE(percentDecode("%", false));
  EXPECT_FALSE(percentDecode("%4", false));
  EXPECT_FALSE(percentDecode("%G0", false));
}

TEST(UrlCoding, RejectsControlCharacters) {
  EXPECT_FALSE(percentDecode("a%00b", false));
  EXPECT_FALSE(percentDecode("a%0Ab", false));
}

TEST(UrlCoding, RejectsInvalidUtf8) {
  EXPECT_FALSE(percentDecode("%FF", false));
  EXPECT_FALSE(percentDecode("%C3", false));
}

TEST(UrlCoding, ParsesQueryPairs) {
  auto query = parseQuery("q=red+shoe&limit=5&flag&q=x%26y");
  ASSERT_TRUE(query);
  EXPECT_EQ(query->count("q"), 2u);
  EXPECT_EQ(query->find("q")->second, "red shoe");
  EXPECT_EQ(query->find("limit")->second, "5");
  EXPECT_EQ(query->find("flag")->second, "");
  EXPECT_EQ(std::next(query->find("q"))->second, "x&y");
}

TEST(UrlCoding, QueryWithBadEscapeFails) {
  EXPECT_FALSE(parseQuery("q=%zz"));
}

}  // namespace
}  // namespace agora::http
