// The orders module's schema: orders, order lines and idempotency keys.
#pragma once

#include <vector>

#include "platform/data/Migrations.h"

namespace agora::orders {

/** Every schema step of the orders module, oldest first, for SQLite and MySQL. */
std::vector<data::Migration> ordersMigrations();

}  // namespace agora::orders
