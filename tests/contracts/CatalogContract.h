// The catalog repository contract: product CRUD, search, pages, reservations and releases,
// for any backend. Included once per test binary.
#pragma once

#include <atomic>
#include <set>

#include "../unit/catalog/CatalogTestSupport.h"
#include "TestDatabases.h"
#include "modules/catalog/ProductService.h"
#include "platform/http/Pagination.h"

namespace agora::testing {

class CatalogContract : public ContractTest {
 protected:
  CatalogContract()
      : database_(open("catalog", catalog::CatalogModule::migrations())),
        products_(database_, "EUR", clock_.clock()),
        module_(catalog::testing::catalogConfig(), database_, clock_.clock()),
        catalog_(module_.api()) {}

  std::string product(const std::string& sku, int64_t stock, const std::string& name = "") {
    return products_.create({sku, name.empty() ? "Name of " + sku : name, "", 500, stock}).id;
  }

  int64_t stockOf(const std::string& id) { return products_.get(id).stock; }

  /** The problem type `action` throws, or "" when it returns. */
  template <typename Action>
  static std::string problemType(Action&& action) {
    auto problem = catalog::testing::problemOf(std::forward<Action>(action));
    return problem ? problem->type() : "";
  }

  /** Returns the names of the products a search finds on its first page. */
  std::set<std::string> namesFound(const std::string& query) {
    http::PageRequest page;
    page.limit = 100;
    std::set<std::string> names;
    for (const auto& item : products_.list(query, page).items) names.insert(item.name);
    return names;
  }

