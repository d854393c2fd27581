// The products a fresh demo shop starts with.
#pragma once

#include <vector>

#include "modules/catalog/Product.h"

namespace agora::catalog {

/** A handful of products with stock, so a new installation has something to order. */
std::vector<NewProduct> demoProducts();

}  // namespace agora::catalog
