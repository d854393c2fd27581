// Argon2id work on a small pool of its own, at low priority, so a login flood cannot take every
// core from the requests that need no password.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "platform/security/PasswordHasher.h"

namespace agora::users {

/**
 * A PasswordHasher whose argon2id computations (hash, verify, burnEquivalentWork) run on
 * `concurrency` threads of their own, started at a lower scheduling priority (nice
 * kHashingNice), while the calling request thread waits. A call whose computation has not
 * started within `max_wait` gets a 503 problem with `Retry-After` and its computation never
 * runs, so queued requests do not pile up without end. The dummy hash of burnEquivalentWork
 * is made on the pool right after construction, off the start-up path. Thread-safe.
 */
class BoundedPasswordHasher {
 public:
  static constexpr int kMaxConcurrency = 256;
  /** How much nicer than the request threads the hashing threads run. */
  static constexpr int kHashingNice = 10;

  /** Throws std::invalid_argument for a concurrency outside 1-256 or bad argon2 parameters. */
  BoundedPasswordHasher(security::PasswordHasher::Parameters parameters, int concurrency,
                        std::chrono::milliseconds max_wait);
  /** Finishes the computations already queued, then stops the threads. */
  ~BoundedPasswordHasher();
  BoundedPasswordHasher(const BoundedPasswordHasher&) = delete;
  BoundedPasswordHasher& operator=(const BoundedPasswordHasher&) = delete;

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
  struct Job;

  /** Runs `work` on a hashing thread and waits for it; throws 503 when none starts it in time. */
  void run(const std::function<void()>& work);
  void workerLoop();

  security::PasswordHasher hasher_;
  std::chrono::milliseconds max_wait_;
  std::atomic<uint64_t> computations_{0};

  std::mutex queue_mutex_;
  std::condition_variable queue_changed_;
  std::deque<std::shared_ptr<Job>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace agora::users
