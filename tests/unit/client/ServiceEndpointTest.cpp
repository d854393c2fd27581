// Tests parsing the base URLs of other roles.
#include <gtest/gtest.h>

#include <stdexcept>

#include "platform/client/ServiceEndpoint.h"

namespace agora::client {
namespace {

// Test that host and port are taken from an http URL.
TEST(ServiceEndpoint, ParsesHostAndPort) {
  ServiceEndpoint endpoint = ServiceEndpoint::parse("http://catalog:8080");
  EXPECT_EQ(endpoint.scheme, "http");
  EXPECT_EQ(endpoint.host, "catalog");
  EXPECT_EQ(endpoint.port, 8080);
  EXPECT_FALSE(endpoint.secure());
}

// Test that the port defaults by scheme and a trailing slash is fine.
TEST(ServiceEndpoint, DefaultsPortByScheme) {
  EXPECT_EQ(ServiceEndpoint::parse("http://auth/").port, 80);
  ServiceEndpoint secure = ServiceEndpoint::parse("https://auth");
  EXPECT_EQ(secure.port, 443);
  EXPECT_TRUE(secure.secure());
}

// Test that an IPv6 literal in brackets is read without them.
TEST(ServiceEndpoint, ParsesIpv6) {
  ServiceEndpoint endpoint = ServiceEndpoint::parse("http://[::1]:9000");
  EXPECT_EQ(endpoint.host, "::1");
  EXPECT_EQ(endpoint.port, 9000);
  EXPECT_EQ(endpoint.url(), "http://[::1]:9000");
}

// Test that URLs the client cannot use are rejected with the URL in the message.
TEST(ServiceEndpoint, RejectsUnusableUrls) {
  for (const char* url : {"catalog:8080", "ftp://catalog", "http://catalog:8080/api",
                          "http://user@catalog", "http://catalog:0", "http://catalog:99999",
                          "http://catalog:", "http://", "http://catalog:80x"}) {
    try {
      ServiceEndpoint::parse(url);
      ADD_FAILURE() << url << " was accepted";
    } catch (const std::invalid_argument& error) {
      EXPECT_NE(std::string(error.what()).find(url), std::string::npos) << error.what();
    }
  }
}

}  // namespace
}  // namespace agora::client
