// Argon2id work behind a counting semaphore, so a login flood cannot take every core at once.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <semaphore>
#include <string>
#include <string_view>

#include "platform/security/PasswordHasher.h"

namespace agora::users {

/**
 * A PasswordHasher whose argon2id computations (hash, verify, burnEquivalentWork) run at most
 * `concurrency` at a time. A caller that waits longer than `max_wait` for a slot gets a 503
 * problem with `Retry-After`, so queued requests do not pile up without end. Thread-safe.
 */
class BoundedPasswordHasher {
 public:
  static constexpr int kMaxConcurrency = 256;

  /** Throws std::invalid_argument for a concurrency outside 1-256 or bad argon2 parameters. */
  BoundedPasswordHasher(security::PasswordHasher::Parameters parameters, int concurrency,
                        std::chrono::milliseconds max_wait);

  /** A fresh PHC hash of `nfc_password`. */
  std::string hash(std::string_view nfc_password);
  /** Whether `nfc_password` matches `phc`. */
  bool verify(std::string_view nfc_password, const std::string& phc);
  /** The same work as verify() against a dummy hash, for accounts that do not exist. */
  void burnEquivalentWork(std::string_view nfc_password);
  /** Whether `phc` is weaker than the configured parameters (no argon2id work, not bounded). */
  bool needsRehash(const std::string& phc) const { return hasher_.needsRehash(phc); }

  /** How many argon2id computations have run through this hasher since construction. */
  uint64_t computations() const { return computations_.load(); }
  const security::PasswordHasher::Parameters& parameters() const { return hasher_.parameters(); }

 private:
  /** Holds one slot of the semaphore for the lifetime of a computation. */
  class Slot;

  security::PasswordHasher hasher_;
  std::counting_semaphore<kMaxConcurrency> slots_;
  std::chrono::milliseconds max_wait_;
  std::atomic<uint64_t> computations_{0};
};

}  // namespace agora::users
