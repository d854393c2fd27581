// Tests route matching: literals over parameters, 405 detection and decoded parameters.
#include <gtest/gtest.h>

#include <stdexcept>

#include "platform/http/Router.h"

namespace agora::http {
namespace {

Route route(std::string method, std::string path_template) {
  return Route{std::move(method), std::move(path_template), Access::kPublic,
               [](Request&) { return Response::noContent(); }};
}

TEST(Router, LiteralBeatsParameter) {
  Router router;
  router.add(route("GET", "/api/users/{id}"));
  router.add(route("GET", "/api/users/me"));
  auto match = router.match("GET", "/api/users/me");
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(match.route->path_template, "/api/users/me");
  EXPECT_TRUE(match.path_params.empty());
}

TEST(Router, ParameterCapturesSegment) {
  Router router;
  router.add(route("POST", "/api/orders/{id}/cancel"));
  auto match = router.match("POST", "/api/orders/abc-1/cancel");
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(match.path_params.at("id"), "abc-1");
}

TEST(Router, ParameterIsPercentDecoded) {
  Router router;
  router.add(route("GET", "/api/items/{name}"));
  auto match = router.match("GET", "/api/items/a%20b%2Fc");
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(match.path_params.at("name"), "a b/c");
}

TEST(Router, OtherMethodIsKnownPath) {
  Router router;
  router.add(route("GET", "/api/catalog/products/{id}"));
  router.add(route("PATCH", "/api/catalog/products/{id}"));
  auto match = router.match("PUT", "/api/catalog/products/9");
  EXPECT_EQ(match.route, nullptr);
  EXPECT_TRUE(match.path_known);
  EXPECT_EQ(match.allowed_methods, (std::vector<std::string>{"GET", "PATCH"}));
}

TEST(Router, UnknownPathIsNotKnown) {
  Router router;
  router.add(route("GET", "/api/users/me"));
  auto match = router.match("GET", "/api/users/me/extra");
  EXPECT_EQ(match.route, nullptr);
  EXPECT_FALSE(match.path_known);
}

TEST(Router, EmptyParameterDoesNotMatch) {
  Router router;
  router.add(route("GET", "/api/orders/{id}"));
  EXPECT_EQ(router.match("GET", "/api/orders/").route, nullptr);
}

TEST(Router, BadEscapeDoesNotMatch) {
  Router router;
  router.add(route("GET", "/api/orders/{id}"));
  EXPECT_EQ(router.match("GET", "/api/orders/%zz").route, nullptr);
  EXPECT_EQ(router.match("GET", "/api/orders/a%00b").route, nullptr);
}

TEST(Router, DuplicateRouteThrows) {
  Router router;
  router.add(route("GET", "/api/orders/{id}"));
  EXPECT_THROW(router.add(route("GET", "/api/orders/{order_id}")), std::logic_error);
}

TEST(Router, SameTemplateOtherMethodAllowed) {
  Router router;
  router.add(route("GET", "/api/orders/{id}"));
  EXPECT_NO_THROW(router.add(route("DELETE", "/api/orders/{id}")));
}

TEST(Router, FallbackAnswersUnknownPath) {
  Router router;
  router.add(route("GET", "/api/users/me"));
  router.addFallback(route("GET", "/*"), {"/api/"});
  auto match = router.match("GET", "/assets/app.js");
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(match.route->path_template, "/*");
}

TEST(Router, FallbackSkipsExcludedPrefix) {
  Router router;
  router.add(route("GET", "/api/users/me"));
  router.addFallback(route("GET", "/*"), {"/api/"});
  auto match = router.match("GET", "/api/unknown");
  EXPECT_EQ(match.route, nullptr);
  EXPECT_FALSE(match.path_known);
}

TEST(Router, TemplateBeatsFallback) {
  Router router;
  router.add(route("POST", "/login"));
  router.addFallback(route("GET", "/*"), {});
  auto match = router.match("GET", "/login");
  EXPECT_EQ(match.route, nullptr);
  EXPECT_TRUE(match.path_known);
  EXPECT_EQ(match.allowed_methods, (std::vector<std::string>{"POST"}));
}

TEST(Router, FallbackOtherMethodIsKnownPath) {
  Router router;
  router.addFallback(route("GET", "/*"), {"/api/"});
  router.addFallback(route("HEAD", "/*"), {"/api/"});
  auto match = router.match("POST", "/index.html");
  EXPECT_EQ(match.route, nullptr);
  EXPECT_TRUE(match.path_known);
  EXPECT_EQ(match.allowed_methods, (std::vector<std::string>{"GET", "HEAD"}));
}

TEST(Router, FallbackNotListedInRoutes) {
  Router router;
  router.add(route("GET", "/api/users/me"));
  router.addFallback(route("GET", "/*"), {});
  EXPECT_EQ(router.routes().size(), 1u);
}

TEST(Router, DuplicateFallbackThrows) {
  Router router;
  router.addFallback(route("GET", "/*"), {});
  EXPECT_THROW(router.addFallback(route("GET", "/files"), {}), std::logic_error);
}

}  // namespace
}  // namespace agora::http
