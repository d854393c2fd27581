// Serving in-memory files: path checks, media types, ETags and the page's security policy.
#include "platform/http/StaticFiles.h"

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>
#include <Poco/String.h>

#include <algorithm>
#include <array>
#include <stdexcept>
#include <utility>

#include "platform/http/Problem.h"

namespace agora::http {
namespace {

constexpr const char* kIndexPath = "/index.html";
/** The fallback's label in logs and metrics: one value for every file, so labels stay few. */
constexpr const char* kFallbackLabel = "/*";

struct MediaType {
  std::string_view extension;
  std::string_view type;
};

constexpr std::array<MediaType, 12> kMediaTypes = {{
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json; charset=utf-8"},
    {".webmanifest", "application/manifest+json; charset=utf-8"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".txt", "text/plain; charset=utf-8"},
    {".woff2", "font/woff2"},
    {".map", "application/json; charset=utf-8"},
}};

std::string etagOf(const std::string& content) {
  Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
  engine.update(content);
  // 128 bits of the digest are plenty to tell versions of one file apart.
  return "\"" + Poco::DigestEngine::digestToHex(engine.digest()).substr(0, 32) + "\"";
}

/** Returns true when an If-None-Match value names `etag` (weak or strong) or is "*". */
bool matchesAnyTag(const std::string& if_none_match, const std::string& etag) {
  std::size_t start = 0;
  while (start <= if_none_match.size()) {
    std::size_t comma = if_none_match.find(',', start);
    std::string tag = Poco::trim(if_none_match.substr(start, comma - start));
    if (tag.starts_with("W/")) tag.erase(0, 2);
    if (tag == etag || tag == "*") return true;
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return false;
}

}  // namespace

StaticFiles::StaticFiles(std::map<std::string, std::string> files) {
  for (auto& [path, content] : files) {
    if (!isPlainPath(path)) {
      throw std::invalid_argument("static file path \"" + path +
                                  "\" must be absolute, without dot or empty segments");
    }
    File file;
    file.content_type = contentTypeOf(path);
    file.etag = etagOf(content);
    file.content = std::move(content);
    files_.emplace(path, std::move(file));
  }
}

Response StaticFiles::serve(const Request& request) const {
  if (!isPlainPath(request.path)) {
    throw Problem::badRequest(
        "invalid file path: remove dot segments, percent-encoding, backslashes and empty "
        "segments");
  }
  auto found = files_.find(request.path == "/" ? std::string(kIndexPath) : request.path);
  if (found == files_.end()) throw Problem::notFound("file not found in the storefront");
  const File& file = found->second;

  Response response;
  response.withHeader("ETag", file.etag).withHeader("Cache-Control", "no-cache");
  if (file.content_type.starts_with("text/html")) {
    response.withHeader("Content-Security-Policy", kStorefrontContentSecurityPolicy);
  }
  auto if_none_match = request.header("if-none-match");
  if (if_none_match && matchesAnyTag(*if_none_match, file.etag)) {
    response.status = 304;
    return response;
  }
  response.content_type = file.content_type;
  response.raw_body = file.content;
  return response;
}

void StaticFiles::registerRoutes(std::shared_ptr<const StaticFiles> files, Router& router,
                                 std::vector<std::string> excluded_prefixes) {
  for (const char* method : {"GET", "HEAD"}) {
    router.addFallback({method, kFallbackLabel, Access::kPublic,
                        [files](Request& request) { return files->serve(request); }},
                       excluded_prefixes);
  }
}

std::string StaticFiles::contentTypeOf(std::string_view path) {
  std::size_t slash = path.rfind('/');
  std::size_t dot = path.rfind('.');
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) {
    return "application/octet-stream";
  }
  std::string extension = Poco::toLower(std::string(path.substr(dot)));
  for (const auto& media_type : kMediaTypes) {
    if (media_type.extension == extension) return std::string(media_type.type);
  }
  return "application/octet-stream";
}

bool StaticFiles::isPlainPath(std::string_view path) {
  if (path.empty() || path.front() != '/') return false;
  if (path == "/") return true;
  if (path.find_first_of(std::string_view("%\\\0", 3)) != std::string_view::npos) return false;

  std::size_t start = 1;
  while (true) {
    std::size_t slash = path.find('/', start);
    std::string_view segment = path.substr(start, slash - start);
    if (segment.empty() || segment == "." || segment == "..") return false;
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

}  // namespace agora::http
