// The web storefront's files (web/index.html and web/assets/), compiled into the binary.
#pragma once

#include <map>
#include <string>

namespace agora::app {

/** Every storefront file by its request path ("/index.html", "/assets/app.js"). */
std::map<std::string, std::string> webFiles();

}  // namespace agora::app
