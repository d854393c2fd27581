// Tests of the admin user list: email prefix filter with literal % and _, and cursor pages.
#include <gtest/gtest.h>

#include <set>

#include "UsersTestSupport.h"
#include "modules/users/UserService.h"

namespace agora::users {
namespace {

using UserListTest = testing::UserServiceTest;

std::vector<std::string> emailsOf(const UserPage& page) {
  std::vector<std::string> emails;
  for (const auto& user : page.items) emails.push_back(user.email);
  return emails;
}

http::PageRequest firstPage(int limit) {
  http::PageRequest page;
  page.limit = limit;
  return page;
}

class EmailPrefixTest : public UserListTest {
 protected:
  void SetUp() override {
    for (const char* email : {"a%b@example.com", "axb@example.com", "a_c@example.com",
                              "abc@example.com", "a!d@example.com", "zed@example.com"}) {
      registerCustomer(email);
      ++now_;
    }
  }
};

TEST_F(EmailPrefixTest, PercentMatchesLiterally) {
  EXPECT_EQ(emailsOf(service_.listUsers("a%", firstPage(20))),
            std::vector<std::string>{"a%b@example.com"});
}

TEST_F(EmailPrefixTest, UnderscoreMatchesLiterally) {
  EXPECT_EQ(emailsOf(service_.listUsers("a_", firstPage(20))),
            std::vector<std::string>{"a_c@example.com"});
}

TEST_F(EmailPrefixTest, EscapeCharacterMatchesLiterally) {
  EXPECT_EQ(emailsOf(service_.listUsers("a!", firstPage(20))),
            std::vector<std::string>{"a!d@example.com"});
}

TEST_F(EmailPrefixTest, PrefixIgnoresCase) {
  EXPECT_EQ(service_.listUsers("A", firstPage(20)).items.size(), 5u);
}

TEST_F(EmailPrefixTest, NoFilterListsAll) {
  EXPECT_EQ(service_.listUsers(std::nullopt, firstPage(20)).items.size(), 6u);
}

TEST_F(EmailPrefixTest, LastPageHasNoCursor) {
  EXPECT_FALSE(service_.listUsers(std::nullopt, firstPage(20)).next_cursor);
}

TEST_F(UserListTest, PagesCoverEveryUserOnce) {
  // Groups of users share a creation second, so the id has to break ties.
  std::set<std::string> registered;
  for (int i = 0; i < 25; ++i) {
    if (i % 4 == 0) ++now_;
    registered.insert(registerCustomer("user" + std::to_string(i) + "@example.com").id);
  }

  std::vector<std::string> seen;
  http::PageRequest page = firstPage(10);
  int pages = 0;
  for (;;) {
    UserPage result = service_.listUsers(std::nullopt, page);
    ++pages;
    for (const auto& user : result.items) seen.push_back(user.id);
    if (!result.next_cursor) break;
    auto keys = http::decodeCursor(*result.next_cursor, 2);
    ASSERT_TRUE(keys);
    page.after = *keys;
    ASSERT_LT(pages, 10) << "pagination does not end";
  }

  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen.size(), 25u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), registered);
}

TEST_F(UserListTest, OrderedByCreationTime) {
  now_ += 10;
  UserView later = registerCustomer("later@example.com");
  now_ -= 5;
  UserView earlier = registerCustomer("earlier@example.com");
  UserPage page = service_.listUsers(std::nullopt, firstPage(10));
  ASSERT_EQ(page.items.size(), 2u);
  EXPECT_EQ(page.items[0].id, earlier.id);
  EXPECT_EQ(page.items[1].id, later.id);
}

TEST_F(UserListTest, ForgedCursorRejected) {
  http::PageRequest page = firstPage(10);
  page.after = {"not-a-number", "some-id"};
  EXPECT_EQ(problemOf([&] { service_.listUsers(std::nullopt, page); }).status(), 400);
}

}  // namespace
}  // namespace agora::users
