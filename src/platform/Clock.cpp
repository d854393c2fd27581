// RFC 3339 formatting of wall-clock seconds for API bodies and logs.
#include "platform/Clock.h"

#include <ctime>
#include <stdexcept>

namespace agora {

std::string formatRfc3339(int64_t seconds) {
  std::time_t time = static_cast<std::time_t>(seconds);
  std::tm utc{};
  if (gmtime_r(&time, &utc) == nullptr) {
    throw std::out_of_range("cannot format " + std::to_string(seconds) +
                            " as RFC 3339: the year is out of range");
  }
  char text[32];
  std::size_t length = std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return std::string(text, length);
}

}  // namespace agora
