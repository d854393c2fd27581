// Process metrics read from /proc/self, in the names the Prometheus client libraries use.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "platform/metrics/Metrics.h"

namespace agora::metrics {
namespace {

/** Reads the fields of /proc/self/stat after the command name, so index 0 is field 3. */
std::vector<std::string> statFields() {
  std::ifstream file("/proc/self/stat");
  std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  // The command name is in parentheses and may itself contain spaces or parentheses.
  std::size_t close = text.rfind(')');
  if (close == std::string::npos) return {};
  std::istringstream rest(text.substr(close + 1));
  std::vector<std::string> fields;
  std::string field;
  while (rest >> field) fields.push_back(field);
  return fields;
}

double bootTimeSeconds() {
  std::ifstream file("/proc/stat");
  std::string name;
  double value = 0;
  while (file >> name) {
    if (name == "btime") {
      file >> value;
      return value;
    }
    file.ignore(1 << 20, '\n');
  }
  return 0;
}

void collect(Registry& registry) {
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page_size = static_cast<double>(sysconf(_SC_PAGESIZE));

  // Field numbers as in proc(5): utime 14, stime 15, num_threads 20, starttime 22, rss 24.
  auto fields = statFields();
  auto field = [&](std::size_t number) { return std::stod(fields.at(number - 3)); };
  if (fields.size() >= 22 && ticks > 0) {
    // The kernel keeps the running total, so the counter is set rather than incremented.
    registry.setGauge("process_cpu_seconds_total", {}, (field(14) + field(15)) / ticks);
    registry.setGauge("process_threads", {}, field(20));
    double boot = bootTimeSeconds();
    if (boot > 0) registry.setGauge("process_start_time_seconds", {}, boot + field(22) / ticks);
    registry.setGauge("process_resident_memory_bytes", {}, field(24) * page_size);
  }

  std::error_code error;
  std::size_t open_fds = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", error), end; !error && it != end;
       it.increment(error)) {
    ++open_fds;
  }
  if (!error) registry.setGauge("process_open_fds", {}, static_cast<double>(open_fds));
}

}  // namespace

void addProcessCollector(Registry& registry) {
  registry.describe("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.");
  registry.describe("process_cpu_seconds_total", "counter",
                    "Total user and system CPU time spent in seconds.");
  registry.describe("process_open_fds", "gauge", "Number of open file descriptors.");
  registry.describe("process_threads", "gauge", "Number of operating system threads.");
  registry.describe("process_start_time_seconds", "gauge",
                    "Start time of the process since the Unix epoch in seconds.");
  registry.addCollector(collect);
}

}  // namespace agora::metrics
