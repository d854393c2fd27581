// The users repository contract: registration, duplicates (also concurrent ones), text round
// trips and the email prefix filter, for any backend. Included once per test binary.
#pragma once

#include <atomic>
#include <set>

#include "../unit/users/UsersTestSupport.h"
#include "TestDatabases.h"
#include "platform/http/Pagination.h"

namespace agora::testing {

class UsersContract : public ContractTest {
 protected:
  UsersContract()
      : database_(open("users", users::UsersModule::migrations())),
        repository_(std::make_shared<users::UserRepository>(database_)),
        service_(repository_, std::make_shared<const users::PasswordPolicy>(),
                 std::make_shared<users::BoundedPasswordHasher>(users::testing::fastArgon2(), 4,
                                                                std::chrono::milliseconds(10000)),
                 [this] { return now_.load(); }) {
    service_.setSessionRevoker(std::make_shared<users::testing::RecordingSessionRevoker>());
  }

  users::UserView registerCustomer(const std::string& email,
                                   const std::string& display_name = "Test User") {
    return service_.registerUser(email, kPassword, display_name);
  }

  /** The problem type `action` throws, or "" when it returns. */
  template <typename Action>
  static std::string problemType(Action&& action) {
    try {
      action();
    } catch (const http::Problem& problem) {
      return problem.type();
    }
    return "";
  }

  static std::vector<std::string> emailsOf(const users::UserPage& page) {
    std::vector<std::string> emails;
    for (const auto& user : page.items) emails.push_back(user.email);
    return emails;
  }

  static http::PageRequest firstPage(int limit) {
    http::PageRequest page;
    page.limit = limit;
    return page;
  }

  static constexpr const char* kPassword = "tulip-ocean-granite";

  std::atomic<int64_t> now_{1'780'000'000};
  std::shared_ptr<data::Database> database_;
  std::shared_ptr<users::UserRepository> repository_;
  users::UserService service_;
};

// Test that a display name with SQL metacharacters and emoji reads back unchanged.
TEST_P(UsersContract, DisplayNameRoundTrips) {
  const users::UserView created = registerCustomer("round@example.com", kAwkwardText);
  EXPECT_EQ(service_.getUser(created.id).display_name, kAwkwardText);
}

// Test that an email with a 4-byte character reads back unchanged and matches ignoring case.
TEST_P(UsersContract, EmojiEmailRoundTrips) {
  const users::UserView created = registerCustomer("Kunde🛒@Example.com");
  EXPECT_EQ(service_.getUser(created.id).email, "Kunde🛒@Example.com");
  EXPECT_EQ(problemType([&] { registerCustomer("kunde🛒@example.COM"); }),
            "/problems/email-taken");
}

// Test that a changed display name with metacharacters is stored as given.
TEST_P(UsersContract, ChangedDisplayNameRoundTrips) {
  const users::UserView created = registerCustomer("rename@example.com");
  service_.changeDisplayName(created.id, "Renamed " + kAwkwardText);
  EXPECT_EQ(service_.getUser(created.id).display_name, "Renamed " + kAwkwardText);
}

// Test that writing the same display name again succeeds and changes nothing.
TEST_P(UsersContract, UnchangedDisplayNameIsAccepted) {
  const users::UserView created = registerCustomer("same@example.com", "Same Name");
  EXPECT_EQ(service_.changeDisplayName(created.id, "Same Name").display_name, "Same Name");
}

// Test that an email taken in another case is a conflict.
TEST_P(UsersContract, DuplicateEmailIgnoringCaseConflicts) {
  registerCustomer("taken@example.com");
  EXPECT_EQ(problemType([&] { registerCustomer("TAKEN@example.com"); }), "/problems/email-taken");
}

// Test that concurrent registrations of one email create exactly one account.
TEST_P(UsersContract, ConcurrentDuplicatesCreateOne) {
  std::atomic<int> created{0};
  std::atomic<int> taken{0};
  runConcurrently(8, [&](int) {
    const std::string type = problemType([&] { registerCustomer("race@example.com"); });
    if (type.empty()) ++created;
    if (type == "/problems/email-taken") ++taken;
  });

  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(taken.load(), 7);
  EXPECT_EQ(service_.listUsers("race@", firstPage(10)).items.size(), 1u);
}

class UsersPrefixContract : public UsersContract {
 protected:
  void SetUp() override {
    for (const char* email : {"a%b@example.com", "axb@example.com", "a_c@example.com",
                              "abc@example.com", "a!d@example.com", "zed@example.com"}) {
      registerCustomer(email);
      ++now_;
    }
  }
};

// Test that % in the prefix matches only a literal %.
TEST_P(UsersPrefixContract, PercentMatchesLiterally) {
  EXPECT_EQ(emailsOf(service_.listUsers("a%", firstPage(20))),
            std::vector<std::string>{"a%b@example.com"});
}

// Test that _ in the prefix matches only a literal _.
TEST_P(UsersPrefixContract, UnderscoreMatchesLiterally) {
  EXPECT_EQ(emailsOf(service_.listUsers("a_", firstPage(20))),
            std::vector<std::string>{"a_c@example.com"});
}

// Test that the escape character itself matches literally.
TEST_P(UsersPrefixContract, EscapeCharacterMatchesLiterally) {
  EXPECT_EQ(emailsOf(service_.listUsers("a!", firstPage(20))),
            std::vector<std::string>{"a!d@example.com"});
}

// Test that the prefix ignores case.
TEST_P(UsersPrefixContract, PrefixIgnoresCase) {
  EXPECT_EQ(service_.listUsers("A", firstPage(20)).items.size(), 5u);
}

// Test that pages of two visit every account once, in creation order.
TEST_P(UsersPrefixContract, PagesVisitEveryUserOnce) {
  std::vector<std::string> seen;
  http::PageRequest page = firstPage(2);
  for (int pages = 0; pages < 10; ++pages) {
    const users::UserPage result = service_.listUsers(std::nullopt, page);
    for (const auto& email : emailsOf(result)) seen.push_back(email);
    if (!result.next_cursor) break;
    page.after = *http::decodeCursor(*result.next_cursor, 2);
  }

  EXPECT_EQ(seen,
            (std::vector<std::string>{"a%b@example.com", "axb@example.com", "a_c@example.com",
                                      "abc@example.com", "a!d@example.com", "zed@example.com"}));
}

}  // namespace agora::testing
