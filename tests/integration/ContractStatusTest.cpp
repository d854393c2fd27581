// Every status code of the contract's tables, and the conventions every response follows.
#include "AgoraProcess.h"

#include <gtest/gtest.h>

#include <Poco/JSON/Array.h>

#include <set>

namespace agora::testing {
namespace {

class ContractStatusTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    agora_ = new AgoraProcess({"--set", "auth.login.max_failures=3"});
    admin_token_ = login(*agora_, AgoraProcess::kAdminEmail, AgoraProcess::kAdminPassword)
                       ->getValue<std::string>("access_token");
    HttpResult created = agora_->post(
        "/api/catalog/products",
        R"({"sku":"STATUS-1","name":"Status probe","price_cents":100,"stock":3})", admin_token_);
    product_id_ = created.json()->getValue<std::string>("id");
  }
  static void TearDownTestSuite() {
    delete agora_;
    agora_ = nullptr;
  }

  static void expectProblem(const HttpResult& result, int status, const std::string& type) {
    EXPECT_EQ(result.status, status) << result.body;
    EXPECT_EQ(result.header("content-type").rfind("application/problem+json", 0), 0u)
        << result.header("content-type");
    auto problem = result.json();
    EXPECT_EQ(problem->optValue<std::string>("type", ""), type) << result.body;
    EXPECT_EQ(problem->optValue<int>("status", 0), status);
    EXPECT_FALSE(problem->optValue<std::string>("title", "").empty());
    EXPECT_EQ(problem->optValue<std::string>("request_id", ""), result.header("x-request-id"));
  }

  std::string orderBody(int quantity) const {
    return R"({"items":[{"product_id":")" + product_id_ + R"(","quantity":)" +
           std::to_string(quantity) + "}]}";
  }

  static AgoraProcess* agora_;
  static std::string admin_token_;
  static std::string product_id_;
};

AgoraProcess* ContractStatusTest::agora_ = nullptr;
std::string ContractStatusTest::admin_token_;
std::string ContractStatusTest::product_id_;

TEST_F(ContractStatusTest, MissingTokenIs401) {
  HttpResult result = agora_->get("/api/orders");
  expectProblem(result, 401, "/problems/unauthorized");
  EXPECT_EQ(result.header("www-authenticate").rfind("Bearer", 0), 0u);
}

TEST_F(ContractStatusTest, GarbageTokenIs401) {
  expectProblem(agora_->get("/api/users/me", "not.a.token"), 401, "/problems/unauthorized");
}

TEST_F(ContractStatusTest, CustomerOnAdminRouteIs403) {
  auto [email, token] = registerAndLogin(*agora_, "forbidden");
  expectProblem(agora_->get("/api/users", token), 403, "/problems/forbidden");
  HttpResult create = agora_->post("/api/catalog/products",
                                   R"({"sku":"NOPE","name":"x","price_cents":1,"stock":1})", token);
  expectProblem(create, 403, "/problems/forbidden");
}

TEST_F(ContractStatusTest, SomeoneElsesOrderIs404) {
  auto [owner_email, owner] = registerAndLogin(*agora_, "owner");
  auto [other_email, other] = registerAndLogin(*agora_, "other");
  HttpResult placed = agora_->post("/api/orders", orderBody(1), owner);
  ASSERT_EQ(placed.status, 201) << placed.body;
  std::string order_id = placed.json()->getValue<std::string>("id");

  expectProblem(agora_->get("/api/orders/" + order_id, other), 404, "/problems/not-found");
  expectProblem(agora_->post("/api/orders/" + order_id + "/cancel", "", other), 404,
                "/problems/not-found");
  EXPECT_EQ(agora_->get("/api/orders/" + order_id, admin_token_).status, 200);
  EXPECT_EQ(agora_->post("/api/orders/" + order_id + "/cancel", "", owner).status, 200);
}

