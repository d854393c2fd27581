// Argon2id work behind a counting semaphore, so a login flood cannot take every core at once.
#include "modules/users/BoundedPasswordHasher.h"

#include <stdexcept>

#include "platform/http/Problem.h"
#include "platform/log/Log.h"

namespace agora::users {

class BoundedPasswordHasher::Slot {
 public:
  explicit Slot(BoundedPasswordHasher& owner) : owner_(owner) {
    if (!owner_.slots_.try_acquire_for(owner_.max_wait_)) {
      Poco::JSON::Object fields;
      fields.set("waited_ms", static_cast<int64_t>(owner_.max_wait_.count()));
      log::warn("users", "password_hashing_saturated", fields);
      throw http::Problem::unavailable("password checks are saturated; retry in a second")
          .withHeader("Retry-After", "1");
    }
    owner_.computations_.fetch_add(1);
  }
  ~Slot() { owner_.slots_.release(); }
  Slot(const Slot&) = delete;
  Slot& operator=(const Slot&) = delete;

 private:
  BoundedPasswordHasher& owner_;
};

namespace {

int checkedConcurrency(int concurrency) {
  if (concurrency < 1 || concurrency > BoundedPasswordHasher::kMaxConcurrency) {
    throw std::invalid_argument("invalid users.hashing_concurrency " + std::to_string(concurrency) +
                                ": must be 1-256");
  }
  return concurrency;
}

}  // namespace

BoundedPasswordHasher::BoundedPasswordHasher(security::PasswordHasher::Parameters parameters,
                                             int concurrency, std::chrono::milliseconds max_wait)
    : hasher_(parameters), slots_(checkedConcurrency(concurrency)), max_wait_(max_wait) {}

std::string BoundedPasswordHasher::hash(std::string_view nfc_password) {
  Slot slot(*this);
  return hasher_.hash(nfc_password);
}

bool BoundedPasswordHasher::verify(std::string_view nfc_password, const std::string& phc) {
  Slot slot(*this);
  return hasher_.verify(nfc_password, phc);
}

void BoundedPasswordHasher::burnEquivalentWork(std::string_view nfc_password) {
  Slot slot(*this);
  hasher_.burnEquivalentWork(nfc_password);
}

}  // namespace agora::users
