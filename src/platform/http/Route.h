// A route: method, path template, who may call it and the handler.
#pragma once

#include "platform/http/Request.h"
#include "platform/http/Response.h"

#include <functional>
#include <string>

namespace agora::http {

/** Who may call a route. Checked before the handler runs, by the router's pipeline. */
enum class Access {
  kPublic,   // anyone; no token needed
  kUser,     // a valid user access token whose session is active
  kAdmin,    // kUser plus the `admin` role
  kService,  // a valid service token (internal routes only)
};

using Handler = std::function<Response(Request&)>;

/** One registered route. Templates use `{name}` segments: "/api/orders/{id}/cancel". */
struct Route {
  std::string method;
  std::string path_template;
  Access access = Access::kPublic;
  Handler handler;
  bool has_body = false;  // true when the route reads a JSON body (media type is then checked)
};

}  // namespace agora::http
