// Demo products for a fresh installation, priced in minor units of the shop's currency.
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
      {"AG-CAP-007", "Baseball cap", "Cotton twill, adjustable strap.", 1990, 70},
      {"AG-HOOD-008", "Hooded sweatshirt", "Brushed fleece, size L.", 4990, 45},
      {"AG-BTL-009", "Steel water bottle", "Double-walled, 500 ml, keeps drinks cold.", 2290, 90},
      {"AG-PIN-010", "Enamel pin", "Hard enamel, 25 mm, butterfly clasp.", 690, 300},
      {"AG-SOCK-011", "Striped socks", "Combed cotton, sizes 39-42.", 990, 150},
      {"AG-PAD-012", "Mouse pad", "Cloth top, rubber base, 30 × 25 cm.", 1190, 110},
      {"AG-KEY-013", "Keyring", "Brushed brass with a leather tab.", 850, 180},
      {"AG-PST-014", "Poster", "Matte print, A2, shipped rolled.", 1590, 65},
      {"AG-CRD-015", "Greeting cards", "Set of six with envelopes.", 1090, 140},
      {"AG-UMB-016", "Compact umbrella", "Automatic, wind-resistant frame.", 2790, 35},
      {"AG-TOW-017", "Tea towel", "Linen, 50 × 70 cm.", 1390, 85},
      {"AG-CNDL-018", "Soy candle", "Cedar scent, about 40 hours.", 1890, 55},
      {"AG-PZL-019", "Jigsaw puzzle", "500 pieces, city map motif.", 2190, 30},
      {"AG-LAN-020", "Lanyard", "Woven polyester with a safety clip.", 590, 250},
      {"AG-APR-021", "Kitchen apron", "Waxed cotton with two pockets.", 3490, 25},
      {"AG-COAST-022", "Cork coasters", "Set of four, 10 cm.", 790, 160},
      {"AG-BOOK-023", "Bookmark set", "Three letterpress bookmarks.", 650, 220},
      {"AG-GIFT-024", "Gift card", "Printed card with a personal message.", 2500, 1000},
  };
}

}  // namespace agora::catalog
