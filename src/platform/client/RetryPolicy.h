// When a failed call to another role may be repeated, and how long to wait before it.
#pragma once

#include <chrono>
#include <random>

namespace agora::client {

/** Whether repeating a call is harmless: a read, or a write keyed so it applies only once. */
enum class Idempotency { kYes, kNo };

/** The outcome of one attempt of a call. */
enum class AttemptFailure {
  kNone,        // a response that is not worth repeating (2xx, 4xx, 500, 501, ...)
  kConnection,  // no connection, or it broke before the response was complete
  kTimeout,     // connect or read timeout
  kStatus,      // 502, 503 or 504: the other side or a proxy requests a later try
};

/** Classifies an HTTP status: 502, 503 and 504 are kStatus, anything else kNone. */
AttemptFailure classifyStatus(int status);

/**
 * Bounded retries with exponential backoff and jitter. Only idempotent calls are repeated,
 * only after connection errors, timeouts, 502, 503 and 504, at most `max_attempts` attempts in
 * all and only while the call's time budget lasts.
 */
struct RetryPolicy {
  int max_attempts = 3;
  std::chrono::milliseconds base_delay{50};
  std::chrono::milliseconds max_delay{1000};
  /** The whole call, attempts and waits together, ends by this time. */
  std::chrono::milliseconds budget{5000};

  /**
   * Whether attempt number `attempts_made` + 1 may follow a failed attempt. `elapsed` is the
   * time the call has taken so far and `delay` the wait before the next attempt.
   */
  bool mayRetry(Idempotency idempotency, AttemptFailure failure, int attempts_made,
                std::chrono::milliseconds elapsed, std::chrono::milliseconds delay) const;

  /**
   * The wait before the attempt after `attempts_made` attempts (at least 1): half of
   * min(max_delay, base_delay * 2^(attempts_made - 1)) plus a random part up to the other half.
   */
  std::chrono::milliseconds backoff(int attempts_made, std::mt19937_64& random) const;
};

}  // namespace agora::client
