// Tests which incoming request ids are kept and which are replaced.
#include <gtest/gtest.h>

#include "platform/http/RequestId.h"

namespace agora::http {
namespace {

TEST(RequestId, SaneIdIsKept) {
  EXPECT_EQ(acceptOrGenerateRequestId(std::string("abc.DEF_123-x")), "abc.DEF_123-x");
}

TEST(RequestId, MaximumLengthIsKept) {
  std::string id(128, 'a');
  EXPECT_EQ(acceptOrGenerateRequestId(id), id);
}

TEST(RequestId, TooLongIsReplaced) {
  std::string id(129, 'a');
  EXPECT_NE(acceptOrGenerateRequestId(id), id);
}

TEST(RequestId, ForbiddenCharactersReplaced) {
  for (std::string id : {"a b", "a\nb", "a\"b", "a/b", "caf\xC3\xA9"}) {
    EXPECT_NE(acceptOrGenerateRequestId(id), id) << id;
  }
}

TEST(RequestId, MissingGetsUuid) {
  std::string id = acceptOrGenerateRequestId(std::nullopt);
  EXPECT_EQ(id.size(), 36u);
  EXPECT_TRUE(isSaneRequestId(id));
}

TEST(RequestId, EmptyIsReplaced) {
  EXPECT_FALSE(acceptOrGenerateRequestId(std::string()).empty());
}

TEST(RequestId, GeneratedIdsDiffer) {
  EXPECT_NE(acceptOrGenerateRequestId(std::nullopt), acceptOrGenerateRequestId(std::nullopt));
}

}  // namespace
}  // namespace agora::http