TEST_F(ContractStatusTest, ConflictsAre409) {
  auto [email, token] = registerAndLogin(*agora_, "conflict");
  HttpResult taken = agora_->post(
      "/api/users",
      R"({"email":")" + email + R"(","password":"another long passphrase","display_name":"x"})");
  expectProblem(taken, 409, "/problems/email-taken");

  HttpResult sku = agora_->post("/api/catalog/products",
                                R"({"sku":"STATUS-1","name":"again","price_cents":1,"stock":1})",
                                admin_token_);
  expectProblem(sku, 409, "/problems/duplicate-sku");

  HttpResult short_stock = agora_->post("/api/orders", orderBody(1000), token);
  expectProblem(short_stock, 409, "/problems/out-of-stock");

  HttpResult placed = agora_->post("/api/orders", orderBody(1), token);
  ASSERT_EQ(placed.status, 201) << placed.body;
  std::string cancel_path = "/api/orders/" + placed.json()->getValue<std::string>("id") + "/cancel";
  EXPECT_EQ(agora_->post(cancel_path, "", token).status, 200);
  expectProblem(agora_->post(cancel_path, "", token), 409, "/problems/already-cancelled");
}

TEST_F(ContractStatusTest, OversizedBodyIs413) {
  std::string huge = R"({"email":")" + std::string(1024 * 1024 + 10, 'a') + R"("})";
  expectProblem(agora_->post("/api/users", huge), 413, "/problems/payload-too-large");
}

TEST_F(ContractStatusTest, WrongMediaTypeIs415) {
  HttpCall call;
  call.method = "POST";
  call.path = "/api/users";
  call.body = "email=a@b.c";
  call.content_type = "application/x-www-form-urlencoded";
  expectProblem(agora_->call(call), 415, "/problems/unsupported-media-type");
}

// Collects the `field` of every entry in a validation problem's `errors`.
std::set<std::string> errorFields(const HttpResult& result) {
  std::set<std::string> fields;
  auto errors = result.json()->getArray("errors");
  if (!errors) return fields;
  for (std::size_t i = 0; i < errors->size(); ++i) {
    fields.insert(errors->getObject(static_cast<unsigned>(i))->getValue<std::string>("field"));
  }
  return fields;
}

TEST_F(ContractStatusTest, ValidationErrorsAre400) {
  HttpResult invalid = agora_->post(
      "/api/users", R"({"email":"not-an-email","password":"short","display_name":"x"})");
  expectProblem(invalid, 400, "/problems/validation");
  EXPECT_TRUE(errorFields(invalid).count("email"));
  EXPECT_TRUE(errorFields(invalid).count("password"));

  HttpResult unknown = agora_->post(
      "/api/users",
      R"({"email":"a@example.test","password":"long enough passphrase","display_name":"x","extra":1})");
  expectProblem(unknown, 400, "/problems/validation");
  EXPECT_TRUE(errorFields(unknown).count("extra"));

  HttpResult wrong_type = agora_->post(
      "/api/catalog/products", R"({"sku":"T-1","name":"x","price_cents":"12","stock":1.5})",
      admin_token_);
  expectProblem(wrong_type, 400, "/problems/validation");
  EXPECT_TRUE(errorFields(wrong_type).count("price_cents"));
  EXPECT_TRUE(errorFields(wrong_type).count("stock"));

  expectProblem(agora_->post("/api/users", "{not json"), 400, "/problems/bad-request");
  expectProblem(agora_->get("/api/catalog/products?limit=500"), 400, "/problems/validation");
}

TEST_F(ContractStatusTest, IdempotencyKeyReuseIs422) {
  auto [email, token] = registerAndLogin(*agora_, "idempotent");
  HttpCall first;
  first.method = "POST";
  first.path = "/api/orders";
  first.body = orderBody(1);
  first.bearer = token;
  first.headers["Idempotency-Key"] = "status-test-key-1";
  HttpResult placed = agora_->call(first);
  ASSERT_EQ(placed.status, 201) << placed.body;

  HttpResult replay = agora_->call(first);
  EXPECT_EQ(replay.status, 201) << replay.body;
  EXPECT_EQ(replay.json()->getValue<std::string>("id"), placed.json()->getValue<std::string>("id"));

  HttpCall changed = first;
  changed.body = orderBody(2);
  expectProblem(agora_->call(changed), 422, "/problems/idempotency-key-reused");
  EXPECT_EQ(agora_->post(
                "/api/orders/" + placed.json()->getValue<std::string>("id") + "/cancel", "", token)
                .status,
            200);
}

