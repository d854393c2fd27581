// Tests the request accessors: headers, query, cookies, parameters and the caller.
#include <gtest/gtest.h>

#include <stdexcept>

#include "platform/http/Problem.h"
#include "platform/http/Request.h"

namespace agora::http {
namespace {

TEST(Request, HeaderIsCaseInsensitive) {
  Request request;
  request.headers["content-type"] = "application/json";
  EXPECT_EQ(request.header("Content-Type"), "application/json");
  EXPECT_FALSE(request.header("Accept").has_value());
}

TEST(Request, CookieFoundAmongOthers) {
  Request request;
  request.headers["cookie"] = "theme=dark; agora_refresh=abc123; lang=en";
  EXPECT_EQ(request.cookie("agora_refresh"), "abc123");
  EXPECT_FALSE(request.cookie("agora").has_value());
}

TEST(Request, QueryValueTakesFirst) {
  Request request;
  request.query.emplace("limit", "5");
  EXPECT_EQ(request.queryValue("limit"), "5");
  EXPECT_FALSE(request.queryValue("cursor").has_value());
}

TEST(Request, MissingParamThrows) {
  Request request;
  EXPECT_THROW(request.param("id"), std::logic_error);
}

TEST(Request, CallerWithoutPrincipalIs401) {
  Request request;
  try {
    request.caller();
    FAIL() << "caller() returned without a principal";
  } catch (const Problem& problem) {
    EXPECT_EQ(problem.status(), 401);
  }
}

}  // namespace
}  // namespace agora::http