  catalog::testing::ManualClock clock_;
  std::shared_ptr<data::Database> database_;
  catalog::ProductService products_;
  catalog::CatalogModule module_;
  std::shared_ptr<catalog::CatalogApi> catalog_;
};

// Test that names and descriptions with SQL metacharacters and emoji read back unchanged.
TEST_P(CatalogContract, ProductTextRoundTrips) {
  const std::string description = kAwkwardText + "\nsecond line\twith a tab";
  const std::string id =
      products_.create({"TEXT-1", "Mug " + kAwkwardText, description, 1290, 3}).id;

  const catalog::Product read = products_.get(id);
  EXPECT_EQ(read.name, "Mug " + kAwkwardText);
  EXPECT_EQ(read.description, description);
  EXPECT_EQ(read.price_cents, 1290);
  EXPECT_EQ(read.stock, 3);
}

// Test that large cents and stock values keep all their digits.
TEST_P(CatalogContract, LargeNumbersRoundTrip) {
  const std::string id = products_.create({"BIG-1", "Big", "", 999'999'999'999, 1'000'000'000}).id;
  EXPECT_EQ(products_.get(id).price_cents, 999'999'999'999);
  EXPECT_EQ(products_.get(id).stock, 1'000'000'000);
}

// Test that a SKU taken in another case is a conflict.
TEST_P(CatalogContract, DuplicateSkuIgnoringCaseConflicts) {
  product("MUG-1", 1);
  EXPECT_EQ(problemType([&] { product("mug-1", 1); }), "/problems/duplicate-sku");
}

// Test that concurrent creates of one SKU create exactly one product.
TEST_P(CatalogContract, ConcurrentDuplicateSkusCreateOne) {
  std::atomic<int> created{0};
  std::atomic<int> duplicates{0};
  runConcurrently(8, [&](int) {
    const std::string type = problemType([&] { product("RACE-1", 1); });
    if (type.empty()) ++created;
    if (type == "/problems/duplicate-sku") ++duplicates;
  });

  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(duplicates.load(), 7);
}

// Test that an update with unchanged values succeeds and keeps the product.
TEST_P(CatalogContract, UnchangedUpdateIsAccepted) {
  const std::string id = product("SAME-1", 4);
  catalog::ProductChanges changes;
  changes.stock = 4;
  EXPECT_EQ(products_.update(id, changes).stock, 4);
  EXPECT_EQ(stockOf(id), 4);
}

// Test that a soft delete hides the product, frees its SKU and cannot be repeated.
TEST_P(CatalogContract, SoftDeleteHidesAndFreesSku) {
  const std::string id = product("GONE-1", 1);
  products_.remove(id);

  EXPECT_EQ(problemType([&] { products_.get(id); }), "/problems/not-found");
  EXPECT_EQ(problemType([&] { products_.remove(id); }), "/problems/not-found");
  EXPECT_EQ(problemType([&] { product("GONE-1", 2); }), "");
}

// Test that search ignores case and treats % and _ as plain characters.
TEST_P(CatalogContract, SearchIgnoresCaseAndWildcards) {
  product("S-1", 1, "Blue Mug");
  product("S-2", 1, "100% Cotton Tee");
  product("S-3", 1, "snake_case Pin");
  product("S-4", 1, "Cart 🛒 Sticker");
  product("S-5", 1, "1000 Pieces");

  EXPECT_EQ(namesFound("MUG"), std::set<std::string>{"Blue Mug"});
  EXPECT_EQ(namesFound("100%"), std::set<std::string>{"100% Cotton Tee"});
  EXPECT_EQ(namesFound("e_c"), std::set<std::string>{"snake_case Pin"});
  EXPECT_EQ(namesFound("🛒"), std::set<std::string>{"Cart 🛒 Sticker"});
}

// Test that pages of three visit every product once, also when creation times tie.
TEST_P(CatalogContract, PagesVisitEveryProductOnce) {
  std::set<std::string> created;
  for (int i = 0; i < 8; ++i) {
    if (i % 3 == 0) clock_.advance(1);
    created.insert(product("PAGE-" + std::to_string(i), 1));
  }

  std::vector<std::string> seen;
  http::PageRequest page;
  page.limit = 3;
  for (int pages = 0; pages < 10; ++pages) {
    const catalog::ProductPage result = products_.list("", page);
    for (const auto& item : result.items) seen.push_back(item.id);
    if (!result.next_cursor) break;
    page.after = *http::decodeCursor(*result.next_cursor, 2);
  }

  EXPECT_EQ(seen.size(), 8u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), created);
}

// Test that a reservation takes stock and its release returns it.
TEST_P(CatalogContract, ReserveThenReleaseRestoresStock) {
  const std::string mug = product("MUG", 5, "Mug " + kAwkwardText);
  const catalog::Reservation reservation = catalog_->reserve("order-1", {{mug, 2}});
  EXPECT_EQ(reservation.items.at(0).name, "Mug " + kAwkwardText);
  EXPECT_EQ(stockOf(mug), 3);

  catalog_->release("order-1");
  EXPECT_EQ(stockOf(mug), 5);
}

// Test that one item short of stock reserves nothing of the others.
TEST_P(CatalogContract, ShortItemReservesNothing) {
  const std::string mug = product("MUG", 5);
  const std::string tee = product("TEE", 1);

  EXPECT_EQ(problemType([&] {
              catalog_->reserve("order-1", {{mug, 2}, {tee, 3}});
            }),
            "/problems/out-of-stock");
  EXPECT_EQ(stockOf(mug), 5);
  EXPECT_EQ(stockOf(tee), 1);
}

// Test that reserving the exact remaining stock succeeds and leaves zero.
TEST_P(CatalogContract, LastUnitsCanBeReserved) {
  const std::string mug = product("MUG", 2);
  catalog_->reserve("order-1", {{mug, 2}});
  EXPECT_EQ(stockOf(mug), 0);
}

// Test that reserving again for the same order returns the first reservation only.
TEST_P(CatalogContract, RepeatedReserveTakesStockOnce) {
  const std::string mug = product("MUG", 5);
  catalog_->reserve("order-1", {{mug, 2}});
  const catalog::Reservation again = catalog_->reserve("order-1", {{mug, 2}});

  EXPECT_EQ(again.items.at(0).quantity, 2);
  EXPECT_EQ(stockOf(mug), 3);
}

// Test that a second release returns nothing more.
TEST_P(CatalogContract, ReleaseTwiceReturnsStockOnce) {
  const std::string mug = product("MUG", 5);
  catalog_->reserve("order-1", {{mug, 2}});
  catalog_->release("order-1");
  catalog_->release("order-1");
  EXPECT_EQ(stockOf(mug), 5);
}

// Test that concurrent reservations for one order take its stock once.
TEST_P(CatalogContract, ConcurrentReservesOfOneOrderTakeStockOnce) {
  const std::string mug = product("MUG", 10);
  std::atomic<int> answered{0};
  runConcurrently(8, [&](int) {
    if (catalog_->reserve("order-1", {{mug, 3}}).items.at(0).quantity == 3) ++answered;
  });

  EXPECT_EQ(answered.load(), 8);
  EXPECT_EQ(stockOf(mug), 7);
}

}  // namespace agora::testing