TEST_F(ContractStatusTest, LoginLockoutIs429) {
  auto [email, token] = registerAndLogin(*agora_, "lockout");
  std::string wrong = R"({"email":")" + email + R"(","password":"definitely the wrong one"})";
  for (int attempt = 0; attempt < 3; ++attempt) {
    expectProblem(agora_->post("/api/auth/login", wrong), 401, "/problems/invalid-credentials");
  }
  HttpResult locked = agora_->post("/api/auth/login", wrong);
  expectProblem(locked, 429, "/problems/too-many-requests");
  EXPECT_GT(std::stoi(locked.header("retry-after")), 0);
}

TEST_F(ContractStatusTest, UnknownEmailAndWrongPasswordLookAlike) {
  auto [email, token] = registerAndLogin(*agora_, "lookalike");
  HttpResult unknown = agora_->post(
      "/api/auth/login", R"({"email":"nobody-here@example.test","password":"whatever it is 123"})");
  HttpResult wrong = agora_->post(
      "/api/auth/login", R"({"email":")" + email + R"(","password":"whatever it is 123"})");
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(unknown.json()->getValue<std::string>("detail"),
            wrong.json()->getValue<std::string>("detail"));
}

TEST_F(ContractStatusTest, UnknownRouteIs404AndWrongMethodIs405) {
  EXPECT_EQ(agora_->get("/api/nothing-here").status, 404);
  HttpCall put;
  put.method = "PUT";
  put.path = "/api/catalog/products";
  put.body = "{}";
  HttpResult result = agora_->call(put);
  EXPECT_EQ(result.status, 405);
  EXPECT_NE(result.header("allow").find("GET"), std::string::npos);
}

TEST_F(ContractStatusTest, SecurityHeadersOnEveryResponse) {
  for (const HttpResult& result :
       {agora_->get("/api/catalog/products"), agora_->get("/api/orders"),
        agora_->get("/api/nothing-here")}) {
    EXPECT_FALSE(result.header("strict-transport-security").empty());
    EXPECT_EQ(result.header("x-content-type-options"), "nosniff");
    EXPECT_EQ(result.header("x-frame-options"), "DENY");
    EXPECT_EQ(result.header("referrer-policy"), "no-referrer");
    EXPECT_FALSE(result.header("content-security-policy").empty());
    EXPECT_EQ(result.header("cache-control"), "no-store");
  }
}

TEST_F(ContractStatusTest, RequestIdEchoedOrReplaced) {
  HttpCall sane;
  sane.path = "/api/catalog/products";
  sane.headers["X-Request-Id"] = "client-id_1.2";
  EXPECT_EQ(agora_->call(sane).header("x-request-id"), "client-id_1.2");

  HttpCall insane = sane;
  insane.headers["X-Request-Id"] = "bad id with spaces";
  std::string replaced = agora_->call(insane).header("x-request-id");
  EXPECT_FALSE(replaced.empty());
  EXPECT_NE(replaced, "bad id with spaces");

  bool logged = false;
  for (const auto& line : agora_->logLines()) {
    if (line.find("\"request_id\":\"client-id_1.2\"") != std::string::npos) logged = true;
  }
  EXPECT_TRUE(logged);
}

TEST_F(ContractStatusTest, SecretsNeverLogged) {
  auto [email, token] = registerAndLogin(*agora_, "secretive");
  agora_->get("/api/users/me", token);
  for (const auto& line : agora_->logLines()) {
    EXPECT_EQ(line.find(AgoraProcess::kAdminPassword), std::string::npos) << line;
    EXPECT_EQ(line.find("a long enough passphrase"), std::string::npos) << line;
    EXPECT_EQ(line.find(token), std::string::npos) << line;
  }
}

}  // namespace
}  // namespace agora::testing
