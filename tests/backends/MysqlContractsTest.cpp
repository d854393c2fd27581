// The repository contract suites on MariaDB; the unit tests run the same on SQLite files.
#include "MysqlTestSupport.h"
#include "contracts/CatalogContract.h"
#include "contracts/OrdersContract.h"
#include "contracts/UsersContract.h"

namespace agora::testing {
namespace {

INSTANTIATE_TEST_SUITE_P(Mariadb, UsersContract, ::testing::Values(mysqlBackend()), backendName);
INSTANTIATE_TEST_SUITE_P(Mariadb, UsersPrefixContract, ::testing::Values(mysqlBackend()),
                         backendName);
INSTANTIATE_TEST_SUITE_P(Mariadb, CatalogContract, ::testing::Values(mysqlBackend()), backendName);
INSTANTIATE_TEST_SUITE_P(Mariadb, OrdersContract, ::testing::Values(mysqlBackend()), backendName);

}  // namespace
}  // namespace agora::testing
