// Route matching by path segments; a literal segment outranks a parameter at the same depth.
#include "platform/http/Router.h"

#include <algorithm>
#include <stdexcept>
#include <string_view>

#include "platform/http/UrlCoding.h"

namespace agora::http {
namespace {

std::vector<std::string_view> splitSegments(std::string_view path) {
  std::vector<std::string_view> segments;
  path.remove_prefix(1);  // callers check the leading '/'
  std::size_t position = 0;
  while (true) {
    std::size_t slash = path.find('/', position);
    if (slash == std::string_view::npos) {
      segments.push_back(path.substr(position));
      return segments;
    }
    segments.push_back(path.substr(position, slash - position));
    position = slash + 1;
  }
}

bool isParameter(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

/** Returns the template with parameter names erased, so "/a/{id}" and "/a/{key}" compare equal. */
std::string shapeOf(const std::string& path_template) {
  std::string shape;
  for (auto segment : splitSegments(path_template)) {
    shape += '/';
    shape += isParameter(segment) ? std::string_view("{}") : segment;
  }
  return shape;
}

/**
 * Matches one template against the request's segments. On success fills `params` and
 * `literal_positions` (true where the template has a literal), used to rank candidates.
 */
bool matchTemplate(const std::string& path_template, const std::vector<std::string_view>& path,
                   std::map<std::string, std::string>& params,
                   std::vector<bool>& literal_positions) {
  auto segments = splitSegments(path_template);
  if (segments.size() != path.size()) return false;

  params.clear();
  literal_positions.assign(segments.size(), false);
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (!isParameter(segments[i])) {
      if (segments[i] != path[i]) return false;
      literal_positions[i] = true;
      continue;
    }
    if (path[i].empty()) return false;
    auto value = percentDecode(path[i], false);
    if (!value || value->empty()) return false;
    params[std::string(segments[i].substr(1, segments[i].size() - 2))] = std::move(*value);
  }
  return true;
}

}  // namespace

void Router::add(Route route) {
  if (route.path_template.empty() || route.path_template.front() != '/') {
    throw std::logic_error("route template \"" + route.path_template + "\" must start with /");
  }
  if (route.method.empty() || !route.handler) {
    throw std::logic_error("route " + route.path_template + " needs a method and a handler");
  }
  std::string shape = shapeOf(route.path_template);
  for (const auto& existing : routes_) {
    if (existing.method == route.method && shapeOf(existing.path_template) == shape) {
      throw std::logic_error("duplicate route " + route.method + " " + route.path_template +
                             " (already registered as " + existing.path_template + ")");
    }
  }
  routes_.push_back(std::move(route));
}

void Router::addFallback(Route route, std::vector<std::string> excluded_prefixes) {
  if (route.path_template.empty() || route.path_template.front() != '/') {
    throw std::logic_error("fallback label \"" + route.path_template + "\" must start with /");
  }
  if (route.method.empty() || !route.handler) {
    throw std::logic_error("fallback " + route.path_template + " needs a method and a handler");
  }
  for (const auto& existing : fallbacks_) {
    if (existing.route.method == route.method) {
      throw std::logic_error("duplicate fallback for " + route.method);
    }
  }
  fallbacks_.push_back({std::move(route), std::move(excluded_prefixes)});
}

RouteMatch Router::match(const std::string& method, const std::string& path) const {
  RouteMatch result;
  if (path.empty() || path.front() != '/') return result;

  auto segments = splitSegments(path);
  std::vector<bool> best_rank;
  std::map<std::string, std::string> params;
  std::vector<bool> rank;
  for (const auto& route : routes_) {
    if (!matchTemplate(route.path_template, segments, params, rank)) continue;

    if (std::find(result.allowed_methods.begin(), result.allowed_methods.end(), route.method) ==
        result.allowed_methods.end()) {
      result.allowed_methods.push_back(route.method);
    }
    // Ranks compare position by position, so a literal earlier in the path wins.
    if (route.method == method && (result.route == nullptr || rank > best_rank)) {
      result.route = &route;
      result.path_params = params;
      best_rank = rank;
    }
  }

  // A templated path keeps its own 404 and 405 responses; fallbacks only fill the gaps.
  if (result.allowed_methods.empty()) {
    for (const auto& fallback : fallbacks_) {
      bool excluded =
          std::any_of(fallback.excluded_prefixes.begin(), fallback.excluded_prefixes.end(),
                      [&path](const std::string& prefix) { return path.starts_with(prefix); });
      if (excluded) continue;
      result.allowed_methods.push_back(fallback.route.method);
      if (fallback.route.method == method) result.route = &fallback.route;
    }
  }
  result.path_known = result.route == nullptr && !result.allowed_methods.empty();
  return result;
}

}  // namespace agora::http
