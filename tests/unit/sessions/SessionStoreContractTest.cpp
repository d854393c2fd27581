// Runs the SessionStore contract against the in-process store.
#include "SessionStoreContract.h"
#include "platform/sessions/MemorySessionStore.h"

namespace agora::sessions::testing {
namespace {

/** Builds in-process stores for the contract suite. */
struct MemoryStoreFactory {
  static std::shared_ptr<SessionStore> make(SessionLimits limits, Clock clock) {
    return std::make_shared<MemorySessionStore>(freshCodec(), limits, std::move(clock));
  }
  static std::optional<std::string> rawRecord(SessionStore& store, const std::string& id) {
    return dynamic_cast<MemorySessionStore&>(store).rawRecord(id);
  }
};

INSTANTIATE_TYPED_TEST_SUITE_P(Memory, SessionStoreContract, MemoryStoreFactory);

}  // namespace
}  // namespace agora::sessions::testing
