// Builds a module's database from configuration.
#pragma once

#include "platform/config/Config.h"
#include "platform/data/Database.h"

#include <memory>
#include <string>

namespace agora::app {

/** The database of a module from `<module>.database.*`. */
std::shared_ptr<data::Database> makeDatabase(const config::Config& config,
                                             const std::string& module);

}  // namespace agora::app
