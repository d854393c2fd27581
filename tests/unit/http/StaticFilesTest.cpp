// Tests serving in-memory files: index, media types, ETags, refused paths and unknown files.
#include <gtest/gtest.h>

#include <map>
#include <stdexcept>
#include <string>

#include "platform/http/Problem.h"
#include "platform/http/StaticFiles.h"

namespace agora::http {
namespace {

using Files = std::map<std::string, std::string>;

StaticFiles makeFiles() {
  return StaticFiles(Files{{"/index.html", "<!doctype html><title>Shop</title>"},
                           {"/assets/app.js", "export const answer = 42;"},
                           {"/assets/styles.css", "body { margin: 0; }"}});
}

Request get(std::string path) {
  Request request;
  request.method = "GET";
  request.path = std::move(path);
  return request;
}

std::string headerOf(const Response& response, const std::string& name) {
  for (const auto& [header, value] : response.headers) {
    if (header == name) return value;
  }
  return {};
}

int statusOf(const StaticFiles& files, const std::string& path) {
  try {
    return files.serve(get(path)).status;
  } catch (const Problem& problem) {
    return problem.status();
  }
}

TEST(StaticFiles, RootServesIndexPage) {
  Response response = makeFiles().serve(get("/"));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.raw_body, "<!doctype html><title>Shop</title>");
  EXPECT_EQ(response.content_type, "text/html; charset=utf-8");
}

TEST(StaticFiles, PageCarriesStorefrontPolicy) {
  Response response = makeFiles().serve(get("/index.html"));
  EXPECT_EQ(headerOf(response, "Content-Security-Policy"), kStorefrontContentSecurityPolicy);
  EXPECT_EQ(headerOf(response, "Cache-Control"), "no-cache");
}

TEST(StaticFiles, ScriptHasJavaScriptType) {
  Response response = makeFiles().serve(get("/assets/app.js"));
  EXPECT_EQ(response.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(response.raw_body, "export const answer = 42;");
  EXPECT_EQ(headerOf(response, "Content-Security-Policy"), "");
}

TEST(StaticFiles, MediaTypesByExtension) {
  EXPECT_EQ(StaticFiles::contentTypeOf("/assets/styles.css"), "text/css; charset=utf-8");
  EXPECT_EQ(StaticFiles::contentTypeOf("/assets/logo.SVG"), "image/svg+xml");
  EXPECT_EQ(StaticFiles::contentTypeOf("/assets/data.bin"), "application/octet-stream");
  EXPECT_EQ(StaticFiles::contentTypeOf("/assets.d/readme"), "application/octet-stream");
}

TEST(StaticFiles, MatchingEtagAnswers304) {
  StaticFiles files = makeFiles();
  std::string etag = headerOf(files.serve(get("/assets/app.js")), "ETag");
  ASSERT_FALSE(etag.empty());
  Request request = get("/assets/app.js");
  request.headers["if-none-match"] = "\"other\", W/" + etag;
  Response response = files.serve(request);
  EXPECT_EQ(response.status, 304);
  EXPECT_TRUE(response.raw_body.empty());
}

TEST(StaticFiles, StaleEtagAnswers200) {
  Request request = get("/assets/app.js");
  request.headers["if-none-match"] = "\"0123\"";
  EXPECT_EQ(makeFiles().serve(request).status, 200);
}

TEST(StaticFiles, EtagFollowsContent) {
  StaticFiles files(Files{{"/a.js", "one"}, {"/b.js", "two"}, {"/c.js", "one"}});
  std::string a = headerOf(files.serve(get("/a.js")), "ETag");
  EXPECT_NE(a, headerOf(files.serve(get("/b.js")), "ETag"));
  EXPECT_EQ(a, headerOf(files.serve(get("/c.js")), "ETag"));
}

TEST(StaticFiles, UnknownFileIsNotFound) {
  EXPECT_EQ(statusOf(makeFiles(), "/assets/missing.js"), 404);
  EXPECT_EQ(statusOf(makeFiles(), "/assets"), 404);
}

TEST(StaticFiles, TraversalIsRefused) {
  StaticFiles files = makeFiles();
  EXPECT_EQ(statusOf(files, "/assets/../index.html"), 400);
  EXPECT_EQ(statusOf(files, "/assets/./app.js"), 400);
  EXPECT_EQ(statusOf(files, "/assets/%2e%2e/index.html"), 400);
  EXPECT_EQ(statusOf(files, "/assets/..%2Findex.html"), 400);
  EXPECT_EQ(statusOf(files, "/assets\\..\\index.html"), 400);
  EXPECT_EQ(statusOf(files, "//etc/passwd"), 400);
  EXPECT_EQ(statusOf(files, "/assets/"), 400);
}

TEST(StaticFiles, PlainPathRules) {
  EXPECT_TRUE(StaticFiles::isPlainPath("/"));
  EXPECT_TRUE(StaticFiles::isPlainPath("/assets/app.v2.js"));
  EXPECT_TRUE(StaticFiles::isPlainPath("/assets/..hidden"));
  EXPECT_FALSE(StaticFiles::isPlainPath("assets/app.js"));
  EXPECT_FALSE(StaticFiles::isPlainPath(std::string_view("/etc/passwd\0", 12)));
  EXPECT_FALSE(StaticFiles::isPlainPath(""));
}

TEST(StaticFiles, BadFilePathThrows) {
  EXPECT_THROW(StaticFiles(Files{{"../secret", "x"}}), std::invalid_argument);
  EXPECT_THROW(StaticFiles(Files{{"/a/../b", "x"}}), std::invalid_argument);
}

}  // namespace
}  // namespace agora::http
