// The catalog's schema: products, reservations and reserved items.
#pragma once

#include <vector>

#include "platform/data/Migrations.h"

namespace agora::catalog {

/** Every schema step of the catalog module, oldest first, for SQLite and MySQL. */
std::vector<data::Migration> catalogMigrations();

}  // namespace agora::catalog
