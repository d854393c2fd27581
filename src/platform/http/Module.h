// The interface every service module implements so main can mount it in a process.
#pragma once

#include "platform/http/Router.h"

#include <string>

namespace agora::http {

/** A service module: registers its routes and reports whether its backends answer. */
class Module {
 public:
  virtual ~Module() = default;
  virtual std::string name() const = 0;
  virtual void registerRoutes(Router& router) = 0;
  /** Empty when ready; otherwise the reason (e.g. "database: connection refused"). */
  virtual std::string readinessProblem() { return {}; }
};

}  // namespace agora::http
