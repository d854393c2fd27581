// Matches a method and path against the registered route templates.
#pragma once

#include "platform/http/Route.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace agora::http {

/** The result of a lookup: the route and its path parameters, or why nothing matched. */
struct RouteMatch {
  const Route* route = nullptr;
  std::map<std::string, std::string> path_params;
  bool path_known = false;  // some route has this path with another method (405, not 404)
  std::vector<std::string> allowed_methods;
};

/** Routes by exact segments with `{param}` wildcards; literal segments win over parameters. */
class Router {
 public:
  /** Registers a route; throws std::logic_error on a duplicate method and template. */
  void add(Route route);
  RouteMatch match(const std::string& method, const std::string& path) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace agora::http
