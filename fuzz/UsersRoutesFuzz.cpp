// Fuzzes the users routes (registration, profile, password change, admin listing and updates,
// the internal credential check) with their bodies and queries: a success or a 4xx problem.
#include <cstdint>

#include "IdentityModules.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using namespace agora::fuzz;
  IdentityModules& modules = identityModules();
  const auto request = readFuzzRequest(textOf(data, size), modules.placeholders);
  if (request) runRequest(modules.users_router, *request, modules.callers);
  return 0;
}
