// Argon2id work on a small pool of its own, at low priority, so a login flood cannot take every
// core from the requests that need no password.
#include "modules/users/BoundedPasswordHasher.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <exception>
#include <stdexcept>

#include "platform/http/Problem.h"
#include "platform/log/Log.h"

namespace agora::users {

/** One computation handed to the pool, and where its caller waits for it. */
struct BoundedPasswordHasher::Job {
  enum class State { kQueued, kRunning, kDone, kWithdrawn };

  std::function<void()> work;
  bool counted = true;  // false for the start-up work, which no caller asked for
  std::mutex mutex;
  std::condition_variable changed;
  State state = State::kQueued;
  std::exception_ptr error;
};

namespace {

int checkedConcurrency(int concurrency) {
  if (concurrency < 1 || concurrency > BoundedPasswordHasher::kMaxConcurrency) {
    throw std::invalid_argument("invalid users.hashing_concurrency " + std::to_string(concurrency) +
                                ": must be 1-256");
  }
  return concurrency;
}

http::Problem saturated(std::chrono::milliseconds waited) {
  Poco::JSON::Object fields;
  fields.set("waited_ms", static_cast<int64_t>(waited.count()));
  log::warn("users", "password_hashing_saturated", fields);
  return http::Problem::unavailable("password checks are saturated; retry in a second")
      .withHeader("Retry-After", "1");
}

/** Lowers the calling thread's priority; on Linux nice is per thread. */
void lowerThisThreadsPriority() {
  const auto thread_id = static_cast<id_t>(syscall(SYS_gettid));
  const int current = getpriority(PRIO_PROCESS, thread_id);
  if (setpriority(PRIO_PROCESS, thread_id, current + BoundedPasswordHasher::kHashingNice) != 0) {
    Poco::JSON::Object fields;
    fields.set("error", std::strerror(errno));
    log::warn("users", "hashing_priority_unchanged", fields);
  }
}

}  // namespace

BoundedPasswordHasher::BoundedPasswordHasher(security::PasswordHasher::Parameters parameters,
                                             int concurrency, std::chrono::milliseconds max_wait)
    : hasher_(parameters), max_wait_(max_wait) {
  const int threads = checkedConcurrency(concurrency);
  workers_.reserve(static_cast<std::size_t>(threads));
  for (int i = 0; i < threads; ++i) workers_.emplace_back([this] { workerLoop(); });

  // The dummy hash for unknown accounts is made here rather than on the way to readiness;
  // a login that needs it first waits for it.
  auto warm_up = std::make_shared<Job>();
  warm_up->work = [this] { hasher_.prepareDummyHash(); };
  warm_up->counted = false;
  std::lock_guard lock(queue_mutex_);
  queue_.push_back(std::move(warm_up));
  queue_changed_.notify_one();
}

BoundedPasswordHasher::~BoundedPasswordHasher() {
  {
    std::lock_guard lock(queue_mutex_);
    stopping_ = true;
  }
  queue_changed_.notify_all();
  for (auto& worker : workers_) worker.join();
}

void BoundedPasswordHasher::workerLoop() {
  lowerThisThreadsPriority();
  for (;;) {
    std::shared_ptr<Job> job;
    {
      std::unique_lock lock(queue_mutex_);
      queue_changed_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    {
      std::lock_guard lock(job->mutex);
      // Its caller gave up waiting: the work is not wanted any more.
      if (job->state == Job::State::kWithdrawn) continue;
      job->state = Job::State::kRunning;
    }
    job->changed.notify_all();
    if (job->counted) computations_.fetch_add(1);
    std::exception_ptr error;
    try {
      job->work();
    } catch (...) {
      error = std::current_exception();
    }
    {
      std::lock_guard lock(job->mutex);
      job->error = error;
      job->state = Job::State::kDone;
    }
    job->changed.notify_all();
  }
}

void BoundedPasswordHasher::run(const std::function<void()>& work) {
  auto job = std::make_shared<Job>();
  job->work = work;
  {
    std::lock_guard lock(queue_mutex_);
    if (stopping_) throw saturated(std::chrono::milliseconds(0));
    queue_.push_back(job);
  }
  queue_changed_.notify_one();

  std::unique_lock lock(job->mutex);
  const bool started =
      job->changed.wait_for(lock, max_wait_, [&] { return job->state != Job::State::kQueued; });
  if (!started) {
    job->state = Job::State::kWithdrawn;
    throw saturated(max_wait_);
  }
  job->changed.wait(lock, [&] { return job->state == Job::State::kDone; });
  if (job->error) std::rethrow_exception(job->error);
}

std::string BoundedPasswordHasher::hash(std::string_view nfc_password) {
  std::string phc;
  run([&] { phc = hasher_.hash(nfc_password); });
  return phc;
}

bool BoundedPasswordHasher::verify(std::string_view nfc_password, const std::string& phc) {
  bool matches = false;
  run([&] { matches = hasher_.verify(nfc_password, phc); });
  return matches;
}

void BoundedPasswordHasher::burnEquivalentWork(std::string_view nfc_password) {
  run([&] { hasher_.burnEquivalentWork(nfc_password); });
}

}  // namespace agora::users
