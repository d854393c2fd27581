// Helpers that every fuzz target shares: failing loudly on a broken invariant, quiet logs and a
// temp folder.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>

#include "platform/log/Audit.h"
#include "platform/log/Log.h"

namespace agora::fuzz {

/**
 * Reports a broken invariant on stderr and aborts, which libFuzzer records as a crash with
 * the input that caused it. `detail` is clipped so a huge input cannot flood the report.
 */
[[noreturn]] inline void fail(std::string_view invariant, std::string_view detail = {}) {
  constexpr std::size_t kMaxDetail = 300;
  std::fprintf(stderr, "fuzz invariant broken: %.*s\n", static_cast<int>(invariant.size()),
               invariant.data());
  if (!detail.empty()) {
    const std::size_t printed = detail.size() < kMaxDetail ? detail.size() : kMaxDetail;
    std::fprintf(stderr, "  detail: %.*s%s\n", static_cast<int>(printed), detail.data(),
                 printed < detail.size() ? "..." : "");
  }
  std::abort();
}

/** Calls fail() unless `condition` holds. */
inline void require(bool condition, std::string_view invariant, std::string_view detail = {}) {
  if (!condition) fail(invariant, detail);
}

/** Returns the fuzz input as text, which may contain any byte, NUL included. */
inline std::string textOf(const uint8_t* data, std::size_t size) {
  return std::string(reinterpret_cast<const char*>(data), size);
}

/**
 * Sends log and audit lines to /dev/null, so they are still formatted (and so checked by the
 * sanitizers) but do not flood the fuzzer's output.
 */
inline void quietLogs() {
  static std::FILE* sink = std::fopen("/dev/null", "w");
  if (sink == nullptr) fail("cannot open /dev/null for the log output");
  log::setOutput(sink);
  log::setAuditOutput(sink);
  log::setLevel(log::Level::kDebug);
}

/**
 * A fresh folder, removed when the process exits normally. It lives in /dev/shm when there is
 * one, so SQLite's syncs cost no disk writes on every fuzzed request.
 */
class TempFolder {
 public:
  explicit TempFolder(const std::string& name) {
    std::error_code error;
    const std::filesystem::path base = std::filesystem::is_directory("/dev/shm", error)
                                           ? std::filesystem::path("/dev/shm")
                                           : std::filesystem::temp_directory_path();
    std::string pattern = (base / ("agora-fuzz-" + name + "-XXXXXX")).string();
    if (mkdtemp(pattern.data()) == nullptr) fail("cannot create a temp folder", pattern);
    path_ = pattern;
  }
  ~TempFolder() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;

  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

/**
 * Returns the folder of this run's files, created on first use. It is removed at a normal
 * exit, after the fixtures built later (and so destroyed earlier) closed their files.
 */
inline const TempFolder& runFolder(const std::string& name) {
  static const TempFolder folder(name);
  return folder;
}

}  // namespace agora::fuzz
