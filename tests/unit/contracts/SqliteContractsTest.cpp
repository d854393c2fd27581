// The repository contract suites on SQLite files; the backend tests run the same on MariaDB.
#include "../../contracts/CatalogContract.h"
#include "../../contracts/OrdersContract.h"
#include "../../contracts/UsersContract.h"

namespace agora::testing {
namespace {

INSTANTIATE_TEST_SUITE_P(Sqlite, UsersContract, ::testing::Values(sqliteBackend()), backendName);
INSTANTIATE_TEST_SUITE_P(Sqlite, UsersPrefixContract, ::testing::Values(sqliteBackend()),
                         backendName);
INSTANTIATE_TEST_SUITE_P(Sqlite, CatalogContract, ::testing::Values(sqliteBackend()), backendName);
INSTANTIATE_TEST_SUITE_P(Sqlite, OrdersContract, ::testing::Values(sqliteBackend()), backendName);

}  // namespace
}  // namespace agora::testing
