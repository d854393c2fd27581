// `agora probe URL`: a health check for images that have no curl or shell.
#pragma once

#include <chrono>
#include <ostream>
#include <string>

namespace agora::app {

/**
 * Sends one GET to a plain-HTTP `url` and returns the exit status of the probe: 0 when the
 * response status is 2xx within `timeout`, else 1. Writes the status line, or the error, to `out`.
 */
int probe(const std::string& url, std::chrono::milliseconds timeout, std::ostream& out);

}  // namespace agora::app
