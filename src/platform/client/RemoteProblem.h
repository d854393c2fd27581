// Turns another role's problem-details response back into the http::Problem it threw there.
#pragma once

#include "platform/client/ServiceClient.h"
#include "platform/http/Problem.h"

namespace agora::client {

/**
 * Rebuilds the problem of a 4xx response: its status, type, title, detail and field `errors`,
 * and every other member (such as `products`) as an extension. `instance` and `request_id`
 * are left out because this process's response sets its own. A response without a problem
 * body becomes a problem with the response's status and a generic type.
 */
http::Problem problemFromResponse(const CallResult& response);

}  // namespace agora::client
