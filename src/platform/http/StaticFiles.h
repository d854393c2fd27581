// Serves a fixed set of files (the web storefront) for the paths outside the API.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "platform/http/Request.h"
#include "platform/http/Response.h"
#include "platform/http/Router.h"

namespace agora::http {

/** The policy of the storefront's pages: its own scripts, styles and API only. */
inline constexpr const char* kStorefrontContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/**
 * Serves GET and HEAD for files kept in memory, keyed by their request path ("/index.html",
 * "/assets/app.js"); "/" serves "/index.html". Each answer carries its media type (from the
 * file name), an ETag, `Cache-Control: no-cache` (so a new build shows at once) and, for HTML,
 * the storefront's content security policy. A path with dot segments, percent-encoding,
 * backslashes or empty segments is refused (400); an unknown file is a 404 problem. There is
 * no file system access, so nothing outside the given files can be reached.
 */
class StaticFiles {
 public:
  explicit StaticFiles(std::map<std::string, std::string> files);

  /** Returns the response for `request` (its path and If-None-Match header); throws Problem. */
  Response serve(const Request& request) const;

  /**
   * Registers GET and HEAD fallbacks on `router` for every path outside `excluded_prefixes`.
   * The router's routes keep this object alive.
   */
  static void registerRoutes(std::shared_ptr<const StaticFiles> files, Router& router,
                             std::vector<std::string> excluded_prefixes);

  /** Returns the media type of a file name by its extension, or application/octet-stream. */
  static std::string contentTypeOf(std::string_view path);

  /** Returns true when `path` is absolute without dot or empty segments, '%', '\\' or NUL. */
  static bool isPlainPath(std::string_view path);

 private:
  struct File {
    std::string content;
    std::string content_type;
    std::string etag;
  };
  std::map<std::string, File> files_;
};

}  // namespace agora::http
