// Shared setup of the users module tests: a real SQLite database in a temp folder, a fast
// argon2id hasher, a movable clock and a session revoker that records its calls.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "modules/auth/SessionRevoker.h"
#include "modules/users/BoundedPasswordHasher.h"
#include "modules/users/PasswordPolicy.h"
#include "modules/users/UserRepository.h"
#include "modules/users/UserService.h"
#include "modules/users/UsersModule.h"
#include "platform/data/Database.h"
#include "platform/data/Migrations.h"
#include "platform/http/Problem.h"
#include "platform/security/Random.h"

namespace agora::users::testing {

/** Records revocations instead of ending sessions (the real revoker lives in the auth module). */
class RecordingSessionRevoker : public auth::SessionRevoker {
 public:
  struct Call {
    std::string user_id;
    std::string keep_session_id;
  };

  int revokeAllSessions(const std::string& user_id, const std::string& keep_session_id) override {
    calls.push_back({user_id, keep_session_id});
    return 2;
  }

  std::vector<Call> calls;
};

/** Returns the cheapest argon2id cost libargon2 accepts, so tests hash quickly. */
inline security::PasswordHasher::Parameters fastArgon2() {
  return {8, 1, 1};
}

/** A fresh temp folder, removed with the fixture. */
class TempFolder {
 public:
  TempFolder()
      : path_(std::filesystem::temp_directory_path() /
              ("agora-users-test-" + security::randomToken(9))) {
    std::filesystem::create_directories(path_);
  }
  ~TempFolder() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

/** Creates a SQLite users database in `folder` and applies the users migrations. */
inline std::shared_ptr<data::Database> migratedDatabase(const TempFolder& folder) {
  data::DatabaseSettings settings;
  settings.dialect = data::Dialect::kSqlite;
  settings.sqlite_path = (folder.path() / "users.db").string();
  auto database = std::make_shared<data::Database>(settings);
  data::applyMigrations(*database, "users", UsersModule::migrations());
  return database;
}

/** A UserService over a real SQLite database, with a recording revoker and a settable clock. */
class UserServiceTest : public ::testing::Test {
 protected:
  UserServiceTest()
      : database_(migratedDatabase(folder_)),
        repository_(std::make_shared<UserRepository>(database_)),
        hasher_(std::make_shared<BoundedPasswordHasher>(fastArgon2(), 2,
                                                        std::chrono::milliseconds(5000))),
        revoker_(std::make_shared<RecordingSessionRevoker>()),
        service_(repository_, std::make_shared<const PasswordPolicy>(), hasher_,
                 [this] { return now_; }) {
    service_.setSessionRevoker(revoker_);
  }

  /** Registers a customer with a valid password and name. */
  UserView registerCustomer(const std::string& email,
                            const std::string& password = "tulip-ocean-granite") {
    return service_.registerUser(email, password, "Test User");
  }

  /** Runs `action` and returns the Problem it throws. Fails the test if it throws none. */
  template <typename Action>
  http::Problem problemOf(Action&& action) {
    try {
      std::forward<Action>(action)();
    } catch (const http::Problem& problem) {
      return problem;
    }
    ADD_FAILURE() << "expected an http::Problem";
    return http::Problem(0, "", "");
  }

  TempFolder folder_;
  int64_t now_ = 1'780'000'000;
  std::shared_ptr<data::Database> database_;
  std::shared_ptr<UserRepository> repository_;
  std::shared_ptr<BoundedPasswordHasher> hasher_;
  std::shared_ptr<RecordingSessionRevoker> revoker_;
  UserService service_;
};

}  // namespace agora::users::testing
