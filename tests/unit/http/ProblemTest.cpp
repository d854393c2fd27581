// Tests the problem details body and the standard problems.
#include <gtest/gtest.h>

#include <sstream>

#include "platform/http/Problem.h"
#include "platform/json/StrictJson.h"

namespace agora::http {
namespace {

std::string headerOf(const Problem& problem, const std::string& name) {
  for (const auto& [key, value] : problem.headers()) {
    if (key == name) return value;
  }
  return {};
}

TEST(Problem, JsonHasStandardMembers) {
  auto body = Problem::notFound("no such order").toJson("/api/orders/7", "req-1");
  EXPECT_EQ(body->getValue<std::string>("type"), "/problems/not-found");
  EXPECT_EQ(body->getValue<std::string>("title"), "Not found");
  EXPECT_EQ(body->getValue<int>("status"), 404);
  EXPECT_EQ(body->getValue<std::string>("detail"), "no such order");
  EXPECT_EQ(body->getValue<std::string>("instance"), "/api/orders/7");
  EXPECT_EQ(body->getValue<std::string>("request_id"), "req-1");
  EXPECT_FALSE(body->has("errors"));
}

TEST(Problem, InstanceEncodesRawBytes) {
  // A raw request path may contain bytes that are not UTF-8, spaces and control characters.
  auto body =
      Problem::badRequest("").toJson("/api/catalog/products/{p%cd\x8Autp*} \x01\xC3\xA9", "r");
  EXPECT_EQ(body->getValue<std::string>("instance"),
            "/api/catalog/products/{p%cd%8Autp*}%20%01%C3%A9");

  std::ostringstream json;
  body->stringify(json);
  EXPECT_NO_THROW(json::parseStrictObject(json.str())) << json.str();
}

TEST(Problem, ValidationListsEveryError) {
  auto problem = Problem::validation({{"email", "is required"}, {"limit", "must be 1-100"}});
  auto body = problem.toJson("/api/users", "r");
  auto errors = body->getArray("errors");
  ASSERT_EQ(errors->size(), 2u);
  EXPECT_EQ(errors->getObject(0)->getValue<std::string>("field"), "email");
  EXPECT_EQ(errors->getObject(1)->getValue<std::string>("message"), "must be 1-100");
  EXPECT_EQ(problem.status(), 400);
  EXPECT_EQ(problem.type(), "/problems/validation");
  EXPECT_NE(problem.detail().find("email"), std::string::npos);
}

TEST(Problem, UnauthorizedAsksForBearer) {
  auto problem = Problem::unauthorized();
  EXPECT_EQ(problem.status(), 401);
  EXPECT_EQ(headerOf(problem, "WWW-Authenticate").rfind("Bearer", 0), 0u);
}

TEST(Problem, TooManyRequestsSetsRetryAfter) {
  auto problem = Problem::tooManyRequests("slow down", 30);
  EXPECT_EQ(problem.status(), 429);
  EXPECT_EQ(headerOf(problem, "Retry-After"), "30");
}

TEST(Problem, ExtensionCannotReplaceStandardMember) {
  auto problem = Problem::conflict("/problems/out-of-stock", "Out of stock", "p1 is short")
                     .withExtension("products", Poco::Dynamic::Var(std::string("p1")))
                     .withExtension("status", 200);
  auto body = problem.toJson("/api/orders", "r");
  EXPECT_EQ(body->getValue<std::string>("products"), "p1");
  EXPECT_EQ(body->getValue<int>("status"), 409);
}

TEST(Problem, InternalRevealsNothing) {
  auto problem = Problem::internal();
  EXPECT_EQ(problem.status(), 500);
  EXPECT_EQ(problem.type(), "/problems/internal");
  EXPECT_FALSE(problem.detail().empty());
}

TEST(Problem, StandardTypesAndStatuses) {
  EXPECT_EQ(Problem::badRequest("x").type(), "/problems/bad-request");
  EXPECT_EQ(Problem::forbidden().status(), 403);
  EXPECT_EQ(Problem::forbidden().type(), "/problems/forbidden");
  EXPECT_EQ(Problem::unsupportedMediaType("x").status(), 415);
  EXPECT_EQ(Problem::payloadTooLarge("x").status(), 413);
  EXPECT_EQ(Problem::unavailable("x").type(), "/problems/unavailable");
  EXPECT_EQ(Problem::unprocessable("/problems/idempotency-key-reused", "Reused", "x").status(),
            422);
}

}  // namespace
}  // namespace agora::http
