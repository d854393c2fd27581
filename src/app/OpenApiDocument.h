// The project's OpenAPI 3.1 document (api/openapi.json), compiled into the binary.
#pragma once

#include <string>

namespace agora::app {

/** The JSON text of api/openapi.json as it was when the binary was built. */
const std::string& openApiDocument();

}  // namespace agora::app
