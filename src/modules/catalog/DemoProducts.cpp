// Demo products for a fresh installation; prices in minor units of the shop's currency.
#include "modules/catalog/DemoProducts.h"

namespace agora::catalog {

std::vector<NewProduct> demoProducts() {
  return {
      {"AG-MUG-001", "Agora coffee mug", "Stoneware mug, 350 ml, dishwasher safe.", 1290, 120},
      {"AG-TEE-002", "Agora T-shirt", "Organic cotton, unisex cut, size M.", 2490, 80},
      {"AG-NB-003", "Dotted notebook", "A5, 160 pages of 100 g/m² paper.", 1450, 200},
      {"AG-PEN-004", "Fountain pen", "Steel nib, medium, with a converter.", 3900, 40},
      {"AG-BAG-005", "Canvas tote bag", "Heavy canvas, 38 × 42 cm.", 1800, 60},
      {"AG-STK-006", "Sticker pack", "Twelve vinyl stickers.", 490, 500},
  };
}

}  // namespace agora::catalog
