// Tests of parsing and checking the service client credentials list.
#include <gtest/gtest.h>

#include "modules/auth/ServiceClients.h"
#include "platform/config/Config.h"

namespace agora::auth {
namespace {

TEST(ServiceClients, ParsesEntriesAndSkipsEmpty) {
  const auto clients = ServiceClients::parse(" orders:s1 ,, users:s2:with-colon ");
  EXPECT_EQ(clients.size(), 2u);
}

TEST(ServiceClients, AcceptsTheRightSecret) {
  const auto clients = ServiceClients::parse("orders:s1,users:s2:with-colon");
  EXPECT_TRUE(clients.check("users", "s2:with-colon"));
}

TEST(ServiceClients, RejectsWrongSecret) {
  const auto clients = ServiceClients::parse("orders:s1");
  EXPECT_FALSE(clients.check("orders", "s2"));
}

TEST(ServiceClients, RejectsUnknownClient) {
  const auto clients = ServiceClients::parse("orders:s1");
  EXPECT_FALSE(clients.check("catalog", "s1"));
}

TEST(ServiceClients, EmptyListHasNoClients) {
  EXPECT_TRUE(ServiceClients::parse("").empty());
}

TEST(ServiceClients, MissingColonNamesEntryNotSecret) {
  try {
    ServiceClients::parse("orders:s1,topsecretvalue");
    FAIL() << "expected ConfigError";
  } catch (const config::ConfigError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("entry 2"), std::string::npos) << message;
    EXPECT_EQ(message.find("topsecretvalue"), std::string::npos) << message;
  }
}

TEST(ServiceClients, DuplicateClientIsRejected) {
  EXPECT_THROW(ServiceClients::parse("orders:a,orders:b"), config::ConfigError);
}

TEST(ServiceClients, EmptySecretIsRejected) {
  EXPECT_THROW(ServiceClients::parse("orders:"), config::ConfigError);
}

}  // namespace
}  // namespace agora::auth
