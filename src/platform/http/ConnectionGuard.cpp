// Time limits and eviction for the connections of the API server (see ConnectionGuard.h).
#include "platform/http/ConnectionGuard.h"

#include <sys/socket.h>

#include <algorithm>
#include <vector>

namespace agora::http {
namespace {

constexpr const char* kClosedMetric = "http_server_connections_closed_total";

}  // namespace

ConnectionGuard::Watch::~Watch() {
  std::lock_guard lock(guard_.mutex_);
  guard_.entries_.erase(entry_);
}

void ConnectionGuard::Watch::awaitRequest() {
  std::lock_guard lock(guard_.mutex_);
  Entry& entry = *entry_;
  entry.phase = Phase::kAwaiting;
  entry.phase_started = std::chrono::steady_clock::now();
  // Between keep-alive requests the server's own keep-alive timeout ends an idle connection.
  if (entry.first_request) {
    entry.deadline = entry.phase_started + guard_.limits_.head_timeout;
  } else {
    entry.deadline.reset();
  }
}

void ConnectionGuard::Watch::readHead() {
  std::lock_guard lock(guard_.mutex_);
  Entry& entry = *entry_;
  const auto now = std::chrono::steady_clock::now();
  entry.phase = Phase::kHead;
  // The first head keeps the deadline counted from the accept, the TLS handshake included.
  if (!entry.first_request || !entry.deadline) entry.deadline = now + guard_.limits_.head_timeout;
}

void ConnectionGuard::Watch::serve() {
  std::lock_guard lock(guard_.mutex_);
  Entry& entry = *entry_;
  entry.phase = Phase::kServing;
  entry.phase_started = std::chrono::steady_clock::now();
  entry.deadline = entry.phase_started + guard_.limits_.request_timeout;
  entry.first_request = false;
}

bool ConnectionGuard::Watch::wasCut() const {
  std::lock_guard lock(guard_.mutex_);
  return entry_->cut;
}

ConnectionGuard::ConnectionGuard(ConnectionLimits limits, QueueLength queue_length,
                                 std::shared_ptr<metrics::Registry> registry, std::string role)
    : limits_(limits),
      queue_length_(std::move(queue_length)),
      registry_(std::move(registry)),
      role_(std::move(role)) {
  registry_->describe(kClosedMetric, "counter",
                      "Connections the server shut down: reason head_timeout, request_timeout, "
                      "evicted (not being served while others waited for a thread) or stopping.");
  checker_ = std::thread([this] { run(); });
}

ConnectionGuard::~ConnectionGuard() {
  stop();
}

void ConnectionGuard::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (checker_.joinable()) checker_.join();
}

std::unique_ptr<ConnectionGuard::Watch> ConnectionGuard::watch(
    const Poco::Net::StreamSocket& socket) {
  std::lock_guard lock(mutex_);
  Entry entry;
  entry.socket = socket;
  entry.phase_started = std::chrono::steady_clock::now();
  entry.deadline = entry.phase_started + limits_.head_timeout;
  entries_.push_back(std::move(entry));
  return std::unique_ptr<Watch>(new Watch(*this, std::prev(entries_.end())));
}

void ConnectionGuard::shutdownAll() {
  std::lock_guard lock(mutex_);
  for (Entry& entry : entries_) cut(entry, Reason::kStopping);
}

void ConnectionGuard::run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, limits_.check_interval, [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    // The queue length is read without the lock: the server takes its own locks for it.
    const int waiting = queue_length_ ? queue_length_() : 0;
    lock.lock();
    if (stopping_) break;

    const auto now = std::chrono::steady_clock::now();
    int pending = 0;  // shut down already, their threads not yet free
    std::vector<Entry*> candidates;
    for (Entry& entry : entries_) {
      if (entry.cut) {
        ++pending;
        continue;
      }
      if (entry.deadline && now >= *entry.deadline) {
        cut(entry, entry.phase == Phase::kServing ? Reason::kRequestTimeout : Reason::kHeadTimeout);
        ++pending;
        continue;
      }
      const auto age = now - entry.phase_started;
      if (isIdle(entry) ? age >= limits_.idle_grace
                        : entry.phase != Phase::kServing && age >= limits_.eviction_grace) {
        candidates.push_back(&entry);
      }
    }

    const int to_free = std::min(waiting - pending, static_cast<int>(candidates.size()));
    if (to_free <= 0) continue;
    // Idle keep-alive connections go first, then the oldest openings and heads.
    std::partial_sort(candidates.begin(), candidates.begin() + to_free, candidates.end(),
                      [](const Entry* left, const Entry* right) {
                        if (isIdle(*left) != isIdle(*right)) return isIdle(*left);
                        return left->phase_started < right->phase_started;
                      });
    for (int i = 0; i < to_free; ++i) {
      cut(*candidates[static_cast<std::size_t>(i)], Reason::kEvicted);
    }
  }
}

bool ConnectionGuard::isIdle(const Entry& entry) {
  return entry.phase == Phase::kAwaiting && !entry.first_request;
}

void ConnectionGuard::cut(Entry& entry, Reason reason) {
  if (entry.cut) return;
  entry.cut = true;
  // A shutdown of the descriptor, not of the TLS session: the TLS state belongs to the thread
  // serving the connection, which now reads the end of the stream and lets the connection go.
  ::shutdown(entry.socket.impl()->sockfd(), SHUT_RDWR);
  const char* label = reason == Reason::kHeadTimeout      ? "head_timeout"
                      : reason == Reason::kRequestTimeout ? "request_timeout"
                      : reason == Reason::kEvicted        ? "evicted"
                                                          : "stopping";
  registry_->increment(kClosedMetric, {{"role", role_}, {"reason", label}});
}

}  // namespace agora::http
