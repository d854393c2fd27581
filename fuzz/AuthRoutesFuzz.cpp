// Fuzzes the auth routes (login, refresh by body or cookie, service tokens, session listing and
// revocation, the edge check) with their bodies and headers: a success or a 4xx problem.
#include <cstdint>

#include "IdentityModules.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using namespace agora::fuzz;
  IdentityModules& modules = identityModules();
  const auto request = readFuzzRequest(textOf(data, size), modules.placeholders);
  if (request) runRequest(modules.auth_router, *request, modules.callers);
  return 0;
}
