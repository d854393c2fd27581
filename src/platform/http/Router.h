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

/**
 * Routes by exact segments with `{param}` wildcards; literal segments win over parameters.
 * Fallback routes handle any path that no template matches, outside their excluded prefixes.
 */
class Router {
 public:
  /** Registers a route; throws std::logic_error on a duplicate method and template. */
  void add(Route route);
  /**
   * Registers a route for every path that no template matches and that does not start with
   * one of `excluded_prefixes` (e.g. "/api/"). Its template is only a label for logs and
   * metrics. Throws std::logic_error on a second fallback for the same method.
   */
  void addFallback(Route route, std::vector<std::string> excluded_prefixes);
  RouteMatch match(const std::string& method, const std::string& path) const;
  /** Returns the templated routes; fallbacks are left out (they belong to no API path). */
  const std::vector<Route>& routes() const { return routes_; }

 private:
  struct Fallback {
    Route route;
    std::vector<std::string> excluded_prefixes;
  };

  std::vector<Route> routes_;
  std::vector<Fallback> fallbacks_;
};

}  // namespace agora::http
