// Tests strict body parsing and field reading.
#include <gtest/gtest.h>

#include <functional>
#include <limits>

#include "platform/json/JsonReader.h"

namespace agora::json {
namespace {

/** Returns the problem that `code` throws, and fails the test when it throws none. */
http::Problem problemFrom(const std::function<void()>& code) {
  try {
    code();
  } catch (const http::Problem& problem) {
    return problem;
  }
  ADD_FAILURE() << "no problem was thrown";
  return http::Problem(0, "", "");
}

http::Problem parseProblem(const std::string& body) {
  return problemFrom([&] { JsonReader::parse(body); });
}

/** Returns the single field error of reading `n` as an integer in [min, max]. */
http::FieldError integerError(const std::string& body, int64_t min, int64_t max) {
  auto problem = problemFrom([&] {
    auto reader = JsonReader::parse(body);
    reader.requiredInteger("n", min, max);
    reader.finish();
  });
  if (problem.errors().size() != 1) {
    ADD_FAILURE() << "expected one error, got " << problem.errors().size();
    return {};
  }
  return problem.errors().front();
}

TEST(JsonReader, EmptyBodyIsRequired) {
  auto problem = parseProblem("  ");
  EXPECT_EQ(problem.status(), 400);
  EXPECT_EQ(problem.detail(), "request body is required");
}

TEST(JsonReader, MalformedJsonIs400) {
  EXPECT_EQ(parseProblem("{\"a\":").status(), 400);
  EXPECT_EQ(parseProblem("{\"a\":1,}").status(), 400);
  EXPECT_EQ(parseProblem("{\"a\":1} trailing").status(), 400);
}

TEST(JsonReader, TopLevelMustBeObject) {
  EXPECT_EQ(parseProblem("[1,2]").detail(), "request body must be a JSON object");
  EXPECT_EQ(parseProblem("\"text\"").detail(), "request body must be a JSON object");
}

TEST(JsonReader, DuplicateKeyRejected) {
  auto problem = parseProblem("{\"role\":\"customer\",\"role\":\"admin\"}");
  EXPECT_EQ(problem.status(), 400);
  EXPECT_NE(problem.detail().find("duplicate key"), std::string::npos);
}

TEST(JsonReader, EscapedDuplicateKeyRejected) {
  EXPECT_EQ(parseProblem("{\"role\":1,\"r\\u006fle\":2}").status(), 400);
}

TEST(JsonReader, NestedDuplicateKeyRejected) {
  EXPECT_EQ(parseProblem("{\"items\":[{\"a\":1,\"a\":2}]}").status(), 400);
}

TEST(JsonReader, SameKeyInSiblingsAllowed) {
  EXPECT_NO_THROW(JsonReader::parse("{\"items\":[{\"a\":1},{\"a\":2}],\"a\":3}"));
}

std::string nested(int depth) {
  std::string body = "{\"a\":";
  for (int i = 1; i < depth; ++i) body += "[";
  body += "1";
  for (int i = 1; i < depth; ++i) body += "]";
  return body + "}";
}

TEST(JsonReader, DepthThirtyTwoAccepted) {
  EXPECT_NO_THROW(JsonReader::parse(nested(32)));
}

TEST(JsonReader, DepthThirtyThreeRejected) {
  EXPECT_NE(parseProblem(nested(33)).detail().find("deeper than 32"), std::string::npos);
}

TEST(JsonReader, VeryDeepNestingRejected) {
  EXPECT_EQ(parseProblem(nested(100000)).status(), 400);
}

TEST(JsonReader, InvalidUtf8Rejected) {
  EXPECT_EQ(parseProblem("{\"name\":\"\xC3\x28\"}").status(), 400);
  EXPECT_EQ(parseProblem("{\"name\":\"\xED\xA0\x80\"}").status(), 400);
  EXPECT_EQ(parseProblem("{\"n\xFF\":1}").status(), 400);
}

TEST(JsonReader, LoneSurrogateEscapeRejected) {
  EXPECT_EQ(parseProblem("{\"name\":\"\\ud800\"}").status(), 400);
}

TEST(JsonReader, ReadsValidFields) {
  auto reader = JsonReader::parse(
      "{\"email\":\"a@b.example\",\"quantity\":3,\"disabled\":true,\"roles\":[\"admin\"]}");
  EXPECT_EQ(reader.requiredString("email", 3, 254), "a@b.example");
  EXPECT_EQ(reader.requiredInteger("quantity", 1, 1000), 3);
  EXPECT_EQ(reader.optionalBool("disabled"), true);
  EXPECT_EQ(reader.optionalStringArray("roles", 5), std::vector<std::string>{"admin"});
  EXPECT_FALSE(reader.optionalString("display_name", 1, 10).has_value());
  EXPECT_NO_THROW(reader.finish());
}

TEST(JsonReader, FractionalIntegerIsTypeError) {
  EXPECT_NE(integerError("{\"n\":1.5}", 0, 10).message.find("must be an integer"),
            std::string::npos);
}

TEST(JsonReader, ExponentIntegerIsTypeError) {
  EXPECT_NE(integerError("{\"n\":1e30}", 0, 10).message.find("must be an integer"),
            std::string::npos);
  EXPECT_NE(integerError("{\"n\":1.0}", 0, 10).message.find("must be an integer"),
            std::string::npos);
}

TEST(JsonReader, StringIntegerIsTypeError) {
  EXPECT_EQ(integerError("{\"n\":\"5\"}", 0, 10).message, "must be an integer (got a string)");
}

TEST(JsonReader, BooleanIntegerIsTypeError) {
  EXPECT_EQ(integerError("{\"n\":true}", 0, 10).message, "must be an integer (got a boolean)");
}

TEST(JsonReader, NegativeIntegerIsRangeError) {
  EXPECT_EQ(integerError("{\"n\":-1}", 0, 10).message, "must be from 0 to 10 (got -1)");
}

TEST(JsonReader, LargeIntegerIsRangeError) {
  EXPECT_EQ(integerError("{\"n\":9223372036854775807}", 0, 10).message,
            "must be from 0 to 10 (got 9223372036854775807)");
}

TEST(JsonReader, BeyondSixtyFourBitsRejected) {
  auto problem = parseProblem("{\"n\":-9223372036854775809}");
  EXPECT_NE(problem.detail().find("out of range"), std::string::npos);
  EXPECT_EQ(parseProblem("{\"n\":18446744073709551615}").status(), 400);
  EXPECT_EQ(parseProblem("{\"n\":123456789012345678901234567890}").status(), 400);
}

TEST(JsonReader, NumberInsideStringIsNotChecked) {
  auto reader = JsonReader::parse("{\"s\":\"123456789012345678901234567890\"}");
  EXPECT_EQ(reader.requiredString("s", 1, 40), "123456789012345678901234567890");
}

TEST(JsonReader, ExtremeIntegersAccepted) {
  auto reader = JsonReader::parse("{\"a\":-9223372036854775808,\"b\":0}");
  auto min = std::numeric_limits<int64_t>::min();
  EXPECT_EQ(reader.requiredInteger("a", min, 0), min);
  EXPECT_EQ(reader.requiredInteger("b", 0, 0), 0);
  EXPECT_NO_THROW(reader.finish());
}

TEST(JsonReader, StringLengthCountsCodePoints) {
  auto reader = JsonReader::parse("{\"name\":\"\xC3\xA9\xC3\xA9\xC3\xA9\"}");
  EXPECT_EQ(reader.requiredString("name", 3, 3), "\xC3\xA9\xC3\xA9\xC3\xA9");
  EXPECT_NO_THROW(reader.finish());
}

TEST(JsonReader, UnknownFieldsListed) {
  auto problem = problemFrom([] {
    auto reader = JsonReader::parse("{\"email\":\"a@b.c\",\"role\":\"admin\",\"x\":1}");
    reader.requiredString("email", 1, 100);
    reader.rejectUnknown({"email"});
    reader.finish();
  });
  ASSERT_EQ(problem.errors().size(), 2u);
  EXPECT_EQ(problem.errors()[0].field, "role");
  EXPECT_EQ(problem.errors()[1].message, "is not a known field");
}

TEST(JsonReader, EveryErrorListedAtOnce) {
  auto problem = problemFrom([] {
    auto reader = JsonReader::parse("{\"name\":\"\",\"price_cents\":-5}");
    reader.requiredString("sku", 1, 64);
    reader.requiredString("name", 1, 200);
    reader.requiredInteger("price_cents", 0, 100000000);
    reader.finish();
  });
  ASSERT_EQ(problem.errors().size(), 3u);
  EXPECT_EQ(problem.type(), "/problems/validation");
  EXPECT_EQ(problem.errors()[0].field, "sku");
  EXPECT_EQ(problem.errors()[0].message, "is required");
  EXPECT_EQ(problem.errors()[1].field, "name");
  EXPECT_EQ(problem.errors()[2].field, "price_cents");
}

TEST(JsonReader, NestedErrorsCarryPath) {
  auto problem = problemFrom([] {
    auto reader = JsonReader::parse(
        "{\"items\":[{\"product_id\":\"p1\",\"quantity\":2},{\"product_id\":\"p2\"},7]}");
    for (auto& item : reader.requiredObjectArray("items", 1, 50)) {
      item.requiredString("product_id", 1, 64);
      item.requiredInteger("quantity", 1, 1000);
    }
    reader.finish();
  });
  ASSERT_EQ(problem.errors().size(), 2u);
  EXPECT_EQ(problem.errors()[0].field, "items[2]");
  EXPECT_EQ(problem.errors()[1].field, "items[1].quantity");
}

TEST(JsonReader, ArrayItemCountChecked) {
  auto problem = problemFrom([] {
    auto reader = JsonReader::parse("{\"items\":[]}");
    reader.requiredObjectArray("items", 1, 50);
    reader.finish();
  });
  ASSERT_EQ(problem.errors().size(), 1u);
  EXPECT_EQ(problem.errors()[0].message, "must have 1-50 items (got 0)");
}

TEST(JsonReader, NullCountsAsAbsentWhenOptional) {
  auto reader = JsonReader::parse("{\"description\":null,\"name\":null}");
  EXPECT_FALSE(reader.optionalString("description", 0, 10).has_value());
  reader.requiredString("name", 1, 10);
  auto problem = problemFrom([&] { reader.finish(); });
  ASSERT_EQ(problem.errors().size(), 1u);
  EXPECT_EQ(problem.errors()[0].message, "must be a string (got null)");
}

}  // namespace
}  // namespace agora::json
