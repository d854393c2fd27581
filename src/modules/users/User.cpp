// Role names and their stored comma-list form.
#include "modules/users/User.h"

#include <algorithm>

namespace agora::users {

bool UserView::isAdmin() const {
  return std::find(roles.begin(), roles.end(), kAdminRole) != roles.end();
}

bool isAllowedRole(std::string_view role) {
  return role == kCustomerRole || role == kAdminRole;
}

std::vector<std::string> canonicalRoles(const std::vector<std::string>& requested) {
  std::vector<std::string> roles = {std::string(kCustomerRole)};
  if (std::find(requested.begin(), requested.end(), kAdminRole) != requested.end()) {
    roles.emplace_back(kAdminRole);
  }
  return roles;
}

std::string joinRoles(const std::vector<std::string>& roles) {
  std::string joined;
  for (const auto& role : roles) {
    if (!joined.empty()) joined += ',';
    joined += role;
  }
  return joined;
}

std::vector<std::string> splitRoles(std::string_view stored) {
  std::vector<std::string> roles;
  while (!stored.empty()) {
    std::size_t comma = stored.find(',');
    std::string_view role = stored.substr(0, comma);
    if (!role.empty()) roles.emplace_back(role);
    if (comma == std::string_view::npos) break;
    stored.remove_prefix(comma + 1);
  }
  return roles;
}

}  // namespace agora::users
