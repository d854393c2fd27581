// Tests that the built-in edge of a process with every role serves the web storefront, and
// that a process with fewer roles does not.
#include <gtest/gtest.h>

#include <memory>

#include "AgoraProcess.h"
#include "platform/http/StaticFiles.h"

namespace agora::testing {
namespace {

class StorefrontTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { agora_ = std::make_unique<AgoraProcess>(); }
  static void TearDownTestSuite() { agora_.reset(); }

  static inline std::unique_ptr<AgoraProcess> agora_;
};

TEST_F(StorefrontTest, RootServesPageWithPolicy) {
  HttpResult page = agora_->get("/");
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.header("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(page.header("content-security-policy"), http::kStorefrontContentSecurityPolicy);
  EXPECT_EQ(page.header("cache-control"), "no-cache");
  EXPECT_NE(page.body.find(R"(<script type="module" src="/assets/app.js">)"), std::string::npos);
}

TEST_F(StorefrontTest, AssetsHaveTheirTypes) {
  HttpResult script = agora_->get("/assets/app.js");
  EXPECT_EQ(script.status, 200);
  EXPECT_EQ(script.header("content-type"), "text/javascript; charset=utf-8");
  HttpResult styles = agora_->get("/assets/styles.css");
  EXPECT_EQ(styles.status, 200);
  EXPECT_EQ(styles.header("content-type"), "text/css; charset=utf-8");
}

TEST_F(StorefrontTest, MissingFileIsProblem) {
  HttpResult missing = agora_->get("/assets/missing.js");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.header("content-type"), "application/problem+json");
}

TEST_F(StorefrontTest, ApiKeepsStrictPolicy) {
  HttpResult products = agora_->get("/api/catalog/products?limit=1");
  EXPECT_EQ(products.status, 200);
  EXPECT_NE(products.header("content-security-policy"), http::kStorefrontContentSecurityPolicy);
  EXPECT_EQ(products.header("cache-control"), "no-store");
}

TEST(Storefront, SingleRoleServesNoPage) {
  auto auth = AgoraProcess::withArguments({"--role=auth", "--port", "0", "--admin-port", "0",
                                           "--set", "services.users.url=http://127.0.0.1:9"});
  EXPECT_EQ(auth->get("/").status, 404);
  EXPECT_EQ(auth->get("/assets/app.js").status, 404);
}

}  // namespace
}  // namespace agora::testing
