-- GET of the URL's path, nothing else: the ceilings, poco-204 and catalog-list.
package.path = os.getenv("BENCH_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")

setup = common.setup
done = common.report
