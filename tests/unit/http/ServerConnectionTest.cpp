// The head checks of ServerConnection: which heads are refused, with which status and type.
#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/NetException.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "platform/http/ServerConnection.h"

namespace agora::http {
namespace {

Poco::Net::HTTPRequest request(const std::vector<std::pair<std::string, std::string>>& headers,
                               const std::string& method = "POST",
                               const std::string& version = "HTTP/1.1") {
  Poco::Net::HTTPRequest head(method, "/api/things", version);
  for (const auto& [name, value] : headers) head.add(name, value);
  return head;
}

TEST(RequestProblem, PlainRequestsPass) {
  EXPECT_FALSE(requestProblem(request({})));
  EXPECT_FALSE(requestProblem(request({{"Content-Length", "12"}})));
  EXPECT_FALSE(requestProblem(request({{"Transfer-Encoding", "chunked"}})));
  EXPECT_FALSE(requestProblem(request({{"Transfer-Encoding", " Chunked "}})));
  EXPECT_FALSE(requestProblem(request({}, "GET", "HTTP/1.0")));
}

TEST(RequestProblem, AmbiguousFramingIs400) {
  const std::vector<std::vector<std::pair<std::string, std::string>>> refused = {
      {{"Content-Length", "2"}, {"Transfer-Encoding", "chunked"}},
      {{"Content-Length", "2"}, {"Content-Length", "2"}},
      {{"Content-Length", "2"}, {"content-length", "3"}},
      {{"Content-Length", "+2"}},
      {{"Content-Length", "2, 2"}},
      {{"Content-Length", "1234567890123456789"}},
      {{"Transfer-Encoding", "xchunked"}},
      {{"Transfer-Encoding", "chunked, identity"}},
      {{"Transfer-Encoding", "chunked"}, {"Transfer-Encoding", "chunked"}},
      {{"Transfer-Encoding ", "chunked"}},
      {{"X Bad", "name"}},
  };
  for (const auto& headers : refused) {
    auto problem = requestProblem(request(headers));
    ASSERT_TRUE(problem) << headers.front().first << ": " << headers.front().second;
    EXPECT_EQ(problem->status(), 400);
    EXPECT_EQ(problem->type(), "/problems/bad-request");
  }
}

TEST(RequestProblem, MethodAndVersion) {
  auto version = requestProblem(request({}, "GET", "HTTP/9.9"));
  ASSERT_TRUE(version);
  EXPECT_EQ(version->status(), 505);
  EXPECT_TRUE(requestProblem(request({}, "GET", "HTTP/2.0")));
  auto method = requestProblem(request({}, "G\x01T"));
  ASSERT_TRUE(method);
  EXPECT_EQ(method->status(), 400);
}

TEST(HeadProblem, LimitsAndMalformedHeads) {
  EXPECT_EQ(headProblem(Poco::Net::MessageException("Too many header fields")).status(), 431);
  EXPECT_EQ(headProblem(Poco::Net::MessageException("Field value too long/no CRLF found")).status(),
            431);
  EXPECT_EQ(headProblem(Poco::Net::MessageException("Field name too long/no colon found")).status(),
            431);
  EXPECT_EQ(
      headProblem(Poco::Net::MessageException("HTTP request URI invalid or too long")).status(),
      414);
  EXPECT_EQ(headProblem(Poco::Net::MessageException("Invalid HTTP version string")).status(), 400);
  EXPECT_EQ(headProblem(Poco::SyntaxException("Not a valid integer", "x")).status(), 400);
  EXPECT_EQ(headProblem(std::runtime_error("anything")).status(), 400);
}

}  // namespace
}  // namespace agora::http
